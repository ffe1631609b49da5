package dev.marquee.data.parse;

import dev.marquee.data.event.DeadLetter;
import dev.marquee.data.event.RatingRequest;
import java.util.List;

/**
 * What one Kafka record became: valid requests and dead letters. A record refused as a whole gives exactly
 * one dead letter; a well-formed envelope gives exactly one outcome per instance.
 */
public final class ParseResult {
    private final List<RatingRequest> requests;
    private final List<DeadLetter> deadLetters;

    ParseResult(List<RatingRequest> requests, List<DeadLetter> deadLetters) {
        this.requests = requests;
        this.deadLetters = deadLetters;
    }

    static ParseResult of(RatingRequest request) {
        return new ParseResult(List.of(request), List.of());
    }

    static ParseResult of(DeadLetter deadLetter) {
        return new ParseResult(List.of(), List.of(deadLetter));
    }

    public List<RatingRequest> requests() {
        return requests;
    }

    public List<DeadLetter> deadLetters() {
        return deadLetters;
    }

    /** Requests plus dead letters. */
    public int outcomes() {
        return requests.size() + deadLetters.size();
    }

    @Override
    public String toString() {
        return "ParseResult{requests=" + requests + ", deadLetters=" + deadLetters + "}";
    }
}

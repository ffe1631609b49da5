package dev.marquee.data.replay.drift;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.marquee.data.event.Rating;
import dev.marquee.data.event.SourcePosition;
import dev.marquee.data.parse.ParseResult;
import dev.marquee.data.parse.RequestParser;
import dev.marquee.data.replay.RequestEncoder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/** Test helpers: stationary rows, and drifted requests encoded and read back as the job would. */
final class Requests {
    private static final RequestEncoder ENCODER = new RequestEncoder();
    private static final RequestParser PARSER = new RequestParser();
    private static final ObjectMapper JSON = new ObjectMapper();

    private Requests() {}

    /** {@code n} rows of 20 users over 50 titles, one minute apart. */
    static List<Rating> rows(int n) {
        List<Rating> rows = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            rows.add(new Rating(String.valueOf(1 + i % 20), "Movie " + (i * 7 % 50) + " (1995)", 1 + i % 5, 880_000_000L + 60L * i));
        }
        return rows;
    }

    /** Every row through the injector, in order, as encoded bytes. */
    static List<byte[]> encodeAll(DriftInjector injector, List<Rating> rows) {
        List<byte[]> out = new ArrayList<>(rows.size());
        for (int i = 0; i < rows.size(); i++) out.add(ENCODER.single(injector.next("r-" + i, rows.get(i))));
        return out;
    }

    static byte[] encode(OutgoingRequest request) {
        return ENCODER.single(request);
    }

    static ParseResult parse(byte[] json) {
        return PARSER.parse(json, new SourcePosition("t", 0, 0, 0));
    }

    static JsonNode tree(byte[] json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Applies one kind to one row, as an affected request. */
    static OutgoingRequest apply(DriftKind kind, List<Rating> context, Rating row) {
        OutgoingRequest q = OutgoingRequest.of("r", row);
        kind.start(new DriftContext(context, List.of()), 42).apply(q);
        assertThat(q.requestId()).isEqualTo("r");
        return q;
    }
}

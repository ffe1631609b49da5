package dev.marquee.data.replay.drift;

import dev.marquee.data.event.Rating;
import java.util.List;
import java.util.Random;

/**
 * Applies a {@link DriftInjection} to one replay, request by request in replay order: the first {@code start}
 * requests pass unchanged, each later one is affected with probability {@code share} (a seeded draw), and an
 * affected request goes through every configured kind. Not thread-safe; one per replay.
 */
public final class DriftInjector {
    private final long start;
    private final double share;
    private final Random selection;
    private final List<RequestDrift> drifts;
    private long seen;
    private long affected;

    DriftInjector(long start, double share, Random selection, List<RequestDrift> drifts) {
        this.start = start;
        this.share = share;
        this.selection = selection;
        this.drifts = List.copyOf(drifts);
    }

    /** The next request of the replay, drifted when it is chosen. */
    public OutgoingRequest next(String requestId, Rating row) {
        OutgoingRequest request = OutgoingRequest.of(requestId, row);
        if (chosen(seen++)) {
            for (RequestDrift d : drifts) d.apply(request);
            request.markDrifted();
            affected++;
        }
        return request;
    }

    private boolean chosen(long index) {
        if (drifts.isEmpty() || index < start) return false;
        return share >= 1.0 || selection.nextDouble() < share;
    }

    /** Requests passed through so far. */
    public long seen() {
        return seen;
    }

    /** Requests drifted so far. */
    public long affected() {
        return affected;
    }
}

package dev.marquee.data.replay.drift;

/**
 * One kind of drift, as configured. Immutable; {@link #start} gives the transformation for one replay, which
 * may keep state (e.g. a per-user mapping) and draws only from its own seeded random source, so adding or
 * removing another kind does not change what this one does.
 */
public interface DriftKind {
    /** A few words for the replay's log line, e.g. "unseen user ids". */
    String describe();

    /** The transformation for one replay of {@code context}; {@code seed} is the injection's seed. */
    RequestDrift start(DriftContext context, long seed);
}

package dev.marquee.data.replay.drift;

/** Changes one affected request in place. */
@FunctionalInterface
public interface RequestDrift {
    void apply(OutgoingRequest request);
}

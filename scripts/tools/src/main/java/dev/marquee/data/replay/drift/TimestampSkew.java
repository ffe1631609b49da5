package dev.marquee.data.replay.drift;

import java.util.Locale;

/** Adds a fixed offset to every affected timestamp: 25200 s moves each request's hour of day by 7 hours. */
public final class TimestampSkew implements DriftKind {
    /** About a century either way: more is surely a typo. */
    public static final long MAX_SECONDS = 3_155_760_000L;

    private final long seconds;

    public TimestampSkew(long seconds) {
        if (Math.abs(seconds) > MAX_SECONDS) {
            throw new IllegalArgumentException("a timestamp skew must be within +-" + MAX_SECONDS + " s, got " + seconds);
        }
        this.seconds = seconds;
    }

    public long seconds() {
        return seconds;
    }

    @Override
    public String describe() {
        return String.format(Locale.ROOT, "timestamps %+d s", seconds);
    }

    @Override
    public RequestDrift start(DriftContext context, long seed) {
        return request -> request.timestamp(request.timestamp() + seconds);
    }
}

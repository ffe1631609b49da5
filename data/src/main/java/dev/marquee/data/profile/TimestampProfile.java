package dev.marquee.data.profile;

import java.io.Serializable;
import java.util.List;

/**
 * When the training ratings happened: the range, and the shares per hour of day and per day of week, both
 * in UTC.
 *
 * @param count timestamps counted
 * @param min earliest, seconds since the epoch (0 when nothing was counted)
 * @param max latest
 * @param hourOfDay 24 shares, index 0 = 00:00-00:59 UTC
 * @param dayOfWeek 7 shares, index 0 = Monday (ISO order)
 */
public record TimestampProfile(long count, long min, long max, List<Double> hourOfDay, List<Double> dayOfWeek)
        implements Serializable {
    public static final int HOURS = 24;
    public static final int DAYS = 7;
    private static final long SECONDS_PER_DAY = 86_400;
    /** 1970-01-01 was a Thursday: ISO index 3. */
    private static final int EPOCH_DAY_OF_WEEK = 3;

    public TimestampProfile {
        if (hourOfDay == null || hourOfDay.size() != HOURS || dayOfWeek == null || dayOfWeek.size() != DAYS) {
            throw new IllegalArgumentException("a timestamp profile needs " + HOURS + " hour-of-day and " + DAYS
                    + " day-of-week frequencies");
        }
        hourOfDay = List.copyOf(hourOfDay);
        dayOfWeek = List.copyOf(dayOfWeek);
        if (count < 0 || (count > 0 && min > max)) {
            throw new IllegalArgumentException("bad timestamp profile: count " + count + ", min " + min + ", max "
                    + max);
        }
        Frequencies.check("hour-of-day", hourOfDay);
        Frequencies.check("day-of-week", dayOfWeek);
    }

    /** The UTC hour of day of a timestamp in seconds, 0-23. */
    public static int hourOf(long epochSeconds) {
        return (int) (Math.floorMod(epochSeconds, SECONDS_PER_DAY) / 3600);
    }

    /** The UTC day of week of a timestamp in seconds, 0 = Monday ... 6 = Sunday. */
    public static int dayOfWeekOf(long epochSeconds) {
        return (int) Math.floorMod(Math.floorDiv(epochSeconds, SECONDS_PER_DAY) + EPOCH_DAY_OF_WEEK, (long) DAYS);
    }

    /** Counts timestamps one at a time. Not thread-safe. */
    static final class Counter {
        private final long[] hours = new long[HOURS];
        private final long[] days = new long[DAYS];
        private long count;
        private long min = Long.MAX_VALUE;
        private long max = Long.MIN_VALUE;

        void add(long epochSeconds) {
            hours[hourOf(epochSeconds)]++;
            days[dayOfWeekOf(epochSeconds)]++;
            min = Math.min(min, epochSeconds);
            max = Math.max(max, epochSeconds);
            count++;
        }

        TimestampProfile build() {
            return new TimestampProfile(count, count == 0 ? 0 : min, count == 0 ? 0 : max,
                    Frequencies.shares(hours, count), Frequencies.shares(days, count));
        }
    }
}

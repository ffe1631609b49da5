package dev.marquee.data.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RollingEventHoursTest {
    private static final long DAY = 24;
    /** 2000-01-03, a Monday, in hours since the epoch. */
    private static final long MONDAY = LocalDate.of(2000, 1, 3).toEpochDay() * DAY;

    @Test
    void spansItsSpanOnlyOnceWindowMediansCover28Days() {
        RollingEventHours rolling = new RollingEventHours();
        assertThat(rolling.spansItsSpan()).as("no window yet").isFalse();
        for (long h = 0; h < 28 * DAY; h += 12) {
            rolling.add(Map.of(MONDAY + h, 3L));
            assertThat(rolling.spansItsSpan()).as("medians over %d hours", h).isFalse();
        }
        rolling.add(Map.of(MONDAY + 28 * DAY, 3L));
        assertThat(rolling.spansItsSpan()).isTrue();
        assertThat(rolling.anchor).isEqualTo(MONDAY + 28 * DAY);
        assertThat(rolling.first).isEqualTo(MONDAY);
    }

    /** Live again after a backfill (or a restore of old state): the span starts over, it is not covered at once. */
    @Test
    void eventTimeJumpingForwardByMoreThanTheSpanStartsItOver() {
        RollingEventHours rolling = new RollingEventHours();
        rolling.add(Map.of(MONDAY, 1_000L));
        rolling.add(Map.of(MONDAY + 29 * DAY, 1_000L));
        assertThat(rolling.spansItsSpan()).as("one window's hours are no 28 days").isFalse();
        assertThat(rolling.rows()).isEqualTo(1_000);
        assertThat(rolling.first).isEqualTo(MONDAY + 29 * DAY);
    }

    /** A one-record window stamped weeks back (a client re-sending an old rating) moves nothing. */
    @Test
    void rowsOfASmallWindowCountOnlyInsideTheSpanAndNeverMoveIt() {
        RollingEventHours rolling = new RollingEventHours();
        rolling.add(Map.of(MONDAY + 30 * DAY, 600L));
        rolling.addWithinSpan(Map.of(MONDAY + 30 * DAY - 3, 2L, MONDAY + DAY, 1L)); // day 1: before the span
        assertThat(rolling.rows()).isEqualTo(602);
        assertThat(rolling.first).isEqualTo(MONDAY + 30 * DAY);
        assertThat(rolling.spansItsSpan()).isFalse();
    }

    @Test
    void aSingleWindowWithRowsOver28DaysDoesNotSpanIt() {
        RollingEventHours rolling = new RollingEventHours();
        Map<Long, Long> window = new HashMap<>();
        for (long d = 0; d <= 30; d++) window.put(MONDAY + d * DAY, 1L);
        rolling.add(window);
        assertThat(rolling.spansItsSpan()).as("one median").isFalse();
    }

    @Test
    void dropsHoursOlderThanTheSpan() {
        RollingEventHours rolling = new RollingEventHours();
        rolling.add(Map.of(MONDAY, 5L));
        rolling.add(Map.of(MONDAY + 10 * DAY, 2L));
        assertThat(rolling.hours).containsOnlyKeys(MONDAY, MONDAY + 10 * DAY);
        assertThat(rolling.rows()).isEqualTo(7);
        rolling.add(Map.of(MONDAY + 28 * DAY, 1L));
        assertThat(rolling.hours).as("exactly 28 days old: kept").containsKey(MONDAY);
        rolling.add(Map.of(MONDAY + 28 * DAY + 1, 1L));
        assertThat(rolling.hours).as("28 days and an hour old: dropped").doesNotContainKey(MONDAY)
                .containsKeys(MONDAY + 10 * DAY, MONDAY + 28 * DAY, MONDAY + 28 * DAY + 1);
        assertThat(rolling.rows()).isEqualTo(4);
        Map<Long, Long> late = new HashMap<>(Map.of(MONDAY + 28 * DAY + 2, 5L, MONDAY + 1, 1L, MONDAY + 2, 1L));
        rolling.add(late);
        assertThat(rolling.hours).as("a late row older than the span is not counted, one just inside is")
                .doesNotContainKey(MONDAY + 1).containsEntry(MONDAY + 2, 1L);
    }

    @Test
    void aFewWildTimestampsDoNotMoveTheAnchor() {
        RollingEventHours rolling = new RollingEventHours();
        rolling.add(Map.of(MONDAY, 10L));
        Map<Long, Long> window = new HashMap<>();
        window.put(MONDAY + 5, 10L);
        window.put(MONDAY + 5 + 100 * 365 * DAY, 2L); // a century ahead
        window.put(MONDAY - 30 * 365 * DAY, 1L); // decades back
        rolling.add(window);
        assertThat(rolling.anchor).isEqualTo(MONDAY + 5);
        assertThat(rolling.first).isEqualTo(MONDAY);
        assertThat(rolling.spansItsSpan()).isFalse();
        assertThat(rolling.hours).containsOnlyKeys(MONDAY, MONDAY + 5);
        assertThat(rolling.rows()).isEqualTo(20);
        rolling.add(Map.of(MONDAY + 6, 4L));
        assertThat(rolling.hours).as("the next window still counts").containsEntry(MONDAY + 6, 4L);
    }

    @Test
    void anEarlierWindowDoesNotMoveTheAnchorBack() {
        RollingEventHours rolling = new RollingEventHours();
        rolling.add(Map.of(MONDAY + 10 * DAY, 1L));
        rolling.add(Map.of(MONDAY + 3 * DAY, 2L));
        assertThat(rolling.anchor).isEqualTo(MONDAY + 10 * DAY);
        assertThat(rolling.first).isEqualTo(MONDAY + 3 * DAY);
        assertThat(rolling.hours).containsEntry(MONDAY + 3 * DAY, 2L);
    }

    @Test
    void sharesPerHourOfDayAndDayOfWeek() {
        RollingEventHours rolling = new RollingEventHours();
        Map<Long, Long> window = new HashMap<>();
        window.put(MONDAY + 3, 3L); // Monday 03:00
        window.put(MONDAY + DAY + 3, 1L); // Tuesday 03:00
        window.put(MONDAY + DAY + 17, 4L); // Tuesday 17:00
        rolling.add(window);
        double[] hours = rolling.hourOfDay();
        assertThat(hours).hasSize(24);
        assertThat(hours[3]).isEqualTo(0.5);
        assertThat(hours[17]).isEqualTo(0.5);
        assertThat(sum(hours)).isCloseTo(1.0, within(1e-12));
        double[] days = rolling.dayOfWeek();
        assertThat(days).hasSize(7);
        assertThat(days[DayOfWeek.MONDAY.ordinal()]).isEqualTo(3.0 / 8);
        assertThat(days[DayOfWeek.TUESDAY.ordinal()]).isEqualTo(5.0 / 8);
        assertThat(sum(days)).isCloseTo(1.0, within(1e-12));
        assertThat(new RollingEventHours().hourOfDay()).as("empty").containsOnly(0.0);
    }

    @Test
    void theMedianHourWeighsHoursByRows() {
        assertThat(RollingEventHours.medianHour(Map.of(10L, 1L, 20L, 1L, 30L, 1L))).isEqualTo(20);
        assertThat(RollingEventHours.medianHour(Map.of(10L, 5L, 20L, 1L, 30L, 1L))).isEqualTo(10);
        assertThat(RollingEventHours.medianHour(Map.of(10L, 1L, 20L, 1L, 30L, 5L))).isEqualTo(30);
    }

    /**
     * Fails: rows more than 24 hours after the window's median hour are dropped, meant for wild timestamps but
     * also losing the later half of any window spanning more than two days of event time. The calibration replays
     * windows of up to 50,000 reference rows (days to weeks of event time), so its 28-day histograms miss part of
     * every window: on the generated reference of DriftCalibratorTest (about 470 rows a weekday), the 28-day
     * histogram after the last window keeps 88-96% of its rows with windows of 1,000, 66-76% with 2,000 and 48-55%
     * with 5,000 (98-100% with 200), and the calibrated {@code timestamp.day_js} threshold grows with the window
     * size (0.005 at 200, 0.022-0.041 at 2,000) where noise alone would make it shrink.
     */
    @Test
    void aWindowSpanningSeveralDaysKeepsAllItsRows() {
        RollingEventHours rolling = new RollingEventHours();
        Map<Long, Long> window = new HashMap<>();
        for (long h = 0; h < 4 * DAY; h++) window.put(MONDAY + h, 1L); // 4 days, one row an hour
        rolling.add(window);
        assertThat(rolling.rows()).isEqualTo(4 * DAY);
    }

    private static double sum(double[] values) {
        double s = 0;
        for (double v : values) s += v;
        return s;
    }

    @Test
    void eventTimeGoingBackByMoreThanTheSpanStartsOver() {
        RollingEventHours rolling = new RollingEventHours();
        for (int day = 0; day <= 30; day++) rolling.add(Map.of(MONDAY + 100 * DAY + day * DAY, 5L));
        assertThat(rolling.spansItsSpan()).isTrue();
        rolling.add(Map.of(MONDAY, 7L)); // a replay from the start
        assertThat(rolling.hours).as("the stale span is gone").containsOnlyKeys(MONDAY);
        assertThat(rolling.spansItsSpan()).isFalse();
        rolling.add(Map.of(MONDAY + 10 * DAY, 3L)); // within 28 days behind: just an earlier window
        rolling.add(Map.of(MONDAY + 2 * DAY, 2L));
        assertThat(rolling.hours).containsEntry(MONDAY + 2 * DAY, 2L).containsEntry(MONDAY, 7L);
    }
}

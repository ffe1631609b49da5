package dev.marquee.data.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.marquee.data.event.DriftReport;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReportBufferTest {

    @Test
    void numbersReportsInArrivalOrderAndReturnsThoseAfterAnIndex() {
        ReportBuffer buffer = new ReportBuffer(10);
        for (int i = 0; i < 4; i++) assertThat(buffer.add(report(100 + i))).isEqualTo(i);

        assertThat(sequences(buffer.after(-1))).containsExactly(100L, 101L, 102L, 103L);
        assertThat(buffer.after(1)).extracting(ReportBuffer.Entry::index).containsExactly(2L, 3L);
        assertThat(buffer.after(3)).isEmpty();
        assertThat(buffer.after(99)).isEmpty();
        assertThat(buffer.size()).isEqualTo(4);
    }

    @Test
    void keepsOnlyTheNewestCapacityReports() {
        ReportBuffer buffer = new ReportBuffer(3);
        for (int i = 0; i < 8; i++) buffer.add(report(i));

        assertThat(buffer.size()).isEqualTo(3);
        assertThat(buffer.added()).isEqualTo(8);
        assertThat(buffer.after(-1)).extracting(ReportBuffer.Entry::index).containsExactly(5L, 6L, 7L);
        assertThat(sequences(buffer.after(-1))).containsExactly(5L, 6L, 7L);
        // A reader that fell behind the ring gets what is still held, not a gap filler.
        assertThat(sequences(buffer.after(1))).containsExactly(5L, 6L, 7L);
        assertThat(sequences(buffer.after(6))).containsExactly(7L);
    }

    /** A report delivered twice (the same numbering, sequence and window) is held once. */
    @Test
    void aReportDeliveredAgainIsHeldOnce() {
        ReportBuffer buffer = new ReportBuffer(10);
        for (long s = 1; s <= 5; s++) buffer.add(numbered(77, s));
        assertThat(buffer.add(numbered(77, 4))).isEqualTo(-1);
        assertThat(buffer.add(numbered(77, 5))).isEqualTo(-1);
        assertThat(buffer.add(numbered(77, 6))).isEqualTo(5);
        assertThat(buffer.add(numbered(99, 1))).as("a new run numbers anew").isEqualTo(6);
        assertThat(buffer.add(numbered(77, 6))).as("two runs interleaved: each remembered").isEqualTo(-1);
        assertThat(buffer.size()).isEqualTo(7);
    }

    /**
     * After a failover an at-least-once job numbers its windows from its last checkpoint again, for windows measured
     * after the restore: they are new windows, and held.
     */
    @Test
    void windowsNumberedAgainAfterAFailoverAreHeld() {
        ReportBuffer buffer = new ReportBuffer(10);
        for (long s = 1; s <= 5; s++) buffer.add(numbered(77, s));
        for (long s = 2; s <= 4; s++) {
            DriftReport again = numbered(77, s);
            again.windowStartMs += 60_000; // dated from the restore
            again.windowEndMs += 60_000;
            assertThat(buffer.add(again)).as("window #%d measured after the restore", s).isNotEqualTo(-1);
        }
        DriftReport lastAgain = numbered(77, 4);
        lastAgain.windowStartMs += 60_000;
        lastAgain.windowEndMs += 60_000;
        assertThat(buffer.add(lastAgain)).as("and that one delivered twice").isEqualTo(-1);
        assertThat(buffer.size()).isEqualTo(8);
    }

    private static DriftReport numbered(long runStartedAtMs, long sequence) {
        DriftReport r = report(sequence);
        r.runStartedAtMs = runStartedAtMs;
        return r;
    }

    @Test
    void refusesAnEmptyRing() {
        assertThatThrownBy(() -> new ReportBuffer(0)).hasMessageContaining("at least 1");
    }

    private static List<Long> sequences(List<ReportBuffer.Entry> entries) {
        return entries.stream().map(e -> e.report().sequence).toList();
    }

    static DriftReport report(long sequence) {
        DriftReport r = new DriftReport();
        r.sequence = sequence;
        r.windowStartMs = 1_000_000 + sequence * 10_000;
        r.windowEndMs = r.windowStartMs + 10_000;
        return r;
    }
}

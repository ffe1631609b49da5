package dev.marquee.data.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LogWindowTest {
    @Test
    void theFirstEventOfEachIntervalIsLoggedWithHowManyWereNot() {
        AtomicLong now = new AtomicLong(1_000);
        LogWindow window = new LogWindow(60_000, now::get);
        assertThat(window.next()).as("the first").isZero();
        for (int i = 0; i < 5; i++) assertThat(window.next()).isEqualTo(-1);
        now.addAndGet(59_999);
        assertThat(window.next()).as("still inside the interval").isEqualTo(-1);
        now.addAndGet(1);
        assertThat(window.next()).as("the six since").isEqualTo(6);
        now.addAndGet(120_000);
        assertThat(window.next()).as("a quiet while: nothing unlogged").isZero();
        assertThat(LogWindow.since(6)).isEqualTo(" (6 more since the last such line)");
        assertThat(LogWindow.since(0)).isEmpty();
    }

    @Test
    void aClockGoingBackDoesNotSilenceTheLogForLong() {
        AtomicLong now = new AtomicLong(0);
        LogWindow window = new LogWindow(60_000, now::get);
        assertThat(window.next()).isZero();
        assertThat(window.next()).isEqualTo(-1);
        now.set(-3_600_000); // a step back of an hour: logged at once, not an hour and a minute later
        assertThat(window.next()).isEqualTo(1);
        assertThat(window.next()).as("then a line a minute again").isEqualTo(-1);
        now.addAndGet(60_000);
        assertThat(window.next()).isEqualTo(1);
    }
}

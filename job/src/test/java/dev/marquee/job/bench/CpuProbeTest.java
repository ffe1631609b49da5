package dev.marquee.job.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CpuProbeTest {
    @Test
    void theWorkloadIsTheSameEveryTime() {
        assertEquals(CpuProbe.work(), CpuProbe.work());
    }

    @Test
    void theMedianIsAPositiveDuration() {
        double ms = CpuProbe.medianMs(1);
        assertTrue(ms > 0 && Double.isFinite(ms), "median " + ms);
    }

    @Test
    void refusesNoRounds() {
        assertThrows(IllegalArgumentException.class, () -> CpuProbe.medianMs(0));
    }
}

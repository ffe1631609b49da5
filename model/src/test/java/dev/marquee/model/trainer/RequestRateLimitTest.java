package dev.marquee.model.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RequestRateLimitTest {
    private static final long HOUR = RequestRateLimit.HOUR_MS;

    @Test
    void atMostTheLimitInAnySlidingHour() {
        RequestRateLimit limit = new RequestRateLimit(2);
        assertThat(limit.tryTake(0)).isTrue();
        assertThat(limit.tryTake(10)).isTrue();
        assertThat(limit.tryTake(20)).isFalse();
        assertThat(limit.nextFreeAtMs(20)).isEqualTo(HOUR);
        assertThat(limit.tryTake(HOUR - 1)).as("the first slot is still in the hour").isFalse();
        assertThat(limit.tryTake(HOUR)).isTrue();
        assertThat(limit.tryTake(HOUR + 5)).isFalse();
        assertThat(limit.tryTake(HOUR + 10)).isTrue();
    }

    @Test
    void zeroMeansNoLimit() {
        RequestRateLimit limit = new RequestRateLimit(0);
        for (int i = 0; i < 1_000; i++) assertThat(limit.tryTake(i)).isTrue();
        assertThat(limit.nextFreeAtMs(5)).isEqualTo(5);
    }
}

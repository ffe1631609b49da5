package dev.marquee.data.replay.drift;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.data.event.Rating;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class TimestampSkewTest {
    private final Rating row = new Rating("1", "A", 3, 892_870_992L); // 1998-04-17T03:43:12Z

    @Test
    void aSevenHourSkewMovesTheHourOfDayBySeven() {
        OutgoingRequest q = Requests.apply(new TimestampSkew(25_200), List.of(row), row);
        assertThat(q.timestamp()).isEqualTo(892_870_992L + 25_200);
        assertThat(hour(q.timestamp())).isEqualTo((hour(row.timestamp) + 7) % 24);
        assertThat(Requests.parse(Requests.encode(q)).requests().get(0).timestamp).isEqualTo(892_896_192L);
    }

    @Test
    void aNegativeSkewMovesBack() {
        assertThat(Requests.apply(new TimestampSkew(-3_600), List.of(row), row).timestamp()).isEqualTo(892_867_392L);
    }

    private static int hour(long seconds) {
        return Instant.ofEpochSecond(seconds).atZone(ZoneOffset.UTC).getHour();
    }
}

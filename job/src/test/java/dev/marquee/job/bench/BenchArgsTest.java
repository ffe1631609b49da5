package dev.marquee.job.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.marquee.data.config.SettingException;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BenchArgsTest {
    private static final Set<String> KEYS = Set.of("records", "out");

    @Test
    void knownKeysWithValuesAreRead() {
        assertThat(BenchArgs.parse(new String[] {"--records", "5", "--out", "x.md"}, KEYS))
                .isEqualTo(Map.of("records", "5", "out", "x.md"));
        assertThat(BenchArgs.parse(new String[0], KEYS)).isEmpty();
    }

    @Test
    void aLoneArgumentIsRefusedNotDropped() {
        assertThatThrownBy(() -> BenchArgs.parse(new String[] {"--help"}, KEYS))
                .isInstanceOf(SettingException.class).hasMessageStartingWith("unknown option --help");
        assertThatThrownBy(() -> BenchArgs.parse(new String[] {"--records", "5", "--out"}, KEYS))
                .isInstanceOf(SettingException.class).hasMessage("--out needs a value");
    }

    @Test
    void anUnknownKeyOrAValueWithoutKeyIsRefused() {
        assertThatThrownBy(() -> BenchArgs.parse(new String[] {"--secs", "5"}, KEYS))
                .isInstanceOf(SettingException.class).hasMessage("unknown option --secs; known: [out, records]");
        assertThatThrownBy(() -> BenchArgs.parse(new String[] {"records", "5"}, KEYS))
                .isInstanceOf(SettingException.class).hasMessage("expected --key value, got records");
    }
}

package dev.marquee.data.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import org.junit.jupiter.api.Test;

class CliArgsTest {
    private final CliArgs args = new CliArgs(Set.of("rate", "prop"), Set.of("with-ratings"));

    @Test
    void readsValuesFlagsInlineValuesAndRepeatedProperties() {
        CliArgs.Parsed p = args.parse(new String[] {"--rate", "5", "--with-ratings", "--prop", "a=1", "--prop=b=x=y"});
        assertThat(p.settings().intInRange("rate", 0, 0, 10)).isEqualTo(5);
        assertThat(p.settings().bool("with-ratings", false)).isTrue();
        assertThat(p.properties("prop")).containsEntry("a", "1").containsEntry("b", "x=y");
    }

    @Test
    void refusesWhatItDoesNotKnowWithTheKnownOptions() {
        assertThatThrownBy(() -> args.parse(new String[] {"--speed", "1"}))
                .isInstanceOf(SettingException.class)
                .hasMessage("unknown option --speed; known: --prop --rate --with-ratings");
        assertThatThrownBy(() -> args.parse(new String[] {"--rate"})).hasMessage("--rate needs a value");
        assertThatThrownBy(() -> args.parse(new String[] {"stray"})).hasMessage("unexpected argument 'stray'");
        assertThatThrownBy(() -> args.parse(new String[] {"--prop", "novalue"}).properties("prop"))
                .hasMessage("--prop takes KEY=VALUE, got 'novalue'");
    }

    @Test
    void settingsNameTheKeyAndTheRangeWhenAValueIsBad() {
        Settings s = new Settings(java.util.Map.of("rate", "-3", "on", "maybe"));
        assertThatThrownBy(() -> s.doubleInRange("rate", 0, 0, 10)).hasMessage("rate must be between 0.0 and 10.0, got -3");
        assertThatThrownBy(() -> s.bool("on", false)).hasMessage("on must be true or false, got 'maybe'");
    }
}

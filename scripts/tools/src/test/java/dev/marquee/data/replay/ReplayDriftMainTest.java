package dev.marquee.data.replay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.data.config.Settings;
import dev.marquee.data.replay.drift.DriftInjection;
import dev.marquee.tools.CommandRun;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReplayDriftMainTest {
    @Test
    void badDriftFlagsExitWithAOneLineReasonAndUsage() {
        String err = stderrOf(() -> assertThat(ReplayMain.run(new String[] {"--data", "synthetic:10", "--drift-titles", "oldest"})).isEqualTo(2));
        assertThat(err).startsWith("marquee replay: --drift-titles takes newest or newest:FRACTION")
                .contains("see: marquee replay --help").doesNotContain("Exception");
        assertThat(err.lines()).hasSize(2);
        assertThat(ReplayMain.run(new String[] {"--data", "synthetic:10", "--drift-extra-fields", "-2"})).isEqualTo(2);
        assertThat(ReplayMain.run(new String[] {"--data", "synthetic:10", "--drift-catalog", "/nonexistent/titles.txt"})).isEqualTo(2);
        assertThat(ReplayMain.run(new String[] {"--data", "synthetic:10", "--drift-start", "5"})).isEqualTo(2);
    }

    @Test
    void everyDriftSettingIsAKnownOptionAndInTheHelp() {
        String help = CommandRun.of(new ReplayCommand(), "--help").out();
        assertThat(help).contains("drift injection (any combination; see docs/REPLAY.md):");
        for (String key : DriftInjection.VALUE_KEYS) assertThat(help).contains("--" + key + "=");
        for (String key : DriftInjection.FLAG_KEYS) assertThat(help).contains("--" + key + " ");
    }

    @Test
    void optionsCarryTheDriftAndCanSwapIt() {
        ReplayOptions options = ReplayOptions.of(new Settings(Map.of(DriftInjection.UNSEEN_USERS, "true")));
        assertThat(options.drift.isNone()).isFalse();
        assertThat(ReplayOptions.of(Settings.empty()).drift.isNone()).isTrue();
        ReplayOptions swapped = options.withDrift(DriftInjection.none());
        assertThat(swapped.drift.isNone()).isTrue();
        assertThat(swapped.topic).isEqualTo(options.topic);
        assertThat(swapped.envelopeSize).isEqualTo(options.envelopeSize);
    }

    private static String stderrOf(Runnable r) {
        PrintStream original = System.err;
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        System.setErr(new PrintStream(buffer, true, StandardCharsets.UTF_8));
        try {
            r.run();
        } finally {
            System.setErr(original);
        }
        return buffer.toString(StandardCharsets.UTF_8);
    }
}

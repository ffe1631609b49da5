package dev.marquee.model.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.model.cli.Console;
import dev.marquee.model.cli.ConsoleCommand;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code marquee trainer}, {@code rollback} and {@code promote} on their own, without Kafka: {@code --help} lists
 * the options, and bad command lines are one line and exit 2 before anything is touched.
 */
class TrainerCommandsTest {
    @TempDir
    Path tmp;

    static Stream<Arguments> commands() {
        return Stream.of(
                Arguments.of("trainer", (Function<Console, ConsoleCommand>) TrainerCommand::new,
                        new String[] {"--bootstrap", "--kafka-prop", "--trainer.gate.margin", "--trainer.promotion",
                                "--trainer.shadow.watch-ms", "--model-name", "--once"},
                        new String[] {"--trainer.gate.resamples", "lots"}),
                Arguments.of("rollback", (Function<Console, ConsoleCommand>) RollbackCommand::new,
                        new String[] {"--version", "--bootstrap", "--topic.model-updates", "--registry", "--model-name"},
                        new String[] {"--version", "two"}),
                Arguments.of("promote", (Function<Console, ConsoleCommand>) PromoteCommand::new,
                        new String[] {"--version", "--bootstrap", "--kafka-prop", "--registry", "--model-name"},
                        new String[] {"--version", "two"}));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("commands")
    void helpListsTheOptionsAndABadValueIsOneLineExitTwo(String name, Function<Console, ConsoleCommand> command,
            String[] options, String[] badArgs) {
        Run help = run(command, "--help");
        assertThat(help.code).as(help.toString()).isZero();
        assertThat(help.out).contains("Usage: " + name).contains(options);

        Run bad = run(command, badArgs);
        assertThat(bad.code).as(bad.toString()).isEqualTo(2);
        assertThat(bad.err.lines()).as(bad.toString()).hasSize(2).first().asString()
                .startsWith("marquee " + name + ": ").contains("'" + badArgs[badArgs.length - 1] + "'");
        assertThat(bad.err).contains("see: marquee " + name + " --help");
    }

    @Test
    void rollbackNeedsAVersionAndAValidModelName() {
        Run noVersion = run(RollbackCommand::new);
        assertThat(noVersion.code).isEqualTo(2);
        assertThat(noVersion.err).contains("--version");

        Run badName = run(PromoteCommand::new, "--version", "1", "--model-name", "../x");
        assertThat(badName.code).as(badName.toString()).isEqualTo(2);
        assertThat(badName.err).startsWith("marquee promote: ");
    }

    /**
     * A bootstrap without a port is a usage error (exit 2) found before any registry step; before, it surfaced after
     * the registry had been changed, as "Kafka failed" (exit 1).
     */
    @Test
    void kafkaSettingsTheClientRefusesAreAUsageErrorBeforeTheRegistryChanges() {
        Run bad = run(RollbackCommand::new, "--version", "1", "--bootstrap", "localhost", "--registry", "reg");
        assertThat(bad.code).as(bad.toString()).isEqualTo(2);
        assertThat(bad.err).startsWith("marquee rollback: the Kafka client refuses the settings")
                .contains("Invalid url in bootstrap.servers: localhost");
        assertThat(tmp.resolve("reg/marquee/PINNED")).doesNotExist();
    }

    @Test
    void aRegistryOnAnObjectStoreIsAUsageError() {
        Run s3 = run(PromoteCommand::new, "--version", "1", "--registry", "s3://bucket/registry");
        assertThat(s3.code).as(s3.toString()).isEqualTo(2);
        assertThat(s3.err).startsWith("marquee promote: the model registry must be a directory on a local or mounted");
        assertThat(tmp.resolve("s3:")).doesNotExist();
    }

    @Test
    void aRemovedTrainerOptionIsAUsageErrorNamingItsReplacement() {
        Run removed = run(TrainerCommand::new, "--trainer.gate.min-improvement", "0.01");
        assertThat(removed.code).isEqualTo(2);
        assertThat(removed.err).contains("trainer.gate.margin").contains("see: marquee trainer --help");
    }

    private Run run(Function<Console, ConsoleCommand> command, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Console console = new Console(new ByteArrayInputStream(new byte[0]),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                Map.of(), tmp);
        int code = ConsoleCommand.execute(command.apply(console), args);
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private record Run(int code, String out, String err) {}
}

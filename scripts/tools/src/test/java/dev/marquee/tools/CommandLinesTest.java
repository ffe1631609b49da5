package dev.marquee.tools;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.data.config.Commands;
import dev.marquee.data.dashboard.DashboardCommand;
import dev.marquee.data.replay.ReplayCommand;
import dev.marquee.data.replay.TopicTailCommand;
import dev.marquee.data.watch.WatchCommand;
import dev.marquee.job.audit.HostileRequestsCommand;
import dev.marquee.job.audit.OutcomeAuditCommand;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** What every tool's command line promises: generated help that lists its options, and one-line usage errors. */
class CommandLinesTest {

    static Stream<Arguments> commands() {
        return Stream.of(
                command("replay", ReplayCommand::new, "--rate", "--bootstrap", "--data", "--split", "--part", "--seed",
                        "--limit", "--with-ratings", "--ratings-only", "--envelope-size", "--topic", "--ratings-topic",
                        "--request-id-prefix", "--progress-seconds", "--producer-prop", "--drift-titles",
                        "--drift-catalog", "--drift-unseen-users", "--drift-timestamp-skew", "--drift-type-change",
                        "--drift-extra-fields", "--drift-start", "--drift-share", "--drift-seed"),
                command("tail", TopicTailCommand::new, "--show", "--bootstrap", "--topic", "--expect",
                        "--idle-seconds", "--timeout-seconds", "--consumer-prop"),
                command("dashboard", DashboardCommand::new, "--port", "--bootstrap", "--topic", "--host",
                        "--max-reports", "--consumer-prop", "--url-file", "--model-name"),
                command("watch", WatchCommand::new, "--predictions", "--bootstrap", "--until-version",
                        "--timeout-seconds", "--quiet-grace-seconds", "--consumer-prop", "--model-name", "--topic.predictions",
                        "--topic.drift-metrics", "--topic.retrain-requests", "--topic.retrain-outcomes",
                        "--topic.model-updates", "--topic.model-status"),
                command("hostile-requests", HostileRequestsCommand::new, "--count", "--bootstrap", "--topic", "--rate",
                        "--timestamp", "--producer-prop"),
                command("audit-outcomes", OutcomeAuditCommand::new, "--samples", "--bootstrap", "--requests-topic",
                        "--predictions-topic", "--dead-letters-topic", "--labels", "--ratings-topic",
                        "--labeled-predictions-topic", "--timeout-seconds", "--settle-seconds",
                        "--consumer-prop", "--parser-setting", "--model-name"));
    }

    /** The first option named takes a number, so "many" is a bad value for it. */
    private static Arguments command(String name, Supplier<Callable<Integer>> command, String... options) {
        return Arguments.of(name, command, options);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("commands")
    void helpListsEveryOption(String name, Supplier<Callable<Integer>> command, String[] options) {
        CommandRun run = CommandRun.of(command.get(), "--help");

        assertThat(run.exitCode()).isEqualTo(Commands.OK);
        assertThat(run.out()).contains("Usage: " + name).contains(options).contains("--help");
        assertThat(run.err()).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("commands")
    void aBadValueIsOneLineAndExitTwo(String name, Supplier<Callable<Integer>> command, String[] options) {
        CommandRun run = CommandRun.of(command.get(), options[0], "many");

        assertThat(run.exitCode()).isEqualTo(Commands.USAGE);
        assertThat(run.errLines()).hasSize(2);
        assertThat(run.errLines().get(0)).startsWith("marquee " + name + ": ").contains(options[0], "'many'");
        assertThat(run.errLines().get(1)).isEqualTo("see: marquee " + name + " --help");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("commands")
    void anUnknownOptionIsAUsageError(String name, Supplier<Callable<Integer>> command, String[] options) {
        CommandRun run = CommandRun.of(command.get(), "--colour", "red");

        assertThat(run.exitCode()).isEqualTo(Commands.USAGE);
        assertThat(run.errLines().get(0)).startsWith("marquee " + name + ": ").contains("--colour");
    }

    static Stream<Arguments> outOfRange() {
        return Stream.of(
                Arguments.of("tail", new TopicTailCommand(), new String[] {"--topic", "t", "--idle-seconds", "0"},
                        "--idle-seconds must be between 0.1 and 86400.0, got 0.0"),
                Arguments.of("watch", new WatchCommand(), new String[] {"--until-version", "0"},
                        "--until-version must be between 1 and 9223372036854775807, got 0"),
                Arguments.of("watch", new WatchCommand(), new String[] {"--model-name", ""},
                        "--model-name must be a model name (letters, digits, '.', '_' and '-', starting with a letter or"
                                + " digit), got ''"),
                Arguments.of("watch", new WatchCommand(), new String[] {"--topic.model-status", "predictions"},
                        "topic predictions is given for two of the watched topics: each carries events of its own kind"),
                Arguments.of("watch", new WatchCommand(), new String[] {"--topic.drift-metrics", " "},
                        "a watched topic's name is blank"),
                Arguments.of("dashboard", new DashboardCommand(), new String[] {"--model-name", "../x"},
                        "--model-name must be a model name (letters, digits, '.', '_' and '-', starting with a letter or"
                                + " digit), got '../x'"),
                Arguments.of("hostile-requests", new HostileRequestsCommand(), new String[] {"--rate=-1"},
                        "--rate must be between 0.0 and 1000000.0, got -1.0"),
                Arguments.of("audit-outcomes", new OutcomeAuditCommand(), new String[] {"--samples", "10001"},
                        "--samples must be between 0 and 10000, got 10001"));
    }

    /** Checked before any Kafka client starts, so no broker is needed. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("outOfRange")
    void valuesOutOfRangeAreUsageErrors(String name, Object command, String[] args, String message) {
        CommandRun run = CommandRun.of(command, args);

        assertThat(run.exitCode()).isEqualTo(Commands.USAGE);
        assertThat(run.errLines()).containsExactly("marquee " + name + ": " + message, "see: marquee " + name + " --help");
    }
}

package dev.marquee.infra;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.data.config.Commands;
import dev.marquee.infra.Topics.Role;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

class LocalKafkaCommandTest {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @Test
    void noArgumentsGiveTheDefaults() {
        LocalKafkaOptions options = parse();

        assertThat(options.port()).isEqualTo(9092);
        assertThat(options.partitions()).isEqualTo(2);
        assertThat(options.dataDir()).isEmpty();
        assertThat(options.bootstrapFile()).isEmpty();
        assertThat(options.createTopics()).isTrue();
        assertThat(options.topics()).isEqualTo(Topics.defaults());
    }

    @Test
    void everyOptionIsRead() {
        LocalKafkaOptions options = parse("--port", "0", "--partitions=4", "--data-dir", "/tmp/k",
                "--bootstrap-file=run/bootstrap.txt");

        assertThat(options.port()).isZero();
        assertThat(options.partitions()).isEqualTo(4);
        assertThat(options.dataDir()).contains(Path.of("/tmp/k"));
        assertThat(options.bootstrapFile()).contains(Path.of("run/bootstrap.txt"));
        assertThat(options.topics().partitions(Role.RATING_REQUESTS)).isEqualTo(4);
        assertThat(options.topics().partitions(Role.MODEL_UPDATES)).isEqualTo(1);
    }

    @Test
    void noTopicsIsAFlag() {
        assertThat(parse("--no-topics").createTopics()).isFalse();
    }

    @Test
    void helpListsEveryOptionAndExitsZero() {
        for (String help : new String[] {"--help", "-h"}) {
            assertThat(run(help)).isZero();
        }
        assertThat(out.toString().replaceAll("\\s+", " ")).contains("Usage: kafka", "--port", "--partitions", "--data-dir",
                "--bootstrap-file", "--no-topics", "--help", "default: 9092",
                "partitions of the data topics (" + dataTopics() + ";");
    }

    /** The help names the data topics as constants; this keeps it in step with {@link Topics.Role}. */
    private static String dataTopics() {
        return java.util.Arrays.stream(Role.values()).filter(Role::isDataTopic).map(Role::defaultName)
                .collect(java.util.stream.Collectors.joining(", "));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "--port                     | --port",
        "--port x                   | 'x'",
        "--port 65536               | --port must be an integer from 0 to 65535, got '65536'",
        "--port -1                  | --port must be an integer from 0 to 65535, got '-1'",
        "--partitions 0             | --partitions must be an integer from 1 to 10000, got '0'",
        "--partitions=              | --partitions",
        "--data-dir=                | --data-dir needs a non-empty path",
        "--verbose                  | --verbose",
        "--verbose=1                | --verbose",
        "9092                       | 9092",
        "--no-topics --partitions 3 | --partitions has no effect with --no-topics",
    })
    void badArgumentsGiveOneLineAndExitTwo(String commandLine, String message) {
        assertThat(run(commandLine.trim().split("\\s+"))).isEqualTo(Commands.USAGE);

        assertThat(err.toString().lines()).hasSize(2);
        assertThat(err.toString().lines().findFirst().orElseThrow()).startsWith("marquee kafka: ").contains(message);
        assertThat(err.toString()).contains("see: marquee kafka --help").doesNotContain("Exception");
    }

    private static LocalKafkaOptions parse(String... args) {
        LocalKafkaCommand command = new LocalKafkaCommand();
        new CommandLine(command).parseArgs(args);
        return command.options();
    }

    /** Bad command lines stop before the broker starts, so running the command is safe here. */
    private int run(String... args) {
        CommandLine line = Commands.commandLine(new LocalKafkaCommand());
        line.setOut(new PrintWriter(out, true));
        line.setErr(new PrintWriter(err, true));
        return line.execute(args);
    }
}

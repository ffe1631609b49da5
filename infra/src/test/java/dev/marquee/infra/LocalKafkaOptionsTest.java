package dev.marquee.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;

import dev.marquee.infra.Topics.Role;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LocalKafkaOptionsTest {

    @Test
    void noArgumentsGiveTheDefaults() {
        LocalKafkaOptions options = LocalKafkaOptions.parse();

        assertThat(options.port()).isEqualTo(9092);
        assertThat(options.partitions()).isEqualTo(2);
        assertThat(options.dataDir()).isEmpty();
        assertThat(options.bootstrapFile()).isEmpty();
        assertThat(options.createTopics()).isTrue();
        assertThat(options.help()).isFalse();
        assertThat(options.topics()).isEqualTo(Topics.defaults());
    }

    @Test
    void everyOptionIsRead() {
        LocalKafkaOptions options = LocalKafkaOptions.parse("--port", "0", "--partitions=4", "--data-dir", "/tmp/k",
                "--bootstrap-file=run/bootstrap.txt");

        assertThat(options.port()).isZero();
        assertThat(options.partitions()).isEqualTo(4);
        assertThat(options.dataDir()).contains(Path.of("/tmp/k"));
        assertThat(options.bootstrapFile()).contains(Path.of("run/bootstrap.txt"));
        assertThat(options.topics().partitions(Role.RATING_REQUESTS)).isEqualTo(4);
        assertThat(options.topics().partitions(Role.MODEL_UPDATES)).isEqualTo(1);
    }

    @Test
    void flags() {
        assertThat(LocalKafkaOptions.parse("--no-topics").createTopics()).isFalse();
        assertThat(LocalKafkaOptions.parse("--help").help()).isTrue();
        assertThat(LocalKafkaOptions.parse("-h").help()).isTrue();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "--port                    | --port needs a value",
        "--port x                  | --port must be an integer from 0 to 65535, got 'x'",
        "--port 65536              | --port must be an integer from 0 to 65535, got '65536'",
        "--port -1                 | --port must be an integer from 0 to 65535, got '-1'",
        "--partitions 0            | --partitions must be an integer from 1 to 10000, got '0'",
        "--partitions=             | --partitions must be an integer from 1 to 10000, got ''",
        "--data-dir=               | --data-dir needs a non-empty path",
        "--verbose                 | unknown option --verbose",
        "--verbose=1               | unknown option --verbose",
        "9092                      | unexpected argument '9092'",
        "--no-topics --partitions 3 | --partitions has no effect with --no-topics",
    })
    void badArgumentsGiveOneLineMessages(String commandLine, String message) {
        String[] args = commandLine.trim().split("\\s+");

        assertThatThrownBy(() -> LocalKafkaOptions.parse(args))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(message)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void usageNamesEveryOption() {
        assertThat(LocalKafkaOptions.USAGE).contains("--port", "--partitions", "--data-dir", "--bootstrap-file",
                "--no-topics", "--help", "rating-requests, predictions, rating-requests-dlq, ratings");
    }
}

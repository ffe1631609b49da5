package dev.marquee.job.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.marquee.data.config.Commands;
import dev.marquee.data.config.SettingException;
import dev.marquee.job.config.JobSettings;
import dev.marquee.job.config.ScoringJobOptions;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ScoreCommandTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine line = Commands.commandLine(new ScoreCommand());
        line.setOut(new PrintWriter(out));
        line.setErr(new PrintWriter(err));
        return line.execute(args);
    }

    /** The settings a command line gives, without starting the job. */
    private static JobSettings parse(String... args) {
        ScoreCommand command = new ScoreCommand();
        Commands.commandLine(command).parseArgs(args);
        return command.settings();
    }

    @Test
    void helpListsEverySettingWithItsDefault() {
        assertThat(run("--help")).isZero();
        String help = out.toString().replaceAll("\\s+", " ");
        assertThat(help).contains("--kafka.bootstrap-servers=<string>")
                .contains("Default: $MARQUEE_BOOTSTRAP, else localhost:9092")
                .contains("--batch.size=<int>").contains("rows per micro-batch at most. Default: 256.")
                .contains("--kafka.property.<name>")
                .doesNotContain("`");
        for (String key : ScoringJobOptions.SECTIONS.stream().flatMap(s -> s.keys().stream()).toList()) {
            assertThat(help).as(key).containsAnyOf("--" + key + "=", "--" + key + "[=");
        }
    }

    @Test
    void aValueOfTheWrongTypeIsAUsageErrorInOneLine() {
        assertThat(run("--batch.size", "lots")).isEqualTo(Commands.USAGE);
        assertThat(err.toString().lines().toList()).first().asString()
                .contains("--batch.size").contains("'lots' is not a whole number");
        assertThat(err.toString().lines()).hasSize(2).last().asString().startsWith("see: marquee score --help");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void anUnknownOptionIsAUsageError() {
        assertThat(run("--batch.sise", "5")).isEqualTo(Commands.USAGE);
        assertThat(err.toString()).contains("--batch.sise");
    }

    @Test
    void optionsReachTheSettingsInBothForms() {
        JobSettings s = parse("--batch.size", "1_000", "--topic.predictions=preds", "--drift.enabled", "false",
                "--delivery.guarantee", "exactly-once");
        assertThat(s.batchSize).isEqualTo(1000);
        assertThat(s.predictionsTopic).isEqualTo("preds");
        assertThat(s.drift.enabled).isFalse();
        assertThat(s.checkpointIntervalMs).as("the default that depends on the guarantee")
                .isEqualTo(ScoringJobOptions.EXACTLY_ONCE_CHECKPOINT_INTERVAL_MS);
        assertThat(parse().batchSize).isEqualTo(ScoringJobOptions.BATCH_SIZE.defaultValue());
    }

    @Test
    void theLastOfARepeatedSettingCounts() {
        assertThat(parse("--batch.size", "8", "--batch.size", "16").batchSize).isEqualTo(16);
    }

    @Test
    void kafkaPropertiesPassThrough() {
        JobSettings s = parse("--kafka.property.security.protocol", "SASL_SSL", "--kafka.property.sasl.mechanism=SCRAM-SHA-512");
        assertThat(s.kafkaProperties()).containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-512");
    }

    /** The SASL/SCRAM example of docs/RELIABILITY.md: config-provider references reach Kafka untouched. */
    @Test
    void theReliabilityGuidesExampleParses() {
        JobSettings s = parse("--kafka.bootstrap-servers", "broker-1.example:9093,broker-2.example:9093",
                "--kafka.property.security.protocol", "SASL_SSL",
                "--kafka.property.config.providers", "file",
                "--kafka.property.config.providers.file.class", "org.apache.kafka.common.config.provider.FileConfigProvider",
                "--kafka.property.sasl.jaas.config", "${file:/etc/marquee/kafka/secrets.properties:jaas}");
        assertThat(s.bootstrapServers).isEqualTo("broker-1.example:9093,broker-2.example:9093");
        assertThat(s.kafkaProperties()).containsEntry("config.providers", "file")
                .containsEntry("config.providers.file.class", "org.apache.kafka.common.config.provider.FileConfigProvider")
                .containsEntry("sasl.jaas.config", "${file:/etc/marquee/kafka/secrets.properties:jaas}");
    }

    @Test
    void driftThresholdsAreAFamilyToo() {
        JobSettings s = parse("--drift.threshold.prediction.psi", "off", "--drift.threshold.schema.invalid_rate.by_code", "0.2");
        assertThat(s.asMap()).containsEntry("drift.threshold.prediction.psi", "off")
                .containsEntry("drift.threshold.schema.invalid_rate.by_code", "0.2");
    }

    /** A password starting with -h or -V is the family key's value, not the help or version option. */
    @Test
    void aFamilyValueStartingWithDashHOrDashVIsAValue() {
        JobSettings s = parse("--kafka.property.ssl.keystore.password", "-hX7q", "--kafka.property.sasl.password", "-Vq");
        assertThat(s.asMap()).containsEntry("kafka.property.ssl.keystore.password", "-hX7q")
                .containsEntry("kafka.property.sasl.password", "-Vq");
        assertThat(run("--kafka.property.ssl.keystore.password", "-hX7q", "--model.name", "bad/name"))
                .as("the bad model name is reached: not the help's 0").isEqualTo(Commands.USAGE);
    }

    @Test
    void aFamilyKeyWithoutAValueIsAUsageError() {
        assertThat(run("--kafka.property.security.protocol")).isEqualTo(Commands.USAGE);
        assertThat(err.toString()).contains("--kafka.property.security.protocol");
    }

    /** A new operator's first try, with no model trained: one line, exit 1, before Flink starts and logs traces. */
    @Test
    void aRegistryWithoutAModelFailsInOneLineBeforeTheJobStarts(@TempDir Path empty) {
        assertThat(run("--model.registry", empty.toString(), "--kafka.bootstrap-servers", "127.0.0.1:1"))
                .isEqualTo(Commands.FAILED);
        assertThat(err.toString().lines()).singleElement().asString()
                .contains("no version of model 'marquee' in the registry at " + empty).contains("scripts/marquee train");
        assertThat(run("--model.registry", empty.toString(), "--model.version", "3")).isEqualTo(Commands.FAILED);
        assertThat(err.toString()).contains("model 'marquee' has no version 3 in the registry at " + empty);
    }

    @Test
    void rangesAreCheckedByTheSettings() {
        assertThatThrownBy(() -> parse("--batch.size", "0")).isInstanceOf(SettingException.class)
                .hasMessageContaining("batch.size");
        assertThat(run("--batch.size", "0")).isEqualTo(Commands.USAGE);
    }
}

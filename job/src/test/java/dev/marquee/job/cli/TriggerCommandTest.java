package dev.marquee.job.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.data.config.Commands;
import dev.marquee.job.config.TriggerJobOptions;
import dev.marquee.job.config.TriggerSettings;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class TriggerCommandTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine line = Commands.commandLine(new TriggerCommand());
        line.setOut(new PrintWriter(out));
        line.setErr(new PrintWriter(err));
        return line.execute(args);
    }

    private static TriggerSettings parse(String... args) {
        TriggerCommand command = new TriggerCommand();
        Commands.commandLine(command).parseArgs(args);
        return command.settings();
    }

    @Test
    void helpListsTheTriggersSettingsAndTheSharedOnes() {
        assertThat(run("--help")).isZero();
        String help = out.toString().replaceAll("\\s+", " ");
        assertThat(help).contains("--trigger.max-rmse=<double>").contains("Default: off.")
                .contains("--kafka.group-id=<string>").contains("Default: marquee-trigger.")
                .contains("--kafka.bootstrap-servers=<string>").contains("--kafka.property.<name>")
                .doesNotContain("--batch.size");
        assertThat(Commands.commandLine(new TriggerCommand()).getCommandSpec().options())
                .filteredOn(o -> o.longestName().equals("--kafka.group-id")).singleElement()
                .satisfies(o -> assertThat(String.join(" ", o.description())).contains("marquee-trigger"));
    }

    /** Its metrics (retrainRequests, driftedWindows, restarts) reach Prometheus when it runs in this JVM, as the scoring job's do. */
    @Test
    void theTriggerTakesThePrometheusPortsAndItsLocalRunHasTheReporter() {
        TriggerSettings s = parse("--metrics.prometheus-ports", "9260");
        assertThat(s.common.prometheusPorts).isEqualTo("9260");
        assertThat(dev.marquee.job.config.LocalBinding.localRun(s.common.prometheusPorts).toMap())
                .containsEntry("metrics.reporter.prom.port", "9260")
                .containsKey("metrics.reporter.prom.factory.class");
        assertThat(dev.marquee.job.config.LocalBinding.localRun("off").toMap()).doesNotContainKey("metrics.reporter.prom.port");
    }

    @Test
    void optionsReachTheSettings() {
        TriggerSettings s = parse("--trigger.max-rmse", "off", "--trigger.rmse-margin", "0.1", "--model.name", "m",
                "--kafka.property.security.protocol=SSL");
        assertThat(s.maxRmse).isNaN();
        assertThat(s.rmseMargin).isEqualTo(0.1);
        assertThat(s.common.modelName).isEqualTo("m");
        assertThat(s.common.groupId).as("model m's own").isEqualTo(TriggerJobOptions.GROUP_ID.defaultValue() + "-m");
        assertThat(s.common.kafkaProperties()).containsEntry("security.protocol", "SSL");
    }

    @Test
    void aBadNumberIsAUsageErrorInOneLine() {
        assertThat(run("--trigger.rmse-margin", "much")).isEqualTo(Commands.USAGE);
        assertThat(err.toString().lines().toList()).hasSize(2).first().asString()
                .contains("--trigger.rmse-margin").contains("'much' is not a number");
    }

    @Test
    void settingsThatCannotWorkTogetherAreAUsageError() {
        assertThat(run("--trigger.drifted-windows", "0", "--trigger.rmse-margin", "off")).isEqualTo(Commands.USAGE);
        assertThat(err.toString()).contains("every retraining rule is off");
    }
}

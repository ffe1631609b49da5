package dev.marquee.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.data.config.Commands;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class MarqueeTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine line = Commands.commandLine(new Marquee());
        line.setOut(new PrintWriter(out));
        line.setErr(new PrintWriter(err));
        return line.execute(args);
    }

    @Test
    void helpListsEveryCommandWithASummary() {
        assertThat(run("--help")).isZero();
        CommandLine root = Commands.commandLine(new Marquee());
        // every command of README.md and of the scripts
        assertThat(root.getSubcommands()).containsKeys("help", "kafka", "replay", "tail", "dashboard", "watch", "train",
                "evaluate", "models", "predict", "import", "trainer", "rollback", "promote", "score", "trigger",
                "hostile-requests", "audit-outcomes");
        for (var sub : root.getSubcommands().entrySet()) {
            var usage = sub.getValue().getCommandSpec().usageMessage();
            String summary = usage.header().length > 0 ? usage.header()[0] : usage.description()[0];
            assertThat(out.toString()).as(sub.getKey())
                    .containsPattern("(?m)^  " + sub.getKey() + " +" + java.util.regex.Pattern.quote(summary) + "$");
        }
        assertThat(out.toString()).contains("MARQUEE_BOOTSTRAP");
    }

    @Test
    void noCommandListsTheCommandsToo() {
        assertThat(run()).isZero();
        assertThat(out.toString()).contains("score").contains("trigger");
    }

    @Test
    void theHelpCommandShowsASubcommandsOptions() {
        assertThat(run("help", "score")).isZero();
        assertThat(out.toString()).contains("--kafka.bootstrap-servers");
    }

    @Test
    void subcommandHelpIsGenerated() {
        assertThat(run("score", "--help")).isZero();
        assertThat(out.toString()).contains("Usage: marquee score").contains("--batch.size");
    }

    @Test
    void anUnknownCommandIsAUsageErrorInOneLine() {
        assertThat(run("scroe")).isEqualTo(Commands.USAGE);
        assertThat(err.toString().lines().toList()).hasSize(2)
                .satisfies(lines -> assertThat(lines.get(0)).startsWith("marquee: ").contains("scroe"))
                .satisfies(lines -> assertThat(lines.get(1)).isEqualTo("see: marquee --help"));
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void aSubcommandsUsageErrorNamesIt() {
        assertThat(run("score", "--batch.size", "many")).isEqualTo(Commands.USAGE);
        assertThat(err.toString()).startsWith("marquee score: ").contains("'many' is not a whole number");
    }

    @Test
    void versionComesFromTheBuild() {
        assertThat(run("--version")).isZero();
        assertThat(out.toString()).startsWith("marquee ").doesNotContain("unknown").doesNotContain("${");
    }
}

package dev.marquee.tools;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.data.config.Commands;
import dev.marquee.data.replay.ReplayCommand;
import dev.marquee.data.replay.TopicTailCommand;
import dev.marquee.data.watch.WatchCommand;
import dev.marquee.job.audit.HostileRequestsCommand;
import dev.marquee.job.audit.OutcomeAuditCommand;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;

/**
 * A --bootstrap the Kafka client cannot parse is a bad command line (exit 2) that names the address, not "Failed to
 * construct kafka consumer" with exit 1 or 3. No broker is needed: the client refuses it while it is built.
 */
class KafkaSettingsRefusalTest {
    private static final String BAD = "localhost"; // no port

    @Test
    void tailAndWatchSayTheAddressIsWrong() {
        for (Object command : new Object[] {new TopicTailCommand(), new WatchCommand()}) {
            CommandRun run = command instanceof TopicTailCommand
                    ? CommandRun.of(command, "--topic", "predictions", "--bootstrap", BAD)
                    : CommandRun.of(command, "--bootstrap", BAD, "--timeout-seconds", "5");
            assertThat(run.exitCode()).as(run.err()).isEqualTo(Commands.USAGE);
            assertThat(run.err()).contains("refuses its settings").contains("bootstrap.servers").contains(BAD);
        }
    }

    @Test
    void hostileRequestsAndTheAuditSayTheAddressIsWrong() throws Exception {
        assertRefused(new HostileRequestsCommand(), "--bootstrap", BAD, "--count", "1");
        assertRefused(new OutcomeAuditCommand(), "--bootstrap", BAD, "--timeout-seconds", "5");
    }

    /** The audit's verdict rests on read_committed and on failing when records were deleted under it: not to be overridden. */
    @Test
    void theAuditRefusesToHaveItsOwnConsumerSettingsOverridden() {
        for (String prop : new String[] {"isolation.level=read_uncommitted", "auto.offset.reset=earliest"}) {
            CommandRun run = CommandRun.of(new OutcomeAuditCommand(), "--bootstrap", "127.0.0.1:9", "--timeout-seconds", "5",
                    "--consumer-prop", prop);
            assertThat(run.exitCode()).as(run.err()).isEqualTo(Commands.USAGE);
            assertThat(run.err()).contains("--consumer-prop " + prop.substring(0, prop.indexOf('=')) + " is the audit's own");
        }
    }

    @Test
    void replaySaysTheAddressIsWrong() {
        assertRefused(new ReplayCommand(), "--bootstrap", BAD, "--data", "synthetic:100", "--limit", "10");
    }

    private static void assertRefused(Callable<Integer> command, String... args) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream previous = System.err;
        int code;
        try {
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            code = new picocli.CommandLine(command).execute(args);
        } finally {
            System.setErr(previous);
        }
        String said = err.toString(StandardCharsets.UTF_8);
        assertThat(code).as(said).isEqualTo(Commands.USAGE);
        assertThat(said).contains("refuses its settings").contains("bootstrap.servers").contains(BAD);
    }
}

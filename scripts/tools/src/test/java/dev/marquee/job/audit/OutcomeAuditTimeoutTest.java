package dev.marquee.job.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** --timeout-seconds bounds the whole audit, the broker's metadata included. */
class OutcomeAuditTimeoutTest {

    @Test
    void anUnreachableBrokerEndsTheAuditAtItsTimeoutNotTheClientsDefault() throws IOException {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream previous = System.err;
        long start = System.nanoTime();
        int code;
        try {
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            code = new CommandLine(new OutcomeAuditCommand())
                    .execute("--bootstrap", "127.0.0.1:" + closedPort, "--timeout-seconds", "2");
        } finally {
            System.setErr(previous);
        }
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(code).isEqualTo(3);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("did not answer (each call waits up to 2 s");
        assertThat(OutcomeAuditCommand.untilDeadlineCapSeconds(300)).as("the default timeout: a call waits 30 s").isEqualTo(30);
        // The Kafka client's own metadata wait is 30 s and more; the audit's is what is left of its 2 s.
        assertThat(took).isLessThan(Duration.ofSeconds(20));
    }

    @Test
    void aBlockingCallGetsWhatIsLeftButAtLeastASecondAndAtMost30() {
        long inTenSeconds = System.nanoTime() + 10_000_000_000L;
        // what is left of the 10 s (a pause of the test's thread may eat some), not the 30 s cap nor the 1 s floor
        assertThat(OutcomeAuditCommand.untilDeadline(inTenSeconds)).isBetween(Duration.ofSeconds(2), Duration.ofSeconds(10));
        assertThat(OutcomeAuditCommand.untilDeadline(System.nanoTime() + 300_000_000_000L)).isEqualTo(Duration.ofSeconds(30));
        assertThat(OutcomeAuditCommand.untilDeadline(System.nanoTime() - 5_000_000_000L)).isEqualTo(Duration.ofSeconds(1));
    }
}

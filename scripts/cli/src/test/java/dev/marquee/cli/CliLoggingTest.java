package dev.marquee.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The commands' logging (scripts/lib/log4j2-cli.properties): a library's warning that carries an exception, such as the
 * Kafka admin client's "Fatal error during metadata update" on a refused TLS handshake, is one line with the
 * exception's message, not a stack trace in front of the command's own last line.
 */
class CliLoggingTest {
    private static final Path CONFIG = Path.of("").toAbsolutePath().getParent().resolve("lib/log4j2-cli.properties");

    /** Logs one warning with a chained exception and one without, through SLF4J as the Kafka clients do. */
    public static final class LogAWarning {
        public static void main(String[] args) {
            org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger("org.apache.kafka.clients.admin.internals.AdminMetadataManager");
            log.warn("Fatal error during metadata update", new IllegalStateException("SSL handshake failed",
                    new IllegalArgumentException("unable to find valid certification path to requested target")));
            log.warn("a warning without an exception");
            log.info("an info line the commands leave out");
        }
    }

    @Test
    void aWarningWithAnExceptionIsOneLine() throws Exception {
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dlog4j2.configurationFile=" + CONFIG, "-cp", System.getProperty("java.class.path"),
                LogAWarning.class.getName()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out.lines().toList()).as(out).hasSize(2);
        assertThat(out).contains("WARN  AdminMetadataManager: Fatal error during metadata update: SSL handshake failed")
                .contains("a warning without an exception").doesNotContain("\tat ").doesNotContain("info line");
    }
}

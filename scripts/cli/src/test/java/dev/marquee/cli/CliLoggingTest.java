package dev.marquee.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The commands' logging (scripts/lib/log4j2-cli.properties): a Kafka client's warning that carries an exception, such as
 * the admin client's "Fatal error during metadata update" on a refused TLS handshake, is one line with the exception's
 * message, not a stack trace in front of the command's own last line; other loggers keep their stack traces.
 */
class CliLoggingTest {
    private static final Path CONFIG = Path.of("").toAbsolutePath().getParent().resolve("lib/log4j2-cli.properties");

    /** Logs one warning with a chained exception and one without, through SLF4J as the Kafka clients do. */
    public static final class LogAWarning {
        public static void main(String[] args) {
            org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger("org.apache.kafka.clients.admin.internals.AdminMetadataManager");
            // Kafka's own exceptions have no stack frames (ApiException): their class and message are still said
            log.warn("Fatal error during metadata update", new org.apache.kafka.common.errors.SslAuthenticationException(
                    "SSL handshake failed", new IllegalArgumentException("unable to find valid certification path")));
            log.error("Uncaught error in kafka producer I/O thread: ", new NullPointerException());
            log.warn("a warning without an exception");
            log.info("an info line the commands leave out");
            org.slf4j.LoggerFactory.getLogger("org.apache.flink.runtime.taskmanager.Task")
                    .warn("a task failed", new IllegalStateException("a bug in the job"));
        }
    }

    @Test
    void aWarningWithAnExceptionIsOneLine() throws Exception {
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dlog4j2.configurationFile=" + CONFIG, "-cp", System.getProperty("java.class.path"),
                LogAWarning.class.getName()).redirectErrorStream(true);
        dev.marquee.infra.testing.ChildEnvironment.scrub(builder.environment()); // no "Picked up JAVA_TOOL_OPTIONS" line
        dev.marquee.infra.testing.ChildRun run = dev.marquee.infra.testing.ChildRun.of(builder, java.time.Duration.ofSeconds(60));
        String out = run.out();
        assertThat(run.exitValue()).as(out).isZero();
        List<String> lines = out.lines().toList();
        assertThat(lines.get(0)).endsWith("WARN  AdminMetadataManager: Fatal error during metadata update:"
                + " org.apache.kafka.common.errors.SslAuthenticationException: SSL handshake failed");
        assertThat(lines.get(1)).endsWith("ERROR AdminMetadataManager: Uncaught error in kafka producer I/O thread: :"
                + " java.lang.NullPointerException");
        assertThat(lines.get(2)).endsWith("WARN  AdminMetadataManager: a warning without an exception");
        assertThat(out).doesNotContain("info line").doesNotContain("certification path");
        // anything else, such as a task's failure in marquee score's mini-cluster, keeps its stack trace
        assertThat(lines.get(3)).endsWith("WARN  Task: a task failed");
        assertThat(lines.get(4)).isEqualTo("java.lang.IllegalStateException: a bug in the job");
        assertThat(lines.get(5)).startsWith("\tat ");
    }
}

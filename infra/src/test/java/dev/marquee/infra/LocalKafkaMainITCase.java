package dev.marquee.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the CLI as scripts do: a separate JVM on the module's runtime classpath file. */
class LocalKafkaMainITCase {

    private static final Duration DEADLINE = Duration.ofSeconds(90);

    @TempDir
    Path tmp;

    @Test
    void runsUntilStoppedAndTellsScriptsWhereItIs() throws Exception {
        Path bootstrapFile = tmp.resolve("run/bootstrap.txt");
        Process cli = start("--port", "0", "--partitions", "3", "--bootstrap-file", bootstrapFile.toString());
        try {
            await().atMost(DEADLINE).until(() -> Files.exists(bootstrapFile) || !cli.isAlive());
            assertThat(cli.isAlive()).as("CLI still running; stderr: %s", read(tmp.resolve("err"))).isTrue();
            String bootstrap = Files.readString(bootstrapFile).trim();
            assertThat(bootstrap).matches("127\\.0\\.0\\.1:\\d+");
        } finally {
            cli.destroy(); // SIGTERM, which runs the shutdown hook as Ctrl-C does
        }
        assertThat(cli.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS)).isTrue();

        List<String> out = Files.readAllLines(tmp.resolve("out"));
        assertThat(out).hasSize(2);
        assertThat(out.get(0)).startsWith("marquee: Kafka broker up at 127.0.0.1:")
                .contains("rating-requests (3)", "predictions (3)", "model-updates (1)");
        assertThat(out.get(1)).isEqualTo("marquee: broker stopped");
        assertThat(bootstrapFile).doesNotExist();
        assertThat(read(tmp.resolve("err"))).doesNotContain("INFO", "Exception");
    }

    @Test
    void badArgumentsExitWithCode2AndOneLine() throws Exception {
        Process cli = start("--port", "nine");

        assertThat(cli.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(cli.exitValue()).isEqualTo(2);
        List<String> err = Files.readAllLines(tmp.resolve("err"));
        assertThat(err).hasSize(2);
        assertThat(err.get(0)).startsWith("marquee kafka: ").contains("--port", "'nine'");
        assertThat(err.get(1)).isEqualTo("see: marquee kafka --help");
        assertThat(String.join("\n", err)).doesNotContain("Exception", "\tat ");
    }

    @Test
    void aTakenPortIsOneLineAndExitCode1() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
            Process cli = start("--port", Integer.toString(taken.getLocalPort()));

            assertThat(cli.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS)).isTrue();
            assertThat(cli.exitValue()).isEqualTo(1);
            assertThat(Files.readAllLines(tmp.resolve("err"))).containsExactly(
                    "marquee: cannot start Kafka: Port " + taken.getLocalPort() + " on 127.0.0.1 is already in use"
                    + " (choose another with --port N, or --port 0 for a free one)");
        }
    }

    private Process start(String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", runtimeClasspath(),
                LocalKafkaMain.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectOutput(tmp.resolve("out").toFile())
                .redirectError(tmp.resolve("err").toFile());
        dev.marquee.infra.testing.ChildEnvironment.scrub(builder.environment());
        return builder.start();
    }

    /** target/classes plus the classpath file the build writes for scripts. */
    private static String runtimeClasspath() throws IOException {
        String dependencies = Files.readString(Path.of("target", "classpath.txt"), StandardCharsets.UTF_8).trim();
        return Path.of("target", "classes").toAbsolutePath() + File.pathSeparator + dependencies;
    }

    private static String read(Path file) throws IOException {
        return Files.exists(file) ? Files.readString(file) : "";
    }
}

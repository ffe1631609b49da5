package dev.marquee.job.bench;

import dev.marquee.infra.LocalKafkaMain;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A Kafka broker in a JVM of its own ({@code marquee kafka}, {@link LocalKafkaMain}), as in production, where the
 * broker's garbage collections do not pause the job. The in-JVM broker shares the benchmark's heap: its allocations
 * set how often the job's JVM pauses, which is not what a TaskManager sees.
 */
final class BrokerProcess implements AutoCloseable {
    private static final Duration STARTUP = Duration.ofSeconds(90);

    private final Process process;
    private final String bootstrap;
    private final Thread stopOnExit;

    private BrokerProcess(Process process, String bootstrap) {
        this.process = process;
        this.bootstrap = bootstrap;
        // The benchmark ends with System.exit, which runs shutdown hooks but no try-with-resources.
        this.stopOnExit = new Thread(process::destroyForcibly, "bench-broker-stop");
        Runtime.getRuntime().addShutdownHook(stopOnExit);
    }

    /** Starts the broker on a free port with the benchmark's class path; returns once it accepts connections. */
    static BrokerProcess start(Path dir) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Path bootstrapFile = dir.resolve("bootstrap");
        Path log = dir.resolve("broker.log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(List.of(java, "-Xmx1g", "-cp", System.getProperty("java.class.path"),
                LocalKafkaMain.class.getName(), "--port", "0", "--no-topics", "--bootstrap-file", bootstrapFile.toString()))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        long deadline = System.nanoTime() + STARTUP.toNanos();
        while (!Files.exists(bootstrapFile)) {
            if (!p.isAlive()) {
                throw new IllegalStateException("the broker process exited with " + p.exitValue() + "; its log: "
                        + Files.readString(log, StandardCharsets.UTF_8));
            }
            if (System.nanoTime() > deadline) {
                p.destroyForcibly();
                throw new IllegalStateException("the broker process did not start within " + STARTUP.toSeconds()
                        + " s; its log: " + log);
            }
            Thread.sleep(100); // polling for a file another process writes, with a deadline
        }
        return new BrokerProcess(p, Files.readString(bootstrapFile, StandardCharsets.UTF_8).trim());
    }

    String bootstrapServers() {
        return bootstrap;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) process.destroyForcibly();
        try {
            Runtime.getRuntime().removeShutdownHook(stopOnExit);
        } catch (IllegalStateException shuttingDown) {
            // already exiting: the hook runs anyway
        }
    }
}

package dev.marquee.infra;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * Runs a local Kafka broker for the demo and for scripts until Ctrl-C. See {@link LocalKafkaOptions#USAGE}.
 * Exit codes: 0 after --help or Ctrl-C, 1 when the broker cannot start, 2 for a bad command line.
 */
public final class LocalKafkaMain {

    static final String LOG_CONFIG_PROPERTY = "log4j2.configurationFile";
    static final String QUIET_LOG_CONFIG = "marquee-log4j2.properties";
    private static final Duration TOPIC_TIMEOUT = Duration.ofSeconds(30);

    private LocalKafkaMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        useQuietLoggingUnlessConfigured();
        LocalKafkaOptions options;
        try {
            options = LocalKafkaOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("marquee: " + e.getMessage());
            System.err.println(LocalKafkaOptions.USAGE);
            System.exit(2);
            return;
        }
        if (options.help()) {
            System.out.println(LocalKafkaOptions.USAGE);
            return;
        }
        EmbeddedKafka kafka;
        try {
            kafka = start(options);
        } catch (EmbeddedKafka.PortInUseException e) {
            System.err.println("marquee: cannot start Kafka: " + e.getMessage()
                    + " (choose another with --port N, or --port 0 for a free one)");
            System.exit(1);
            return;
        } catch (RuntimeException e) {
            System.err.println("marquee: cannot start Kafka: " + e.getMessage());
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(kafka, options.bootstrapFile()),
                "marquee-kafka-stop"));
        try {
            String topics = options.createTopics() ? createTopics(kafka, options.topics()) : "none created";
            options.bootstrapFile().ifPresent(file -> writeAtomically(file, kafka.bootstrapServers()));
            System.out.printf(Locale.ROOT, "marquee: Kafka broker up at %s (KRaft, in-JVM, started in %.1f s); "
                            + "topics: %s; Ctrl-C stops it%n",
                    kafka.bootstrapServers(), kafka.startupTime().toMillis() / 1000.0, topics);
        } catch (RuntimeException e) {
            System.err.println("marquee: " + e.getMessage());
            System.exit(1); // the shutdown hook stops the broker
        }
        new CountDownLatch(1).await(); // until the JVM is asked to stop
    }

    private static EmbeddedKafka start(LocalKafkaOptions options) {
        EmbeddedKafka.Builder builder = EmbeddedKafka.builder().port(options.port());
        options.dataDir().ifPresent(builder::dataDir);
        // Kafka's storage formatter prints its own lines to System.out; the CLI's output is one line.
        PrintStream console = System.out;
        System.setOut(new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8));
        try {
            return builder.start();
        } finally {
            System.setOut(console);
        }
    }

    private static String createTopics(EmbeddedKafka kafka, Topics topics) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            topics.createAll(admin, TOPIC_TIMEOUT);
        }
        return topics.toString();
    }

    /** Scripts poll for the file, so it must never be seen half-written. */
    static void writeAtomically(Path file, String content) {
        try {
            Path absolute = file.toAbsolutePath();
            Path parent = absolute.getParent();
            Files.createDirectories(parent);
            Path temporary = Files.createTempFile(parent, absolute.getFileName().toString(), ".tmp");
            Files.writeString(temporary, content + System.lineSeparator(), StandardCharsets.UTF_8);
            Files.move(temporary, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new IllegalStateException("Could not write the bootstrap address to " + file + ": " + e, e);
        }
    }

    private static void stop(EmbeddedKafka kafka, Optional<Path> bootstrapFile) {
        try {
            if (bootstrapFile.isPresent()) {
                Files.deleteIfExists(bootstrapFile.get());
            }
            kafka.close();
            System.out.println("marquee: broker stopped");
        } catch (IOException | RuntimeException e) {
            System.out.println("marquee: broker stopped with an error: " + e.getMessage());
        }
    }

    /** Kafka logs a lot at INFO; the CLI shows warnings only, unless the user chose a Log4j configuration. */
    private static void useQuietLoggingUnlessConfigured() {
        if (System.getProperty(LOG_CONFIG_PROPERTY) == null && System.getenv("LOG4J_CONFIGURATION_FILE") == null) {
            System.setProperty(LOG_CONFIG_PROPERTY, QUIET_LOG_CONFIG);
        }
    }
}

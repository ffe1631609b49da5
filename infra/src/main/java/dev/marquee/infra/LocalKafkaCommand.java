package dev.marquee.infra;

import dev.marquee.data.config.SettingException;
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
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code marquee kafka}: runs a local Kafka broker for the demo and for scripts until Ctrl-C. Exit codes: 0 after
 * --help, 130 or 143 (the signal's) after Ctrl-C or SIGTERM, 1 when the broker cannot start, 2 for a bad command line.
 */
@Command(name = "kafka", mixinStandardHelpOptions = true, sortOptions = false,
        header = "start a real Kafka broker (KRaft, in-JVM) on loopback and create marquee's topics",
        description = "Start a real Kafka broker (KRaft, in-JVM) on " + EmbeddedKafka.HOST
                + " and create marquee's topics; Ctrl-C stops it.")
public final class LocalKafkaCommand implements Callable<Integer> {

    static final String LOG_CONFIG_PROPERTY = "log4j2.configurationFile";
    static final String QUIET_LOG_CONFIG = "marquee-log4j2.properties";
    static final int DEFAULT_PORT = 9092;
    private static final Duration TOPIC_TIMEOUT = Duration.ofSeconds(30);

    @Option(names = "--port", paramLabel = "N", defaultValue = "" + DEFAULT_PORT,
            description = "port on " + EmbeddedKafka.HOST + " (default: ${DEFAULT-VALUE}; 0 picks a free one)")
    int port;

    @Option(names = "--partitions", paramLabel = "N",
            description = "partitions of the data topics (" + Topics.RATING_REQUESTS + ", " + Topics.PREDICTIONS
                    + ", " + Topics.RATING_REQUESTS_DLQ + ", " + Topics.RATINGS + ", " + Topics.LABELED_PREDICTIONS
                    + "; default: 2); the others get 1")
    Integer partitions;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "keep the broker's data in DIR (absent or empty; kept after stop); default: a temporary "
                    + "directory, deleted on stop")
    Path dataDir;

    @Option(names = "--bootstrap-file", paramLabel = "FILE",
            description = "write the bootstrap address to FILE once the broker is up; deleted on stop")
    Path bootstrapFile;

    @Option(names = "--no-topics", description = "do not create marquee's topics")
    boolean noTopics;

    public LocalKafkaCommand() {
    }

    /** The command line, checked: what picocli's types cannot say (ranges, combinations). */
    LocalKafkaOptions options() {
        if (port < 0 || port > 65_535) {
            throw new SettingException("--port must be an integer from 0 to 65535, got '" + port + "'");
        }
        if (partitions != null && (partitions < 1 || partitions > Topics.MAX_PARTITIONS)) {
            throw new SettingException("--partitions must be an integer from 1 to " + Topics.MAX_PARTITIONS
                    + ", got '" + partitions + "'");
        }
        if (partitions != null && noTopics) {
            throw new SettingException("--partitions has no effect with --no-topics");
        }
        if (dataDir != null && dataDir.toString().isBlank()) {
            throw new SettingException("--data-dir needs a non-empty path");
        }
        if (bootstrapFile != null && bootstrapFile.toString().isBlank()) {
            throw new SettingException("--bootstrap-file needs a non-empty path");
        }
        return new LocalKafkaOptions(port,
                partitions == null ? Topics.Role.RATING_REQUESTS.defaultPartitions() : partitions,
                Optional.ofNullable(dataDir), Optional.ofNullable(bootstrapFile), !noTopics);
    }

    @Override
    public Integer call() throws InterruptedException {
        LocalKafkaOptions options = options();
        useQuietLoggingUnlessConfigured();
        EmbeddedKafka kafka;
        try {
            kafka = start(options);
        } catch (EmbeddedKafka.PortInUseException e) {
            System.err.println("marquee: cannot start Kafka: " + e.getMessage()
                    + " (choose another with --port N, or --port 0 for a free one)");
            return 1;
        } catch (RuntimeException e) {
            System.err.println("marquee: cannot start Kafka: " + e.getMessage());
            return 1;
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
            return 1; // the launcher exits, and the shutdown hook stops the broker
        }
        new CountDownLatch(1).await(); // until the JVM is asked to stop
        return 0;
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

    /**
     * Kafka logs a lot at INFO; the CLI shows warnings only, unless the user chose a Log4j configuration. Before the
     * broker's classes first log, so it takes effect whichever launcher runs the command.
     */
    private static void useQuietLoggingUnlessConfigured() {
        if (System.getProperty(LOG_CONFIG_PROPERTY) == null && System.getenv("LOG4J_CONFIGURATION_FILE") == null) {
            System.setProperty(LOG_CONFIG_PROPERTY, QUIET_LOG_CONFIG);
        }
    }
}

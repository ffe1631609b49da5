package dev.marquee.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import kafka.server.BrokerServer;
import org.apache.kafka.common.network.ListenerName;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.metadata.bootstrap.BootstrapMetadata;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka (one KRaft broker+controller process role pair) inside this JVM, listening on loopback.
 * Supports consumer groups and transactions (exactly-once producers).
 *
 * <pre>{@code
 * try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
 *     props.put("bootstrap.servers", kafka.bootstrapServers());
 * }
 * }</pre>
 */
public final class EmbeddedKafka implements AutoCloseable {

    public static final String HOST = "127.0.0.1";

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);
    // Deliberately not the test kit's broker listener name ("EXTERNAL"): the kit pre-binds a socket on a random port
    // for that name, which would override the host and port we ask for.
    private static final String LISTENER = "PLAINTEXT";
    private static final String CONTROLLER_LISTENER = "CONTROLLER";

    private final KafkaClusterTestKit cluster;
    private final Path dataDir;
    private final int port;
    private final Duration startupTime;
    private final AtomicBoolean closed = new AtomicBoolean();

    private EmbeddedKafka(KafkaClusterTestKit cluster, Path dataDir, int port, Duration startupTime) {
        this.cluster = cluster;
        this.dataDir = dataDir;
        this.port = port;
        this.startupTime = startupTime;
    }

    /** Starts a broker on a free port with a temporary data directory. */
    public static EmbeddedKafka start() {
        return builder().start();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** {@code 127.0.0.1:<port>}, for {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return HOST + ":" + port;
    }

    public int port() {
        return port;
    }

    public Path dataDir() {
        return dataDir;
    }

    /** Time from {@link Builder#start()} until the broker accepted clients. */
    public Duration startupTime() {
        return startupTime;
    }

    /** Stops the broker; deletes the data directory when it was a temporary one. Later calls do nothing. */
    @Override
    public void close() {
        if (closed.getAndSet(true)) {
            return;
        }
        try {
            cluster.close();
            LOG.debug("Kafka broker at {} stopped", bootstrapServers());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while stopping the Kafka broker at " + bootstrapServers(), e);
        } catch (Exception e) {
            throw new IllegalStateException("The Kafka broker at " + bootstrapServers() + " did not stop cleanly", e);
        }
    }

    /** The requested port is taken by another process. */
    public static final class PortInUseException extends IllegalStateException {
        private PortInUseException(int port, Throwable cause) {
            super("Port " + port + " on " + HOST + " is already in use", cause);
        }
    }

    public static final class Builder {
        private int port;
        private Path dataDir;
        private final Map<String, String> brokerProperties = new LinkedHashMap<>();

        private Builder() {
        }

        /** The port on {@value #HOST}; 0 (the default) picks a free one. */
        public Builder port(int port) {
            if (port < 0 || port > 65_535) {
                throw new IllegalArgumentException("port must be from 0 to 65535, got " + port);
            }
            this.port = port;
            return this;
        }

        /**
         * Where the broker keeps its logs; it must be absent or empty, and is kept on close.
         * Without it, a temporary directory is used and deleted on close.
         */
        public Builder dataDir(Path dataDir) {
            this.dataDir = Objects.requireNonNull(dataDir, "dataDir");
            return this;
        }

        /** A broker configuration override, e.g. {@code log.retention.ms}. Applied after marquee's defaults. */
        public Builder brokerProperty(String key, String value) {
            brokerProperties.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /**
         * Starts the broker and waits until it accepts clients.
         *
         * @throws PortInUseException   when the chosen port is taken
         * @throws IllegalStateException when the data directory is unusable or the broker fails to start
         */
        public EmbeddedKafka start() {
            long startNanos = System.nanoTime();
            if (port != 0) {
                requirePortFree(port);
            }
            boolean temporary = dataDir == null;
            Path dir = temporary ? createTempDir() : prepareDataDir(dataDir);
            KafkaClusterTestKit cluster = build(dir, temporary);
            try {
                cluster.format();
                cluster.startup();
                cluster.waitForReadyBrokers();
            } catch (Exception e) {
                closeQuietly(cluster);
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                throw startFailure(e);
            }
            int boundPort = broker(cluster).boundPort(ListenerName.normalised(LISTENER));
            Duration startupTime = Duration.ofNanos(System.nanoTime() - startNanos);
            LOG.debug("Kafka broker up at {}:{} in {} ms (KRaft, in-JVM, data in {})",
                    HOST, boundPort, startupTime.toMillis(), dir);
            return new EmbeddedKafka(cluster, dir, boundPort, startupTime);
        }

        private KafkaClusterTestKit build(Path dir, boolean deleteOnClose) {
            try {
                TestKitNodes nodes = new TestKitNodes.Builder(productionBootstrapMetadata())
                        .setCombined(true)
                        .setNumBrokerNodes(1)
                        .setNumControllerNodes(1)
                        .setBaseDirectory(dir)
                        .build();
                KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(nodes)
                        .setDeleteOnClose(deleteOnClose);
                brokerConfig().forEach(builder::setConfigProp);
                return builder.build();
            } catch (Exception e) {
                throw startFailure(e);
            }
        }

        private Map<String, String> brokerConfig() {
            Map<String, String> config = new LinkedHashMap<>();
            // The controller listener keeps the test kit's name, so it uses the kit's pre-bound socket and quorum config.
            config.put("listeners", LISTENER + "://" + HOST + ":" + port + "," + CONTROLLER_LISTENER + "://localhost:0");
            config.put("listener.security.protocol.map", LISTENER + ":PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
            config.put("inter.broker.listener.name", LISTENER);
            // The test kit enables unreleased APIs and features by default; clients must see a released broker.
            config.put("unstable.api.versions.enable", "false");
            config.put("unstable.feature.versions.enable", "false");
            // One node: internal topics cannot be replicated, and one partition each keeps start-up and first use fast.
            config.put("offsets.topic.replication.factor", "1");
            config.put("offsets.topic.num.partitions", "1");
            config.put("transaction.state.log.replication.factor", "1");
            config.put("transaction.state.log.min.isr", "1");
            config.put("transaction.state.log.num.partitions", "1");
            config.put("share.coordinator.state.topic.replication.factor", "1");
            config.put("share.coordinator.state.topic.min.isr", "1");
            config.put("group.initial.rebalance.delay.ms", "0");
            config.putAll(brokerProperties);
            return config;
        }
    }

    /** Without this the kit bootstraps an unreleased metadata version that a released controller refuses. */
    static BootstrapMetadata productionBootstrapMetadata() {
        MetadataVersion version = MetadataVersion.latestProduction();
        Map<String, Short> levels = Feature.PRODUCTION_FEATURES.stream()
                .collect(Collectors.toMap(Feature::featureName, feature -> feature.defaultLevel(version),
                        (first, second) -> first, TreeMap::new));
        return BootstrapMetadata.fromVersions(version, levels, "marquee");
    }

    private static BrokerServer broker(KafkaClusterTestKit cluster) {
        return cluster.brokers().values().iterator().next();
    }

    private static void requirePortFree(int port) {
        try (ServerSocket probe = new ServerSocket()) {
            probe.bind(new InetSocketAddress(InetAddress.getByName(HOST), port));
        } catch (IOException e) {
            throw new PortInUseException(port, e);
        }
    }


    private static Path createTempDir() {
        try {
            return Files.createTempDirectory("marquee-kafka-");
        } catch (IOException e) {
            // the cause's words ("No space left on device", a denied folder) are what the user can act on
            throw new UncheckedIOException("Could not create a temporary directory for Kafka in "
                    + System.getProperty("java.io.tmpdir") + ": " + e, e);
        }
    }

    private static Path prepareDataDir(Path dir) {
        Path absolute = dir.toAbsolutePath();
        try {
            if (Files.isDirectory(absolute)) {
                try (Stream<Path> entries = Files.list(absolute)) {
                    if (entries.findAny().isPresent()) {
                        throw new IllegalStateException("Data directory " + absolute + " is not empty; restarting on an "
                                + "earlier broker's data is not supported, so remove it or choose another");
                    }
                }
            } else {
                Files.createDirectories(absolute);
            }
            return absolute;
        } catch (IOException e) {
            throw new IllegalStateException("Cannot use data directory " + absolute + ": " + e, e);
        }
    }

    private static IllegalStateException startFailure(Exception e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof BindException) {
                return new IllegalStateException("Kafka could not bind its port on " + HOST + ": " + cause.getMessage(), e);
            }
        }
        return new IllegalStateException("Kafka broker failed to start: " + e, e);
    }

    private static void closeQuietly(KafkaClusterTestKit cluster) {
        try {
            cluster.close();
        } catch (Exception e) {
            LOG.debug("Error while closing a Kafka broker that failed to start", e);
        }
    }
}

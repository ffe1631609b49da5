package dev.marquee.job.it;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A single-node KRaft Kafka broker in its own JVM (the test's class path, {@code kafka.Kafka}), on a fixed port
 * and data directory, so a test can kill it and start it again on the same port and data, as a real broker
 * restart. The in-JVM {@code EmbeddedKafka} cannot restart on an earlier broker's data.
 */
final class KafkaBrokerProcess implements AutoCloseable {
    private static final Duration STARTUP = Duration.ofSeconds(90);
    /** Formatting takes a few seconds; a hung format must fail the test, not block it. */
    private static final Duration FORMAT_DEADLINE = Duration.ofSeconds(60);

    private final Path dir;
    private final int port;
    private final Path config;
    private Process process;
    private int starts;

    KafkaBrokerProcess(Path dir) throws IOException, InterruptedException {
        this.dir = dir;
        int[] ports = freePorts(2);
        this.port = ports[0];
        int controllerPort = ports[1];
        Files.createDirectories(dir.resolve("data"));
        config = dir.resolve("server.properties");
        Files.writeString(config, String.join("\n",
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.bootstrap.servers=127.0.0.1:" + controllerPort,
                "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort,
                "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
                "controller.listener.names=CONTROLLER",
                "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                "inter.broker.listener.name=PLAINTEXT",
                "log.dirs=" + dir.resolve("data"),
                "auto.create.topics.enable=false",
                "offsets.topic.replication.factor=1",
                "offsets.topic.num.partitions=1",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "transaction.state.log.num.partitions=1",
                "share.coordinator.state.topic.replication.factor=1",
                "share.coordinator.state.topic.min.isr=1",
                "group.initial.rebalance.delay.ms=0",
                ""), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("log4j2.properties"), String.join("\n",
                "rootLogger.level = WARN",
                "rootLogger.appenderRef.stdout.ref = STDOUT",
                "appender.stdout.type = Console",
                "appender.stdout.name = STDOUT",
                "appender.stdout.layout.type = PatternLayout",
                "appender.stdout.layout.pattern = [%d] %p %m (%c)%n",
                ""), StandardCharsets.UTF_8);
        Path formatLog = dir.resolve("format.log");
        Process format = java("kafka.tools.StorageTool", "format", "--standalone", "--cluster-id",
                org.apache.kafka.common.Uuid.randomUuid().toString(), "--config", config.toString())
                .redirectOutput(formatLog.toFile()).redirectErrorStream(true).start();
        if (!format.waitFor(FORMAT_DEADLINE.toSeconds(), TimeUnit.SECONDS)) {
            format.destroyForcibly();
            format.waitFor(10, TimeUnit.SECONDS);
            throw new IllegalStateException("formatting Kafka's storage did not end within " + FORMAT_DEADLINE + ": "
                    + Files.readString(formatLog));
        }
        if (format.exitValue() != 0) {
            throw new IllegalStateException("could not format Kafka's storage: " + Files.readString(formatLog));
        }
    }

    String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    /** Starts the broker on its port and data and waits until it accepts connections; returns how long it took. */
    Duration start() throws IOException {
        long t0 = System.nanoTime();
        Path log = dir.resolve("broker-" + (++starts) + ".log");
        process = java("kafka.Kafka", config.toString()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        await("Kafka broker on port " + port).atMost(STARTUP).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(100)).until(() -> {
            if (!process.isAlive()) throw new IllegalStateException("the broker exited: " + Files.readString(log));
            return accepts(port);
        });
        return Duration.ofNanos(System.nanoTime() - t0);
    }

    /** Kills the broker process (SIGKILL, as a crash) and waits until it is gone. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(60, TimeUnit.SECONDS)) throw new IllegalStateException("the broker did not die");
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) kill();
    }

    private ProcessBuilder java(String main, String... args) {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-Dlog4j2.configurationFile=file:" + dir.resolve("log4j2.properties"), "-cp", classPath, main));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).directory(dir.toFile());
    }

    private static boolean accepts(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Distinct free ports: each socket stays bound until all are chosen, so two calls cannot return the same port. */
    private static int[] freePorts(int n) throws IOException {
        ServerSocket[] sockets = new ServerSocket[n];
        try {
            int[] ports = new int[n];
            for (int i = 0; i < n; i++) {
                sockets[i] = new ServerSocket();
                sockets[i].bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
                ports[i] = sockets[i].getLocalPort();
            }
            return ports;
        } finally {
            for (ServerSocket s : sockets) {
                if (s != null) s.close();
            }
        }
    }
}

package dev.marquee.infra.testing;

import dev.marquee.infra.EmbeddedKafka;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.awaitility.Awaitility;

/**
 * A real broker (the in-JVM KRaft one) whose clients sign in (SASL/PLAIN) and are held to ACLs (Kafka's
 * StandardAuthorizer): what a principal without a grant meets in production, for the tests of the messages that name
 * the grant it lacks. {@value #ADMIN} may do anything; every other user (password: its name) may do only what
 * {@link #allow} granted it. Always the embedded broker, whatever {@link BrokerChoice} says: the other brokers a test
 * run may use are not set up this way.
 */
public final class SecuredKafka implements AutoCloseable {
    public static final String ADMIN = "admin";

    private static final Duration AWAIT = Duration.ofSeconds(30);

    private static final String STORE_PASSWORD = "marquee-test-store";

    private final EmbeddedKafka kafka;
    /** The clients' trust store when the listener is TLS, else null. */
    private final Path trustStore;
    private final Path tlsDir;
    private final Admin admin;

    private SecuredKafka(EmbeddedKafka kafka, Path tlsDir) {
        this.kafka = kafka;
        this.tlsDir = tlsDir;
        this.trustStore = tlsDir == null ? null : tlsDir.resolve("trust.p12");
        this.admin = Admin.create(toMap(clientProps(ADMIN)));
    }

    /** Starts a broker that knows {@value #ADMIN} and {@code users}. */
    public static SecuredKafka start(String... users) {
        return start(null, users);
    }

    /**
     * As {@link #start}, with the clients' listener over TLS as well (SASL_SSL, what managed Kafka services offer): a
     * self-signed certificate for 127.0.0.1 made by the JDK's keytool, which {@link #clientProps} trust through a
     * PKCS12 trust store, host name verification on (the clients' default).
     */
    public static SecuredKafka startOverTls(String... users) {
        Path dir;
        try {
            dir = Files.createTempDirectory("secured-kafka-tls");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            keytool("-genkeypair", "-alias", "broker", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                    "-dname", "CN=" + EmbeddedKafka.HOST, "-ext", "SAN=ip:" + EmbeddedKafka.HOST + ",dns:localhost",
                    "-keystore", dir.resolve("broker.p12").toString(), "-storetype", "PKCS12",
                    "-storepass", STORE_PASSWORD, "-keypass", STORE_PASSWORD);
            keytool("-exportcert", "-alias", "broker", "-keystore", dir.resolve("broker.p12").toString(),
                    "-storetype", "PKCS12", "-storepass", STORE_PASSWORD, "-file", dir.resolve("broker.cer").toString());
            keytool("-importcert", "-noprompt", "-alias", "broker", "-file", dir.resolve("broker.cer").toString(),
                    "-keystore", dir.resolve("trust.p12").toString(), "-storetype", "PKCS12", "-storepass", STORE_PASSWORD);
            return start(dir, users);
        } catch (IOException | RuntimeException e) {
            deleteTree(dir); // its private key with it
            if (e instanceof RuntimeException r) throw r;
            throw new UncheckedIOException((IOException) e);
        }
    }

    private static void deleteTree(Path dir) {
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void keytool(String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        try {
            ChildRun run = ChildRun.of(new ProcessBuilder(command).redirectErrorStream(true), java.time.Duration.ofSeconds(60));
            if (run.exitValue() != 0) {
                throw new IOException("keytool " + String.join(" ", args) + " failed: " + run.out());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while keytool ran", e);
        }
    }

    private static SecuredKafka start(Path tlsDir, String... users) {
        StringBuilder jaas = new StringBuilder("org.apache.kafka.common.security.plain.PlainLoginModule required")
                .append(" username=\"").append(ADMIN).append("\" password=\"").append(ADMIN).append('"');
        List<String> all = new ArrayList<>(List.of(users));
        all.add(ADMIN);
        for (String user : all) jaas.append(" user_").append(user).append("=\"").append(user).append('"');
        jaas.append(';');
        EmbeddedKafka.Builder builder = EmbeddedKafka.builder()
                // the clients' listener signs in; the controller's stays plain (its principal is ANONYMOUS)
                .brokerProperty("listener.security.protocol.map", "PLAINTEXT:" + (tlsDir == null ? "SASL_PLAINTEXT"
                        : "SASL_SSL") + ",CONTROLLER:PLAINTEXT")
                .brokerProperty("sasl.enabled.mechanisms", "PLAIN")
                .brokerProperty("sasl.mechanism.inter.broker.protocol", "PLAIN")
                .brokerProperty("listener.name.plaintext.plain.sasl.jaas.config", jaas.toString())
                .brokerProperty("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer")
                .brokerProperty("super.users", "User:" + ADMIN + ";User:ANONYMOUS");
        if (tlsDir != null) {
            builder.brokerProperty("ssl.keystore.location", tlsDir.resolve("broker.p12").toString())
                    .brokerProperty("ssl.keystore.type", "PKCS12")
                    .brokerProperty("ssl.keystore.password", STORE_PASSWORD)
                    .brokerProperty("ssl.key.password", STORE_PASSWORD)
                    // the broker is a client of its own listener too (inter-broker)
                    .brokerProperty("ssl.truststore.location", tlsDir.resolve("trust.p12").toString())
                    .brokerProperty("ssl.truststore.type", "PKCS12")
                    .brokerProperty("ssl.truststore.password", STORE_PASSWORD);
        }
        EmbeddedKafka kafka = builder.start();
        try {
            return new SecuredKafka(kafka, tlsDir);
        } catch (RuntimeException e) {
            kafka.close();
            throw e;
        }
    }

    public String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    /** The bootstrap address and {@code user}'s sign-in, for any client. */
    public Properties clientProps(String user) {
        Properties props = new Properties();
        props.put("bootstrap.servers", bootstrapServers());
        props.put("security.protocol", trustStore == null ? "SASL_PLAINTEXT" : "SASL_SSL");
        if (trustStore != null) {
            props.put("ssl.truststore.location", trustStore.toString());
            props.put("ssl.truststore.type", "PKCS12");
            props.put("ssl.truststore.password", STORE_PASSWORD);
        }
        props.put("sasl.mechanism", "PLAIN");
        props.put("sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required username=\""
                + user + "\" password=\"" + user + "\";");
        return props;
    }

    /** Creates the topic and returns once the broker serves it (the controller's "created" comes first). */
    public void createTopic(String topic, int partitions) throws ExecutionException, InterruptedException {
        admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get();
        Awaitility.await("topic " + topic + " served by the broker").atMost(AWAIT)
                .ignoreExceptionsMatching(e -> e.getCause() instanceof UnknownTopicOrPartitionException)
                .until(() -> admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().size()
                        == partitions);
    }

    /** Grants {@code user} the operations on the topic. */
    public void allow(String user, String topic, AclOperation... operations) throws ExecutionException, InterruptedException {
        allow(user, ResourceType.TOPIC, topic, PatternType.LITERAL, operations);
    }

    /** Grants {@code user} the operations on a resource of any type (a group or transactional-id prefix, say). */
    public void allow(String user, ResourceType type, String name, PatternType pattern, AclOperation... operations)
            throws ExecutionException, InterruptedException {
        List<AclBinding> bindings = new ArrayList<>();
        for (AclOperation op : operations) {
            bindings.add(new AclBinding(new ResourcePattern(type, name, pattern),
                    new AccessControlEntry("User:" + user, "*", op, AclPermissionType.ALLOW)));
        }
        admin.createAcls(bindings).all().get();
        // the controller has them now; the broker's authorizer takes them a moment later, and it answers describeAcls
        for (AclBinding binding : bindings) {
            Awaitility.await("ACL " + binding + " applied on the broker").atMost(AWAIT)
                    .until(() -> admin.describeAcls(binding.toFilter()).values().get().contains(binding));
        }
    }

    private static Map<String, Object> toMap(Properties props) {
        Map<String, Object> map = new java.util.HashMap<>();
        props.forEach((k, v) -> map.put((String) k, v));
        return map;
    }

    @Override
    public void close() {
        try {
            admin.close();
            kafka.close();
        } finally {
            if (tlsDir != null) deleteTree(tlsDir);
        }
    }
}

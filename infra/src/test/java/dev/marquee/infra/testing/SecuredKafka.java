package dev.marquee.infra.testing;

import dev.marquee.infra.EmbeddedKafka;
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

    private final EmbeddedKafka kafka;
    private final Admin admin;

    private SecuredKafka(EmbeddedKafka kafka) {
        this.kafka = kafka;
        this.admin = Admin.create(toMap(clientProps(ADMIN)));
    }

    /** Starts a broker that knows {@value #ADMIN} and {@code users}. */
    public static SecuredKafka start(String... users) {
        StringBuilder jaas = new StringBuilder("org.apache.kafka.common.security.plain.PlainLoginModule required")
                .append(" username=\"").append(ADMIN).append("\" password=\"").append(ADMIN).append('"');
        List<String> all = new ArrayList<>(List.of(users));
        all.add(ADMIN);
        for (String user : all) jaas.append(" user_").append(user).append("=\"").append(user).append('"');
        jaas.append(';');
        EmbeddedKafka kafka = EmbeddedKafka.builder()
                // the clients' listener signs in; the controller's stays plain (its principal is ANONYMOUS)
                .brokerProperty("listener.security.protocol.map", "PLAINTEXT:SASL_PLAINTEXT,CONTROLLER:PLAINTEXT")
                .brokerProperty("sasl.enabled.mechanisms", "PLAIN")
                .brokerProperty("sasl.mechanism.inter.broker.protocol", "PLAIN")
                .brokerProperty("listener.name.plaintext.plain.sasl.jaas.config", jaas.toString())
                .brokerProperty("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer")
                .brokerProperty("super.users", "User:" + ADMIN + ";User:ANONYMOUS")
                .start();
        return new SecuredKafka(kafka);
    }

    public String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    /** The bootstrap address and {@code user}'s sign-in, for any client. */
    public Properties clientProps(String user) {
        Properties props = new Properties();
        props.put("bootstrap.servers", bootstrapServers());
        props.put("security.protocol", "SASL_PLAINTEXT");
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
        admin.close();
        kafka.close();
    }
}

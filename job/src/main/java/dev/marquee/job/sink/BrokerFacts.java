package dev.marquee.job.sink;

import dev.marquee.data.config.SettingException;
import dev.marquee.job.config.JobSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * What the brokers say, read once by the client before the scoring job is submitted: the topics' and one broker's
 * settings the job's start-up checks need. What cannot be read (brokers unreachable, no permission to describe) is
 * absent, with the reason in {@link #unread}. Client settings that are invalid anywhere (an unknown security
 * protocol, a malformed address) are a {@link SettingException}, since every source and sink would fail on them and
 * restart for ever; what may hold only for the submitting host (a bootstrap name it cannot resolve, credentials only
 * the TaskManagers have, brokers it cannot reach) is only unread.
 */
public final class BrokerFacts {
    /** Topics that exist, with their effective {@code max.message.bytes}. */
    public final Map<String, OptionalLong> topicMaxMessageBytes = new HashMap<>();
    /** Topics that exist, with their number of partitions, when it could be read. */
    public final Map<String, Integer> topicPartitions = new HashMap<>();
    /** Topics whose partitions this principal may not read (no Describe), with the brokers' reason. */
    public final Map<String, String> partitionsDenied = new HashMap<>();
    /**
     * Topics whose settings (max.message.bytes) this principal may not read (no DescribeConfigs), with the brokers'
     * words; only the checks of a record's size need them, and say so for their topics.
     */
    public final Map<String, String> configsDenied = new HashMap<>();
    /**
     * Topics this principal may not write, with the operations the brokers say it may do there (read from the
     * topic's description; a broker without an authorizer answers every operation).
     */
    public final Map<String, String> writeDenied = new HashMap<>();
    /** Topics this principal may not read, with the operations the brokers say it may do there (as above). */
    public final Map<String, String> readDenied = new HashMap<>();
    /** The kind of sign-in failure (SASL credentials, TLS trust) the brokers answered with, or null. */
    public String authenticationFailure;
    /**
     * Why this host could not make a Kafka client: a key store, trust store, JAAS or secrets file the settings name
     * that it cannot read (the TaskManagers may); null when the client was made.
     */
    public String unreadableFile;
    /** Topics the brokers said do not exist. */
    public final List<String> missingTopics = new ArrayList<>();
    /** The broker's {@code auto.create.topics.enable}, when read. */
    public Optional<Boolean> autoCreateTopics = Optional.empty();
    /** The broker's {@code transaction.max.timeout.ms}, when read. */
    public OptionalLong maxTransactionTimeoutMs = OptionalLong.empty();
    /** The broker's {@code message.max.bytes} (a new topic's default limit), when read. */
    public OptionalLong brokerMaxMessageBytes = OptionalLong.empty();
    /** Why some facts are absent; empty when everything was read. */
    public final List<String> unread = new ArrayList<>();

    /** Nothing read yet (tests fill the fields in). */
    public BrokerFacts() {}

    public static BrokerFacts read(JobSettings s, Collection<String> topics, Duration timeout) {
        BrokerFacts facts = new BrokerFacts();
        Properties props = s.kafkaProperties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, s.bootstrapServers);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, String.valueOf(timeout.toMillis()));
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, String.valueOf(timeout.toMillis()));
        Admin admin;
        try {
            admin = Admin.create(props);
        } catch (KafkaException e) {
            String why = rootMessage(e);
            // this host's DNS, maybe not the TaskManagers' (the second with client.dns.lookup's canonical-only lookup)
            if (why.contains("No resolvable bootstrap urls") || why.contains("Unknown host in bootstrap.servers")) {
                facts.unread.add("this host resolves none of " + s.bootstrapServers);
                return facts;
            }
            if (localFileProblem(e)) { // a key store, JAAS file or secrets file only the TaskManagers have
                facts.unreadableFile = dev.marquee.data.config.Commands.causes(e); // a path is no secret: shown
                facts.unread.add("this host cannot read a file the Kafka client settings name (" + facts.unreadableFile + "); the"
                        + " TaskManagers may: the brokers were not asked");
                return facts;
            }
            throw new SettingException("the Kafka client refuses the settings (" + JobSettings.KAFKA_PROPERTY_PREFIX
                    + "*, " + JobSettings.BOOTSTRAP + "): " + why);
        }
        try {
            Collection<Node> nodes;
            try {
                nodes = admin.describeCluster().nodes().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) { // credentials only the TaskManagers have, say: theirs to find out
                facts.unread.add("the brokers at " + s.bootstrapServers + ": " + rootMessage(e.getCause()));
                if (e.getCause() instanceof org.apache.kafka.common.errors.AuthenticationException) {
                    // with the brokers' words, fixed texts ("Invalid username or password") whose values only are
                    // masked: an untrusted certificate, a host name the certificate lacks and a wrong password need
                    // different fixes
                    facts.authenticationFailure = e.getCause().getClass().getSimpleName() + ": "
                            + dev.marquee.data.config.SecretMasking.maskValues(chainText(e.getCause()));
                }
                return facts;
            } catch (TimeoutException e) {
                facts.unread.add("the brokers at " + s.bootstrapServers + " did not answer within " + timeout.toSeconds() + " s");
                return facts;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                facts.unread.add("interrupted");
                return facts;
            }
            for (String topic : topics) facts.readTopic(admin, topic, timeout);
            if (!nodes.isEmpty()) facts.readBroker(admin, nodes.iterator().next(), timeout);
            return facts;
        } finally {
            admin.close(Duration.ofSeconds(1));
        }
    }

    /**
     * The topic's settings (DescribeConfigs), then its partitions and what this principal may do with it (Describe,
     * which also tells a missing topic: the docs' example grants have Describe without DescribeConfigs).
     */
    private void readTopic(Admin admin, String topic, Duration timeout) {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        try {
            Map<ConfigResource, Config> configs = admin.describeConfigs(List.of(resource)).all()
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            topicMaxMessageBytes.put(topic, number(configs.get(resource), TopicConfig.MAX_MESSAGE_BYTES_CONFIG));
            readPartitions(admin, topic, timeout);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                missingTopics.add(topic);
            } else if (e.getCause() instanceof org.apache.kafka.common.errors.AuthorizationException) {
                configsDenied.put(topic, rootMessage(e.getCause()));
                readPartitions(admin, topic, timeout);
                if (!missingTopics.contains(topic) && !topicPartitions.containsKey(topic)) {
                    unread.add("topic " + topic + ": this principal may not DescribeConfigs on it ("
                            + rootMessage(e.getCause()) + ")" + (partitionsDenied.containsKey(topic) ? " nor Describe it"
                            : " and its description did not come") + "; the job may still read or write it, and whether"
                            + " it exists is not known: create it first if not (docs/OPERATIONS.md#kafka-acls)");
                }
            } else {
                unread.add("topic " + topic + ": " + rootMessage(e.getCause()));
            }
        } catch (TimeoutException e) {
            unread.add("topic " + topic + ": no answer within " + timeout.toSeconds() + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            unread.add("interrupted");
        }
    }

    /**
     * The topic's partition count and this principal's READ and WRITE on it; what cannot be read is left out, with
     * why in {@link #unread} (the warnings on partitions and the refusal of a topic it may not read or write depend
     * on it: not checked is said, never taken for fine).
     */
    private void readPartitions(Admin admin, String topic, Duration timeout) {
        try {
            var description = admin.describeTopics(List.of(topic),
                    new org.apache.kafka.clients.admin.DescribeTopicsOptions().includeAuthorizedOperations(true))
                    .allTopicNames().get(timeout.toMillis(), TimeUnit.MILLISECONDS).get(topic);
            if (description != null) {
                topicPartitions.put(topic, description.partitions().size());
                var ops = description.authorizedOperations();
                if (ops == null) unread.add("this principal's operations on topic " + topic + " (READ and WRITE not checked)");
                if (ops != null && !ops.contains(org.apache.kafka.common.acl.AclOperation.WRITE)
                        && !ops.contains(org.apache.kafka.common.acl.AclOperation.ALL)) {
                    writeDenied.put(topic, ops.toString());
                }
                if (ops != null && !ops.contains(org.apache.kafka.common.acl.AclOperation.READ)
                        && !ops.contains(org.apache.kafka.common.acl.AclOperation.ALL)) {
                    readDenied.put(topic, ops.toString());
                }
            }
        } catch (ExecutionException e) {
            if (e.getCause() instanceof org.apache.kafka.common.errors.AuthorizationException) {
                partitionsDenied.put(topic, rootMessage(e.getCause()));
            } else if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                missingTopics.add(topic);
            } else {
                unread.add("topic " + topic + "'s partitions and this principal's READ and WRITE on it: "
                        + rootMessage(e.getCause()));
            }
        } catch (TimeoutException e) {
            unread.add("topic " + topic + "'s partitions and this principal's READ and WRITE on it: no answer within "
                    + timeout.toSeconds() + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void readBroker(Admin admin, Node node, Duration timeout) {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.BROKER, node.idString());
        try {
            Config config = admin.describeConfigs(List.of(resource)).all()
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS).get(resource);
            String autoCreate = value(config, "auto.create.topics.enable");
            if (autoCreate != null) autoCreateTopics = Optional.of(Boolean.parseBoolean(autoCreate.trim()));
            maxTransactionTimeoutMs = number(config, "transaction.max.timeout.ms");
            brokerMaxMessageBytes = number(config, "message.max.bytes");
        } catch (ExecutionException e) {
            unread.add("broker " + node.idString() + "'s settings: " + rootMessage(e.getCause())
                    + (e.getCause() instanceof org.apache.kafka.common.errors.AuthorizationException
                            ? " (DescribeConfigs on the cluster: docs/OPERATIONS.md#kafka-acls)" : ""));
        } catch (TimeoutException e) {
            unread.add("broker " + node.idString() + "'s settings: no answer within " + timeout.toSeconds() + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            unread.add("interrupted");
        }
    }

    private static String value(Config config, String key) {
        ConfigEntry entry = config == null ? null : config.get(key);
        return entry == null ? null : entry.value();
    }

    private static OptionalLong number(Config config, String key) {
        String v = value(config, key);
        if (v == null) return OptionalLong.empty();
        try {
            return OptionalLong.of(Long.parseLong(v.trim()));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    /**
     * Whether the client failed on a file this host does not have or may not read: a key or trust store, a JAAS login
     * file, a config provider's secrets file mounted on the TaskManagers only. A file it read and refused (a wrong
     * password, a corrupt store, a wrong store type) is a setting the TaskManagers would refuse as well, and so is a
     * malformed setting (a bad protocol name, an address without a port).
     */
    static boolean localFileProblem(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof java.nio.file.NoSuchFileException || t instanceof java.io.FileNotFoundException
                    || t instanceof java.nio.file.AccessDeniedException) {
                return true;
            }
            // Kafka's FileConfigProvider drops the IOException's type: its message is all there is
            if (t.getMessage() != null && t.getMessage().startsWith("Could not read properties from file ")) return true;
        }
        return false;
    }

    /** The innermost cause's message (with the outer one's), hidden when it may carry a secret (a JAAS line, say). */
    private static String rootMessage(Throwable e) {
        String text = chainText(e);
        return dev.marquee.data.config.SecretMasking.looksSecret(text)
                ? innermost(e).getClass().getSimpleName() + " (message not shown: it may carry a secret)" : text;
    }

    /** The outer message and the innermost cause's, unmasked. */
    private static String chainText(Throwable e) {
        Throwable t = innermost(e);
        String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        return t == e || e.getMessage() == null ? m : e.getMessage() + ": " + m;
    }

    private static Throwable innermost(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) t = t.getCause();
        return t;
    }
}

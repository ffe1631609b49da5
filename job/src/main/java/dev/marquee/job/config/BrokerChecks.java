package dev.marquee.job.config;

import dev.marquee.data.config.SettingException;
import dev.marquee.job.sink.BrokerFacts;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import org.apache.kafka.common.config.TopicConfig;

/**
 * The scoring job's start-up checks against what the brokers say ({@link BrokerFacts}): settings the job would
 * fail on and restart for ever are refused with one line; what cannot be checked is a warning.
 */
public final class BrokerChecks {
    private BrokerChecks() {}

    /** The topics the job writes to with these settings. */
    public static Set<String> writtenTopics(JobSettings s) {
        Set<String> topics = new LinkedHashSet<>(List.of(s.predictionsTopic, s.deadLettersTopic, s.modelStatusTopic));
        if (s.drift.enabled) topics.add(s.driftTopic);
        if (s.labels.labelsEnabled) topics.add(s.labeledPredictionsTopic);
        return topics;
    }

    /** The topics the job reads. */
    public static Set<String> readTopics(JobSettings s) {
        Set<String> topics = new LinkedHashSet<>(List.of(s.requestsTopic, s.modelUpdatesTopic));
        if (s.labels.labelsEnabled) topics.add(s.ratingsTopic);
        return topics;
    }

    /**
     * Refuses a missing topic a Kafka source reads: Flink's source does not create it (it describes the topic,
     * whatever the brokers' auto.create.topics.enable) and fails the job, which restarts for ever.
     */
    public static void requireSourceTopics(java.util.Collection<String> topics, BrokerFacts facts) {
        requireSourceTopics(topics, facts, Map.of());
    }

    /** As above; {@code remedies} add, per topic, another way out (a ratings topic: labels off). */
    static void requireSourceTopics(java.util.Collection<String> topics, BrokerFacts facts, Map<String, String> remedies) {
        for (String topic : topics) {
            if (facts.missingTopics.contains(topic)) {
                throw new SettingException("topic " + topic + " does not exist: Flink's Kafka source does not create the"
                        + " topics it reads and would fail the job, which restarts for ever; create it"
                        + " (infra/kafka/create-topics.sh), name another (docs/CONFIGURATION.md)"
                        + remedies.getOrDefault(topic, ""));
            }
        }
    }

    /**
     * Refuses a topic a sink writes that does not exist on brokers that create none (the job would fail on its first
     * write and restart for ever).
     */
    public static void requireSinkTopic(String topic, BrokerFacts facts) {
        if (facts.missingTopics.contains(topic) && facts.autoCreateTopics.isPresent() && !facts.autoCreateTopics.get()) {
            throw new SettingException("topic " + topic + " does not exist and the brokers create no topics on first "
                    + "use (auto.create.topics.enable=false): the job would fail on its first write to it and restart "
                    + "for ever; create it (docs/OPERATIONS.md) or name another (docs/CONFIGURATION.md)");
        }
    }

    /**
     * A warning for a topic a sink writes that does not exist, on brokers that may create it on first write (those
     * that create none are refused by {@link #requireSinkTopic}): with their defaults, and only for a principal that
     * may CREATE; else the job fails on that write and restarts.
     */
    public static String missingSinkTopicWarning(String topic, BrokerFacts facts) {
        if (!facts.missingTopics.contains(topic)) return null;
        if (facts.autoCreateTopics.isEmpty()) {
            return "topic " + topic + " does not exist; the brokers create it on first write only if they create topics"
                    + " on first use (auto.create.topics.enable, not known here: reading it needs DescribeConfigs on the"
                    + " cluster) and this principal may CREATE it, else the job fails on that write and restarts for"
                    + " ever: create it first";
        }
        if (!facts.autoCreateTopics.get()) return null; // refused by requireSinkTopic
        return "topic " + topic + " does not exist yet; the brokers create it on first write, with their defaults,"
                + " if this principal may CREATE it (else the job fails on that write and restarts: create it first)";
    }

    /**
     * A warning when the submitting host's principal may not write a topic a sink writes (the brokers' authorized
     * operations lack WRITE, or it may not even describe the topic, which writing needs): if the TaskManagers'
     * principal may not either, the job fails at its first record there and restarts on it for ever. Not a refusal:
     * the TaskManagers may write as another principal, or from hosts an ACL allows where this one is not.
     */
    public static String sinkWriteWarning(String topic, BrokerFacts facts) {
        String mayDo = facts.writeDenied.get(topic);
        String denied = facts.partitionsDenied.get(topic);
        if (mayDo == null && denied == null) return null;
        if (mayDo == null) {
            return "WRITE on topic " + topic + " not checked: this host's principal may not DESCRIBE it (" + denied
                    + "), and a principal that may not describe a topic cannot write it either: if the TaskManagers'"
                    + " may not, the job fails at its first record there and restarts on it for ever (grant DESCRIBE on"
                    + " the topics the job writes to the submitting host too, to have it checked: docs/OPERATIONS.md#kafka-acls)";
        }
        return "this host's principal may not WRITE topic " + topic + " (the brokers allow it " + mayDo + "): if the"
                + " TaskManagers' principal may not either, the job fails at its first record there and restarts on it"
                + " for ever; grant WRITE and DESCRIBE on it (docs/OPERATIONS.md#kafka-acls)";
    }

    /**
     * A warning when the submitting host's principal may not read a topic a source reads (its authorized operations
     * lack READ): if the TaskManagers' may not either, the job fails on its first fetch and restarts for ever.
     */
    public static String sourceReadWarning(String topic, BrokerFacts facts) {
        String mayDo = facts.readDenied.get(topic);
        if (mayDo == null) return null;
        return "this host's principal may not READ topic " + topic + " (the brokers allow it " + mayDo + "): if the"
                + " TaskManagers' principal may not either, the job fails on its first read there and restarts for ever;"
                + " grant READ and DESCRIBE on it (docs/OPERATIONS.md#kafka-acls)";
    }

    /**
     * The scoring job's model-updates are read by each slot's own consumer, which keeps the version it serves and
     * retries: no restart, but no new version either.
     */
    static String updatesReadWarning(String topic, BrokerFacts facts) {
        String mayDo = facts.readDenied.get(topic);
        String denied = facts.partitionsDenied.get(topic);
        if (mayDo == null && denied != null) {
            return "READ on topic " + topic + " not checked: this host's principal may not DESCRIBE it (" + denied
                    + "); if the TaskManagers' may not read it, each slot keeps the version it serves and hears of no"
                    + " other (grant READ and DESCRIBE on it: docs/OPERATIONS.md#kafka-acls)";
        }
        if (mayDo == null) return null;
        return "this host's principal may not READ topic " + topic + " (the brokers allow it " + mayDo + "): if the"
                + " TaskManagers' principal may not either, each slot keeps the version it serves and hears of no other"
                + " (it says so at ERROR); grant READ and DESCRIBE on it (docs/OPERATIONS.md#kafka-acls)";
    }

    /**
     * The topics the scoring job reads with Flink's Kafka sources, which fail the job on a refusal: not model-updates,
     * which each slot reads with a consumer of its own that keeps the version it serves and retries.
     */
    public static Set<String> readsTheJobFailsOn(JobSettings s) {
        Set<String> reads = new LinkedHashSet<>(readTopics(s));
        reads.remove(s.modelUpdatesTopic);
        return reads;
    }

    /**
     * Where this JVM runs the job itself ({@code marquee score}, {@code marquee trigger}: LocalBinding), the submitting
     * host's principal is the TaskManagers': a sign-in the brokers refuse, or a grant it lacks on a topic the job reads
     * or writes, would fail the job and restart it for ever, so it is refused instead (on a cluster these stay
     * warnings: the TaskManagers may sign in as another principal).
     */
    public static void refuseWhatTheJobWouldFailOn(java.util.Collection<String> reads, java.util.Collection<String> writes,
                                                   BrokerFacts facts) {
        if (facts.authenticationFailure != null) {
            throw new SettingException("the brokers refused this job's sign-in (" + facts.authenticationFailure + "): check"
                    + " the credentials and TLS trust in " + JobSettings.KAFKA_PROPERTY_PREFIX + "* (security.protocol,"
                    + " sasl.*, ssl.*); this process runs the job itself, which would fail and restart for ever");
        }
        if (facts.unreadableFile != null) {
            throw new SettingException("the Kafka clients cannot read a file their settings name (" + facts.unreadableFile
                    + "): check the paths and passwords in " + JobSettings.KAFKA_PROPERTY_PREFIX + "* (ssl.truststore.*,"
                    + " ssl.keystore.*, a JAAS or secrets file); this process runs the job itself, which would fail and"
                    + " restart for ever");
        }
        List<String> missing = new ArrayList<>();
        for (String topic : reads) {
            if (facts.readDenied.containsKey(topic) || facts.partitionsDenied.containsKey(topic)) {
                missing.add("READ and DESCRIBE on " + topic);
            }
        }
        for (String topic : writes) {
            if (facts.writeDenied.containsKey(topic) || facts.partitionsDenied.containsKey(topic)) {
                missing.add("WRITE and DESCRIBE on " + topic);
            }
        }
        if (!missing.isEmpty()) {
            throw new SettingException("this job's principal lacks " + String.join(", ", missing) + " (docs/OPERATIONS.md"
                    + "#kafka-acls): this process runs the job itself, which would fail on it and restart for ever");
        }
    }

    /**
     * Refuses what the job would fail on: an output topic that does not exist on brokers that create none, a
     * transaction timeout above the brokers' maximum (exactly-once), a dead-letter topic too small for the largest
     * dead letter. Returns warnings for what could not be checked or will only idle the job.
     */
    public static List<String> check(JobSettings s, BrokerFacts facts) {
        List<String> warnings = new ArrayList<>();
        check(s, facts, warnings::add);
        return warnings;
    }

    /**
     * As {@link #check(JobSettings, BrokerFacts)}, handing each warning to {@code say} as it is found: those found
     * before a refusal are said, not lost with it.
     */
    public static void check(JobSettings s, BrokerFacts facts, java.util.function.Consumer<String> say) {
        for (String why : facts.unread) say.accept("could not read from the brokers: " + why + "; not checked");
        boolean noAutoCreate = facts.autoCreateTopics.isPresent() && !facts.autoCreateTopics.get();
        for (String topic : writtenTopics(s)) {
            requireSinkTopic(topic, facts);
            String writeWarning = sinkWriteWarning(topic, facts);
            if (writeWarning != null) say.accept(writeWarning);
            String missing = missingSinkTopicWarning(topic, facts);
            if (missing != null) say.accept(missing);
        }
        for (String topic : readTopics(s)) {
            String readWarning = topic.equals(s.modelUpdatesTopic) ? updatesReadWarning(topic, facts)
                    : sourceReadWarning(topic, facts);
            if (readWarning != null) say.accept(readWarning);
        }
        List<String> sources = new ArrayList<>(readsTheJobFailsOn(s)); // model-updates: each slot's consumer waits for it
        requireSourceTopics(sources, facts, Map.of(s.ratingsTopic, ", or set labels.enabled false"));
        if (facts.missingTopics.contains(s.modelUpdatesTopic)) {
            // whatever the brokers' auto-create: the slots' consumers never create it, and a mistyped name has no writer
            say.accept("topic " + s.modelUpdatesTopic + " does not exist: the slots hear of no new version until it"
                    + " is created" + (noAutoCreate ? "" : " (its first writer creates it where the brokers auto-create"
                    + " topics; a mistyped topic.model-updates has none)"));
        }
        checkTransactionMax(s, facts);
        OptionalLong dlqLimit = facts.topicMaxMessageBytes.getOrDefault(s.deadLettersTopic, OptionalLong.empty());
        if (dlqLimit.isEmpty() && facts.missingTopics.contains(s.deadLettersTopic)) dlqLimit = facts.brokerMaxMessageBytes;
        if (dlqLimit.isEmpty()) {
            say.accept("could not read " + TopicConfig.MAX_MESSAGE_BYTES_CONFIG + " of topic " + s.deadLettersTopic
                    + whyNoConfigs(s.deadLettersTopic, facts) + "; the dead-letter size is not checked against it"
                    + " (docs/RELIABILITY.md)");
        }
        List<String> predictionTopics = new ArrayList<>(List.of(s.predictionsTopic));
        if (s.labels.labelsEnabled) predictionTopics.add(s.labeledPredictionsTopic);
        for (String topic : predictionTopics) {
            if (facts.configsDenied.containsKey(topic) && limitOf(topic, facts).isEmpty()) {
                say.accept("could not read " + TopicConfig.MAX_MESSAGE_BYTES_CONFIG + " of topic " + topic
                        + whyNoConfigs(topic, facts) + "; the largest prediction is not checked against it");
            }
        }
        DeadLetterRecordSize.checkTopic(s, dlqLimit);
        PredictionRecordSize.checkTopic(s.parserLimits, s.predictionsTopic, JobSettings.TOPIC_PREDICTIONS,
                limitOf(s.predictionsTopic, facts));
        if (s.labels.labelsEnabled) {
            PredictionRecordSize.checkTopic(s.parserLimits, s.labeledPredictionsTopic, JobSettings.TOPIC_LABELED_PREDICTIONS,
                    limitOf(s.labeledPredictionsTopic, facts));
        }
    }

    /**
     * With labels on, an input topic with more partitions than the job's {@code parallelism} (its own setting, else
     * the one it is submitted with: {@code flink run -p}, the submitting client's {@code parallelism.default}, else
     * Flink's 1; not known when 0 or less) is a warning: event time is made per subtask, not per partition.
     */
    public static List<String> checkPartitions(JobSettings s, BrokerFacts facts, int parallelism) {
        List<String> warnings = new ArrayList<>();
        if (!s.labels.labelsEnabled || parallelism <= 0) return warnings;
        for (String topic : List.of(s.requestsTopic, s.ratingsTopic)) {
            Integer partitions = facts.topicPartitions.get(topic);
            String denied = facts.partitionsDenied.get(topic);
            if (denied != null) {
                warnings.add("could not read the partitions of topic " + topic + ": this principal may not Describe it ("
                        + denied + "); not checked against the job's parallelism (docs/OPERATIONS.md#kafka-acls)");
            } else if (partitions != null && partitions > parallelism) {
                warnings.add("topic " + topic + " has " + partitions + " partitions for a parallelism of "
                        + parallelism + ": with labels on, a subtask reading several partitions makes event time"
                        + " follow the one read furthest ahead, and while the job catches up on a backlog labels can"
                        + " expire before their predictions come; give the job one subtask per partition"
                        + " (docs/OPERATIONS.md, partitions and parallelism)");
            }
        }
        return warnings;
    }

    /** Why a topic's settings could not be read, when the brokers refused DescribeConfigs on it; else empty. */
    private static String whyNoConfigs(String topic, BrokerFacts facts) {
        String denied = facts.configsDenied.get(topic);
        return denied == null ? "" : " (this principal may not DescribeConfigs on it: " + denied
                + "; docs/OPERATIONS.md#kafka-acls)";
    }

    /** A topic's {@code max.message.bytes}, the brokers' for one created on first write; empty when not known. */
    private static OptionalLong limitOf(String topic, BrokerFacts facts) {
        OptionalLong limit = facts.topicMaxMessageBytes.getOrDefault(topic, OptionalLong.empty());
        return limit.isEmpty() && facts.missingTopics.contains(topic) ? facts.brokerMaxMessageBytes : limit;
    }

    /** Exactly-once: refuses a transaction timeout above the brokers' {@code transaction.max.timeout.ms}. */
    public static void checkTransactionMax(JobSettings s, BrokerFacts facts) {
        if (s.delivery == DeliveryGuarantee.EXACTLY_ONCE && facts.maxTransactionTimeoutMs.isPresent()
                && s.transactionTimeoutMs > facts.maxTransactionTimeoutMs.getAsLong()) {
            throw new SettingException(JobSettings.TRANSACTION_TIMEOUT_MS + " (" + s.transactionTimeoutMs + ") is above the "
                    + "brokers' transaction.max.timeout.ms (" + facts.maxTransactionTimeoutMs.getAsLong() + "): every sink "
                    + "would fail to start its transactions and the job restart for ever; lower it or raise the brokers' limit");
        }
    }

    /**
     * Exactly-once: a warning when the tolerated failed checkpoints in a row, each running to its timeout, could
     * outlast the transaction timeout (the brokers would abort transactions the job still commits). Checkpoints that
     * succeed cannot: the job caps its checkpoint timeout so that two in a row fit ({@code ScoringJob.checkpointTimeoutCap}).
     */
    public static List<String> checkTransactionTimeout(JobSettings s, long checkpointTimeoutMs, long minPauseMs,
            int tolerableFailures) {
        if (s.delivery != DeliveryGuarantee.EXACTLY_ONCE || tolerableFailures <= 0) return List.of();
        // a transaction opens at one checkpoint's barrier and commits when the (f+1)-th after it completes, each failed
        // one running to its timeout: at most (f+1) x max(interval, timeout + min-pause) + timeout. An upper bound: Flink
        // 2.2 starts the min-pause only after a completed checkpoint, so failed ones start max(interval, timeout) apart
        long apart = Math.max(s.checkpointIntervalMs, checkpointTimeoutMs + Math.max(0, minPauseMs));
        long tolerated = (long) (tolerableFailures + 1) * apart + checkpointTimeoutMs;
        if (s.transactionTimeoutMs < tolerated) {
            return List.of(JobSettings.TRANSACTION_TIMEOUT_MS + " (" + s.transactionTimeoutMs + ") is shorter than "
                    + (tolerableFailures + 1) + " checkpoints that run to their timeout (" + tolerated + " ms, with "
                    + "execution.checkpointing.tolerable-failed-checkpoints " + tolerableFailures + "): if that many fail "
                    + "in a row, the brokers abort the pending transactions and their records are lost");
        }
        return List.of();
    }
}

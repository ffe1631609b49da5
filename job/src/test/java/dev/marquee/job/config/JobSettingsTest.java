package dev.marquee.job.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.marquee.data.config.SettingException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JobSettingsTest {
    @Test
    void defaultsAreSane() {
        JobSettings s = JobSettings.defaults();
        assertThat(s.requestsTopic).isEqualTo("rating-requests");
        assertThat(s.deadLettersTopic).isEqualTo("rating-requests-dlq");
        assertThat(s.delivery).isEqualTo(DeliveryGuarantee.AT_LEAST_ONCE);
        assertThat(s.startingOffsets).isEqualTo(StartingOffsets.COMMITTED);
        assertThat(s.transactionTimeoutMs).isEqualTo(900_000);
        assertThat(s.parserLimits.maxInstances).isEqualTo(10_000);
        assertThat(s.checkpointIntervalMs).isEqualTo(60_000);
        assertThat(JobSettings.from(Map.of(JobSettings.DELIVERY, "exactly-once")).checkpointIntervalMs).isEqualTo(10_000);
    }

    @Test
    void aLocalRunKeepsItsCheckpointsInALocalDirectory() {
        assertThat(JobSettings.defaults().localCheckpointDir).isEqualTo("file://" + java.nio.file.Path.of(
                ".marquee/checkpoints").toAbsolutePath().normalize());
        assertThat(JobSettings.from(Map.of(JobSettings.CHECKPOINT_LOCAL_DIR, "file:///var/tmp/cp")).localCheckpointDir)
                .isEqualTo("file:///var/tmp/cp");
        assertThatThrownBy(() -> JobSettings.from(Map.of(JobSettings.CHECKPOINT_LOCAL_DIR, "s3://bucket/cp")))
                .isInstanceOf(SettingException.class).hasMessageContaining("checkpoint.local-dir");
        assertThatThrownBy(() -> JobSettings.from(Map.of(JobSettings.CHECKPOINT_LOCAL_DIR, "file://tmp/cp")))
                .isInstanceOf(SettingException.class).hasMessageContaining("checkpoint.local-dir").hasMessageContaining("file:///");
        assertThatThrownBy(() -> JobSettings.from(Map.of(JobSettings.CHECKPOINT_LOCAL_DIR, "file:///tmp/a b")))
                .isInstanceOf(SettingException.class).hasMessageContaining("checkpoint.local-dir");
    }

    @Test
    void prometheusPortsAreRealPorts() {
        assertThat(JobSettings.from(Map.of(JobSettings.PROMETHEUS_PORTS, "9249-9259")).prometheusPorts).isEqualTo("9249-9259");
        for (String bad : new String[] {"70000", "99999-1", "9260-9250", "0"}) {
            assertThatThrownBy(() -> JobSettings.from(Map.of(JobSettings.PROMETHEUS_PORTS, bad))).as(bad)
                    .isInstanceOf(SettingException.class).hasMessageContaining("1-65535");
        }
    }

    /**
     * The embedded Flink gets a file-system checkpoint directory (the JobManager's memory refuses state over 5 MB): a
     * folder of this JVM's own under the setting's, deleted when the JVM lets it go (LocalCheckpointFoldersTest).
     */
    @Test
    void aJobInAnEmbeddedFlinkOfItsOwnCheckpointsToThatDirectory(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path cp = dir.resolve("check points %41");
        JobSettings s = JobSettings.from(Map.of(JobSettings.CHECKPOINT_LOCAL_DIR, cp.toString()));
        org.apache.flink.streaming.api.environment.StreamExecutionEnvironment env =
                org.apache.flink.streaming.api.environment.StreamExecutionEnvironment.createLocalEnvironment(1);
        try {
            dev.marquee.job.ScoringJob.configure(env, s);
            org.apache.flink.configuration.Configuration conf =
                    (org.apache.flink.configuration.Configuration) env.getConfiguration();
            java.nio.file.Path folder = LocalCheckpointFoldersTest.asFlinkReadsIt(
                    conf.get(org.apache.flink.configuration.CheckpointingOptions.CHECKPOINTS_DIRECTORY));
            assertThat(folder.getParent()).as("the folder Flink writes to").isEqualTo(cp);
            assertThat(folder.getFileName().toString()).startsWith("run-" + ProcessHandle.current().pid() + "-");
            assertThat(folder).isDirectory();
            assertThat(conf.get(org.apache.flink.configuration.CheckpointingOptions.CHECKPOINT_STORAGE)).isEqualTo("filesystem");
        } finally {
            LocalCheckpointFolders.release(cp);
        }
    }

    /** Two models' jobs on one Kafka cluster never share offsets or abort each other's transactions by default. */
    @Test
    void anotherModelGetsItsOwnConsumerGroupAndTransactionalIdsByDefault() {
        JobSettings first = JobSettings.from(Map.of());
        JobSettings other = JobSettings.from(Map.of(JobSettings.MODEL_NAME, "b"));
        assertThat(first.groupId).isEqualTo("marquee-scoring");
        assertThat(first.transactionalIdPrefix).isEqualTo("marquee-scoring");
        assertThat(other.groupId).isEqualTo("marquee-scoring-b");
        assertThat(other.transactionalIdPrefix).isEqualTo("marquee-scoring-b");
        JobSettings given = JobSettings.from(Map.of(JobSettings.MODEL_NAME, "b", JobSettings.GROUP_ID, "g",
                JobSettings.TRANSACTIONAL_ID_PREFIX, "t"));
        assertThat(given.groupId).isEqualTo("g");
        assertThat(given.transactionalIdPrefix).isEqualTo("t");
        // and their metrics (job_name) and alerts tell them apart
        assertThat(JobSettings.jobName("marquee scoring", first.modelName)).isEqualTo("marquee scoring");
        assertThat(JobSettings.jobName("marquee scoring", other.modelName)).isEqualTo("marquee scoring b");
    }

    /**
     * Sinks' transactional ids are {@code <prefix>-<sink>}: a model named {@code x-labeled} would take model
     * {@code x}'s labeled-predictions ids for its predictions, and each job would fence the other's transactions.
     */
    @Test
    void aModelNameWhoseTransactionalIdsWouldBeAnothersIsRefusedAtExactlyOnce() {
        assertThatThrownBy(() -> JobSettings.from(Map.of(JobSettings.MODEL_NAME, "labeled", JobSettings.DELIVERY, "exactly-once")))
                .isInstanceOf(SettingException.class).hasMessageContaining("model 'marquee''s labeled-predictions sink");
        assertThatThrownBy(() -> JobSettings.from(Map.of(JobSettings.MODEL_NAME, "b-labeled", JobSettings.DELIVERY, "exactly-once")))
                .hasMessageContaining("model 'b''s labeled-predictions sink");
        assertThat(JobSettings.from(Map.of(JobSettings.MODEL_NAME, "b-labeled", JobSettings.DELIVERY, "exactly-once",
                JobSettings.TRANSACTIONAL_ID_PREFIX, "b-labeled-scoring")).transactionalIdPrefix).isEqualTo("b-labeled-scoring");
        assertThat(JobSettings.from(Map.of(JobSettings.MODEL_NAME, "b-labeled")).modelName).as("no transactions").isEqualTo("b-labeled");
        assertThat(JobSettings.from(Map.of(JobSettings.MODEL_NAME, "marquee-labeled", JobSettings.DELIVERY, "exactly-once"))
                .transactionalIdPrefix).as("model marquee's prefix is the bare default: no collision")
                .isEqualTo("marquee-scoring-marquee-labeled");
        assertThatThrownBy(() -> JobSettings.from(Map.of(JobSettings.DELIVERY, "exactly-once",
                JobSettings.TRANSACTIONAL_ID_PREFIX, "recs-labeled")))
                .isInstanceOf(SettingException.class).hasMessageContaining("a job whose prefix is 'recs'");
        assertThat(JobSettings.from(Map.of(JobSettings.TRANSACTIONAL_ID_PREFIX, "recs-labeled")).transactionalIdPrefix)
                .as("no transactions at at-least-once").isEqualTo("recs-labeled");
    }

    /** A prediction parses as a valid request, a dead letter as a bad one: either topic read back would loop for ever. */
    @Test
    void aTopicTheJobWritesThatItAlsoReadsIsRefused() {
        assertThatThrownBy(() -> JobSettings.from(Map.of(JobSettings.TOPIC_PREDICTIONS, "rating-requests")))
                .isInstanceOf(SettingException.class)
                .hasMessage("topic.predictions and topic.rating-requests both name topic 'rating-requests': the job would"
                        + " read what it writes, for ever; give them different topics");
        assertThatThrownBy(() -> JobSettings.from(Map.of(JobSettings.TOPIC_DEAD_LETTERS, "in", JobSettings.TOPIC_REQUESTS, "in")))
                .hasMessageContaining("topic.dead-letters and topic.rating-requests");
        assertThatThrownBy(() -> JobSettings.from(Map.of(JobSettings.TOPIC_MODEL_STATUS, "model-updates")))
                .hasMessageContaining("topic.model-status and topic.model-updates");
        assertThatThrownBy(() -> JobSettings.from(Map.of(JobSettings.TOPIC_LABELED_PREDICTIONS, "ratings")))
                .hasMessageContaining("topic.labeled-predictions and topic.ratings");
        assertThat(JobSettings.from(Map.of(JobSettings.TOPIC_PREDICTIONS, "out", JobSettings.TOPIC_REQUESTS, "in")).predictionsTopic)
                .isEqualTo("out");
    }

    /** Values the producer or consumer on the TaskManagers would refuse, failing every source or sink there. */
    @Test
    void clientValuesTheKafkaClientsWouldRefuseAreRefusedAtStartUp() {
        assertThatThrownBy(() -> JobSettings.from(Map.of("kafka.property.acks", "2"))).isInstanceOf(SettingException.class)
                .hasMessageStartingWith("kafka.property.*: the Kafka clients refuse a value: ").hasMessageContaining("acks");
        assertThatThrownBy(() -> JobSettings.from(Map.of("kafka.property.isolation.level", "read-committed")))
                .hasMessageContaining("isolation.level");
        assertThatThrownBy(() -> JobSettings.from(Map.of("kafka.property.compression.type", "zstdd")))
                .hasMessageContaining("compression.type");
        assertThatThrownBy(() -> JobSettings.from(Map.of("kafka.property.fetch.max.bytes", "lots")))
                .hasMessageContaining("fetch.max.bytes");
        assertThatThrownBy(() -> JobSettings.from(Map.of("kafka.property.enable.idempotence", "true", "kafka.property.acks", "1")))
                .hasMessageContaining("enable.idempotence=true cannot be used with kafka.property.acks=1");
        assertThatThrownBy(() -> JobSettings.from(Map.of("kafka.property.enable.idempotence", "true", "kafka.property.retries", "0")))
                .hasMessageContaining("enable.idempotence=true cannot be used with kafka.property.retries=0");
        assertThatThrownBy(() -> JobSettings.from(Map.of("kafka.property.max.in.flight.requests.per.connection", "10")))
                .as("idempotent by default, at at-least-once too").hasMessageContaining("more than the idempotent producer takes");
        assertThat(JobSettings.from(Map.of("kafka.property.max.in.flight.requests.per.connection", "10",
                "kafka.property.enable.idempotence", "false")).kafkaProperties()).containsEntry("enable.idempotence", "false");

        assertThat(JobSettings.from(Map.of("kafka.property.acks", "1", "kafka.property.isolation.level", "read_uncommitted",
                "kafka.property.compression.type", "zstd")).kafkaProperties()).containsEntry("acks", "1");
        assertThat(JobSettings.from(Map.of("kafka.property.config.providers", "env",
                "kafka.property.config.providers.env.class", "org.apache.kafka.common.config.provider.EnvVarConfigProvider",
                "kafka.property.linger.ms", "${env:LINGER}")).kafkaProperties())
                .as("a provider's value is the clients' to resolve and check").containsEntry("linger.ms", "${env:LINGER}");
        assertThat(JobSettings.from(Map.of("kafka.property.not.a.kafka.key", "x")).kafkaProperties())
                .as("a key neither client knows is left to them").containsKey("not.a.kafka.key");
    }

    /**
     * Client properties the job refuses at start-up rather than fail on its TaskManagers: a first-class setting's
     * Kafka key, and producer settings Kafka's transactions cannot run with.
     */
    @Test
    void clientPropertiesThatWouldBreakTheJobAreRefusedAtStartUp() {
        assertThatThrownBy(() -> JobSettings.from(Map.of("kafka.property.bootstrap.servers", "prod:9093")))
                .hasMessageContaining("set kafka.bootstrap-servers instead");
        assertThatThrownBy(() -> JobSettings.from(Map.of("kafka.property.group.id", "g")))
                .hasMessageContaining("set kafka.group-id instead");
        for (String bad : List.of("acks=1", "enable.idempotence=false", "retries=0",
                "max.in.flight.requests.per.connection=6")) {
            String[] kv = bad.split("=");
            assertThatThrownBy(() -> JobSettings.from(Map.of(JobSettings.DELIVERY, "exactly-once",
                    "kafka.property." + kv[0], kv[1]))).as(bad).hasMessageContaining(bad)
                    .hasMessageContaining("exactly-once");
        }
        JobSettings fine = JobSettings.from(Map.of(JobSettings.DELIVERY, "exactly-once", "kafka.property.acks", "all",
                "kafka.property.max.in.flight.requests.per.connection", "5"));
        assertThat(fine.kafkaProperties()).containsEntry("acks", "all");
        assertThat(JobSettings.from(Map.of(JobSettings.DELIVERY, "exactly-once", "kafka.property.acks", "-1",
                "kafka.property.enable.idempotence", "true")).kafkaProperties()).as("all's other spelling, idempotence asked for")
                .containsEntry("acks", "-1").containsEntry("enable.idempotence", "true");
        assertThatThrownBy(() -> JobSettings.from(Map.of("kafka.property.transactional.id", "mine")))
                .as("the sinks' ids are the job's (delivery.transactional-id-prefix)").hasMessageContaining("transactional.id");
        // keys the job's own rules read cannot come from a config provider: resolved on the TaskManagers, after these
        // checks, a value the producer refused there would fail every sink for ever (RELIABILITY.md)
        Map<String, String> provider = Map.of("kafka.property.config.providers", "env",
                "kafka.property.config.providers.env.class", "org.apache.kafka.common.config.provider.EnvVarConfigProvider");
        for (String key : List.of("acks", "enable.idempotence", "retries", "max.in.flight.requests.per.connection")) {
            Map<String, String> m = new java.util.HashMap<>(provider);
            m.put(JobSettings.DELIVERY, "exactly-once");
            m.put("kafka.property." + key, "${env:KAFKA_SETTING}");
            assertThatThrownBy(() -> JobSettings.from(m)).as(key).isInstanceOf(SettingException.class)
                    .hasMessage("kafka.property." + key + " cannot come from a config provider (${env:KAFKA_SETTING}): Kafka's"
                            + " transactions need the idempotent producer, which the job checks before it starts; give the"
                            + " value itself");
            m.put(JobSettings.DELIVERY, "at-least-once");
            assertThat(JobSettings.from(m).kafkaProperties()).as(key + " at at-least-once: the clients' to check")
                    .containsEntry(key, "${env:KAFKA_SETTING}");
        }
        for (String delivery : List.of("at-least-once", "exactly-once")) {
            Map<String, String> m = new java.util.HashMap<>(provider);
            m.put(JobSettings.DELIVERY, delivery);
            m.put("kafka.property.transaction.two.phase.commit.enable", "${env:KAFKA_SETTING}");
            assertThatThrownBy(() -> JobSettings.from(m)).as(delivery).hasMessageContaining(
                    "kafka.property.transaction.two.phase.commit.enable cannot come from a config provider");
        }
        Map<String, String> idempotentAtLeastOnce = new java.util.HashMap<>(provider);
        idempotentAtLeastOnce.put("kafka.property.enable.idempotence", "true");
        idempotentAtLeastOnce.put("kafka.property.acks", "${env:KAFKA_ACKS}");
        assertThat(JobSettings.from(idempotentAtLeastOnce).kafkaProperties()).as("at-least-once: the clients' to check")
                .containsEntry("acks", "${env:KAFKA_ACKS}");
        for (String key : List.of("max.request.size", "buffer.memory")) {
            Map<String, String> m = new java.util.HashMap<>(provider);
            m.put("kafka.property." + key, "${env:KAFKA_SETTING}");
            assertThatThrownBy(() -> JobSettings.from(m)).as(key).hasMessageContaining("kafka.property." + key
                    + " cannot come from a config provider").hasMessageContaining("the largest prediction and dead letter");
        }
        assertThat(JobSettings.from(Map.of("kafka.property.acks", "1")).warnings())
                .anySatisfy(w -> assertThat(w).contains("acks=1"));
    }

    @Test
    void aTypoIsRefusedByName() {
        assertThatThrownBy(() -> JobSettings.from(Map.of("delivery.guarante", "exactly-once")))
                .isInstanceOf(SettingException.class)
                .hasMessageStartingWith("unknown setting delivery.guarante; known: ");
    }

    @Test
    void badValuesNameTheKey() {
        assertThatThrownBy(() -> JobSettings.from(Map.of(JobSettings.DELIVERY, "twice")))
                .hasMessage("delivery.guarantee must be at-least-once or exactly-once, got 'twice'");
        assertThatThrownBy(() -> JobSettings.from(Map.of(JobSettings.STARTING_OFFSETS, "middle")))
                .hasMessage("kafka.starting-offsets must be committed, earliest or latest, got 'middle'");
        assertThatThrownBy(() -> JobSettings.from(Map.of("parser.max-depth", "1")))
                .hasMessage("parser.max-depth must be between 2 and 1000, got 1");
    }

    @Test
    void exactlyOnceNeedsTransactionsThatOutliveACheckpointInterval() {
        assertThatThrownBy(() -> JobSettings.from(Map.of(JobSettings.DELIVERY, "exactly-once",
                JobSettings.CHECKPOINT_INTERVAL_MS, "60000", JobSettings.TRANSACTION_TIMEOUT_MS, "30000")))
                .hasMessageContaining("delivery.transaction-timeout-ms (30000) must be longer than checkpoint.interval-ms (60000) by at least 10000 ms");
        assertThatThrownBy(() -> JobSettings.from(Map.of(JobSettings.DELIVERY, "exactly-once",
                JobSettings.CHECKPOINT_INTERVAL_MS, "60000", JobSettings.TRANSACTION_TIMEOUT_MS, "61000")))
                .as("every checkpoint would be capped at 1 s").hasMessageContaining("by at least 10000 ms");
    }

    @Test
    void kafkaPropertiesPassThroughWithoutThePrefix() {
        JobSettings s = JobSettings.from(Map.of("kafka.property.security.protocol", "SASL_SSL",
                "kafka.property.sasl.mechanism", "SCRAM-SHA-512"));
        assertThat(s.kafkaProperties()).containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-512").hasSize(2);
    }

    @Test
    void aModelNameThatCannotNameAFolderAndARegistryThatIsAFileAreRefused(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp)
            throws Exception {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> JobSettings.from(java.util.Map.of(JobSettings.MODEL_NAME, "a/b")))
                .isInstanceOf(dev.marquee.data.config.SettingException.class).hasMessageContaining("model.name must be");
        java.nio.file.Path file = java.nio.file.Files.writeString(tmp.resolve("registry.txt"), "not a folder");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> JobSettings.from(java.util.Map.of(JobSettings.MODEL_REGISTRY, file.toString())))
                .isInstanceOf(dev.marquee.data.config.SettingException.class).hasMessageContaining("is a file");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> JobSettings.from(java.util.Map.of(JobSettings.MODEL_REGISTRY,
                        "s3://bucket/registry")))
                .isInstanceOf(dev.marquee.data.config.SettingException.class)
                .hasMessageStartingWith("model.registry: the model registry must be a directory on a local or mounted");
        assertThat(JobSettings.from(java.util.Map.of(JobSettings.MODEL_REGISTRY, tmp.toUri().toString())).modelRegistry)
                .as("a file:// URI, as a path").isEqualTo(tmp.toString());
    }

    /** KIP-939's two-phase commit makes the producer refuse the transaction timeout the connector sets on every sink. */
    @Test
    void twoPhaseCommitIsRefusedAtEitherGuarantee() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> JobSettings.from(java.util.Map.of(
                "kafka.property.transaction.two.phase.commit.enable", "true")))
                .isInstanceOf(dev.marquee.data.config.SettingException.class).as("at-least-once too")
                .hasMessageContaining("transaction.two.phase.commit.enable");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> JobSettings.from(java.util.Map.of("delivery.guarantee",
                "exactly-once", "kafka.property.transaction.two.phase.commit.enable", "true")))
                .isInstanceOf(dev.marquee.data.config.SettingException.class)
                .hasMessageContaining("transaction.two.phase.commit.enable");
        assertThat(JobSettings.from(java.util.Map.of("delivery.guarantee", "exactly-once",
                "kafka.property.transaction.two.phase.commit.enable", "false")).delivery).isNotNull();
    }

    /**
     * The producer's one rule across values: an explicit delivery timeout below linger + request timeout makes every
     * sink fail on the TaskManagers. The check follows Kafka's own producer, which is asked here too.
     */
    @Test
    void aDeliveryTimeoutBelowLingerPlusRequestTimeoutIsRefused() {
        var producerDefaults = org.apache.kafka.clients.producer.ProducerConfig.configDef().defaultValues();
        long least = ((Number) producerDefaults.get("linger.ms")).longValue()
                + ((Number) producerDefaults.get("request.timeout.ms")).longValue();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> JobSettings.from(java.util.Map.of(
                "kafka.property.delivery.timeout.ms", Long.toString(least - 1))))
                .isInstanceOf(dev.marquee.data.config.SettingException.class)
                .hasMessageContaining("delivery.timeout.ms=" + (least - 1))
                .hasMessageContaining("at least " + least);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> producer(Map.of("delivery.timeout.ms", Long.toString(least - 1))))
                .as("Kafka's producer refuses it too").rootCause()
                .isInstanceOf(org.apache.kafka.common.config.ConfigException.class).hasMessageContaining("delivery.timeout.ms");
        assertThat(JobSettings.from(java.util.Map.of("kafka.property.delivery.timeout.ms", Long.toString(least))).delivery)
                .isNotNull();
        producer(Map.of("delivery.timeout.ms", Long.toString(least)));
        assertThat(JobSettings.from(java.util.Map.of("kafka.property.delivery.timeout.ms", "20000",
                "kafka.property.request.timeout.ms", "15000", "kafka.property.linger.ms", "0")).delivery)
                .as("a lower request timeout with it").isNotNull();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> JobSettings.from(java.util.Map.of(
                "kafka.property.delivery.timeout.ms", "20000", "kafka.property.request.timeout.ms", "15000",
                "kafka.property.linger.ms", "5001")))
                .isInstanceOf(dev.marquee.data.config.SettingException.class).hasMessageContaining("5001 + 15000");
        assertThat(JobSettings.from(java.util.Map.of("kafka.property.delivery.timeout.ms", "${env:DELIVERY}")).delivery)
                .as("a config provider's value is the producer's to check").isNotNull();
    }

    private static void producer(Map<String, String> properties) {
        var p = new java.util.Properties();
        p.putAll(properties);
        p.put("bootstrap.servers", "127.0.0.1:1");
        p.put("key.serializer", org.apache.kafka.common.serialization.ByteArraySerializer.class.getName());
        p.put("value.serializer", org.apache.kafka.common.serialization.ByteArraySerializer.class.getName());
        new org.apache.kafka.clients.producer.KafkaProducer<byte[], byte[]>(p).close(java.time.Duration.ZERO);
    }

    @Test
    void checkpointsFurtherApartThanTheStaleAlertAllowsAreAWarning() {
        assertThat(JobSettings.from(java.util.Map.of("checkpoint.interval-ms", "600000")).warnings()).singleElement()
                .asString().contains("checkpoint.interval-ms (600000 ms)").contains("MarqueeCheckpointStale");
        assertThat(JobSettings.from(java.util.Map.of("checkpoint.interval-ms", "360000")).warnings())
                .as("the alert fires after 420 s: a minute left for the checkpoint").isEmpty();
        assertThat(JobSettings.from(java.util.Map.of("delivery.guarantee", "exactly-once")).warnings()).isEmpty();
    }

    /** Labels feed online accuracy and the trigger only through drift reports: turning drift off turns them off. */
    @Test
    void driftTurnedOffIsAWarningNamingWhatGoesWithIt() {
        assertThat(JobSettings.from(java.util.Map.of("drift.enabled", "false")).warnings()).singleElement().asString()
                .contains("drift.enabled false").contains("labels.rmse").contains("retraining trigger");
    }

    @Test
    void countWindowsTooSmallToCompareDistributionsAreAWarning() {
        assertThat(JobSettings.from(java.util.Map.of("drift.window.records", "200")).warnings()).singleElement().asString()
                .contains("drift.window.records (200) is below drift.min-records (500)");
        assertThat(JobSettings.from(java.util.Map.of("drift.window.records", "600", "drift.min-records", "300")).warnings())
                .as("run-local's settings").isEmpty();
        assertThat(JobSettings.defaults().warnings()).isEmpty();
        assertThat(JobSettings.from(java.util.Map.of("drift.min-records", "100")).warnings()).singleElement().asString()
                .contains("drift.min-records (100) is below the smallest calibrated window (200");
    }
}

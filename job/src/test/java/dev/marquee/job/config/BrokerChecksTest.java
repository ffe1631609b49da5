package dev.marquee.job.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.marquee.data.config.SettingException;
import dev.marquee.job.sink.BrokerFacts;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** Start-up checks on what the brokers say: refusals for what the job would restart on for ever, warnings otherwise. */
class BrokerChecksTest {
    private static final JobSettings EXACTLY_ONCE = JobSettings.from(Map.of(JobSettings.DELIVERY, "exactly-once"));

    private static BrokerFacts facts(boolean autoCreate, String... missing) {
        BrokerFacts f = new BrokerFacts();
        f.autoCreateTopics = Optional.of(autoCreate);
        f.brokerMaxMessageBytes = OptionalLong.of(1_048_588);
        for (String t : missing) f.missingTopics.add(t);
        JobSettings s = JobSettings.defaults();
        for (String t : BrokerChecks.writtenTopics(s)) if (!f.missingTopics.contains(t)) f.topicMaxMessageBytes.put(t, OptionalLong.of(1_048_588));
        return f;
    }

    @Test
    void aMissingOutputTopicOnBrokersThatCreateNoneIsRefused() {
        JobSettings s = JobSettings.defaults();
        assertThatThrownBy(() -> BrokerChecks.check(s, facts(false, s.predictionsTopic)))
                .isInstanceOf(SettingException.class)
                .hasMessageContaining("topic " + s.predictionsTopic + " does not exist")
                .hasMessageContaining("auto.create.topics.enable=false");
        assertThat(BrokerChecks.check(s, facts(true, s.predictionsTopic))).singleElement().asString()
                .contains("create it on first write");
    }

    /**
     * Without DescribeConfigs on the cluster (the documented grants), whether the brokers create topics is not known:
     * the warning does not promise they will.
     */
    @Test
    void aMissingOutputTopicOnBrokersNotKnownToCreateAnyIsNotSaidToBeCreated() {
        JobSettings s = JobSettings.defaults();
        BrokerFacts f = facts(true, s.predictionsTopic);
        f.autoCreateTopics = Optional.empty();
        assertThat(BrokerChecks.check(s, f)).singleElement().asString()
                .contains("topic " + s.predictionsTopic + " does not exist").contains("only if")
                .contains("auto.create.topics.enable").contains("create it first").doesNotContain("does not exist yet");
        assertThat(BrokerChecks.missingSinkTopicWarning(s.predictionsTopic, facts(false, s.predictionsTopic)))
                .as("refused instead, by requireSinkTopic").isNull();
    }

    /** A topic whose settings may not be read is said only where a record's size is checked against them. */
    @Test
    void settingsThatMayNotBeReadAreSaidOnlyForTheTopicsWhoseSizeIsChecked() {
        JobSettings s = JobSettings.defaults();
        BrokerFacts f = facts(true);
        for (String t : List.of(s.predictionsTopic, s.deadLettersTopic, s.driftTopic, s.requestsTopic)) {
            f.topicMaxMessageBytes.remove(t);
            f.configsDenied.put(t, "Topic authorization failed.");
        }
        List<String> warnings = BrokerChecks.check(s, f);
        assertThat(warnings).hasSize(2).allSatisfy(w -> assertThat(w).contains("may not DescribeConfigs"));
        assertThat(warnings).anySatisfy(w -> assertThat(w).contains("topic " + s.predictionsTopic).contains("largest prediction"))
                .anySatisfy(w -> assertThat(w).contains("topic " + s.deadLettersTopic).contains("dead-letter size"));
    }

    /**
     * A topic the job writes that this host's principal may not write (an ACL left out, or one for the topic's old
     * name): the first dead letter would fail the job, and its restart read the same request again, for ever. Said at
     * start; not refused, as the TaskManagers may write as another principal or from hosts an ACL allows.
     */
    @Test
    void anOutputTopicThePrincipalMayNotWriteIsSaidAtStart() {
        JobSettings s = JobSettings.defaults();
        BrokerFacts f = facts(true);
        f.writeDenied.put(s.deadLettersTopic, "[READ, DESCRIBE]");
        f.partitionsDenied.put(s.labeledPredictionsTopic, "Topic authorization failed.");
        assertThat(BrokerChecks.check(s, f)).hasSize(2)
                .anySatisfy(w -> assertThat(w).contains("may not WRITE topic " + s.deadLettersTopic)
                        .contains("[READ, DESCRIBE]").contains("restarts on it for ever"))
                .anySatisfy(w -> assertThat(w).contains("WRITE on topic " + s.labeledPredictionsTopic + " not checked")
                        .contains("may not DESCRIBE it").doesNotContain("may not WRITE"));
        assertThat(BrokerChecks.sinkWriteWarning(s.deadLettersTopic, f)).as("the trigger's check too").isNotNull();
        assertThat(BrokerChecks.check(s, facts(true))).as("writable: nothing said").isEmpty();
    }

    /**
     * A topic the job reads that this host's principal may not read: a source's fails the job and restarts it for
     * ever; model-updates only leaves each slot on the version it serves. Where this JVM runs the job itself (marquee
     * score), what would fail it is refused: a refused sign-in first, then the grants it lacks.
     */
    @Test
    void aTopicThePrincipalMayNotReadIsSaidAndRefusedWhereThisJvmRunsTheJob() {
        JobSettings s = JobSettings.defaults();
        BrokerFacts f = facts(true);
        f.readDenied.put(s.requestsTopic, "[DESCRIBE]");
        f.readDenied.put(s.modelUpdatesTopic, "[DESCRIBE]");
        assertThat(BrokerChecks.check(s, f)).hasSize(2)
                .anySatisfy(w -> assertThat(w).contains("may not READ topic " + s.requestsTopic).contains("restarts for ever"))
                .anySatisfy(w -> assertThat(w).contains("may not READ topic " + s.modelUpdatesTopic)
                        .contains("keeps the version it serves").doesNotContain("restarts"));
        assertThatThrownBy(() -> BrokerChecks.refuseWhatTheJobWouldFailOn(List.of(s.requestsTopic), List.of(), f))
                .isInstanceOf(SettingException.class).hasMessageContaining("lacks READ and DESCRIBE on " + s.requestsTopic);

        BrokerFacts undescribable = facts(true);
        undescribable.partitionsDenied.put(s.predictionsTopic, "Topic authorization failed.");
        assertThatThrownBy(() -> BrokerChecks.refuseWhatTheJobWouldFailOn(List.of(s.requestsTopic),
                List.of(s.predictionsTopic), undescribable))
                .hasMessageContaining("lacks WRITE and DESCRIBE on " + s.predictionsTopic)
                .hasMessageNotContaining(s.requestsTopic);

        BrokerFacts signInRefused = facts(true);
        signInRefused.authenticationFailure = "SaslAuthenticationException";
        signInRefused.readDenied.put(s.requestsTopic, "[DESCRIBE]");
        assertThatThrownBy(() -> BrokerChecks.refuseWhatTheJobWouldFailOn(List.of(s.requestsTopic), List.of(), signInRefused))
                .hasMessageContaining("refused this job's sign-in (SaslAuthenticationException)");

        BrokerChecks.refuseWhatTheJobWouldFailOn(BrokerChecks.readTopics(s), BrokerChecks.writtenTopics(s), facts(true));

        // what marquee score refuses on: not model-updates, which leaves the slots on their version instead
        assertThat(BrokerChecks.readsTheJobFailsOn(s)).contains(s.requestsTopic, s.ratingsTopic)
                .doesNotContain(s.modelUpdatesTopic);
        BrokerFacts noUpdates = facts(true);
        noUpdates.readDenied.put(s.modelUpdatesTopic, "[DESCRIBE]");
        BrokerChecks.refuseWhatTheJobWouldFailOn(BrokerChecks.readsTheJobFailsOn(s), BrokerChecks.writtenTopics(s), noUpdates);
        BrokerFacts updatesUndescribable = facts(true);
        updatesUndescribable.partitionsDenied.put(s.modelUpdatesTopic, "Topic authorization failed.");
        assertThat(BrokerChecks.check(s, updatesUndescribable)).singleElement().asString()
                .contains("READ on topic " + s.modelUpdatesTopic + " not checked").contains("keeps the version it serves");
    }

    /** Flink's Kafka source describes the topics it reads and fails the job on a missing one, whatever auto-creation says. */
    @Test
    void aMissingTopicASourceReadsIsRefusedAndModelUpdatesOnlyWarns() {
        JobSettings s = JobSettings.defaults();
        for (boolean autoCreate : new boolean[] {true, false}) {
            for (String topic : List.of(s.requestsTopic, s.ratingsTopic)) {
                assertThatThrownBy(() -> BrokerChecks.check(s, facts(autoCreate, topic))).as("%s, auto-create %s", topic, autoCreate)
                        .isInstanceOf(SettingException.class).hasMessageContaining("topic " + topic + " does not exist")
                        .hasMessageContaining("restarts for ever");
            }
        }
        assertThatThrownBy(() -> BrokerChecks.check(s, facts(true, s.ratingsTopic))).hasMessageContaining("labels.enabled false");
        JobSettings noLabels = JobSettings.from(Map.of(ScoringJobOptions.LABELS_ENABLED.key(), "false"));
        assertThat(BrokerChecks.check(noLabels, facts(true, s.ratingsTopic))).as("labels off: not read").isEmpty();
        assertThat(BrokerChecks.check(s, facts(false, s.modelUpdatesTopic))).singleElement().asString()
                .contains("hear of no new version");
        assertThat(BrokerChecks.check(s, facts(true, s.modelUpdatesTopic))).as("a mistyped name whatever auto-create")
                .singleElement().asString().contains("hear of no new version").contains("a mistyped topic.model-updates");
    }

    @Test
    void aTransactionTimeoutAboveTheBrokersMaximumIsRefusedExactlyOnceOnly() {
        BrokerFacts f = facts(true);
        f.maxTransactionTimeoutMs = OptionalLong.of(600_000);
        assertThatThrownBy(() -> BrokerChecks.check(EXACTLY_ONCE, f)).isInstanceOf(SettingException.class)
                .hasMessageContaining("delivery.transaction-timeout-ms (900000) is above the brokers' transaction.max.timeout.ms (600000)");
        assertThat(BrokerChecks.check(JobSettings.defaults(), f)).as("at-least-once has no transactions").isEmpty();
        f.maxTransactionTimeoutMs = OptionalLong.of(900_000);
        assertThat(BrokerChecks.check(EXACTLY_ONCE, f)).isEmpty();
    }

    @Test
    void aDeadLetterTopicStillToBeCreatedIsCheckedAgainstTheBrokersDefault() {
        JobSettings s = JobSettings.defaults();
        BrokerFacts f = facts(true, s.deadLettersTopic);
        f.brokerMaxMessageBytes = OptionalLong.of(1_000);
        assertThatThrownBy(() -> BrokerChecks.check(s, f)).isInstanceOf(SettingException.class)
                .hasMessageContaining("takes records of at most 1000 bytes");
    }

    /**
     * A predictions topic the brokers will create at the first write takes their default record size: checked against
     * it, or the first large prediction would be refused and the job restart on it for ever.
     */
    @Test
    void aPredictionsTopicStillToBeCreatedIsCheckedAgainstTheBrokersDefault() {
        JobSettings s = JobSettings.defaults();
        BrokerFacts f = facts(true, s.predictionsTopic);
        f.brokerMaxMessageBytes = OptionalLong.of(1_000);
        assertThatThrownBy(() -> BrokerChecks.check(s, f)).isInstanceOf(SettingException.class)
                .hasMessageContaining("topic " + s.predictionsTopic + " (topic.predictions) takes records of at most 1000 bytes");
    }

    /** Limits raised with the producers' request size, but not the output topics': the broker would refuse. */
    @Test
    void anOutputTopicSmallerThanTheLargestPredictionIsRefused() {
        JobSettings s = JobSettings.from(Map.of(dev.marquee.data.parse.ParserLimits.MAX_TITLE_CHARS, "200000",
                "kafka.property.max.request.size", "4000000"));
        BrokerFacts f = facts(true);
        f.topicMaxMessageBytes.put(s.deadLettersTopic, OptionalLong.of(8_000_000)); // raised for the dead letters
        assertThatThrownBy(() -> BrokerChecks.check(s, f)).isInstanceOf(SettingException.class)
                .hasMessageContaining("topic " + s.predictionsTopic + " (topic.predictions) takes records of at most 1048588");
        f.topicMaxMessageBytes.put(s.predictionsTopic, OptionalLong.of(8_000_000));
        assertThatThrownBy(() -> BrokerChecks.check(s, f)).isInstanceOf(SettingException.class)
                .hasMessageContaining("topic " + s.labeledPredictionsTopic + " (topic.labeled-predictions)");
        f.topicMaxMessageBytes.put(s.labeledPredictionsTopic, OptionalLong.of(8_000_000));
        assertThat(BrokerChecks.check(s, f)).isEmpty();
    }

    /**
     * With labels on, event time is made per subtask: more partitions than subtasks is warned about, at the parallelism
     * the job runs at (its own setting, else the one it was submitted with).
     */
    @Test
    void moreRequestOrRatingPartitionsThanSubtasksWithLabelsOnIsAWarning() {
        BrokerFacts f = facts(true);
        f.topicPartitions.put("rating-requests", 4);
        f.topicPartitions.put("ratings", 2);
        JobSettings defaults = JobSettings.defaults();
        assertThat(BrokerChecks.checkPartitions(defaults, f, 2)).singleElement().asString()
                .contains("topic rating-requests has 4 partitions for a parallelism of 2");
        assertThat(BrokerChecks.checkPartitions(defaults, f, 4)).isEmpty();
        assertThat(BrokerChecks.checkPartitions(JobSettings.from(Map.of("labels.enabled", "false")), f, 2))
                .as("labels off: nothing waits on event time").isEmpty();
        assertThat(BrokerChecks.checkPartitions(defaults, f, -1)).as("no parallelism known").isEmpty();
        assertThat(BrokerChecks.check(JobSettings.from(Map.of(JobSettings.PARALLELISM, "2")), f))
                .as("not among the checks made before the job is built").isEmpty();
        f.topicPartitions.remove("ratings");
        f.partitionsDenied.put("ratings", "Topic authorization failed.");
        assertThat(BrokerChecks.checkPartitions(defaults, f, 4)).as("no Describe: said, not silently skipped")
                .singleElement().asString().contains("could not read the partitions of topic ratings")
                .contains("Topic authorization failed.");
    }

    @Test
    void whatCouldNotBeReadIsAWarningNotARefusal() {
        BrokerFacts f = new BrokerFacts();
        f.unread.add("the brokers at localhost:9092 did not answer within 10 s");
        assertThat(BrokerChecks.check(EXACTLY_ONCE, f)).hasSize(2).anySatisfy(w -> assertThat(w).contains("did not answer"));
    }

    @Test
    void toleratedFailedCheckpointsThatCouldOutlastTheTransactionsAreAWarning() {
        assertThat(BrokerChecks.checkTransactionTimeout(EXACTLY_ONCE, 600_000, 0, 0)).isEmpty();
        assertThat(BrokerChecks.checkTransactionTimeout(EXACTLY_ONCE, 120_000, 5_000, 3)).as("4 x 125 s + 120 s < 15 min")
                .isEmpty();
        assertThat(BrokerChecks.checkTransactionTimeout(EXACTLY_ONCE, 600_000, 0, 3)).singleElement().asString()
                .contains("tolerable-failed-checkpoints 3");
        // checkpoints 205 s apart when each runs to its 200 s timeout; the transaction waits for the fourth to complete
        assertThat(BrokerChecks.checkTransactionTimeout(EXACTLY_ONCE, 200_000, 5_000, 3)).as("4 x 205 s + 200 s > 15 min")
                .singleElement().asString().contains("tolerable-failed-checkpoints 3");
        assertThat(BrokerChecks.checkTransactionTimeout(JobSettings.defaults(), 600_000, 0, 3)).isEmpty();
    }

    /** Exactly-once: no checkpoint may outlive the transactions it commits; it fails (and the job restores) instead. */
    @Test
    void theJobCapsItsCheckpointTimeoutBelowTheTransactionTimeout() {
        var env = org.apache.flink.streaming.api.environment.StreamExecutionEnvironment.getExecutionEnvironment();
        dev.marquee.job.ScoringJob.configure(env, JobSettings.from(Map.of(JobSettings.DELIVERY, "exactly-once",
                JobSettings.TRANSACTION_TIMEOUT_MS, "60000", JobSettings.CHECKPOINT_INTERVAL_MS, "2000")));
        // two checkpoints of 30 s and the pause between them: the transaction opened at the first one's barrier
        // commits 60 s later at most (58 s, interval less, let two in a row hold it open ~116 s)
        assertThat(env.getCheckpointConfig().getCheckpointTimeout()).isEqualTo(30_000);
        var paused = org.apache.flink.streaming.api.environment.StreamExecutionEnvironment.getExecutionEnvironment();
        paused.getCheckpointConfig().setMinPauseBetweenCheckpoints(5_000);
        dev.marquee.job.ScoringJob.configure(paused, JobSettings.from(Map.of(JobSettings.DELIVERY, "exactly-once",
                JobSettings.TRANSACTION_TIMEOUT_MS, "60000", JobSettings.CHECKPOINT_INTERVAL_MS, "2000")));
        assertThat(paused.getCheckpointConfig().getCheckpointTimeout()).as("(60 - 5) / 2 s").isEqualTo(27_500);
        var defaults = org.apache.flink.streaming.api.environment.StreamExecutionEnvironment.getExecutionEnvironment();
        defaults.getCheckpointConfig().setMinPauseBetweenCheckpoints(5_000); // infra/flink's config.yaml
        dev.marquee.job.ScoringJob.configure(defaults, JobSettings.from(Map.of(JobSettings.DELIVERY, "exactly-once")));
        long cap = defaults.getCheckpointConfig().getCheckpointTimeout();
        assertThat(2 * cap + 5_000).as("the deployed defaults: 15 min transactions").isLessThanOrEqualTo(900_000);
        var atLeastOnce = org.apache.flink.streaming.api.environment.StreamExecutionEnvironment.getExecutionEnvironment();
        dev.marquee.job.ScoringJob.configure(atLeastOnce, JobSettings.defaults());
        assertThat(atLeastOnce.getCheckpointConfig().getCheckpointTimeout()).as("Flink's default").isEqualTo(600_000);
    }

    /** The trigger's sink: a missing retrain-requests topic on brokers that create none would fail its first request. */
    @Test
    void aMissingSinkTopicIsRefusedOnlyWhereTheBrokersCreateNone() {
        JobSettings s = JobSettings.defaults();
        assertThatThrownBy(() -> BrokerChecks.requireSinkTopic("retrain-requests", facts(false, "retrain-requests")))
                .isInstanceOf(SettingException.class).hasMessageContaining("auto.create.topics.enable=false");
        BrokerChecks.requireSinkTopic("retrain-requests", facts(true, "retrain-requests"));
        BrokerChecks.requireSinkTopic("retrain-requests", facts(false));
    }
}

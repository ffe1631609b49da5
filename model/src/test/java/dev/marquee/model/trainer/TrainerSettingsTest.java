package dev.marquee.model.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.marquee.data.config.SettingException;
import dev.marquee.model.cli.Console;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The gate's and the label window's settings: defaults, the old name kept, the removed rule refused. */
class TrainerSettingsTest {
    @TempDir
    Path tmp;

    /** As the scoring job refuses kafka.property.group.id: a client key an option sets is not taken from --kafka-prop. */
    @Test
    void aKafkaPropThatAnOptionSetsIsRefusedNamingTheOption() {
        assertThatThrownBy(() -> parse("--kafka-prop", "group.id=shared")).isInstanceOf(SettingException.class)
                .hasMessageContaining("--kafka-prop group.id is not taken: give --group");
        assertThatThrownBy(() -> parse("--kafka-prop", " bootstrap.servers = b:9092")).isInstanceOf(SettingException.class)
                .hasMessageContaining("--kafka-prop bootstrap.servers is not taken: give --bootstrap");
        assertThatThrownBy(() -> parse("--kafka-prop", "transactional.id=t")).isInstanceOf(SettingException.class)
                .hasMessageContaining("--kafka-prop transactional.id is not taken");
        assertThatThrownBy(() -> parse("--kafka-prop", "max.poll.records=10")).isInstanceOf(SettingException.class)
                .hasMessageContaining("--kafka-prop max.poll.records is not taken");
    }

    /** promote and rollback only write: a shared property set's group.id does them no harm and is not refused. */
    @Test
    void aCommandThatOnlyWritesTakesAGroupIdButNotABootstrap() {
        KafkaOptions options = new KafkaOptions();
        options.properties.put("group.id", "shared");
        PrintStream sink = new PrintStream(new ByteArrayOutputStream());
        Console console = new Console(new ByteArrayInputStream(new byte[0]), sink, sink, Map.of(), tmp);
        org.assertj.core.api.Assertions.assertThatCode(() -> options.clients(console)).doesNotThrowAnyException();
        options.properties.put("bootstrap.servers", "b:9092");
        assertThatThrownBy(() -> options.clients(console)).isInstanceOf(SettingException.class)
                .hasMessageContaining("give --bootstrap");
    }

    private TrainerSettings parse(String... args) {
        PrintStream sink = new PrintStream(new ByteArrayOutputStream());
        return TrainerSettings.parse(args, new Console(new ByteArrayInputStream(new byte[0]), sink, sink, Map.of(), tmp));
    }

    @Test
    void defaults() {
        TrainerSettings s = parse();
        assertThat(s.gate()).isEqualTo(GatePolicy.defaults());
        assertThat(s.gate().margin()).isEqualTo(0.01);
        assertThat(s.gate().confidence()).isEqualTo(0.95);
        assertThat(s.gate().resamples()).isEqualTo(2000);
        assertThat(s.gate().minLabels()).isEqualTo(200);
        assertThat(s.gate().minUsers()).isEqualTo(10);
        assertThat(s.gate().maxRmse()).isNaN();
        assertThat(s.labelMaxCount()).isEqualTo(200_000);
        assertThat(s.deferExpiryMs()).isEqualTo(86_400_000L);
        assertThat(s.recheckIntervalMs()).isEqualTo(600_000L);
        assertThat(s.keepRejected()).isEqualTo(5);
        assertThat(s.requestExpiryMs()).as("the trigger's in-flight timeout").isEqualTo(7_200_000L);
        assertThat(s.keepVersions()).isZero();
    }

    /** Two models' workers with their defaults must not share a group, or each skips part of the other's requests. */
    @Test
    void theDefaultGroupIsPerModel() {
        assertThat(parse().group()).isEqualTo("marquee-trainer");
        assertThat(parse("--model-name", "b").group()).isEqualTo("marquee-trainer-b");
        assertThat(parse("--model-name", "b", "--group", "mine").group()).isEqualTo("mine");
        // the hint on a skipped request: only when that request's model's worker, on its defaults, is in this group
        assertThat(TrainerWorker.sharesAGroupByDefault("trainer-a", "b")).isFalse();
        assertThat(TrainerWorker.sharesAGroupByDefault("marquee-trainer-a", "b")).isFalse();
        assertThat(TrainerWorker.sharesAGroupByDefault("marquee-trainer", "marquee")).isTrue();
        assertThat(TrainerWorker.sharesAGroupByDefault("marquee-trainer-b", "b")).isTrue();
    }

    @Test
    void requestExpiryAndVersionsKept() {
        TrainerSettings s = parse("--trainer.request-expiry-seconds", "0", "--trainer.keep-versions", "3");
        assertThat(s.requestExpiryMs()).isZero();
        assertThat(s.keepVersions()).isEqualTo(3);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> parse("--trainer.keep-versions", "1"))
                .isInstanceOf(dev.marquee.data.config.SettingException.class).hasMessageContaining("0 (keep every version) or at least 2");
    }

    @Test
    void aRequestIsExpiredOnlyWhenItsTimeIsKnownAndOlderThanTheExpiry() {
        dev.marquee.data.event.RetrainRequest r = new dev.marquee.data.event.RetrainRequest("r", "drift", 1_000_000L);
        assertThat(TrainerWorker.expired(r, 7_200_000L, 1_000_000L + 7_200_001L)).isTrue();
        assertThat(TrainerWorker.expired(r, 7_200_000L, 1_000_000L + 7_200_000L)).isFalse();
        assertThat(TrainerWorker.expired(r, 0, Long.MAX_VALUE)).as("0: never").isFalse();
        r.requestedAtMs = 0;
        assertThat(TrainerWorker.expired(r, 7_200_000L, Long.MAX_VALUE)).as("a request without its time").isFalse();
    }

    @Test
    void everyGateKeyIsRead() {
        TrainerSettings s = parse("--trainer.gate.margin", "-0.02", "--trainer.gate.confidence", "0.9",
                "--trainer.gate.resamples", "500", "--trainer.gate.min-labels", "50", "--trainer.gate.min-users", "4",
                "--trainer.gate.max-rmse", "1.2", "--trainer.gate.defer-expiry-seconds", "60",
                "--trainer.gate.recheck-seconds", "5", "--trainer.labels.max-count", "1000", "--trainer.keep-rejected", "0");
        assertThat(s.gate()).isEqualTo(new GatePolicy(-0.02, 0.9, 500, 50, 4, 1.2));
        assertThat(s.deferExpiryMs()).isEqualTo(60_000L);
        assertThat(s.recheckIntervalMs()).isEqualTo(5_000L);
        assertThat(s.labelMaxCount()).isEqualTo(1000);
        assertThat(s.keepRejected()).isZero();
    }

    /** Fewer than 10 users: the bootstrap's interval is far narrower than it says, and the trainer says so. */
    @Test
    void aMinimumOfFewUsersIsAcceptedWithAWarning() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream sink = new PrintStream(err, true);
        TrainerSettings.parse(new String[] {"--trainer.gate.min-users", "4", "--trainer.shadow.min-users", "3"},
                new Console(new ByteArrayInputStream(new byte[0]), sink, sink, Map.of(), tmp));
        assertThat(err.toString()).contains("trainer.gate.min-users 4: a decision on fewer than 10 users")
                .contains("trainer.shadow.min-users 3:");
        ByteArrayOutputStream quiet = new ByteArrayOutputStream();
        PrintStream none = new PrintStream(quiet, true);
        TrainerSettings.parse(new String[0], new Console(new ByteArrayInputStream(new byte[0]), none, none, Map.of(), tmp));
        assertThat(quiet.toString()).as("the defaults (10 and 20)").doesNotContain("warning");
    }

    @Test
    void theOldMinimumHoldoutNameStillWorks() {
        assertThat(parse("--trainer.min-holdout", "75").gate().minLabels()).isEqualTo(75);
        assertThatThrownBy(() -> parse("--trainer.min-holdout", "75", "--trainer.gate.min-labels", "80"))
                .isInstanceOf(SettingException.class).hasMessageContaining("old name");
    }

    @Test
    void theRemovedImprovementRuleIsRefusedWithItsReplacement() {
        assertThatThrownBy(() -> parse("--trainer.gate.min-improvement", "0.01"))
                .isInstanceOf(SettingException.class).hasMessageContaining("trainer.gate.margin");
    }

    @Test
    void badValuesNameTheirKey() {
        assertThatThrownBy(() -> parse("--trainer.gate.confidence", "1.5")).hasMessageContaining("trainer.gate.confidence");
        assertThatThrownBy(() -> parse("--trainer.gate.min-users", "1")).hasMessageContaining("trainer.gate.min-users");
        assertThatThrownBy(() -> parse("--trainer.labels.max-count", "0")).hasMessageContaining("trainer.labels.max-count");
    }

    /** An outcome or a model update decodes as a request: a written topic that is also read would loop for ever. */
    @Test
    void aTopicTheTrainerWritesAndReadsIsRefused() {
        assertThatThrownBy(() -> parse("--topic.retrain-outcomes", "retrain-requests"))
                .isInstanceOf(SettingException.class)
                .hasMessageContaining("--topic.retrain-outcomes and --topic.retrain-requests both name topic 'retrain-requests'");
        assertThatThrownBy(() -> parse("--topic.model-updates", "q", "--topic.retrain-requests", "q"))
                .isInstanceOf(SettingException.class)
                .hasMessageContaining("--topic.model-updates and --topic.retrain-requests both name topic 'q'");
        assertThatThrownBy(() -> parse("--topic.model-updates", "model-status"))
                .isInstanceOf(SettingException.class).hasMessageContaining("--topic.model-status");
        assertThat(parse("--topic.retrain-requests", "other").requestsTopic()).isEqualTo("other");
    }

    /** {@code --registry "$REG"} with REG unset would make the working directory the registry. */
    @Test
    void anEmptyRegistryIsRefused() {
        assertThatThrownBy(() -> parse("--registry", "")).isInstanceOf(SettingException.class)
                .hasMessageContaining("--registry needs a folder; got an empty value");
        assertThatThrownBy(() -> parse("--registry", " ")).isInstanceOf(SettingException.class);
    }

    /** A bound resting on a draw or two of the bootstrap is refused, naming both keys and the resamples it needs. */
    @Test
    void aConfidenceTheResamplesCannotBoundIsRefused() {
        assertThatThrownBy(() -> parse("--trainer.gate.confidence", "0.999", "--trainer.gate.resamples", "100"))
                .isInstanceOf(SettingException.class).hasMessageContaining("trainer.gate.resamples 100 leaves 0.1 draws")
                .hasMessageContaining("trainer.gate.confidence 0.999").hasMessageContaining("to 20000 or more");
        assertThat(parse("--trainer.gate.confidence", "0.999", "--trainer.gate.resamples", "20000").gate().resamples())
                .isEqualTo(20000);
        assertThat(parse("--trainer.gate.confidence", "0.99").gate().resamples()).as("the default 2,000: 10 beyond each")
                .isEqualTo(2000);
        assertThat(parse("--trainer.gate.confidence", "0.9", "--trainer.gate.resamples", "200").gate().resamples())
                .as("exactly 10, whatever the floating point says").isEqualTo(200);
    }
}

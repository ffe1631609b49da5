package dev.marquee.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.marquee.infra.Topics.Role;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;

class TopicsTest {

    @Test
    void defaultsUseTheDocumentedNamesAndPartitions() {
        Topics topics = Topics.defaults();

        assertThat(topics.names()).containsExactly("rating-requests", "predictions", "rating-requests-dlq",
                "drift-metrics", "model-updates", "ratings", "retrain-requests", "model-status", "retrain-outcomes", "labeled-predictions");
        assertThat(topics.partitions(Role.RATING_REQUESTS)).isEqualTo(2);
        assertThat(topics.partitions(Role.PREDICTIONS)).isEqualTo(2);
        assertThat(topics.partitions(Role.RATING_REQUESTS_DLQ)).isEqualTo(2);
        assertThat(topics.partitions(Role.RATINGS)).isEqualTo(2);
        assertThat(topics.partitions(Role.DRIFT_METRICS)).isEqualTo(1);
        assertThat(topics.partitions(Role.MODEL_UPDATES)).isEqualTo(1);
        assertThat(topics.partitions(Role.RETRAIN_REQUESTS)).isEqualTo(1);
        assertThat(topics.partitions(Role.MODEL_STATUS)).isEqualTo(1);
        assertThat(topics.partitions(Role.RETRAIN_OUTCOMES)).isEqualTo(1);
        assertThat(topics.partitions(Role.LABELED_PREDICTIONS)).isEqualTo(2);
    }

    @Test
    void dataPartitionsMustBeAPositiveIntegerWithinTheLimit() {
        assertThatThrownBy(() -> Topics.defaults().withDataPartitions(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a data topic's partitions must be an integer from 1 to 10000, got 0");
        assertThatThrownBy(() -> Topics.defaults().withDataPartitions(10_001)).hasMessageEndingWith("got 10001");
        assertThat(Topics.defaults().withDataPartitions(10_000).partitions(Role.RATINGS)).isEqualTo(10_000);
    }

    @Test
    void dataPartitionsChangeOnlyTheDataTopics() {
        Topics topics = Topics.defaults().withDataPartitions(6);

        for (Role role : Role.values()) {
            assertThat(topics.partitions(role)).as(role.name()).isEqualTo(role.isDataTopic() ? 6 : 1);
        }
    }

    @Test
    void withMethodsLeaveTheOriginalUnchanged() {
        Topics defaults = Topics.defaults();
        defaults.withDataPartitions(9);

        assertThat(defaults).isEqualTo(Topics.defaults());
    }

    @Test
    void newTopicsCarryNamesAndPartitionsAndLeaveReplicationToTheBroker() {
        Topics topics = Topics.defaults().withDataPartitions(3);

        assertThat(topics.newTopics()).extracting(NewTopic::name).containsExactlyElementsOf(topics.names());
        NewTopic models = topics.newTopics().get(Role.MODEL_UPDATES.ordinal());
        assertThat(models.name()).isEqualTo(Topics.MODEL_UPDATES);
        assertThat(models.numPartitions()).isEqualTo(1);
        assertThat(models.replicationFactor()).isEqualTo((short) -1);
        assertThat(topics.newTopics().get(Role.RATINGS.ordinal()).numPartitions()).isEqualTo(3);
    }
}

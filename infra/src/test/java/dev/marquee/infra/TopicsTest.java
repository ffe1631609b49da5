package dev.marquee.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

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
    void settingsOverrideNamesAndPartitionsAndIgnoreOtherKeys() {
        Topics topics = Topics.fromSettings(Map.of(
                "topic.rating-requests.name", "requests-v2",
                "topic.ratings.partitions", " 8 ",
                "batch.size", "64"));

        assertThat(topics.name(Role.RATING_REQUESTS)).isEqualTo("requests-v2");
        assertThat(topics.partitions(Role.RATINGS)).isEqualTo(8);
        assertThat(topics.name(Role.PREDICTIONS)).isEqualTo(Topics.PREDICTIONS);
        assertThat(Topics.fromSettings(Map.of())).isEqualTo(Topics.defaults());
    }

    @Test
    void settingKeysAreDerivedFromTheDefaultNames() {
        assertThat(Role.RATING_REQUESTS_DLQ.nameKey()).isEqualTo("topic.rating-requests-dlq.name");
        assertThat(Role.RATING_REQUESTS_DLQ.partitionsKey()).isEqualTo("topic.rating-requests-dlq.partitions");
    }

    @Test
    void unknownTopicSettingIsRejectedWithTheValidKeys() {
        assertThatThrownBy(() -> Topics.fromSettings(Map.of("topic.rating-request.name", "x")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Unknown setting topic.rating-request.name")
                .hasMessageContaining("rating-requests");
    }

    @Test
    void partitionsMustBeAPositiveIntegerWithinTheLimit() {
        assertThatThrownBy(() -> Topics.fromSettings(Map.of("topic.ratings.partitions", "two")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("topic.ratings.partitions must be an integer from 1 to 10000, got 'two'");
        assertThatThrownBy(() -> Topics.fromSettings(Map.of("topic.ratings.partitions", "0")))
                .hasMessage("topic.ratings.partitions must be an integer from 1 to 10000, got 0");
        assertThatThrownBy(() -> Topics.defaults().withPartitions(Role.PREDICTIONS, 10_001))
                .hasMessageContaining("topic.predictions.partitions");
    }

    @Test
    void namesMustBeLegalKafkaTopicNames() {
        for (String bad : new String[] {"", "has space", "slash/y", ".", "..", "x".repeat(250)}) {
            assertThatThrownBy(() -> Topics.defaults().withName(Role.RATINGS, bad))
                    .as("'%s'", bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("topic.ratings.name must be");
        }
        assertThat(Topics.defaults().withName(Role.RATINGS, "Ratings_v2.test").name(Role.RATINGS))
                .isEqualTo("Ratings_v2.test");
    }

    @Test
    void twoRolesCannotShareATopic() {
        assertThatThrownBy(() -> Topics.defaults().withName(Role.PREDICTIONS, Topics.RATING_REQUESTS))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("topic.rating-requests.name and topic.predictions.name must differ, both are 'rating-requests'");
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
        defaults.withName(Role.RATINGS, "labels").withPartitions(Role.RATINGS, 9);

        assertThat(defaults).isEqualTo(Topics.defaults());
    }

    @Test
    void newTopicsCarryNamesAndPartitionsAndLeaveReplicationToTheBroker() {
        Topics topics = Topics.defaults().withName(Role.MODEL_UPDATES, "models");

        assertThat(topics.newTopics()).extracting(NewTopic::name).containsExactlyElementsOf(topics.names());
        NewTopic models = topics.newTopics().get(Role.MODEL_UPDATES.ordinal());
        assertThat(models.name()).isEqualTo("models");
        assertThat(models.numPartitions()).isEqualTo(1);
        assertThat(models.replicationFactor()).isEqualTo((short) -1);
    }
}

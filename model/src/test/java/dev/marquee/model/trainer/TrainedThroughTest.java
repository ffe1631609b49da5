package dev.marquee.model.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** What a version's card says it trained on, for the gate's hold-out: today's cards, older retrains', others. */
class TrainedThroughTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aCardsTrainedThroughIsTaken() throws Exception {
        assertThat(DeferredCandidates.trainedThrough(card("{\"retrain\":{\"trained_through\":900,"
                + "\"labels_trained_on\":5,\"newest_label_timestamp\":1000}}"))).isEqualTo(900);
    }

    /** A retrain before issue 15 trained on labels but wrote no trained_through: its newest label stands in. */
    @Test
    void anOlderRetrainsCardCountsItsNewestLabelAsTrainedOn() throws Exception {
        assertThat(DeferredCandidates.trainedThrough(card("{\"retrain\":{\"labels_trained_on\":5,"
                + "\"newest_label_timestamp\":1000}}"))).isEqualTo(1000);
    }

    /** That trainer took labels stamped ahead of the clock: one a year ahead stands in only up to the card's date. */
    @Test
    void anOlderRetrainsLabelStampedAheadCountsOnlyUpToItsCardsDate() throws Exception {
        long created = java.time.Instant.parse("1998-04-01T00:00:00Z").getEpochSecond();
        assertThat(DeferredCandidates.trainedThrough(card("{\"created\":\"1998-04-01T00:00:00Z\",\"retrain\":"
                + "{\"labels_trained_on\":5,\"newest_label_timestamp\":" + (created + 365 * 86_400) + "}}")))
                .isEqualTo(created + LabelSplit.FUTURE_TOLERANCE_MS / 1000);
        assertThat(DeferredCandidates.trainedThrough(card("{\"created\":\"1998-04-01T00:00:00Z\",\"retrain\":"
                + "{\"labels_trained_on\":5,\"newest_label_timestamp\":" + (created - 60) + "}}")))
                .isEqualTo(created - 60);
    }

    @Test
    void aVersionTrainedOnNoLabelsHoldsOutEveryLabel() throws Exception {
        assertThat(DeferredCandidates.trainedThrough(card("{\"retrain\":{\"labels_trained_on\":0,"
                + "\"newest_label_timestamp\":1000}}"))).isEqualTo(Long.MIN_VALUE);
        assertThat(DeferredCandidates.trainedThrough(card("{\"architecture\":\"default\"}"))).isEqualTo(Long.MIN_VALUE);
    }

    private static JsonNode card(String json) throws Exception {
        return JSON.readTree(json);
    }
}

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

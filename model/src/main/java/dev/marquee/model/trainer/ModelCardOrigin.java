package dev.marquee.model.trainer;

import com.fasterxml.jackson.databind.JsonNode;

/** Whether a model card is of a version {@code marquee import} published (a SavedModel made elsewhere). */
final class ModelCardOrigin {
    private ModelCardOrigin() {}

    static boolean imported(JsonNode card) {
        return card != null && "imported".equals(card.path("origin").asText(""));
    }
}

package dev.marquee.model.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.marquee.model.ModelCard;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads a version's {@code model_card.json} leniently: a missing or unreadable card is an empty one. */
final class CardFields {
    private CardFields() {}

    static JsonNode read(Path versionDir) {
        if (!Files.isRegularFile(versionDir.resolve(ModelCard.FILE_NAME))) {
            return MissingNode.getInstance();
        }
        try {
            return ModelCard.read(versionDir);
        } catch (IOException e) {
            return MissingNode.getInstance();
        }
    }

    static String architecture(JsonNode card) {
        return card.path("architecture").asText("?");
    }

    /** Test RMSE of the row named {@code predictor} in the card's metrics, or NaN. */
    static double testRmse(JsonNode card, String predictor) {
        return rmse(card, predictor, "test");
    }

    /** Validation RMSE of the row named {@code predictor} in the card's metrics, or NaN. */
    static double validationRmse(JsonNode card, String predictor) {
        return rmse(card, predictor, "validation");
    }

    private static double rmse(JsonNode card, String predictor, String part) {
        JsonNode rmse = card.path("metrics").path(predictor).path(part).path("rmse");
        return rmse.isNumber() ? rmse.asDouble() : Double.NaN;
    }
}

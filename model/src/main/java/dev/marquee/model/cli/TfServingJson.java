package dev.marquee.model.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.marquee.model.ModelContract;
import dev.marquee.model.RatingGraph;
import dev.marquee.model.ScoredBatch;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;

/**
 * TF Serving's REST bodies for the predict API: {@code {"predictions":[{"output_1":[...],"output_2":[...],
 * "output_3":[r]}, ...]}} (row format, one object per instance, as TF Serving answers a model with several
 * outputs) and {@code {"error":"..."}}. One line each. An imported model's outputs go by its own names: the rating
 * as its contract maps it ({@code r} for a rating of shape {@code [n]}, {@code [r]} otherwise) and its title
 * embeddings; a signature with the rating as its only output is answered {@code {"predictions":[r, ...]}}, without
 * names, as TF Serving answers a single output.
 */
final class TfServingJson {
    private static final JsonFactory JSON = new JsonFactory();

    private TfServingJson() {}

    static String predictions(ScoredBatch batch, ModelContract contract,
                              java.util.Collection<String> signatureOutputs) {
        boolean alone = signatureOutputs.size() == 1 && signatureOutputs.contains(contract.ratingOutput());
        return write(g -> {
            g.writeStartObject();
            g.writeArrayFieldStart("predictions");
            for (int i = 0; i < batch.size(); i++) {
                if (alone) {
                    rating(g, contract, batch.ratings()[i]);
                    continue;
                }
                g.writeStartObject();
                // A model made elsewhere may have neither embedding: TF Serving shows the outputs there are.
                if (batch.userVectors() != null) floats(g, RatingGraph.OUTPUT_USER, batch.userVectors()[i]);
                if (batch.titleVectors() != null) floats(g, contract.embeddingOutput(), batch.titleVectors()[i]);
                g.writeFieldName(contract.ratingOutput());
                rating(g, contract, batch.ratings()[i]);
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        });
    }

    private static void rating(JsonGenerator g, ModelContract contract, float rating) throws IOException {
        if (contract.ratingRank() == 1) {
            g.writeNumber(rating);
        } else {
            g.writeStartArray();
            g.writeNumber(rating);
            g.writeEndArray();
        }
    }

    static String error(String message) {
        return write(g -> {
            g.writeStartObject();
            g.writeStringField("error", message);
            g.writeEndObject();
        });
    }

    private static void floats(JsonGenerator g, String field, float[] values) throws IOException {
        g.writeArrayFieldStart(field);
        for (float v : values) {
            g.writeNumber(v);
        }
        g.writeEndArray();
    }

    private interface Body {
        void write(JsonGenerator g) throws IOException;
    }

    private static String write(Body body) {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = JSON.createGenerator(out)) {
            body.write(g);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringWriter does not fail
        }
        return out.toString();
    }
}

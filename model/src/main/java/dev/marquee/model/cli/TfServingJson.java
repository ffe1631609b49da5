package dev.marquee.model.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.marquee.model.RatingGraph;
import dev.marquee.model.ScoredBatch;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;

/**
 * TF Serving's REST bodies for the predict API: {@code {"predictions":[{"output_1":[...],"output_2":[...],
 * "output_3":[r]}, ...]}} (row format, one object per instance, as TF Serving answers a model with several
 * outputs) and {@code {"error":"..."}}. One line each.
 */
final class TfServingJson {
    private static final JsonFactory JSON = new JsonFactory();

    private TfServingJson() {}

    static String predictions(ScoredBatch batch) {
        return write(g -> {
            g.writeStartObject();
            g.writeArrayFieldStart("predictions");
            for (int i = 0; i < batch.size(); i++) {
                g.writeStartObject();
                // A model made elsewhere may have neither embedding: TF Serving shows the outputs there are.
                if (batch.userVectors() != null) floats(g, RatingGraph.OUTPUT_USER, batch.userVectors()[i]);
                if (batch.titleVectors() != null) floats(g, RatingGraph.OUTPUT_TITLE, batch.titleVectors()[i]);
                floats(g, RatingGraph.OUTPUT_RATING, new float[] {batch.ratings()[i]});
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        });
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

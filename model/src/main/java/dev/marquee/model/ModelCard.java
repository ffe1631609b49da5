package dev.marquee.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.marquee.data.movielens.Split;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.tensorflow.TensorFlow;

/**
 * {@code model_card.json} in a version folder: what was trained on what, with which parameters, how long
 * it took, how well it does, and with which libraries.
 */
public final class ModelCard {
    public static final String FILE_NAME = "model_card.json";
    /**
     * The tensorflow-java release on the classpath, from its jar's Maven metadata ("unknown" without it): what trained
     * or exported a version, whichever release a deployment's lib/ holds.
     */
    public static final String TENSORFLOW_JAVA_VERSION = tensorflowJavaVersion();
    static final String TENSORFLOW_POM_PROPERTIES = "/META-INF/maven/org.tensorflow/tensorflow-core-api/pom.properties";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Map<String, Object> fields = new LinkedHashMap<>();

    /** A card for a trained model: parameters, vocabulary sizes, timing, libraries. */
    public static ModelCard of(TrainedModel model, String dataDescription, Split split,
            EvaluationReport evaluation) {
        ModelCard card = of(model, dataDescription, split.name(), evaluation);
        @SuppressWarnings("unchecked")
        Map<String, Object> data = (Map<String, Object>) card.fields.get("data");
        data.put("train_rows", split.train().size());
        data.put("validation_rows", split.validation().size());
        data.put("test_rows", split.test().size());
        if (!split.hasValidation()) {
            data.put("early_stopping", "seeded " + Trainer.HOLDOUT_PERCENT + "% hold-out of train, not trained on"
                    + (model.refit() ? " by the first run; the refit trains on all of train" : ""));
        }
        return card;
    }

    public static ModelCard of(TrainedModel model, String dataDescription, String splitName,
            EvaluationReport evaluation) {
        ModelCard card = new ModelCard();
        TrainingConfig c = model.config();
        card.put("architecture", c.architecture().id());
        card.put("created", Instant.now().toString());
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("source", dataDescription);
        data.put("split", splitName);
        data.put("train_rows_fitted", model.trainRows());
        data.put("users_in_vocabulary", model.users().size());
        data.put("titles_in_vocabulary", model.titles().size());
        card.put("data", data);
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("factors", c.factors());
        params.put("optimizer", c.optimizer().id());
        params.put("learning_rate", c.learningRate());
        params.put("batch_size", c.batchSize());
        params.put("max_epochs", c.maxEpochs());
        params.put("patience", c.patience());
        params.put("bias_l2", c.biasL2());
        params.put("factor_l2", c.factorL2());
        params.put("oov_rate", c.oovRate());
        params.put("user_day_bias", c.userDayBias());
        params.put("seed", c.seed());
        params.put("threads", c.threads());
        if (c.architecture() == Architecture.BLEND) {
            params.put("blend_svdpp", SvdppConfig.defaults().describe());
            params.put("blend_autorec", AutoRecConfig.defaults().describe());
        }
        card.put("parameters", params);
        card.put("epochs_run", model.learningCurve().epochs().size());
        card.put("best_epoch", model.bestEpoch());
        if (model.refit()) {
            card.put("refit", true);
            Map<String, Object> refit = new LinkedHashMap<>();
            refit.put("trained_on", "train + validation, nothing held out, no early stopping");
            refit.put("rows", model.trainRows());
            refit.putAll(model.schedule().toMap());
            refit.put("chosen_by", "the first run on train, early stopping and the blend weights on validation");
            refit.put("validation_metrics", "the first run's (the refit trains on the validation rows)");
            card.put("refit_schedule", refit);
        }
        card.put("training_seconds", model.trainingSeconds());
        if (evaluation != null) {
            card.put("metrics", evaluation.toMap());
            card.put("protocol", evaluation.protocolMap());
        }
        Map<String, Object> libs = new LinkedHashMap<>();
        libs.put("tensorflow-java", TENSORFLOW_JAVA_VERSION);
        libs.put("tensorflow", TensorFlow.version());
        libs.put("java", System.getProperty("java.version"));
        card.put("libraries", libs);
        Map<String, Object> signature = new LinkedHashMap<>();
        signature.put("name", RatingGraph.SERVING_SIGNATURE);
        Map<String, Object> inputs = new LinkedHashMap<>();
        inputs.put(RatingGraph.USER_ID, "string [batch]");
        inputs.put(RatingGraph.MOVIE_TITLE, "string [batch]: the exact catalog title or its canonical key"
                + " (TitleCanonicalizer); other spellings are out of vocabulary unless resolved by the caller");
        inputs.put(RatingGraph.TIMESTAMP, "int64 [batch], seconds since the epoch");
        Map<String, Object> outputs = new LinkedHashMap<>();
        outputs.put(RatingGraph.OUTPUT_USER, "float [batch,32] user vector");
        outputs.put(RatingGraph.OUTPUT_TITLE, "float [batch,32] title vector");
        outputs.put(RatingGraph.OUTPUT_RATING, "float [batch,1] predicted rating");
        signature.put("inputs", inputs);
        signature.put("outputs", outputs);
        card.put("signature", signature);
        return card;
    }

    public ModelCard put(String key, Object value) {
        fields.put(key, value);
        return this;
    }

    public Map<String, Object> fields() {
        return fields;
    }

    /** Writes (or replaces) the card in one step, flushed to disk ({@link DurableFiles}). */
    public void write(Path versionDir) throws IOException {
        DurableFiles.replace(versionDir.resolve(FILE_NAME), f -> JSON.writeValue(f.toFile(), fields));
    }

    public static JsonNode read(Path versionDir) throws IOException {
        return JSON.readTree(Files.readAllBytes(versionDir.resolve(FILE_NAME)));
    }

    private static String tensorflowJavaVersion() {
        try (java.io.InputStream in = TensorFlow.class.getResourceAsStream(TENSORFLOW_POM_PROPERTIES)) {
            if (in == null) return "unknown";
            java.util.Properties p = new java.util.Properties();
            p.load(in);
            return p.getProperty("version", "unknown");
        } catch (java.io.IOException e) {
            return "unknown";
        }
    }
}

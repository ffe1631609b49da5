package dev.marquee.model.trainer;

import dev.marquee.data.config.CliArgs;
import dev.marquee.data.config.SettingException;
import dev.marquee.data.config.Settings;
import dev.marquee.model.ModelRegistry;
import dev.marquee.model.cli.Console;
import java.nio.file.Path;
import java.util.Properties;
import java.util.Set;

/** The trainer worker's settings, read and checked once at start-up. Documented in docs/RETRAINING.md. */
record TrainerSettings(KafkaClients kafka, String group, String requestsTopic, String outcomesTopic,
        String updatesTopic, String ratingsTopic, ModelRegistry registry, String modelName, String data,
        long labelWindowSeconds, double holdoutShare, int minHoldout, GatePolicy gate, int epochs,
        double learningRate, boolean once) {

    static final String BOOTSTRAP = "bootstrap";
    static final String KAFKA_PROP = "kafka-prop";
    static final String GROUP = "group";
    static final String REQUESTS_TOPIC = "topic.retrain-requests";
    static final String OUTCOMES_TOPIC = "topic.retrain-outcomes";
    static final String UPDATES_TOPIC = "topic.model-updates";
    static final String RATINGS_TOPIC = "topic.ratings";
    static final String REGISTRY = "registry";
    static final String MODEL_NAME = "model-name";
    static final String DATA = "data";
    static final String LABEL_WINDOW = "trainer.label-window-seconds";
    static final String HOLDOUT_SHARE = "trainer.holdout-share";
    static final String MIN_HOLDOUT = "trainer.min-holdout";
    static final String MIN_IMPROVEMENT = "trainer.gate.min-improvement";
    static final String MAX_RMSE = "trainer.gate.max-rmse";
    static final String EPOCHS = "trainer.epochs";
    static final String LEARNING_RATE = "trainer.learning-rate";
    static final String ONCE = "once";

    static final String BOOTSTRAP_ENV = "MARQUEE_BOOTSTRAP";
    static final String REGISTRY_ENV = "MARQUEE_REGISTRY";
    static final String DEFAULT_REGISTRY = ".marquee/registry";
    static final String DEFAULT_MODEL_NAME = "marquee";

    static final CliArgs ARGS = new CliArgs(Set.of(BOOTSTRAP, KAFKA_PROP, GROUP, REQUESTS_TOPIC, OUTCOMES_TOPIC,
            UPDATES_TOPIC, RATINGS_TOPIC, REGISTRY, MODEL_NAME, DATA, LABEL_WINDOW, HOLDOUT_SHARE, MIN_HOLDOUT,
            MIN_IMPROVEMENT, MAX_RMSE, EPOCHS, LEARNING_RATE), Set.of(ONCE, "help"));

    static final String USAGE = String.join("\n",
            "usage: marquee trainer [options]",
            "Consumes retrain requests; for each: trains a candidate on the original data plus the labels on the",
            "ratings topic, gates it against the serving version on the most recent labels, publishes it (and a",
            "model update) or keeps it aside as rejected, and writes the outcome. See docs/RETRAINING.md.",
            "  --bootstrap HOST:PORT          Kafka bootstrap servers (default: $MARQUEE_BOOTSTRAP, else localhost:9092)",
            "  --kafka-prop K=V               any Kafka client property, e.g. security.protocol=SSL (repeatable)",
            "  --group ID                     consumer group on the request topic (default: marquee-trainer)",
            "  --topic.retrain-requests NAME  (default: retrain-requests)",
            "  --topic.retrain-outcomes NAME  (default: retrain-outcomes)",
            "  --topic.model-updates NAME     (default: model-updates)",
            "  --topic.ratings NAME           the labels (default: ratings)",
            "  --registry DIR                 model registry base (default: $MARQUEE_REGISTRY, else ./.marquee/registry)",
            "  --model-name NAME              model name in the registry (default: marquee)",
            "  --data PATH|synthetic[:N]      the original data (default: what the serving version's model card",
            "                                 names, else $MOVIELENS_DIR, else ../shared/data/ml-100k)",
            "  --trainer.label-window-seconds S  keep labels within S seconds of event time before the newest (default: 0 = all)",
            "  --trainer.holdout-share X      most recent share of the labels held out for the gate (default: 0.2)",
            "  --trainer.min-holdout N        fewer held-out labels than N: gate on the original validation data (default: 200)",
            "  --trainer.gate.min-improvement X  RMSE the candidate must gain over the serving version (default: 0.0)",
            "  --trainer.gate.max-rmse X      the candidate's hold-out RMSE must not exceed X (default: no bound)",
            "  --trainer.epochs N             override the serving version's max epochs (default: its model card's)",
            "  --trainer.learning-rate X      override its learning rate (default: its model card's)",
            "  --once                         handle the pending requests, then exit",
            "  --help                         this text");

    static TrainerSettings parse(String[] args, Console console) {
        CliArgs.Parsed parsed = ARGS.parse(args);
        Settings s = parsed.settings();
        String bootstrap = s.string(BOOTSTRAP, env(console, BOOTSTRAP_ENV, "localhost:9092"));
        Properties props = parsed.properties(KAFKA_PROP);
        String registryBase = s.string(REGISTRY, env(console, REGISTRY_ENV, DEFAULT_REGISTRY));
        ModelRegistry registry;
        String name = s.string(MODEL_NAME, DEFAULT_MODEL_NAME);
        try {
            registry = new ModelRegistry(console.resolve(registryBase));
            registry.modelDir(name);
        } catch (IllegalArgumentException e) {
            throw new SettingException(e.getMessage());
        }
        double share = s.doubleInRange(HOLDOUT_SHARE, 0.2, 0.01, 0.9);
        GatePolicy gate = new GatePolicy(s.doubleInRange(MIN_IMPROVEMENT, 0.0, 0.0, 10.0),
                s.has(MAX_RMSE) ? s.doubleInRange(MAX_RMSE, 0, 1e-6, 100.0) : Double.NaN);
        return new TrainerSettings(new KafkaClients(bootstrap, props), s.string(GROUP, "marquee-trainer"),
                s.string(REQUESTS_TOPIC, "retrain-requests"), s.string(OUTCOMES_TOPIC, "retrain-outcomes"),
                s.string(UPDATES_TOPIC, "model-updates"), s.string(RATINGS_TOPIC, "ratings"), registry, name,
                s.string(DATA, null), s.longInRange(LABEL_WINDOW, 0, 0, Long.MAX_VALUE), share,
                s.intInRange(MIN_HOLDOUT, 200, 1, Integer.MAX_VALUE), gate,
                s.intInRange(EPOCHS, 0, 1, 100_000), s.has(LEARNING_RATE)
                        ? s.doubleInRange(LEARNING_RATE, 0, 1e-12, 100) : 0.0, s.bool(ONCE, false));
    }

    Path modelDir() {
        return registry.modelDir(modelName);
    }

    private static String env(Console console, String key, String fallback) {
        String v = console.env().get(key);
        return v == null || v.isBlank() ? fallback : v.trim();
    }
}

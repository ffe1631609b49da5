package dev.marquee.model.trainer;

import dev.marquee.data.event.TopicNames;
import dev.marquee.data.config.CliArgs;
import dev.marquee.data.config.SettingException;
import dev.marquee.data.config.Settings;
import dev.marquee.model.ModelRegistry;
import dev.marquee.model.cli.Console;
import dev.marquee.model.stats.PairedUserComparison;
import java.nio.file.Path;
import java.util.Properties;
import java.util.Set;

/** The trainer worker's settings, read and checked once at start-up. Documented in docs/RETRAINING.md. */
record TrainerSettings(KafkaClients kafka, String group, String requestsTopic, String outcomesTopic,
        String updatesTopic, String ratingsTopic, ModelRegistry registry, String modelName, String data,
        long labelWindowSeconds, int labelMaxCount, double holdoutShare, GatePolicy gate, long deferExpiryMs,
        long recheckIntervalMs, int keepRejected, int epochs, double learningRate, boolean once,
        String labeledTopic, PromotionSettings promotion, int maxRequestsPerHour) {

    static final String BOOTSTRAP = "bootstrap";
    static final String KAFKA_PROP = "kafka-prop";
    static final String GROUP = "group";
    static final String REQUESTS_TOPIC = "topic.retrain-requests";
    static final String OUTCOMES_TOPIC = "topic.retrain-outcomes";
    static final String UPDATES_TOPIC = "topic.model-updates";
    static final String RATINGS_TOPIC = "topic.ratings";
    static final String LABELED_TOPIC = "topic.labeled-predictions";
    static final String REGISTRY = "registry";
    static final String MODEL_NAME = "model-name";
    static final String DATA = "data";
    static final String LABEL_WINDOW = "trainer.label-window-seconds";
    static final String HOLDOUT_SHARE = "trainer.holdout-share";
    static final String LABEL_MAX_COUNT = "trainer.labels.max-count";
    /** Before the paired gate: the held-out labels below which the gate fell back to other rows. */
    static final String MIN_HOLDOUT = "trainer.min-holdout";
    /** Removed with the paired gate: refused with a message naming its replacement. */
    static final String MIN_IMPROVEMENT = "trainer.gate.min-improvement";
    static final String MARGIN = "trainer.gate.margin";
    static final String CONFIDENCE = "trainer.gate.confidence";
    static final String RESAMPLES = "trainer.gate.resamples";
    static final String MIN_LABELS = "trainer.gate.min-labels";
    static final String MIN_USERS = "trainer.gate.min-users";
    static final String MAX_RMSE = "trainer.gate.max-rmse";
    static final String DEFER_EXPIRY = "trainer.gate.defer-expiry-seconds";
    static final String RECHECK = "trainer.gate.recheck-seconds";
    static final String KEEP_REJECTED = "trainer.keep-rejected";
    static final String MAX_REQUESTS_PER_HOUR = "trainer.max-requests-per-hour";
    static final String EPOCHS = "trainer.epochs";
    static final String LEARNING_RATE = "trainer.learning-rate";
    static final String ONCE = "once";

    static final String BOOTSTRAP_ENV = "MARQUEE_BOOTSTRAP";
    static final String REGISTRY_ENV = "MARQUEE_REGISTRY";
    static final String DEFAULT_REGISTRY = ".marquee/registry";
    static final String DEFAULT_MODEL_NAME = "marquee";

    static final CliArgs ARGS = new CliArgs(Set.of(BOOTSTRAP, KAFKA_PROP, GROUP, REQUESTS_TOPIC, OUTCOMES_TOPIC,
            UPDATES_TOPIC, RATINGS_TOPIC, REGISTRY, MODEL_NAME, DATA, LABEL_WINDOW, LABEL_MAX_COUNT, HOLDOUT_SHARE,
            MIN_HOLDOUT, MIN_IMPROVEMENT, MARGIN, CONFIDENCE, RESAMPLES, MIN_LABELS, MIN_USERS, MAX_RMSE, DEFER_EXPIRY,
            RECHECK, KEEP_REJECTED, EPOCHS, LEARNING_RATE, LABELED_TOPIC, PromotionSettings.MODE,
            PromotionSettings.MIN_LABELS, PromotionSettings.MIN_USERS, PromotionSettings.JUDGE_EVERY,
            PromotionSettings.CANDIDATE_EXPIRY_MS, PromotionSettings.WATCH_MS, MAX_REQUESTS_PER_HOUR), Set.of(ONCE, "help"));

    static final String USAGE = String.join("\n",
            "usage: marquee trainer [options]",
            "Consumes retrain requests; for each: trains a candidate on the original data plus the recent labels on",
            "the ratings topic, compares it with the serving version on the most recent labels it did not train on",
            "(paired, user-clustered bootstrap), and publishes it (and a model update), rejects it, or defers it until",
            "labels can tell; then writes the outcome. See docs/RETRAINING.md.",
            "  --bootstrap HOST:PORT          Kafka bootstrap servers (default: $MARQUEE_BOOTSTRAP, else localhost:9092)",
            "  --kafka-prop K=V               any Kafka client property, e.g. security.protocol=SSL (repeatable)",
            "  --group ID                     consumer group on the request topic (default: marquee-trainer)",
            "  --topic.retrain-requests NAME  (default: retrain-requests)",
            "  --topic.retrain-outcomes NAME  (default: retrain-outcomes)",
            "  --topic.model-updates NAME     (default: model-updates)",
            "  --topic.ratings NAME           the labels (default: ratings)",
            "  --topic.labeled-predictions NAME  labels with both versions' ratings, for the promoter (default:",
            "                                 labeled-predictions)",
            "  --registry DIR                 model registry base (default: $MARQUEE_REGISTRY, else ./.marquee/registry)",
            "  --model-name NAME              model name in the registry (default: marquee)",
            "  --data PATH|synthetic[:N]      the original data (default: what the serving version's model card",
            "                                 names, else $MOVIELENS_DIR, else ../shared/data/ml-100k)",
            "  --trainer.label-window-seconds S  keep labels within S seconds of event time before the newest (default: 0 = all)",
            "  --trainer.labels.max-count N   keep at most the N most recent labels (default: 200000)",
            "  --trainer.holdout-share X      most recent share of the labels held out for the gate (default: 0.2)",
            "  --trainer.gate.margin D        publish when the MSE difference's interval is below D, reject when above,",
            "                                 defer otherwise (default: 0.01)",
            "  --trainer.gate.confidence C    the interval's two-sided level (default: 0.95)",
            "  --trainer.gate.resamples N     user-block bootstrap resamples (default: 2000)",
            "  --trainer.gate.min-labels N    fewer held-out labels than N: defer (default: 200; old name trainer.min-holdout)",
            "  --trainer.gate.min-users N     fewer users among them than N: defer (default: 10)",
            "  --trainer.gate.max-rmse X      the candidate's hold-out RMSE must not exceed X (default: no bound)",
            "  --trainer.gate.defer-expiry-seconds S  retire a deferred candidate still unresolved after S (default: 86400)",
            "  --trainer.gate.recheck-seconds S  judge deferred candidates again every S seconds (default: 600)",
            "  --trainer.keep-rejected N      keep the N most recent rejected candidates, delete older ones (default: 5)",
            "  --trainer.max-requests-per-hour N  train at most N requests in any hour; the others are answered",
            "                                 RATE_LIMITED without training (default: 6; 0 = no limit)",
            "  --trainer.epochs N             override the serving version's max epochs (default: its model card's)",
            "  --trainer.learning-rate X      override its learning rate (default: its model card's)",
            PromotionSettings.USAGE_LINES,
            "  --once                         handle the pending requests, then exit (no promoter)",
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
        if (s.has(MIN_IMPROVEMENT)) {
            throw new SettingException(MIN_IMPROVEMENT + " was removed: the gate is now a paired test against a"
                    + " margin, " + MARGIN + " (docs/RETRAINING.md, \"The gate\")");
        }
        if (s.has(MIN_HOLDOUT) && s.has(MIN_LABELS)) {
            throw new SettingException(MIN_HOLDOUT + " is the old name of " + MIN_LABELS + ": give one of them");
        }
        double share = s.doubleInRange(HOLDOUT_SHARE, 0.2, 0.01, 0.9);
        GatePolicy gate = new GatePolicy(s.doubleInRange(MARGIN, GatePolicy.DEFAULT_MARGIN, -1.0, 1.0),
                s.doubleInRange(CONFIDENCE, PairedUserComparison.DEFAULT_CONFIDENCE, 0.5, 0.999),
                s.intInRange(RESAMPLES, PairedUserComparison.DEFAULT_RESAMPLES, 100, 100_000),
                s.intInRange(s.has(MIN_HOLDOUT) ? MIN_HOLDOUT : MIN_LABELS, GatePolicy.DEFAULT_MIN_LABELS, 1,
                        Integer.MAX_VALUE),
                s.intInRange(MIN_USERS, GatePolicy.DEFAULT_MIN_USERS, 2, Integer.MAX_VALUE),
                s.has(MAX_RMSE) ? s.doubleInRange(MAX_RMSE, 0, 1e-6, 100.0) : Double.NaN);
        return new TrainerSettings(new KafkaClients(bootstrap, props), s.string(GROUP, "marquee-trainer"),
                s.string(REQUESTS_TOPIC, TopicNames.RETRAIN_REQUESTS), s.string(OUTCOMES_TOPIC, TopicNames.RETRAIN_OUTCOMES),
                s.string(UPDATES_TOPIC, TopicNames.MODEL_UPDATES), s.string(RATINGS_TOPIC, TopicNames.RATINGS), registry, name,
                s.string(DATA, null), s.longInRange(LABEL_WINDOW, 0, 0, Long.MAX_VALUE),
                s.intInRange(LABEL_MAX_COUNT, 200_000, 1, 50_000_000), share, gate,
                1000 * s.longInRange(DEFER_EXPIRY, 86_400, 1, 365L * 86_400),
                1000 * s.longInRange(RECHECK, 600, 1, 86_400), s.intInRange(KEEP_REJECTED, 5, 0, 100_000),
                s.intInRange(EPOCHS, 0, 1, 100_000), s.has(LEARNING_RATE)
                        ? s.doubleInRange(LEARNING_RATE, 0, 1e-12, 100) : 0.0, s.bool(ONCE, false),
                s.string(LABELED_TOPIC, TopicNames.LABELED_PREDICTIONS), PromotionSettings.from(s),
                s.intInRange(MAX_REQUESTS_PER_HOUR, 6, 0, 100_000));
    }

    Path modelDir() {
        return registry.modelDir(modelName);
    }

    private static String env(Console console, String key, String fallback) {
        String v = console.env().get(key);
        return v == null || v.isBlank() ? fallback : v.trim();
    }
}

package dev.marquee.model.trainer;

import dev.marquee.data.config.SettingException;
import dev.marquee.data.event.TopicNames;
import dev.marquee.model.ModelRegistry;
import dev.marquee.model.cli.Console;
import dev.marquee.model.cli.OptionRange;
import dev.marquee.model.stats.PairedUserComparison;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The trainer worker's options (a picocli mixin of {@code marquee trainer}); {@link #settings} checks them. */
public final class TrainerOptions {
    @Mixin
    KafkaOptions kafka;

    @Option(names = "--group", paramLabel = "ID",
            description = "consumer group on the request topic, one per model when models share the topics"
                    + " (default: " + TrainerWorker.DEFAULT_GROUP + ", or " + TrainerWorker.DEFAULT_GROUP
                    + "-<model name> for a model other than marquee)")
    String group;

    @Option(names = "--topic.retrain-requests", paramLabel = "NAME", defaultValue = TopicNames.RETRAIN_REQUESTS,
            description = "(default: ${DEFAULT-VALUE})")
    String requestsTopic;

    @Option(names = "--topic.retrain-outcomes", paramLabel = "NAME", defaultValue = TopicNames.RETRAIN_OUTCOMES,
            description = "(default: ${DEFAULT-VALUE})")
    String outcomesTopic;

    @Option(names = "--topic.model-updates", paramLabel = "NAME", defaultValue = TopicNames.MODEL_UPDATES,
            description = "(default: ${DEFAULT-VALUE})")
    String updatesTopic;

    @Option(names = "--topic.ratings", paramLabel = "NAME", defaultValue = TopicNames.RATINGS,
            description = "the labels (default: ${DEFAULT-VALUE})")
    String ratingsTopic;

    @Option(names = "--topic.labeled-predictions", paramLabel = "NAME", defaultValue = TopicNames.LABELED_PREDICTIONS,
            description = "labels with both versions' ratings, for the promoter (default: ${DEFAULT-VALUE})")
    String labeledTopic;

    @Option(names = "--topic.model-status", paramLabel = "NAME", defaultValue = TopicNames.MODEL_STATUS,
            description = "what scoring slots did with each version; a shadow one dropped is retired by the promoter"
                    + " (default: ${DEFAULT-VALUE})")
    String statusTopic;

    @Mixin
    TrainerRegistryOptions registry;

    @Option(names = "--data", paramLabel = "PATH|synthetic[:N]", description = "the original data (default: what the"
            + " serving version's model card names, else $MOVIELENS_DIR, else ../shared/data/ml-100k)")
    String data;

    @Option(names = "--trainer.label-window-seconds", paramLabel = "S", defaultValue = "0",
            description = "keep labels within S seconds of event time before the newest (default: ${DEFAULT-VALUE} = all)")
    long labelWindowSeconds;

    @Option(names = "--trainer.labels.max-count", paramLabel = "N", defaultValue = "200000",
            description = "keep at most the N most recent labels (default: ${DEFAULT-VALUE})")
    int labelMaxCount;

    @Option(names = "--trainer.holdout-share", paramLabel = "X", defaultValue = "0.2",
            description = "most recent share of the labels held out for the gate (default: ${DEFAULT-VALUE})")
    double holdoutShare;

    @Option(names = "--trainer.gate.margin", paramLabel = "D", defaultValue = "" + GatePolicy.DEFAULT_MARGIN,
            description = "publish when the MSE difference's interval is below D, reject when above, defer otherwise"
                    + " (default: ${DEFAULT-VALUE})")
    double margin;

    @Option(names = "--trainer.gate.confidence", paramLabel = "C",
            defaultValue = "" + PairedUserComparison.DEFAULT_CONFIDENCE,
            description = "the interval's two-sided level (default: ${DEFAULT-VALUE})")
    double confidence;

    @Option(names = "--trainer.gate.resamples", paramLabel = "N",
            defaultValue = "" + PairedUserComparison.DEFAULT_RESAMPLES,
            description = "user-block bootstrap resamples (default: ${DEFAULT-VALUE})")
    int resamples;

    @Option(names = "--trainer.gate.min-labels", paramLabel = "N",
            description = "fewer held-out labels than N: defer (default: " + GatePolicy.DEFAULT_MIN_LABELS
                    + "; old name trainer.min-holdout)")
    Integer minLabels;

    /** Before the paired gate: the held-out labels below which the gate fell back to other rows. */
    @Option(names = "--trainer.min-holdout", paramLabel = "N", hidden = true)
    Integer minHoldout;

    /** Removed with the paired gate: refused with a message naming its replacement. */
    @Option(names = "--trainer.gate.min-improvement", paramLabel = "X", hidden = true)
    String minImprovement;

    @Option(names = "--trainer.gate.min-users", paramLabel = "N", defaultValue = "" + GatePolicy.DEFAULT_MIN_USERS,
            description = "fewer users among them than N: defer (default: ${DEFAULT-VALUE})")
    int minUsers;

    @Option(names = "--trainer.gate.max-rmse", paramLabel = "X",
            description = "the candidate's hold-out RMSE must not exceed X (default: no bound)")
    Double maxRmse;

    @Option(names = "--trainer.gate.defer-expiry-seconds", paramLabel = "S", defaultValue = "86400",
            description = "retire a deferred candidate still unresolved after S (default: ${DEFAULT-VALUE})")
    long deferExpirySeconds;

    @Option(names = "--trainer.gate.recheck-seconds", paramLabel = "S", defaultValue = "600",
            description = "judge deferred candidates again every S seconds (default: ${DEFAULT-VALUE})")
    long recheckSeconds;

    @Option(names = "--trainer.keep-rejected", paramLabel = "N", defaultValue = "5",
            description = "keep the N most recent rejected candidates, delete older ones (default: ${DEFAULT-VALUE})")
    int keepRejected;

    @Option(names = "--" + TrainerSettings.MAX_REQUESTS_PER_HOUR, paramLabel = "N", defaultValue = "6",
            description = "train at most N requests in any hour; the others are answered RATE_LIMITED without"
                    + " training (default: ${DEFAULT-VALUE}; 0 = no limit)")
    int maxRequestsPerHour;

    @Option(names = "--trainer.request-expiry-seconds", paramLabel = "S", defaultValue = "7200",
            description = "answer a request asked more than S ago EXPIRED without training: the trigger stopped"
                    + " waiting for it after its trigger.in-flight-timeout-ms (2 h) and has asked again since, so a"
                    + " queue left while the worker was down trains once, not once per request; keep it at least"
                    + " trigger.in-flight-timeout-ms (default: ${DEFAULT-VALUE}; 0 = never)")
    long requestExpirySeconds;

    @Option(names = "--trainer.keep-versions", paramLabel = "N", defaultValue = "0",
            description = "after each request (and each deferred candidate settled) keep the N newest versions,"
                    + " deleting older ones (never the serving, shadow or pinned one), as marquee models --retain N does;"
                    + " 1 is refused (default: ${DEFAULT-VALUE} = keep every version)")
    int keepVersions;

    @Option(names = "--trainer.epochs", paramLabel = "N",
            description = "override the serving version's max epochs (default: its model card's)")
    Integer epochs;

    @Option(names = "--trainer.learning-rate", paramLabel = "X",
            description = "override its learning rate (default: its model card's)")
    Double learningRate;

    @Mixin
    PromotionOptions promotion;

    @Option(names = "--once", description = "handle the pending requests, then exit (no promoter)")
    boolean once;

    @Option(names = "--parser-setting", paramLabel = "KEY=VALUE", description = "a parser.* setting the scoring job"
            + " runs with (repeatable), so labels are read as the job reads them, e.g. --parser-setting"
            + " parser.max-user-id-chars=256 (default: the job's defaults)")
    java.util.Map<String, String> parserSettings = new java.util.LinkedHashMap<>();

    /** 0 (keep all), or at least 2: a slot may still serve the version the pointer named before the newest. */
    static int keepVersions(int n) {
        if (n == 1) {
            throw new SettingException("trainer.keep-versions must be 0 (keep every version) or at least 2, got 1: slots"
                    + " still serving the previous version until they swap would lose it");
        }
        return OptionRange.check("trainer.keep-versions", n, 0, 1_000_000);
    }

    /**
     * A topic the trainer writes that it also reads would feed its output back in: an outcome or a model update
     * decodes as a request (unknown fields are ignored), answered or trained again, for ever.
     */
    static void refuseLoops(String requests, String outcomes, String updates, String ratings, String labeled,
            String status) {
        var written = new java.util.LinkedHashMap<String, String>();
        written.put("--topic.retrain-outcomes", outcomes);
        written.put("--topic.model-updates", updates);
        var read = new java.util.LinkedHashMap<String, String>();
        read.put("--topic.retrain-requests", requests);
        read.put("--topic.ratings", ratings);
        read.put("--topic.labeled-predictions", labeled);
        read.put("--topic.model-status", status);
        for (var out : written.entrySet()) {
            for (var in : read.entrySet()) {
                if (out.getValue().equals(in.getValue())) {
                    throw new SettingException(out.getKey() + " and " + in.getKey() + " both name topic '"
                            + in.getValue() + "': the trainer would read what it writes; give them different topics");
                }
            }
        }
    }

    /** Users below which the per-user bootstrap's interval is much narrower than its confidence says. */
    static final int FEW_USERS = 10;

    /**
     * A warning for a minimum of users so low that the interval lies: with G users a bootstrap draw is one given user
     * G times with probability G^-G (25% at 2), past the 2.5% tail, and a candidate at the margin passes a quarter
     * of the time.
     */
    static java.util.Optional<String> fewUsersWarning(String key, int minUsers) {
        if (minUsers >= FEW_USERS) return java.util.Optional.empty();
        return java.util.Optional.of("trainer: warning: " + key + " " + minUsers + ": a decision on fewer than "
                + FEW_USERS + " users' labels is far less sure than its interval says (a version at the margin passes up"
                + " to a quarter of the time at 2 users, about 1 in 12 at 5; docs/RETRAINING.md, the gate)");
    }

    /** The settings, checked; a value out of range or a removed option is a {@link SettingException}. */
    TrainerSettings settings(Console console) {
        ModelRegistry models = registry.registry(console);
        if (minImprovement != null) {
            throw new SettingException("trainer.gate.min-improvement was removed: the gate is now a paired test"
                    + " against a margin, trainer.gate.margin (docs/RETRAINING.md, \"The gate\")");
        }
        if (minHoldout != null && minLabels != null) {
            throw new SettingException("trainer.min-holdout is the old name of trainer.gate.min-labels: give one of them");
        }
        double tail = resamples * (1 - confidence) / 2;
        if (confidence >= 0.5 && confidence <= 0.999 && resamples >= 100
                && tail < GatePolicy.MIN_DRAWS_BEYOND_A_BOUND - 1e-9) { // 200 x (1 - 0.9) / 2 is 9.999999999999998
            throw new SettingException(String.format(java.util.Locale.ROOT, "trainer.gate.resamples %d leaves %.1f draws"
                    + " beyond each bound of a trainer.gate.confidence %s interval: at least %d are needed for a bound"
                    + " that is not one draw's luck; raise trainer.gate.resamples to %d or more", resamples, tail,
                    confidence, GatePolicy.MIN_DRAWS_BEYOND_A_BOUND,
                    (long) Math.ceil(2.0 * GatePolicy.MIN_DRAWS_BEYOND_A_BOUND / (1 - confidence) - 1e-9)));
        }
        GatePolicy gate = new GatePolicy(OptionRange.check("trainer.gate.margin", margin, -1.0, 1.0),
                OptionRange.check("trainer.gate.confidence", confidence, 0.5, 0.999),
                OptionRange.check("trainer.gate.resamples", resamples, 100, 100_000),
                minHoldout != null ? OptionRange.check("trainer.min-holdout", minHoldout, 1, Integer.MAX_VALUE)
                        : OptionRange.check("trainer.gate.min-labels",
                                minLabels != null ? minLabels : GatePolicy.DEFAULT_MIN_LABELS, 1, Integer.MAX_VALUE),
                OptionRange.check("trainer.gate.min-users", minUsers, 2, Integer.MAX_VALUE),
                maxRmse != null ? OptionRange.check("trainer.gate.max-rmse", maxRmse, 1e-6, 100.0) : Double.NaN);
        refuseLoops(requestsTopic, outcomesTopic, updatesTopic, ratingsTopic, labeledTopic, statusTopic);
        PromotionSettings promotionSettings = promotion.settings();
        fewUsersWarning("trainer.gate.min-users", gate.minUsers()).ifPresent(console.err()::println);
        if (PromotionSettings.SHADOW.equals(promotionSettings.mode())) {
            fewUsersWarning("trainer.shadow.min-users", promotionSettings.minUsers()).ifPresent(console.err()::println);
        }
        return new TrainerSettings(kafka.clientsWithGroup(console), group != null ? group : TrainerWorker.defaultGroup(registry.name), requestsTopic, outcomesTopic, updatesTopic,
                ratingsTopic, models, registry.name, data,
                OptionRange.check("trainer.label-window-seconds", labelWindowSeconds, 0, Long.MAX_VALUE),
                OptionRange.check("trainer.labels.max-count", labelMaxCount, 1, 50_000_000),
                OptionRange.check("trainer.holdout-share", holdoutShare, 0.01, 0.9), gate,
                1000 * OptionRange.check("trainer.gate.defer-expiry-seconds", deferExpirySeconds, 1, 365L * 86_400),
                1000 * OptionRange.check("trainer.gate.recheck-seconds", recheckSeconds, 1, 86_400),
                OptionRange.check("trainer.keep-rejected", keepRejected, 0, 100_000),
                epochs != null ? OptionRange.check("trainer.epochs", epochs, 1, 100_000) : 0,
                learningRate != null ? OptionRange.check("trainer.learning-rate", learningRate, 1e-12, 100) : 0.0,
                once, labeledTopic, statusTopic, promotionSettings,
                OptionRange.check(TrainerSettings.MAX_REQUESTS_PER_HOUR, maxRequestsPerHour, 0, 100_000),
                1000 * OptionRange.check("trainer.request-expiry-seconds", requestExpirySeconds, 0, 365L * 86_400),
                keepVersions(keepVersions),
                dev.marquee.data.parse.ParserLimits.fromOption("--parser-setting", parserSettings));
    }
}

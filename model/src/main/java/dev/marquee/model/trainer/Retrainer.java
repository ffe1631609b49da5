package dev.marquee.model.trainer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.marquee.data.event.ModelUpdate;
import dev.marquee.data.event.Rating;
import dev.marquee.data.event.RetrainOutcome;
import dev.marquee.data.event.RetrainRequest;
import dev.marquee.data.movielens.Split;
import dev.marquee.model.EvaluationReport;
import dev.marquee.model.Folders;
import dev.marquee.model.ModelCard;
import dev.marquee.model.ModelRegistry;
import dev.marquee.model.TrainedModel;
import dev.marquee.model.Trainer;
import dev.marquee.model.TrainingConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.Consumer;

/**
 * Handles one retrain request: builds the training set (original data's training part plus the labels in the
 * window, minus the gate's hold-out), trains a candidate with the serving version's configuration, gates it,
 * and publishes it or keeps it aside. Returns the outcome (and the model update when published); the caller
 * writes them. Failures are thrown; the caller turns them into a FAILED outcome.
 */
final class Retrainer {
    static final String REJECTED_DIR = "rejected";
    static final String CANDIDATE_PREFIX = ".candidate-";

    private final TrainerSettings settings;
    private final OriginalData originalData;
    private final Consumer<String> out;

    Retrainer(TrainerSettings settings, OriginalData originalData, Consumer<String> out) {
        this.settings = settings;
        this.originalData = originalData;
        this.out = out;
    }

    /** What a request produced: the outcome, and the model update to send when a version was published. */
    record Result(RetrainOutcome outcome, ModelUpdate update) {}

    Result handle(RetrainRequest request, LabelReader.Labels labels) throws IOException {
        ModelRegistry registry = settings.registry();
        String name = settings.modelName();
        Path modelDir = Files.createDirectories(registry.modelDir(name));
        OptionalLong serving = registry.serving(name);
        Path servingDir = serving.isPresent() ? registry.versionDir(name, serving.getAsLong()) : null;
        JsonNode servingCard = servingDir != null && Files.isRegularFile(servingDir.resolve(ModelCard.FILE_NAME))
                ? ModelCard.read(servingDir) : MissingNode.getInstance();

        OriginalData.Loaded original = originalData.load(servingCard);
        Split split = original.split();
        LabelSplit cut = LabelSplit.of(labels.ratings(), settings.labelWindowSeconds(), settings.holdoutShare(),
                settings.minHoldout());
        List<Rating> gateRows = cut.holdoutFromLabels() ? cut.holdout()
                : split.hasValidation() ? split.validation() : split.test();
        String gateSet = cut.holdoutFromLabels() ? "label-holdout" : split.hasValidation() ? "validation" : "test";
        if (gateRows.isEmpty()) {
            throw new IllegalStateException("nothing to gate on: no held-out labels and the original data's "
                    + "split has no validation or test rows");
        }
        List<Rating> train = new ArrayList<>(split.train().size() + cut.train().size());
        train.addAll(split.train());
        train.addAll(cut.train());

        CardConfig.Found found = CardConfig.from(servingCard,
                serving.isPresent() ? "version " + serving.getAsLong() + "'s model card" : "none");
        TrainingConfig config = CardConfig.override(found.config(), settings.epochs(), settings.learningRate());

        out.accept(String.format(Locale.ROOT, "trainer: request %s (%s): serving version %s", request.requestId,
                request.reason == null ? "no reason given" : request.reason,
                serving.isPresent() ? Long.toString(serving.getAsLong()) : "none"));
        out.accept(String.format(Locale.ROOT, "trainer: %s, time split: %d training rows; %d labels read (%d unreadable),"
                        + " %d in the window, %d trained on", original.description(), split.train().size(),
                labels.ratings().size(), labels.unreadable(), cut.inWindow().size(), cut.train().size()));
        out.accept(cut.holdoutFromLabels()
                ? String.format(Locale.ROOT, "trainer: gate hold-out: the %d most recent labels", gateRows.size())
                : String.format(Locale.ROOT, "trainer: gate hold-out: the original data's %s part (%d rows): fewer"
                        + " than %d labels would be held out", gateSet, gateRows.size(), settings.minHoldout()));
        out.accept("trainer: training config from " + found.source()
                + (settings.epochs() > 0 || settings.learningRate() > 0 ? ", with the trainer's overrides" : "")
                + ": " + config);

        Path candidateDir = Files.createTempDirectory(modelDir, CANDIDATE_PREFIX);
        try (TrainedModel model = new Trainer(config, line -> out.accept("trainer: " + line)).train(train, List.of())) {
            model.exportSavedModel(candidateDir);
            GatePolicy.Measurement m = new CandidateGate(out).measure(candidateDir, servingDir, gateRows);
            GatePolicy.Decision decision = settings.gate().decide(m);
            Map<String, Double> metrics = new LinkedHashMap<>(decision.metrics());
            metrics.put("holdout_from_labels", cut.holdoutFromLabels() ? 1.0 : 0.0);
            metrics.put("labels_read", (double) labels.ratings().size());
            metrics.put("labels_unreadable", (double) labels.unreadable());
            metrics.put("labels_in_window", (double) cut.inWindow().size());
            metrics.put("train_rows", (double) train.size());
            out.accept(String.format(Locale.ROOT, "trainer: gate on %d %s rows: candidate RMSE %.4f, serving %s: %s",
                    gateRows.size(), gateSet, m.candidateRmse(), Double.isFinite(m.currentRmse())
                            ? String.format(Locale.ROOT, "%.4f", m.currentRmse()) : "none to compare",
                    decision.passed() ? "PASS" : "FAIL: " + decision.reason()));

            EvaluationReport evaluation = EvaluationReport.evaluate(model,
                    new Split(gateSet, train, List.of(), gateRows));
            ModelCard card = ModelCard.of(model, original.description() + " + " + cut.train().size()
                    + " labels from " + settings.ratingsTopic(), gateSet, evaluation);
            card.put("retrain", retrainSection(request, serving, original, cut, gateSet, found.source(), decision,
                    metrics));

            RetrainOutcome outcome = new RetrainOutcome();
            outcome.requestId = request.requestId;
            outcome.modelName = name;
            outcome.baseVersion = serving.orElse(-1);
            outcome.metrics = metrics;
            if (decision.passed()) {
                return publish(registry, name, candidateDir, card, outcome, metrics);
            }
            Path rejected = keepAside(registry, name, request.requestId, candidateDir);
            card.write(rejected);
            GateReport.write(rejected, request, outcome.baseVersion, gateSet, decision, metrics);
            outcome.outcome = RetrainOutcome.REJECTED;
            outcome.reason = decision.reason() + (cut.holdoutFromLabels() ? ""
                    : " (gated on the original data's " + gateSet + " part: too few labels for a hold-out)");
            outcome.rejectedLocation = rejected.toString();
            outcome.finishedAtMs = System.currentTimeMillis();
            out.accept("trainer: rejected; the candidate is kept at " + rejected);
            return new Result(outcome, null);
        } finally {
            Folders.deleteRecursively(candidateDir);
        }
    }

    private Result publish(ModelRegistry registry, String name, Path candidateDir, ModelCard card,
            RetrainOutcome outcome, Map<String, Double> metrics) throws IOException {
        long version = registry.publish(name, dir -> {
            moveContents(candidateDir, dir);
            card.write(dir);
        });
        OptionalLong pinned = registry.pinned(name);
        if (pinned.isPresent()) {
            // The candidate beat the pinned version it was gated against: the new version serves, and the
            // registry must say so too, or a restarted job would go back to the pin.
            registry.unpin(name);
            out.accept("trainer: removed the pin on version " + pinned.getAsLong());
        }
        Path location = RegistryPaths.requireInside(registry.base(), registry.versionDir(name, version));
        long now = System.currentTimeMillis();
        ModelUpdate update = new ModelUpdate(name, version, location.toString(), now);
        update.metrics = new LinkedHashMap<>(metrics);
        outcome.outcome = RetrainOutcome.PUBLISHED;
        outcome.version = version;
        outcome.finishedAtMs = now;
        out.accept("trainer: published " + name + " version " + version + " at " + location);
        return new Result(outcome, update);
    }

    /** {@code <base>/<name>/rejected/<request-id>/}, or with a suffix when a redone request already left one. */
    private static Path keepAside(ModelRegistry registry, String name, String requestId, Path candidateDir)
            throws IOException {
        Path rejectedRoot = Files.createDirectories(registry.modelDir(name).resolve(REJECTED_DIR));
        String base = RegistryPaths.safeComponent(requestId);
        Path target = rejectedRoot.resolve(base);
        for (int n = 2; Files.exists(target, java.nio.file.LinkOption.NOFOLLOW_LINKS); n++) {
            target = rejectedRoot.resolve(base + "-" + n);
        }
        target = RegistryPaths.requireInside(registry.base(), target);
        Files.move(candidateDir, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        return target;
    }

    private static void moveContents(Path from, Path to) throws IOException {
        try (var entries = Files.list(from)) {
            for (Path p : (Iterable<Path>) entries::iterator) {
                Files.move(p, to.resolve(p.getFileName().toString()), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            }
        }
    }

    private Map<String, Object> retrainSection(RetrainRequest request, OptionalLong serving,
            OriginalData.Loaded original, LabelSplit cut, String gateSet, String configSource,
            GatePolicy.Decision decision, Map<String, Double> metrics) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("request_id", request.requestId);
        s.put("request_reason", request.reason);
        s.put("base_version", serving.isPresent() ? serving.getAsLong() : null);
        s.put("original_data", original.option());
        s.put("original_seed", original.seed());
        s.put("original_split", original.splitName());
        s.put("original_train_rows", original.split().train().size());
        s.put("labels_topic", settings.ratingsTopic());
        s.put("label_window_seconds", settings.labelWindowSeconds());
        s.put("labels_trained_on", cut.train().size());
        s.put("newest_label_timestamp", cut.newestTimestamp());
        s.put("early_stopping", "seeded " + Trainer.HOLDOUT_PERCENT + "% hold-out of the training rows, not trained on");
        s.put("training_config_from", configSource);
        Map<String, Object> gate = new LinkedHashMap<>();
        gate.put("holdout", gateSet);
        gate.put("holdout_share", settings.holdoutShare());
        gate.put("passed", decision.passed());
        gate.put("metrics", metrics);
        s.put("gate", gate);
        return s;
    }
}

package dev.marquee.model.trainer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.marquee.data.event.ModelUpdate;
import dev.marquee.data.event.Rating;
import dev.marquee.data.event.RetrainOutcome;
import dev.marquee.data.event.RetrainRequest;
import dev.marquee.data.movielens.Split;
import dev.marquee.data.title.TitleCatalog;
import dev.marquee.model.Architecture;
import dev.marquee.model.EvaluationReport;
import dev.marquee.model.Folders;
import dev.marquee.model.ModelCard;
import dev.marquee.model.ModelRegistry;
import dev.marquee.model.ServingState;
import dev.marquee.model.TrainedModel;
import dev.marquee.model.TrainingRows;
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
 * and publishes it, rejects it (kept aside under {@code rejected/}) or defers it (kept under {@code deferred/}
 * for {@link DeferredCandidates} to judge again). Returns the outcome (and the model update when published); the
 * caller writes them. A serving version whose model card cannot be read gives a FAILED outcome before anything is
 * trained; other failures are thrown, and the caller turns them into a FAILED outcome.
 */
final class Retrainer {
    static final String REJECTED_DIR = CandidateFolders.REJECTED_DIR;
    static final String CANDIDATE_PREFIX = ".candidate-";

    private final TrainerSettings settings;
    private final OriginalData originalData;
    private final Consumer<String> out;

    Retrainer(TrainerSettings settings, OriginalData originalData, Consumer<String> out) {
        this.settings = settings;
        this.originalData = originalData;
        this.out = out;
    }

    /** In a retrained version's model card: when its publish wrote it (ms), to tell a pointer moved since from one never moved. */
    static final String PUBLISHED_AT_MS = "published_at_ms";

    /** What a request produced: the outcome, and the model update to send when a version was published. */
    record Result(RetrainOutcome outcome, ModelUpdate update) {}

    Result handle(RetrainRequest request, LabelReader.Labels labels) throws IOException {
        ModelRegistry registry = settings.registry();
        String name = settings.modelName();
        Path modelDir = registry.createModelDir(name);
        OptionalLong serving = registry.serving(name);
        Path servingDir = serving.isPresent() ? registry.versionDir(name, serving.getAsLong()) : null;
        JsonNode servingCard = MissingNode.getInstance();
        if (servingDir != null) {
            // without its card a retrain would silently use default data and configuration, not the serving version's
            Path file = servingDir.resolve(ModelCard.FILE_NAME);
            String unreadable = null;
            if (!Files.isRegularFile(file)) {
                unreadable = "is missing at " + file;
            } else {
                try {
                    servingCard = ModelCard.read(servingDir);
                } catch (IOException | RuntimeException e) {
                    unreadable = "cannot be read (" + file + ": "
                            + String.valueOf(e.getMessage()).replaceAll("\\s*\\R\\s*", " ") + ")";
                }
            }
            if (unreadable != null) {
                String reason = "version " + serving.getAsLong() + "'s model card " + unreadable + ": the retrain cannot"
                        + " tell which data and training configuration it used; nothing trained";
                out.accept("trainer: request " + request.requestId + " failed: " + reason);
                return failed(request, serving.getAsLong(), reason);
            }
        }

        OriginalData.Loaded original = originalData.load(servingCard);
        Split split = original.split();
        LabelTitles labelTitles = LabelTitles.resolve(labels.ratings(), titleCatalog(servingDir, split));
        LabelSplit byShare = LabelSplit.of(labelTitles.ratings(), settings.labelWindowSeconds(), settings.holdoutShare(),
                LabelSplit.latestAllowed(System.currentTimeMillis()));
        LabelSplit cut = byShare.holdingOutOnlyAfter(DeferredCandidates.trainedThrough(servingCard));
        int servingTrainedOn = cut.train().size() - byShare.train().size();
        List<Rating> holdout = cut.holdout();
        List<Rating> train = new ArrayList<>(split.train().size() + cut.train().size());
        train.addAll(split.train());
        train.addAll(cut.train());

        CardConfig.Found found = CardConfig.from(servingCard,
                serving.isPresent() ? "version " + serving.getAsLong() + "'s model card" : "none");
        TrainingConfig config = CardConfig.override(found.config(), settings.epochs(), settings.learningRate());
        String configSource = found.source();
        String outgrown = outgrownBy(config, train);
        if (outgrown != null) {
            config = CardConfig.override(TrainingConfig.defaults(Architecture.DEFAULT), settings.epochs(),
                    settings.learningRate()).withSeed(config.seed());
            configSource = found.source() + ", whose " + outgrown + ": architecture default instead";
        }

        out.accept(String.format(Locale.ROOT, "trainer: request %s (%s): serving version %s", request.requestId,
                request.reason == null ? "no reason given" : request.reason,
                serving.isPresent() ? Long.toString(serving.getAsLong()) : "none"));
        out.accept(String.format(Locale.ROOT, "trainer: %s, split %s: %d training rows; %d labels read (%d records,"
                        + " %d refused, %d beyond the newest %d), %d stamped more than %d s ahead of the clock (ignored),"
                        + " %d in the window, %d trained on, %d held out",
                original.description(), original.splitName() + (original.refit() ? " (refit: train + validation)" : ""),
                split.train().size(), labels.ratings().size(), labels.records(),
                labels.refused(), labels.dropped(), settings.labelMaxCount(), cut.ahead() + labels.ahead(),
                LabelSplit.FUTURE_TOLERANCE_MS / 1000, cut.inWindow().size(), cut.train().size(), holdout.size())
                + (servingTrainedOn == 0 ? "" : " (" + servingTrainedOn + " of the newest share trained on instead:"
                        + " the serving version trained on them, so they would not judge it fairly)")
                + (cut.repeats() == 0 ? "" : "; " + cut.repeats() + " of the newest share left out as repeats (a user's"
                        + " title trained on, or labelled again later: judged once, on the newest, and never when trained on)")
                + (cut.duplicates() == 0 ? "" : "; " + cut.duplicates() + " exact copies of another label left out (a"
                        + " label delivered twice counts once)"));
        out.accept("trainer: label titles matched to the catalog: " + labelTitles.summary());
        out.accept("trainer: training config from " + configSource
                + (settings.epochs() > 0 || settings.learningRate() > 0 ? ", with the trainer's overrides" : "")
                + ": " + config);

        Path candidateDir = Files.createTempDirectory(modelDir, CANDIDATE_PREFIX);
        try (TrainedModel model = new Trainer(config, line -> out.accept("trainer: " + line)).train(train, List.of())) {
            if (model.bestEpoch() < 1) {
                // as marquee train refuses it: early stopping never saw a finite RMSE on its hold-out, so the weights
                // are the last epoch's, chosen by nothing
                String reason = "the run chose no epoch (no finite RMSE on its " + TrainingRows.HOLDOUT_PERCENT
                        + "% hold-out of " + train.size() + " training rows: too few rows to hold some out, or the"
                        + " model diverged); nothing published";
                out.accept("trainer: request " + request.requestId + " failed: " + reason);
                return failed(request, serving.orElse(-1), reason);
            }
            model.exportSavedModel(candidateDir);
            // The probe needs rows the candidate may know; without held-out labels any rows do (never judged on).
            List<Rating> probeRows = !holdout.isEmpty() ? holdout
                    : split.hasValidation() ? split.validation() : !split.test().isEmpty() ? split.test() : train;
            GatePolicy.Measurement m = new CandidateGate(out).measure(candidateDir, servingDir, holdout, probeRows);
            GatePolicy.Verdict verdict = settings.gate().decide(m);
            Map<String, Double> metrics = new LinkedHashMap<>(verdict.metrics());
            metrics.putAll(labelMetrics(labels, cut));
            metrics.put("train_rows", (double) train.size());
            String holdoutName = holdoutName(cut.trainedThrough());
            out.accept(gateLine(verdict, m));

            // The card's metrics describe the candidate; the decision above never used other rows than the labels.
            boolean onLabels = holdout.size() >= settings.gate().minLabels();
            List<Rating> evalRows = onLabels ? holdout : split.hasValidation() ? split.validation() : split.test();
            String evalName = onLabels ? "label-holdout" : split.hasValidation() ? "validation" : "test";
            EvaluationReport evaluation = evalRows.isEmpty() ? null
                    : EvaluationReport.evaluate(model, new Split(evalName, train, List.of(), evalRows), config.seed(),
                            true);
            ModelCard card = ModelCard.of(model, original.description() + " + " + cut.train().size()
                    + " labels from " + settings.ratingsTopic(), evalName, evaluation);
            Map<String, Object> gate = GateReport.gateSection(settings.gate(), verdict, holdoutName);
            gate.put("metrics", metrics);
            card.put("retrain", retrainSection(request, serving, original, cut, configSource, gate));

            RetrainOutcome outcome = new RetrainOutcome();
            outcome.requestId = request.requestId;
            outcome.modelName = name;
            outcome.baseVersion = serving.orElse(-1);
            outcome.metrics = metrics;
            Map<String, Object> report = requestFields(request.requestId, request.reason, outcome.baseVersion,
                    cut.trainedThrough());
            return switch (verdict.decision()) {
                case PUBLISH -> publish(registry, name, candidateDir, card, outcome, metrics);
                case REJECT -> reject(candidateDir, card, report, gate, outcome, verdict.reason());
                case DEFER -> defer(candidateDir, card, report, gate, outcome, verdict.reason());
            };
        } finally {
            Folders.deleteRecursively(candidateDir);
        }
    }

    private Result failed(RetrainRequest request, long baseVersion, String reason) {
        RetrainOutcome outcome = new RetrainOutcome();
        outcome.requestId = request.requestId;
        outcome.modelName = settings.modelName();
        outcome.outcome = RetrainOutcome.FAILED;
        outcome.baseVersion = baseVersion;
        outcome.reason = reason;
        outcome.finishedAtMs = System.currentTimeMillis();
        return new Result(outcome, null);
    }

    /** Moves a candidate to {@code rejected/}, writes its card (when given) and report, prunes old rejections. */
    Result reject(Path candidateDir, ModelCard card, Map<String, Object> report, Map<String, Object> gate,
            RetrainOutcome outcome, String reason) throws IOException {
        Path rejected = folders().moveAside(CandidateFolders.REJECTED_DIR, outcome.requestId, candidateDir);
        // moved: the rejection stands, and its outcome must be sent whatever fails now (the folder left deferred/)
        try {
            if (card != null) {
                card.write(rejected);
            }
            GateReport.write(rejected, report, gate, reason);
        } catch (IOException | RuntimeException e) {
            out.accept("trainer: the rejected candidate at " + rejected + " has no card or report (" + e + ")");
        }
        outcome.outcome = RetrainOutcome.REJECTED;
        outcome.reason = reason;
        outcome.rejectedLocation = rejected.toString();
        outcome.finishedAtMs = System.currentTimeMillis();
        out.accept("trainer: rejected; the candidate is kept at " + rejected);
        try {
            pruneRejected();
        } catch (IOException | RuntimeException e) {
            out.accept("trainer: old rejected candidates not pruned (" + e + "); tried again after the next rejection");
        }
        return new Result(outcome, null);
    }

    /** Deletes rejected candidates beyond the most recent {@code trainer.keep-rejected}. */
    void pruneRejected() throws IOException {
        for (Path gone : folders().pruneRejected(settings.keepRejected(), (dir, e) -> out.accept(
                "trainer: could not delete the old rejected candidate " + dir + " (" + e + "); tried again later"))) {
            out.accept("trainer: deleted the old rejected candidate " + gone);
        }
    }

    /**
     * Moves a candidate to {@code deferred/} with its card and report, written before the move: a failure leaves nothing
     * there (the candidate's folder is deleted and the request answered FAILED), never a candidate without its report.
     */
    Result defer(Path candidateDir, ModelCard card, Map<String, Object> report, Map<String, Object> gate,
            RetrainOutcome outcome, String reason) throws IOException {
        card.write(candidateDir);
        long now = System.currentTimeMillis();
        report.put(DeferredCandidates.DEFERRED_AT, now);
        report.put(DeferredCandidates.JUDGEMENTS, 1);
        // versions that already exist (a retired candidate, one in shadow) do not supersede it later: only newer ones
        report.put(DeferredCandidates.LATEST_AT_DEFER, settings.registry().latest(settings.modelName()).orElse(0));
        GateReport.write(candidateDir, report, gate);
        Path deferred = folders().moveAside(CandidateFolders.DEFERRED_DIR, outcome.requestId, candidateDir);
        outcome.outcome = RetrainOutcome.DEFERRED;
        outcome.reason = reason;
        outcome.deferredLocation = deferred.toString();
        outcome.finishedAtMs = now;
        out.accept("trainer: deferred; the candidate waits at " + deferred + " to be judged again as labels arrive"
                + " (retired after " + settings.deferExpiryMs() / 1000 + " s)");
        return new Result(outcome, null);
    }

    CandidateFolders folders() {
        return new CandidateFolders(settings.registry(), settings.modelName());
    }

    /** The request's fields in a gate report, and what a deferred candidate needs to be judged again. */
    static Map<String, Object> requestFields(String requestId, String reason, long baseVersion, long trainedThrough) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("request_id", requestId);
        r.put("request_reason", reason);
        r.put("base_version", baseVersion);
        r.put(DeferredCandidates.TRAINED_THROUGH, trainedThrough);
        return r;
    }

    static String holdoutName(long trainedThrough) {
        return trainedThrough == Long.MIN_VALUE ? "labels (none trained on)"
                : "labels after timestamp " + trainedThrough + " (not trained on)";
    }

    /**
     * The titles labels are resolved against: the serving version's vocabulary, which the scoring job resolved
     * their requests against; the original data's titles when no version serves or it has no vocabulary.
     */
    private static TitleCatalog titleCatalog(Path servingDir, Split split) throws IOException {
        if (servingDir != null) {
            java.util.Optional<TitleCatalog> serving = TrainedModel.titleCatalog(servingDir);
            if (serving.isPresent()) return serving.get();
        }
        java.util.Set<String> original = new java.util.LinkedHashSet<>();
        for (List<Rating> part : List.of(split.train(), split.validation(), split.test())) {
            for (Rating r : part) original.add(r.movieTitle);
        }
        return TitleCatalog.of(original);
    }

    static Map<String, Double> labelMetrics(LabelReader.Labels labels, LabelSplit cut) {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("labels_read", (double) labels.ratings().size());
        m.put("labels_records", (double) labels.records());
        m.put("labels_refused", (double) labels.refused());
        m.put("labels_dropped", (double) labels.dropped());
        if (cut != null) {
            m.put("labels_ahead_of_clock", (double) (cut.ahead() + labels.ahead()));
            m.put("labels_in_window", (double) cut.inWindow().size());
            m.put("labels_trained_on", (double) cut.train().size());
            m.put("labels_holdout_repeats", (double) cut.repeats());
            m.put("labels_duplicates", (double) cut.duplicates());
        }
        return m;
    }

    static String gateLine(GatePolicy.Verdict v, GatePolicy.Measurement m) {
        return String.format(Locale.ROOT, "trainer: gate on %d held-out labels from %d users: candidate RMSE %s,"
                        + " serving %s; %s: %s", m.holdoutRows(), m.holdoutUsers(),
                Double.isFinite(m.candidateRmse()) ? String.format(Locale.ROOT, "%.4f", m.candidateRmse()) : "-",
                Double.isFinite(m.currentRmse()) ? String.format(Locale.ROOT, "%.4f", m.currentRmse())
                        : m.servingFailure() != null ? "not measured" : m.paired() == null ? "none to compare" : "-",
                v.interval() != null ? v.interval().toString() : "no interval", v.decision()
                        + (v.reason() != null ? " (" + v.reason() + ")" : ""));
    }

    /**
     * Publishes the candidate's files (moved out of {@code candidateDir}; moved back, with the new card, when the
     * publish fails, which then throws) and moves the pointer. A version published whose pointer cannot be moved
     * is still PUBLISHED (its reason says so): it exists, and a person can promote it.
     */
    Result publish(ModelRegistry registry, String name, Path candidateDir, ModelCard card,
            RetrainOutcome outcome, Map<String, Double> metrics) throws IOException {
        // A pointer before this version exists: without one, "the latest" would be this one.
        registry.adoptLatest(name);
        long version = registry.publish(name, dir -> {
            moveContents(candidateDir, dir);
            card.put(PUBLISHED_AT_MS, System.currentTimeMillis()); // after adoptLatest: see finishIfPointerNeverMoved
            card.write(dir);
        }, dir -> moveContents(dir, candidateDir));
        return announcePublished(registry, name, version, outcome, metrics);
    }

    /**
     * For a request answered PUBLISHED before: when a worker stopped between that version's publish and the pointer's
     * move, the move (as {@link #publish} would have made it), with its update; else the outcome as it was. The
     * version must still be unknown to the pointer (neither serving, in shadow nor held, above all of them, the newest
     * on disk, no pin, and the pointer unchanged since the version's folder was written), checked under the registry's
     * lock: a person who moved the pointer since, or {@code manual} promotion, leaves it alone. A version the pointer
     * names already (serving or in shadow, no pin) has its pointer's update sent again: it may never have been. Null
     * when the registry could not be read to tell (the caller keeps what it has and tries again later); it never throws.
     */
    Result finishIfPointerNeverMoved(ModelRegistry registry, String name, long version, RetrainOutcome outcome,
            Map<String, Double> metrics) {
        if (version <= 0 || PromotionSettings.MANUAL.equals(settings.promotion().mode())) return new Result(outcome, null);
        try {
            if (registry.latest(name).orElse(0) != version) return new Result(outcome, null);
            long publishedAt = publishedAtMs(registry.versionDir(name, version));
            long now = System.currentTimeMillis();
            ServingState next = registry.updateState(name, state -> {
                boolean unknown = !named(state, version) && version > state.serving && version > state.shadow
                        && state.changedAtMs <= publishedAt;
                return unknown && registry.pinned(name).isEmpty() ? promotion(registry, name, state, version, now, outcome)
                        : null;
            });
            if (next == null) {
                ServingState current = registry.state(name);
                if ((current.serving == version || current.shadow == version) && registry.pinned(name).isEmpty()) {
                    // the pointer names it: its update may never have been sent (a worker stopped, or Kafka failed,
                    // between the move and the update; a --once worker has no promoter to announce the pointer), so it
                    // is sent again; a slot already there ignores it
                    out.accept("trainer: version " + version + " of request " + outcome.requestId + " is in the"
                            + " serving pointer (" + current + "): its update is sent again");
                    Map<String, Double> updateMetrics = metrics == null ? new LinkedHashMap<>() : new LinkedHashMap<>(metrics);
                    updateMetrics.put(AnsweredRequests.REDELIVERED, 1.0); // sent again: see movedThePointerNow
                    return new Result(outcome, update(registry, name, current, now, updateMetrics));
                }
                if (!named(current, version) && outcome.reason == null && registry.pinned(name).isEmpty()) {
                    outcome.reason = "published, but the serving pointer moved since without it (`marquee promote --version "
                            + version + "` serves it)";
                }
                return new Result(outcome, null);
            }
            out.accept("trainer: version " + version + " of request " + outcome.requestId + " was published, but the"
                    + " serving pointer never moved to it (a worker stopped in between): moved now, " + next);
            Map<String, Double> updateMetrics = metrics == null ? null : new LinkedHashMap<>(metrics);
            if (updateMetrics != null) updateMetrics.remove(AnsweredRequests.REDELIVERED); // the update is new
            return new Result(finished(outcome, version, now), update(registry, name, next, now, updateMetrics));
        } catch (IOException | RuntimeException e) {
            out.accept("trainer: could not tell whether the pointer knows version " + version + " (" + e + ")");
            return null;
        }
    }

    /**
     * Whether {@link #finishIfPointerNeverMoved}'s result moved the pointer just now (its update is new, without
     * {@link AnsweredRequests#REDELIVERED}), rather than sending again the update of a pointer that named the version.
     */
    static boolean movedThePointerNow(Result r) {
        return r.update() != null && (r.update().metrics == null
                || !r.update().metrics.containsKey(AnsweredRequests.REDELIVERED));
    }

    private static boolean named(ServingState state, long version) {
        return version == state.serving || version == state.shadow || state.held.containsKey(version);
    }

    /**
     * When the version's card was written, just before the rename, by the clock the pointer's changedAtMs comes from;
     * for a version from before that field, its folder's last change (the file system's coarser, maybe skewed clock).
     */
    private static long publishedAtMs(Path dir) throws IOException {
        long fromCard = dev.marquee.model.ModelCard.read(dir).path(PUBLISHED_AT_MS).asLong(0);
        return fromCard > 0 ? fromCard : Files.getLastModifiedTime(dir).toMillis();
    }

    private static RetrainOutcome finished(RetrainOutcome outcome, long version, long now) {
        outcome.outcome = RetrainOutcome.PUBLISHED;
        outcome.version = version;
        outcome.finishedAtMs = now;
        return outcome;
    }

    private static ModelUpdate update(ModelRegistry registry, String name, ServingState next, long now,
            Map<String, Double> metrics) throws IOException {
        Path location = RegistryPaths.requireInside(registry.base(), registry.versionDir(name, next.serving));
        ModelUpdate update = new ModelUpdate(name, next.serving, location.toString(), now);
        update.shadowVersion = next.shadow;
        update.reason = next.reason;
        update.metrics = metrics == null ? null : new LinkedHashMap<>(metrics);
        update.registryId = registry.idOrMake().orElse(null);
        return update;
    }

    /** The second half of {@link #publish}: the pointer moved to the published {@code version}, and its update. */
    private Result announcePublished(ModelRegistry registry, String name, long version, RetrainOutcome outcome,
            Map<String, Double> metrics) throws IOException {
        long now = System.currentTimeMillis();
        ServingState next;
        try {
            // under the registry's lock: the promoter (another thread) or a person may move the pointer meanwhile
            next = registry.updateState(name, state -> promotion(registry, name, state, version, now, outcome));
        } catch (IOException | RuntimeException e) {
            outcome.reason = "published, but the serving pointer could not be moved: "
                    + String.valueOf(e.getMessage()).replaceAll("\\s*\\R\\s*", " ") + " (`marquee promote --version "
                    + version + "` moves it)";
            out.accept("trainer: version " + version + " is " + outcome.reason);
            next = null;
        }
        ModelUpdate update = null;
        if (next != null) {
            try {
                update = update(registry, name, next, now, metrics);
            } catch (IOException | RuntimeException e) {
                // the version is published and the pointer moved: the promoter announces the pointer at its next look
                out.accept("trainer: version " + version + " is published and the pointer moved, but its update could not"
                        + " be made (" + e + "); the promoter announces the pointer");
            }
        }
        finished(outcome, version, now);
        out.accept("trainer: published " + name + " version " + version + " at "
                + registry.versionDir(name, version) + "; " + (update == null ? "the pointer did not move" : next));
        return new Result(outcome, update);
    }

    /**
     * Where a published version goes (docs/RETRAINING.md, the precedence table): nowhere under a pin or in
     * {@code manual} mode (null); serving at once when nothing serves, or in {@code immediate} mode (the replaced
     * version watched in shadow); else a candidate in shadow.
     */
    private ServingState promotion(ModelRegistry registry, String name, ServingState state, long version, long now,
            RetrainOutcome outcome) throws IOException {
        OptionalLong pinned = registry.pinned(name);
        if (pinned.isPresent()) {
            outcome.reason = "published, neither serving nor in shadow: version " + pinned.getAsLong() + " is pinned ("
                    + "`marquee rollback --version " + version + "` moves the pin to it; `marquee models --unpin` hands "
                    + "control back to the serving pointer)";
            out.accept("trainer: version " + version + " is " + outcome.reason);
            return null;
        }
        long serving = state.serving > 0 && state.serving != version ? state.serving : 0;
        String mode = settings.promotion().mode();
        if (serving == 0) return state.with(version, 0, null, "published: the first version", now);
        if (outcome.baseVersion > 0 && serving != outcome.baseVersion) {
            // another version came to serve while this one trained: the gate never compared the two
            outcome.reason = "published, neither serving nor in shadow: it was judged against version "
                    + outcome.baseVersion + ", and version " + serving + " serves now (`marquee promote --version "
                    + version + "` serves it)";
            out.accept("trainer: version " + version + " is " + outcome.reason);
            return null;
        }
        if (PromotionSettings.MANUAL.equals(mode)) {
            outcome.reason = "published, neither serving nor in shadow: trainer.promotion is manual, version " + serving
                    + " keeps serving (`marquee promote --version " + version + "` serves it)";
            out.accept("trainer: version " + version + " is " + outcome.reason);
            return null;
        }
        if (PromotionSettings.SHADOW.equals(mode) && state.hasShadow() && ServingState.CANDIDATE.equals(state.shadowRole)
                && state.shadow != version && importedVersion(registry, name, state.shadow)) {
            // someone put that import in shadow to be judged on live labels: this retrain was never compared with it
            outcome.reason = "published, neither serving nor in shadow: version " + state.shadow + " (imported) is in"
                    + " shadow awaiting its verdict on live labels, and this one was judged against version " + serving
                    + " only (`marquee promote --version " + version + "` serves it)";
            out.accept("trainer: version " + version + " is " + outcome.reason);
            return null;
        }
        ServingState next;
        if (PromotionSettings.IMMEDIATE.equals(mode)) {
            next = state.with(version, serving, ServingState.WATCH, "published: serving at once, version " + serving
                    + " watched in shadow", now);
        } else {
            // The trigger waits for a watch's verdict, up to its in-flight timeout: past it, say what this ends
            String endedWatch = state.hasShadow() && ServingState.WATCH.equals(state.shadowRole) && state.shadow != version
                    ? "; the watch of version " + state.shadow + " ended without a verdict" : "";
            next = state.with(serving, version, ServingState.CANDIDATE, "published: a candidate in shadow beside version "
                    + serving + endedWatch, now);
        }
        // a candidate this one replaces in shadow (a retrain's) is held, as the promoter holds one it retires
        long dropped = state.candidateDroppedBy(next);
        if (dropped > 0) next.hold(dropped, "replaced in shadow by version " + version + ", published later");
        return next;
    }

    private static boolean importedVersion(ModelRegistry registry, String name, long version) {
        try {
            return ModelCardOrigin.imported(ModelCard.read(registry.versionDir(name, version)));
        } catch (IOException | RuntimeException e) {
            return false; // unreadable: judged as the promoter would judge any candidate
        }
    }

    /**
     * Moves a candidate's files (not its gate report) from one folder to the other. Into the registry's publish folder
     * ({@code .publishing-*}) the card goes first; out of one, last: so a move cut short anywhere leaves the card where
     * the candidate's other files went, and DeferredCandidates finds them by it and moves them back.
     */
    static void moveContents(Path from, Path to) throws IOException {
        boolean intoPublish = to.getFileName().toString().startsWith(ModelRegistry.TEMP_FOLDER_PREFIX);
        Path card = from.resolve(ModelCard.FILE_NAME);
        if (intoPublish && Files.exists(card)) Files.move(card, to.resolve(ModelCard.FILE_NAME), ATOMIC_MOVE);
        try (var entries = Files.list(from)) {
            for (Path p : (Iterable<Path>) entries::iterator) {
                String name = p.getFileName().toString();
                if (name.equals(GateReport.FILE_NAME) || name.equals(ModelCard.FILE_NAME)) continue;
                Files.move(p, to.resolve(name), ATOMIC_MOVE);
            }
        }
        if (!intoPublish && Files.exists(card)) Files.move(card, to.resolve(ModelCard.FILE_NAME), ATOMIC_MOVE);
    }

    private static final java.nio.file.StandardCopyOption ATOMIC_MOVE = java.nio.file.StandardCopyOption.ATOMIC_MOVE;

    private Map<String, Object> retrainSection(RetrainRequest request, OptionalLong serving,
            OriginalData.Loaded original, LabelSplit cut, String configSource, Map<String, Object> gate) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("request_id", request.requestId);
        s.put("request_reason", request.reason);
        s.put("base_version", serving.isPresent() ? serving.getAsLong() : null);
        s.put("original_data", original.option());
        s.put("original_seed", original.seed());
        s.put("original_split", original.splitName());
        s.put("original_refit", original.refit());
        s.put("original_train_rows", original.split().train().size());
        s.put("labels_topic", settings.ratingsTopic());
        s.put("label_window_seconds", settings.labelWindowSeconds());
        s.put("label_max_count", settings.labelMaxCount());
        s.put("labels_trained_on", cut.train().size());
        s.put("newest_label_timestamp", cut.newestTimestamp());
        s.put(DeferredCandidates.TRAINED_THROUGH, cut.trainedThrough());
        s.put("early_stopping", "seeded " + Trainer.HOLDOUT_PERCENT + "% hold-out of the training rows, not trained on");
        s.put("training_config_from", configSource);
        s.put("holdout_share", settings.holdoutShare());
        s.put("gate", gate);
        return s;
    }

    /**
     * Why {@code config}'s network cannot be built for these training rows (null when it can): the labels' new users
     * and titles may outgrow what the serving version's architecture is built for (decision 0011), and a retrain must
     * still train something rather than fail every request.
     */
    static String outgrownBy(TrainingConfig config, List<Rating> train) {
        long users = train.stream().map(r -> r.userId).distinct().count();
        long titles = train.stream().map(r -> r.movieTitle).distinct().count();
        if (config.architecture().fits(users, titles)) return null;
        return "architecture " + config.architecture().id() + " is built for fewer users x titles than the " + users
                + " x " + titles + " here";
    }

}

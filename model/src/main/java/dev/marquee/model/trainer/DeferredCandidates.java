package dev.marquee.model.trainer;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.marquee.data.event.Rating;
import dev.marquee.data.event.RetrainOutcome;
import dev.marquee.model.DurableFiles;
import dev.marquee.model.Folders;
import dev.marquee.model.ModelCard;
import dev.marquee.model.ModelRegistry;
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
import java.util.function.LongSupplier;

/**
 * Candidates the gate deferred ({@code <base>/<name>/deferred/<request-id>/}), judged again on the labels that
 * arrived since: each on every label newer than what it trained on ({@code trained_through} in its report),
 * against the version serving now, by the same paired test. A candidate that the labels now resolve is
 * published or rejected (one that cannot be published for a registry error stays deferred); one still unresolved {@code trainer.gate.defer-expiry-seconds} after it was deferred is
 * retired (rejected, metric {@code deferred_expired}); one whose base version no longer serves, or that a newer
 * deferred candidate replaces, is retired as superseded; one whose hold-out the labels read no longer reach is
 * retired as unresolved ({@code deferred_holdout_overflow}). Each settled candidate gets a second outcome with its
 * request's id. The worker judges them before each request and every {@code trainer.gate.recheck-seconds}.
 */
final class DeferredCandidates {
    static final String DEFERRED_AT = "deferred_at_ms";
    /** The registry's latest version when the candidate was deferred: only a version published later supersedes it. */
    static final String LATEST_AT_DEFER = "latest_version_at_defer";
    static final String JUDGEMENTS = "judgements";
    static final String TRAINED_THROUGH = "trained_through";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final TrainerSettings settings;
    private final Retrainer retrainer;
    private final Consumer<String> out;
    /** When this worker first failed to read a deferred candidate's gate report, by folder, until it is settled. */
    private final Map<Path, Long> unreadableSince = new java.util.HashMap<>();
    /** A folder's last-modified time (ms); tests give one that fails, as a volume that does not answer. */
    interface FolderTimes {
        long modifiedMs(Path dir) throws IOException;
    }

    FolderTimes folderTimes = dir -> Files.getLastModifiedTime(dir).toMillis();
    private final LongSupplier clock;

    DeferredCandidates(TrainerSettings settings, Retrainer retrainer, Consumer<String> out, LongSupplier clock) {
        this.settings = settings;
        this.retrainer = retrainer;
        this.out = out;
        this.clock = clock;
    }

    boolean any() throws IOException {
        return retrainer.folders().deferred().stream().anyMatch(dir -> !finished.contains(dir));
    }

    /** Judges every deferred candidate again; returns the outcomes of those settled (published, rejected, retired). */
    List<Retrainer.Result> judge(LabelReader.Labels labels) throws IOException {
        List<Retrainer.Result> settled = new ArrayList<>();
        for (Path dir : retrainer.folders().deferred()) {
            if (finished.contains(dir)) continue; // settled in this process; its folder could not be deleted
            RetrainOutcome published;
            try {
                published = publishedBefore(dir);
            } catch (IOException | RuntimeException e) {
                // the registry cannot tell now (a network volume's hiccup): kept for the next round, not retired
                out.accept("trainer: could not tell whether the deferred candidate at " + dir + " was published (" + e
                        + "); judged again next round");
                continue;
            }
            Retrainer.Result r;
            if (published != null) {
                r = finishPublished(dir, published);
                if (r != null) settled.add(r);
                continue;
            }
            String superseded = supersededPending.get(dir);
            if (superseded == null) {
                try {
                    superseded = supersededMark(dir);
                } catch (IOException e) { // cannot tell: not judged this round (it may be superseded)
                    out.accept("trainer: could not read the mark beside " + dir + " (" + e + "); judged again next round");
                    continue;
                }
            }
            if (superseded != null) { // its retirement failed: retried, never judged (and published over the newer one)
                r = retireOrNull(dir, superseded, Map.of("deferred_superseded", 1.0));
                if (r != null) {
                    settledMarked(dir);
                    settled.add(r);
                }
                continue;
            }
            try {
                r = judgeOne(dir, labels);
                if (r != null) settledMarked(dir);
            } catch (IOException | RuntimeException e) {
                out.accept("trainer: the deferred candidate at " + dir + " cannot be judged: " + e);
                r = retireOrNull(dir, "it cannot be judged again: " + e, Map.of());
            }
            if (r != null) {
                unreadableSince.remove(dir);
                settled.add(r);
            }
        }
        return settled;
    }

    /** Deferred folders settled in this process whose (emptied) folder could not be deleted: not settled again. */
    private final java.util.Set<Path> finished = new java.util.HashSet<>();
    /** Superseded folders whose retirement failed, with its reason: only retired again, never judged. */
    private final Map<Path, String> supersededPending = new java.util.HashMap<>();

    /** The mark a superseded folder that could not be retired leaves beside it: {@code deferred/<name>.superseded}. */
    private static Path markOf(Path dir) {
        return dir.resolveSibling(dir.getFileName() + ".superseded");
    }

    /** The reason a mark beside {@code dir} holds, or null without one; throws when it cannot tell. */
    private static String supersededMark(Path dir) throws IOException {
        Path mark = markOf(dir);
        if (Files.isDirectory(mark, java.nio.file.LinkOption.NOFOLLOW_LINKS)) return null; // a folder of that name
        try {
            return Files.readString(mark, java.nio.charset.StandardCharsets.UTF_8);
        } catch (java.nio.file.NoSuchFileException none) {
            return null;
        }
    }

    /** A settled folder's mark (and memory of it) gone; best effort: a mark left over only matters beside its folder. */
    private void settledMarked(Path dir) {
        supersededPending.remove(dir);
        Path mark = markOf(dir);
        try {
            if (Files.isRegularFile(mark, java.nio.file.LinkOption.NOFOLLOW_LINKS)) Files.delete(mark);
        } catch (IOException e) {
            out.accept("trainer: could not delete the mark " + mark + " (" + e + ")");
        }
    }

    /** {@link #retire}, or null (judged again next round) when it fails: the other candidates' outcomes go on. */
    private Retrainer.Result retireOrNull(Path dir, String reason, Map<String, Double> extra) {
        try {
            return retire(dir, reason, extra);
        } catch (IOException | RuntimeException e) {
            out.accept("trainer: the deferred candidate at " + dir + " could not be retired: " + e + "; tried again next round");
            return null;
        }
    }

    /**
     * The outcome of a candidate whose publish a stopped worker did not finish (its report is gone and a version's
     * card names its request: PUBLISHED, not a retirement of a candidate that cannot be judged); null for any other
     * folder. Its request is the one its gate report names (else, the report gone too, its folder's name).
     */
    private RetrainOutcome publishedBefore(Path dir) throws IOException {
        if (complete(dir)) return null; // its files are all here
        java.util.Optional<RetrainOutcome> before = new AnsweredRequests(settings.registry(), settings.modelName())
                .find(requestIdOf(dir));
        if (before.isPresent() && RetrainOutcome.PUBLISHED.equals(before.get().outcome)) return before.get();
        restoreFromInterruptedPublish(dir);
        return null;
    }

    /**
     * A publish stopped after it moved the candidate's files into the registry's temporary folder but before that
     * folder became a version (a worker halted mid-publish): the files go back, and the candidate stays deferred, to
     * be judged again, rather than be retired as one that cannot be judged.
     */
    private void restoreFromInterruptedPublish(Path dir) throws IOException {
        String requestId = requestIdOf(dir);
        Path modelDir = settings.registry().modelDir(settings.modelName());
        if (!Files.isDirectory(modelDir)) return;
        try (java.util.stream.Stream<Path> entries = Files.list(modelDir)) {
            for (Path temp : (Iterable<Path>) entries::iterator) {
                String name = temp.getFileName().toString();
                if (!name.startsWith(ModelRegistry.TEMP_FOLDER_PREFIX) || name.contains("deleting-")) continue;
                // known by its card, which a publish moves first (Retrainer.moveContents) and this moves back last
                JsonNode card;
                try {
                    card = ModelCard.read(temp);
                } catch (IOException | RuntimeException unreadable) {
                    continue; // another publish's, half written, or none
                }
                if (!requestId.equals(card.at("/retrain/request_id").asText(null))) continue;
                Retrainer.moveContents(temp, dir);
                Files.deleteIfExists(temp);
                out.accept("trainer: the deferred candidate of request " + requestId + " was in an interrupted publish"
                        + " (" + temp + "): moved back, it stays deferred");
                return;
            }
        }
    }

    /**
     * The request a deferred candidate's folder is for: the id its gate report names, which a publish never moves (a
     * folder's name is the id made safe for a file name, and suffixed when taken), else the folder's name.
     */
    static String requestIdOf(Path dir) {
        try {
            String id = GateReport.read(dir).path("request_id").asText(null);
            if (id != null && !id.isEmpty()) return id;
        } catch (IOException | RuntimeException noReport) {
            // gone or garbled: the folder's name is all there is
        }
        return dir.getFileName().toString();
    }

    /** Whether a deferred candidate's folder holds its model and card (a publish cut short moved some away). */
    private static boolean complete(Path dir) {
        return Files.isRegularFile(dir.resolve(ModelRegistry.SAVED_MODEL_FILE))
                && Files.isRegularFile(dir.resolve(ModelCard.FILE_NAME));
    }

    /**
     * Before the worker's start-up sweep of abandoned publish folders (an hour old): the deferred candidates caught in
     * one are moved back first, or the sweep would delete a candidate that passed the gate. False when one could not
     * be: the sweep then waits for the next start.
     */
    boolean restoreInterruptedPublishes() {
        List<Path> deferred;
        try {
            deferred = retrainer.folders().deferred();
        } catch (IOException | RuntimeException e) {
            out.accept("trainer: could not look for deferred candidates caught in an interrupted publish (" + e + ")");
            return false;
        }
        boolean all = true;
        for (Path dir : deferred) {
            try {
                if (!complete(dir)) restoreFromInterruptedPublish(dir);
            } catch (IOException | RuntimeException e) { // the others go on
                out.accept("trainer: could not move the deferred candidate at " + dir + " back from an interrupted"
                        + " publish (" + e + "); tried again at the next start");
                all = false;
            }
        }
        return all;
    }

    /**
     * Finishes such a publish: the pointer moved when it never was, then the folder (emptied by the publish) deleted.
     * Null, the folder kept for the next round, when the registry could not tell.
     */
    private Retrainer.Result finishPublished(Path dir, RetrainOutcome outcome) {
        Retrainer.Result r = retrainer.finishIfPointerNeverMoved(settings.registry(), settings.modelName(),
                outcome.version, outcome, outcome.metrics);
        if (r == null) {
            out.accept("trainer: version " + outcome.version + "'s publish is finished at the next round");
            return null;
        }
        settledMarked(dir);
        // the publish was cut short before its outcome: this one is its first (when the pointer had moved, maybe not)
        if (Retrainer.movedThePointerNow(r) && r.outcome().metrics != null) {
            r.outcome().metrics.remove(AnsweredRequests.REDELIVERED);
        }
        deleteEmptied(dir);
        return r;
    }

    /** A settled candidate's folder, emptied by its publish: deleted, or remembered as settled when it cannot be. */
    private void deleteEmptied(Path dir) {
        try {
            Folders.deleteRecursively(dir);
        } catch (IOException e) {
            finished.add(dir);
            out.accept("trainer: could not delete the emptied deferred folder " + dir + " (" + e + ")");
        }
    }

    /** Retires every deferred candidate but {@code keep}: the newer one has seen more data. */
    List<Retrainer.Result> supersede(Path keep, String byRequest) throws IOException {
        List<Retrainer.Result> retired = new ArrayList<>();
        Path kept = keep.toRealPath();
        for (Path dir : retrainer.folders().deferred()) {
            try {
                if (finished.contains(dir) || dir.toRealPath().equals(kept)) continue;
            } catch (IOException gone) { // vanished since the listing (deleted by hand): nothing to retire
                continue;
            }
            String reason = "superseded by the candidate of request " + byRequest + ", deferred too and trained on more labels";
            Retrainer.Result r = retireOrNull(dir, reason, Map.of("deferred_superseded", 1.0));
            if (r != null) {
                settledMarked(dir);
                retired.add(r);
            } else {
                supersededPending.put(dir, reason);
                try { // beside it, so that a restarted worker does not judge it either
                    DurableFiles.replace(markOf(dir), f -> Files.writeString(f, reason, java.nio.charset.StandardCharsets.UTF_8));
                } catch (IOException e) {
                    out.accept("trainer: could not mark " + dir + " as superseded (" + e + "); remembered until a restart");
                }
            }
        }
        return retired;
    }

    /**
     * What a deferred candidate is judged on again: every label after its training cut (none stamped beyond now's
     * tolerance; up to trainer.labels.max-count, the newest the reader keeps), not only trainer.label-window-seconds'
     * worth: that window places the training set, and applied here it would slide, each look a fresh sample rather
     * than a growing one, and a candidate waiting long enough would be published on the luck of one window (a
     * review's simulation: half the time at exactly the margin).
     * Of those, as at the first gate, none of a user's title it trained on, and of one labelled again only the newest
     * ({@link LabelSplit#unseenPairs}).
     */
    static List<Rating> rejudgedOn(List<Rating> resolved, long trainedThrough, long nowMs) {
        return rejudgedOn(resolved, trainedThrough, nowMs, 0);
    }

    /**
     * As above; {@code windowSeconds} is trainer.label-window-seconds (0: all): what the candidate trained on is taken
     * as the labels within it before its cut (its window began that far before the newest label then, at or after
     * the cut: so this holds all it trained on, and may hold a little more), as far as the labels read still reach.
     */
    static List<Rating> rejudgedOn(List<Rating> resolved, long trainedThrough, long nowMs, long windowSeconds) {
        List<Rating> read = LabelSplit.window(resolved, 0, LabelSplit.latestAllowed(nowMs));
        long from = windowSeconds == 0 || trainedThrough == Long.MIN_VALUE ? Long.MIN_VALUE : trainedThrough - windowSeconds;
        List<Rating> trained = new java.util.ArrayList<>();
        for (Rating r : read) if (r.timestamp <= trainedThrough && r.timestamp >= from) trained.add(r);
        return LabelSplit.unseenPairs(LabelSplit.after(read, trainedThrough), trained);
    }

    /**
     * The cut a re-judgement holds out after: the candidate's, or the serving version's own when later (its labels are
     * its training data: judged on them, it would be scored on its training error). The first gate moved those into
     * training (LabelSplit.holdingOutOnlyAfter), but a candidate whose window held none of them recorded its own cut.
     */
    static long judgedAfter(long candidateCut, Path baseDir) throws IOException {
        long baseCut;
        try {
            baseCut = trainedThrough(dev.marquee.model.ModelCard.read(baseDir));
        } catch (java.nio.file.NoSuchFileException noCard) { // a version without a card trained on no labels
            baseCut = Long.MIN_VALUE;
        }
        return Math.max(candidateCut, baseCut);
    }

    /**
     * The newest label timestamp a version trained on, from its card; {@link Long#MIN_VALUE} when it trained on none.
     * A retrain's card before issue 15 has no {@code trained_through} but did train on labels: its newest label's
     * timestamp stands in (labels it held out then count as trained on, so it is never judged on its own training
     * labels). That trainer still took labels stamped ahead of the clock, so the stand-in is capped at the card's
     * creation plus {@link LabelSplit#FUTURE_TOLERANCE_MS}: a label stamped a year ahead must not keep every later
     * label out of the hold-out for a year.
     */
    static long trainedThrough(com.fasterxml.jackson.databind.JsonNode card) {
        com.fasterxml.jackson.databind.JsonNode retrain = card.path("retrain");
        if (retrain.has(TRAINED_THROUGH)) {
            return retrain.path(TRAINED_THROUGH).asLong(Long.MIN_VALUE);
        }
        if (retrain.path("labels_trained_on").asLong(0) <= 0) {
            return Long.MIN_VALUE;
        }
        long newest = retrain.path("newest_label_timestamp").asLong(Long.MIN_VALUE);
        try {
            long createdSeconds = java.time.Instant.parse(card.path("created").asText()).getEpochSecond();
            return Math.min(newest, createdSeconds + LabelSplit.FUTURE_TOLERANCE_MS / 1000);
        } catch (java.time.format.DateTimeParseException noDate) {
            return newest;
        }
    }

    /**
     * Whether the labels read no longer reach back to the candidate's training cut: some were left out for want of
     * room, and even the oldest kept came after the cut, so labels of its hold-out were among those left out.
     */
    static boolean holdoutOverflowed(LabelReader.Labels labels, long trainedThrough) {
        if (!labels.truncated()) return false;
        return labels.ratings().isEmpty() || labels.ratings().get(0).timestamp > trainedThrough;
    }

    /**
     * Labels resolved against the base version's catalog, as the first gate's were (Retrainer); labels matched only
     * as a near spelling are left out. A base without a vocabulary (imported without one) is the exception: the first
     * gate resolved against the original data's titles, this against the candidate's vocabulary, which also holds the
     * new titles it learned from labels, so a near spelling of one of those is left out here where it was kept there
     * (unmatched). Rare enough not to carry the original data here.
     */
    static List<Rating> labelsToJudgeOn(List<Rating> labels, Path baseDir, Path candidateDir) throws IOException {
        java.util.Optional<dev.marquee.data.title.TitleCatalog> catalog = dev.marquee.model.TrainedModel.titleCatalog(baseDir);
        if (catalog.isEmpty()) catalog = dev.marquee.model.TrainedModel.titleCatalog(candidateDir);
        return catalog.isPresent() ? LabelTitles.resolve(labels, catalog.get()).ratings() : labels;
    }

    private Retrainer.Result judgeOne(Path dir, LabelReader.Labels labels) throws IOException {
        ModelRegistry registry = settings.registry();
        String name = settings.modelName();
        long now = clock.getAsLong();
        byte[] reportBytes;
        try {
            reportBytes = GateReport.readBytes(dir);
        } catch (IOException e) {
            // the file, not its content (a network volume's hiccup): no verdict, kept for the next round; but a report
            // that is gone, or unreadable past the expiry (counted from the folder's time, else from the first failure
            // this worker saw), must not keep it forever
            long since = unreadableSince.computeIfAbsent(dir, d -> now);
            try {
                since = Math.min(since, folderTimes.modifiedMs(dir));
            } catch (IOException folderUnreadable) {
                // the volume as a whole: the first failure's time bounds it
            }
            if (e instanceof java.nio.file.NoSuchFileException || expired(now, since)) throw e; // retired by the caller
            out.accept("trainer: the gate report at " + dir + " cannot be read now (" + e + "); the deferred candidate"
                    + " is judged again next round");
            return null;
        }
        unreadableSince.remove(dir); // read again: a later failure counts afresh
        JsonNode report = GateReport.parse(reportBytes); // garbled: thrown, and the candidate retired as unjudgeable
        long base = report.path("base_version").asLong(-1);
        long deferredAt = report.path(DEFERRED_AT).asLong(now);
        OptionalLong serving;
        OptionalLong latest;
        try {
            serving = registry.serving(name);
            latest = registry.latest(name);
        } catch (IOException e) { // the registry cannot tell now (a network volume's hiccup): no verdict on the candidate
            out.accept("trainer: the registry cannot be read (" + e + "); the deferred candidate at " + dir
                    + " is judged again next round");
            return null;
        }
        long knownAtDefer = Math.max(base, report.path(LATEST_AT_DEFER).asLong(base));
        if (serving.isEmpty() || serving.getAsLong() != base || latest.orElse(base) > knownAtDefer) {
            return retire(dir, "superseded: version " + (serving.isPresent() ? serving.getAsLong() : "none")
                    + " serves now (latest " + latest.orElse(-1) + "); the candidate was trained from version " + base
                    + " and judged against it", Map.of("deferred_superseded", 1.0));
        }
        long trainedThrough;
        try {
            trainedThrough = judgedAfter(report.path(TRAINED_THROUGH).asLong(Long.MIN_VALUE), registry.versionDir(name, base));
        } catch (IOException | RuntimeException e) { // no verdict on a card that cannot be read now
            if (expired(now, deferredAt)) return retireExpired(dir, now, deferredAt, "version " + base + "'s model card"
                    + " cannot be read (" + e + ")");
            out.accept("trainer: version " + base + "'s model card cannot be read (" + e + "); the deferred candidate"
                    + " at " + dir + " is judged again next round");
            return null;
        }
        if (holdoutOverflowed(labels, trainedThrough)) {
            return retire(dir, labels.ratings().isEmpty()
                    ? "unresolved, and the newest records read hold no label (trainer.labels.max-count per partition,"
                            + " all refused): its hold-out cannot be read again; a new retrain answers a drift that persists"
                    : "unresolved, and more labels came after its training cut than trainer.labels.max-count holds:"
                            + " judged again, its hold-out would slide from one look to the next instead of growing, and"
                            + " a candidate waiting long enough would be published on one window's luck; a new retrain"
                            + " answers a drift that persists", Map.of("deferred_holdout_overflow", 1.0));
        }
        List<Rating> resolved;
        try {
            resolved = labelsToJudgeOn(labels.ratings(), registry.versionDir(name, base), dir);
        } catch (IOException e) { // a title catalog that cannot be read now (a network volume's hiccup): no verdict
            if (expired(now, deferredAt)) return retireExpired(dir, now, deferredAt, "a title catalog cannot be read ("
                    + e + ")");
            out.accept("trainer: a title catalog cannot be read (" + e + "); the deferred candidate at " + dir
                    + " is judged again next round");
            return null;
        }
        List<Rating> holdout = rejudgedOn(resolved, trainedThrough, now, settings.labelWindowSeconds());
        GatePolicy.Measurement m = new CandidateGate(out).measure(dir, registry.versionDir(name, base), holdout, holdout);
        GatePolicy.Verdict verdict = settings.gate().decide(m);
        int judgements = report.path(JUDGEMENTS).asInt(1) + 1;
        Map<String, Double> metrics = new LinkedHashMap<>(verdict.metrics());
        metrics.putAll(Retrainer.labelMetrics(labels, null));
        metrics.put("deferred_seconds", (now - deferredAt) / 1000.0);
        metrics.put("deferred_judgements", (double) judgements);
        Map<String, Object> gate = GateReport.gateSection(settings.gate(), verdict, Retrainer.holdoutName(trainedThrough));
        gate.put("metrics", metrics);
        String id = report.path("request_id").asText(dir.getFileName().toString());
        out.accept("trainer: deferred candidate of request " + id + ", judged again (" + judgements + "): "
                + Retrainer.gateLine(verdict, m).substring("trainer: ".length()));

        Map<String, Object> fields = requestFields(report);
        fields.put(JUDGEMENTS, judgements);
        RetrainOutcome outcome = outcome(id, base, metrics);
        switch (verdict.decision()) {
            case PUBLISH -> {
                ModelCard card = card(dir, gate, deferredAt, judgements);
                Retrainer.Result r; // the gate report stays behind (not part of the version) until the folder goes
                try {
                    r = retrainer.publish(registry, name, dir, card, outcome, metrics);
                } catch (IOException | RuntimeException e) {
                    if (!Files.isRegularFile(dir.resolve(ModelRegistry.SAVED_MODEL_FILE))) {
                        // the files did not come back: the version exists (the failure came after its rename), and
                        // the folder, left with only its report, is settled as published next round
                        out.accept("trainer: the deferred candidate of request " + id + " did not come back from a"
                                + " failed publish (" + e + "): settled next round, as published if it became a version,"
                                + " else moved back from the publish's folder and judged again");
                        return null;
                    }
                    // The publish moved the files back: a registry error (say, its lock) is no verdict on the
                    // candidate, which stays deferred, to be published when judged again.
                    try {
                        GateReport.write(dir, fields, gate);
                    } catch (IOException | RuntimeException notWritten) { // the report before this judgement stays
                        out.accept("trainer: could not update the gate report at " + dir + " (" + notWritten + ")");
                    }
                    out.accept("trainer: the deferred candidate of request " + id + " passed but could not be"
                            + " published (" + e + "); it stays deferred, to be judged again");
                    return null;
                }
                deleteEmptied(dir); // emptied by the publish; a failure must not turn the publish into a retirement
                return r;
            }
            case REJECT -> {
                return retrainer.reject(dir, card(dir, gate, deferredAt, judgements), fields, gate, outcome,
                        verdict.reason());
            }
            default -> {
                if (now - deferredAt >= settings.deferExpiryMs()) {
                    metrics.put("deferred_expired", 1.0);
                    return retrainer.reject(dir, card(dir, gate, deferredAt, judgements), fields, gate, outcome,
                            String.format(Locale.ROOT, "still unresolved %d s after it was deferred (expiry %d s):"
                                    + " retired; %s", (now - deferredAt) / 1000, settings.deferExpiryMs() / 1000,
                                    verdict.reason()));
                }
                try {
                    GateReport.write(dir, fields, gate);
                } catch (IOException | RuntimeException notWritten) {
                    // judged, and still undecided: a report that cannot be rewritten (a full or read-only volume) is no
                    // verdict on the candidate, which stays deferred with the report before this judgement
                    out.accept("trainer: could not update the gate report at " + dir + " (" + notWritten + "); the"
                            + " candidate stays deferred");
                }
                return null;
            }
        }
    }

    private boolean expired(long now, long deferredAt) {
        return now - deferredAt >= settings.deferExpiryMs();
    }

    /** A candidate that could not be judged again until its deferral expired: retired, as one still unresolved is. */
    private Retrainer.Result retireExpired(Path dir, long now, long deferredAt, String why) throws IOException {
        return retire(dir, String.format(Locale.ROOT, "still unresolved %d s after it was deferred (expiry %d s):"
                + " retired; it could not be judged again: %s", (now - deferredAt) / 1000, settings.deferExpiryMs() / 1000,
                why), Map.of("deferred_expired", 1.0));
    }

    /** Rejects a deferred candidate without judging it, with its last gate numbers. */
    private Retrainer.Result retire(Path dir, String reason, Map<String, Double> extra) throws IOException {
        JsonNode report = JSON.createObjectNode();
        if (Files.isRegularFile(dir.resolve(GateReport.FILE_NAME))) {
            try {
                report = GateReport.read(dir);
            } catch (IOException | RuntimeException e) {
                // retired all the same, by its folder's name: a report that cannot be read must not keep it forever
                out.accept("trainer: the gate report of " + dir + " cannot be read (" + String.valueOf(e.getMessage())
                        .replaceAll("\\s*\\R\\s*", " ") + "); retiring it without its numbers");
            }
        }
        Map<String, Object> gate = report.path("gate").isObject()
                ? JSON.convertValue(report.path("gate"), new TypeReference<Map<String, Object>>() {})
                : new LinkedHashMap<>();
        Map<String, Double> metrics = report.path("metrics").isObject()
                ? new LinkedHashMap<>(JSON.convertValue(report.path("metrics"), new TypeReference<Map<String, Double>>() {}))
                : new LinkedHashMap<>();
        metrics.putAll(extra);
        gate.put("metrics", metrics);
        gate.put("retired", reason);
        String id = report.path("request_id").asText(dir.getFileName().toString());
        out.accept("trainer: retiring the deferred candidate of request " + id + ": " + reason);
        return retrainer.reject(dir, null, requestFields(report), gate,
                outcome(id, report.path("base_version").asLong(-1), metrics), reason);
    }

    private RetrainOutcome outcome(String requestId, long base, Map<String, Double> metrics) {
        RetrainOutcome o = new RetrainOutcome();
        o.requestId = requestId;
        o.modelName = settings.modelName();
        o.baseVersion = base;
        o.metrics = metrics;
        return o;
    }

    private static Map<String, Object> requestFields(JsonNode report) {
        Map<String, Object> r = Retrainer.requestFields(report.path("request_id").asText(null),
                report.path("request_reason").asText(null), report.path("base_version").asLong(-1),
                report.path(TRAINED_THROUGH).asLong(Long.MIN_VALUE));
        if (report.has(DEFERRED_AT)) r.put(DEFERRED_AT, report.path(DEFERRED_AT).asLong());
        if (report.has(JUDGEMENTS)) r.put(JUDGEMENTS, report.path(JUDGEMENTS).asInt());
        if (report.has(LATEST_AT_DEFER)) r.put(LATEST_AT_DEFER, report.path(LATEST_AT_DEFER).asLong());
        return r;
    }

    /** The candidate's card with the latest judgement as its {@code retrain.gate} and the deferral's history. */
    private static ModelCard card(Path dir, Map<String, Object> gate, long deferredAt, int judgements)
            throws IOException {
        Map<String, Object> fields = JSON.convertValue(ModelCard.read(dir), new TypeReference<Map<String, Object>>() {});
        ModelCard card = new ModelCard();
        fields.forEach(card::put);
        @SuppressWarnings("unchecked")
        Map<String, Object> retrain = fields.get("retrain") instanceof Map<?, ?> m
                ? (Map<String, Object>) m : new LinkedHashMap<>();
        retrain.put("gate", gate);
        Map<String, Object> deferral = new LinkedHashMap<>();
        deferral.put(DEFERRED_AT, deferredAt);
        deferral.put(JUDGEMENTS, judgements);
        retrain.put("deferred", deferral);
        card.put("retrain", retrain);
        return card;
    }
}

package dev.marquee.job.score;

import dev.marquee.data.event.DeadLetter;
import dev.marquee.data.event.ErrorCode;
import dev.marquee.data.event.ModelStatus;
import dev.marquee.data.event.Reasons;
import dev.marquee.data.log.LogWindow;
import dev.marquee.data.event.ModelUpdate;
import dev.marquee.data.event.Prediction;
import dev.marquee.data.event.RatingRequest;
import dev.marquee.data.parse.DeadLetters;
import dev.marquee.data.parse.ParserLimits;
import dev.marquee.model.GpuProbe;
import dev.marquee.model.ModelContract;
import dev.marquee.model.ModelRegistry;
import dev.marquee.model.ScoredBatch;
import dev.marquee.model.ScorerThreads;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.execution.SuppressRestartsException;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.streaming.api.operators.StreamingRuntimeContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scores batches of requests with a SavedModel loaded once per TaskManager JVM and version, shared by its slots
 * (decision 0012), and swaps model versions in place:
 * a new version is loaded beside the serving one, probed and warmed on the slot's loader thread while the serving
 * version goes on scoring, then handed over between two batches ({@link #handOver}); one that fails keeps the old
 * version serving and is reported as {@link ModelStatus#REFUSED}. Updates are applied one at a time, in order.
 * Every version loaded, from {@link #open} on, scores a warm-up batch of the operator's batch size after its probe.
 * A request the serving version's inputs cannot take (a user id that is not an integer for a model with an integer
 * user id; a timestamp beyond an int32 input) is refused as {@link ErrorCode#MODEL_INPUT_UNREPRESENTABLE}; the rest
 * of its batch is scored. When the serving version fails on a batch but still answers its probe, the batch is scored
 * again in halves until each request it fails on stands alone; those are refused as {@link ErrorCode#SCORING_FAILED}
 * and the rest are scored, so one request cannot fail its task again and again. A version that fails its probe too
 * fails the task, as before.
 *
 * <p>A second version may run in <b>shadow</b> (docs/RETRAINING.md, "Shadow, promotion and rollback"): scored on
 * the same batch, its rating carried on the prediction and never served. A {@link ModelUpdate} states the whole
 * target (serve {@code version}, shadow {@code shadow_version}); a promoted shadow becomes the serving version
 * without a second load, and a replaced serving version can become the shadow the same way. A pin in the
 * registry wins: an update naming another version is refused, and no shadow runs.
 */
public final class ModelScoringFunction implements BatchFunction<RatingRequest, ModelUpdate, Prediction, ModelStatus> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(ModelScoringFunction.class);

    private final String registryBase;
    private final String modelName;
    private final long pinnedVersion;
    private final int threadsSetting;
    private final ModelLoader loader;

    private transient ModelRegistry registry;
    /** The registry's id once known ({@link ModelRegistry#id}); the other registry last warned about. */
    private transient String registryId;
    private transient String warnedRegistryId;
    private transient ScorerThreads threads;
    private transient java.util.OptionalInt gpu;
    private transient volatile boolean onGpu;
    /** Volatile, as {@code shadow}: written by the task thread, read by the metrics reporter's (the version gauges). */
    private transient volatile ServingModel serving;
    /** The version scored in shadow, or null. */
    private transient volatile ServingModel shadow;
    /** The status of a shadow dropped on a batch, reported at the next hand-over; null when none waits. */
    private transient ModelStatus droppedShadow;
    /**
     * What the slot serves from its start, reported at the first hand-over: after a failover at exactly-once the swap's
     * own status may have been aborted with its transaction, and the update is not read again (the feed starts at its
     * latest record), so without this the version the restored slot serves would never be reported.
     */
    private transient ModelStatus openedStatus;
    /** The reason of the status a slot reports at its first hand-over, for what it serves from its start. */
    static final String FROM_START = "served from the slot's start";
    /** A line a minute at most for batches the serving version fails on (each row is dead-lettered and counted). */
    private transient LogWindow batchFailures;
    private transient int subtask;
    private transient Counter oovUsers;
    private transient Counter oovTitles;
    private transient Counter refusedVersions;
    /** Shadow versions that did not load, or failed on a batch and were dropped: the promoter then gets no pairs. */
    private transient Counter refusedShadows;
    private transient Counter refusedRequests;
    private transient Histogram endToEndMs;
    /** The requests of the last batch the serving version failed on alone, with what it said. */
    private transient java.util.IdentityHashMap<RatingRequest, String> failedAlone;
    private transient int warmRows;
    private transient long servingRuns;
    /** Updates received and not yet started, in order (a run of them back to what the slot serves is dropped). */
    private transient java.util.ArrayDeque<ModelUpdate> waiting;
    private transient BackgroundLoads<Prepared> loads;
    /** Told of each version loaded to serve or shadow, on the thread that loaded it (none: nobody). */
    private transient java.util.function.LongConsumer preparing;
    private VersionPreparation alsoPreparing;
    private int deadLetterPayloadBytes = ParserLimits.DEFAULT_MAX_DEAD_LETTER_PAYLOAD_BYTES;

    /** Loads and probes one version, warming it with a batch of {@code warmRows} (tests inject slow or failing loads). */
    @FunctionalInterface
    interface ModelLoader extends java.io.Serializable {
        ServingModel load(long version, Path dir, ScorerThreads threads, java.util.OptionalInt gpu, int warmRows)
                throws IOException;
    }

    /**
     * @param pinnedVersion the version to serve, ignoring updates; 0 to start from the registry's serving
     *                      version and follow {@code model-updates}
     * @param threads TF intra-op threads per slot; 0 shares the cores among the slots on this machine
     */
    public ModelScoringFunction(String registryBase, String modelName, long pinnedVersion, int threads) {
        this(registryBase, modelName, pinnedVersion, threads, SharedModels::load);
    }

    ModelScoringFunction(String registryBase, String modelName, long pinnedVersion, int threads, ModelLoader loader) {
        this.registryBase = registryBase;
        this.modelName = modelName;
        this.pinnedVersion = pinnedVersion;
        this.threadsSetting = threads;
        this.loader = loader;
    }

    @Override
    public void open(StreamingRuntimeContext context) throws Exception {
        open(context, 0);
    }

    @Override
    public void open(StreamingRuntimeContext context, int maxBatchSize) throws Exception {
        warmRows = maxBatchSize;
        batchFailures = new LogWindow(60_000);
        waiting = new java.util.ArrayDeque<>();
        failedAlone = new java.util.IdentityHashMap<>();
        subtask = context.getTaskInfo().getIndexOfThisSubtask();
        try {
            dev.marquee.model.TensorFlowHost.check(); // before the GPU probe, which would blame the card
        } catch (dev.marquee.model.TensorFlowHost.UnsupportedHostError e) {
            throw startFailure(context, new IOException(nativeLibraryFailure(modelName, e), e));
        }
        int cores = Runtime.getRuntime().availableProcessors();
        int localSlots = Math.min(cores, context.getTaskInfo().getNumberOfParallelSubtasks());
        int cpuShare = DeviceSelector.cpuShare(cores, localSlots);
        ScorerThreads onCpu = new ScorerThreads(threadsSetting > 0 ? threadsSetting : cpuShare, -1);
        DevicePlan plan = usable(DeviceSelector.choose(context.getExternalResourceInfos(DeviceSelector.GPU_RESOURCE),
                subtask, localSlots, cores), cpuShare, index -> GpuProbe.unusable(index, onCpu));
        if (plan.isWarning()) LOG.warn("scoring slot {}: {}", subtask, plan);
        onGpu = plan.onGpu();
        threads = new ScorerThreads(threadsSetting > 0 ? threadsSetting : plan.intraOpThreads(), -1);
        gpu = plan.gpuIndex();
        boolean shadowFailedAtOpen = false;
        long version;
        Path dir;
        try {
            // notExists, not !isDirectory: a folder this user may not enter is a permission to fix, and a restart may
            // follow the fix; only one that is surely not there is said so (and ends the job, as an empty registry does)
            if (java.nio.file.Files.notExists(Path.of(registryBase))) {
                // the submitting host saw versions there (marquee score checks): on a cluster, a folder not mounted here
                throw new IOException("no version of model '" + modelName + "' in the registry at " + registryBase
                        + ": the folder does not exist on this TaskManager (" + hostName() + "); on a cluster, mount the"
                        + " registry at the same path on every TaskManager, else set model.registry");
            }
            registry = new ModelRegistry(Path.of(registryBase));
            version = pinnedVersion > 0 ? pinnedVersion : registry.serving(modelName).orElseThrow(() -> new IOException(
                    "no version of model '" + modelName + "' in the registry at " + registry.base()
                            + ": train one with scripts/marquee train, or set model.registry"));
            dir = registry.versionDir(modelName, version);
        } catch (IOException | RuntimeException e) {
            IOException failure = e instanceof IOException io && e.getMessage() != null && e.getMessage().startsWith("no version")
                    ? io : new IOException("cannot read model '" + modelName + "' in the registry at " + registryBase + ": "
                            + (e.getMessage() == null ? e.toString() : e.getMessage()), e);
            // An empty registry, a corrupt serving.json or PINNED, a bad name are as unfixable by restarting as each
            // other; a read that failed (a mount not ready yet, a stale handle) may pass on the next attempt.
            if (unfixableByRestarting(e)) throw startFailure(context, failure);
            throw failure;
        }
        try {
            serving = loader.load(version, dir, threads, gpu, warmRows);
        } catch (LinkageError e) {
            // TensorFlow's native library does not load on this TaskManager (an older glibc, no room to unpack it), or a
            // class of the job jar does not match Flink's lib/: either stays broken for the process's life, so no
            // restart of the job helps
            throw startFailure(context, new IOException(nativeLibraryFailure(modelName, e), e));
        } catch (IOException | RuntimeException e) {
            if (outOfMemory(e)) { // the device's state, not the version's: the restart strategy may try again
                throw new IOException("cannot serve model '" + modelName + "' version " + version + ": out of memory ("
                        + (onGpu ? plan.reason() : "on the CPU") + "): " + e.getMessage() + "; the job restarts to load it"
                        + " again, which helps when another process held the memory" + (onGpu ? " (on a GPU, TensorFlow"
                        + " sized its pool at this TaskManager's first session: restart the TaskManager if it keeps"
                        + " failing)" : "") + "; a version"
                        + " or batch too large for it needs a smaller batch.size or another version"
                        + " (scripts/marquee rollback --version N)", e);
            }
            throw startFailure(context, new IOException("cannot serve model '" + modelName + "' version " + version
                    + " from " + dir + ": " + (e.getMessage() == null ? e.toString() : e.getMessage())
                    + "; serve a version that loads (scripts/marquee rollback --version N) or publish a new one", e));
        }
        // TensorFlow's intra-op pool is the process's, made by its first session: a later session's threads change nothing
        LOG.info("scoring slot {}: model {} version {} on {}; {} intra-op thread(s) asked (TensorFlow sizes its pool once"
                + " per TaskManager, at its first session)", subtask, modelName, version, plan, threads.intraOp());
        tellPreparing(version);
        if (pinnedVersion == 0 && registry.pinned(modelName).isEmpty()) {
            long shadowVersion = registry.state(modelName).shadow;
            if (shadowVersion > 0 && shadowVersion != version) {
                try {
                    shadow = loader.load(shadowVersion, registry.versionDir(modelName, shadowVersion), threads, gpu, warmRows);
                    LOG.info("scoring slot {}: version {} in shadow", subtask, shadowVersion);
                    tellPreparing(shadowVersion);
                } catch (IOException | RuntimeException | OutOfMemoryError | LinkageError e) {
                    // an Error too: failing the task would restore the job onto the same pointer, and fail again
                    shadowFailedAtOpen = true;
                    String why = refusal(e);
                    LOG.warn("scoring slot {}: the serving pointer's shadow, version {}, does not load; none runs: {}",
                            subtask, shadowVersion, why);
                    droppedShadow = shadowNotLoaded(shadowVersion, why);
                }
            }
        }

        openedStatus = status(version, ModelStatus.LOADED, FROM_START + (pinnedVersion > 0 ? " (model.version)"
                : " (the registry's " + (registry.pinned(modelName).isPresent() ? "pin" : "pointer") + ")"));

        MetricGroup group = context.getMetricGroup().addGroup("marquee");
        // read once: the reporter's thread runs these while the task thread swaps and drops versions
        group.gauge("modelVersion", () -> {
            ServingModel s = serving;
            return s == null ? 0L : s.version;
        });
        group.gauge("onGpu", () -> onGpu ? 1 : 0);
        group.gauge("shadowModelVersion", () -> {
            ServingModel s = shadow;
            return s == null ? 0L : s.version;
        });
        group.gauge("modelWarmUpRows", () -> {
            ServingModel s = serving;
            return s == null ? 0 : s.warmedRows;
        });
        oovUsers = group.counter("oovUserIds");
        oovTitles = group.counter("oovMovieTitles");
        refusedVersions = group.counter("modelVersionsRefused");
        refusedShadows = group.counter("shadowVersionsRefused");
        if (shadowFailedAtOpen) refusedShadows.inc();
        refusedRequests = group.counter("requestsRefusedByModel");
        endToEndMs = group.histogram("endToEndLatencyMs", new DescriptiveStatisticsHistogram(1000));
        loads = new BackgroundLoads<>("marquee-model-loader-" + modelName + "-" + subtask);
    }

    @Override
    public void whenPreparing(java.util.function.LongConsumer listener) {
        preparing = listener;
    }

    /** The bound on a refused request's dead-letter payload ({@code parser.max-dead-letter-payload-bytes}). */
    public ModelScoringFunction withDeadLetterPayloadBytes(int bytes) {
        this.deadLetterPayloadBytes = bytes;
        return this;
    }

    /** Also runs {@code preparation} for every version this slot loads, after the batch observer's. */
    public ModelScoringFunction alsoPreparing(VersionPreparation preparation) {
        this.alsoPreparing = preparation;
        return this;
    }

    /** Tells the listeners of a version just loaded; what they fail at costs them later work, never this load. */
    private void tellPreparing(long version) {
        if (preparing != null) tell(version, preparing);
        if (alsoPreparing != null) tell(version, alsoPreparing::prepare);
    }

    private void tell(long version, java.util.function.LongConsumer listener) {
        try {
            listener.accept(version);
        } catch (RuntimeException | OutOfMemoryError | LinkageError e) {
            LOG.warn("scoring slot {}: preparing what version {} needs beside the model failed: {}", subtask, version,
                    e.toString());
        }
    }

    long shadowVersionsRefused() {
        return refusedShadows.getCount();
    }

    /** Requests whose latency from their record's timestamp went into {@code endToEndLatencyMs} (for tests). */
    long endToEndLatencySamples() {
        return endToEndMs.getCount();
    }

    /** Whether an update is loading or waits to (for tests). */
    boolean loadsBusy() {
        return loads.busy() || !waiting.isEmpty();
    }

    /** Rows of the warm-up batch the serving version scored when it was loaded (0: none). */
    int servingWarmedRows() {
        return serving.warmedRows;
    }

    /** Runs of the serving version on requests so far (batches and the parts of failed ones; not probes). */
    long servingRuns() {
        return servingRuns;
    }

    /**
     * The plan, or the CPU when TensorFlow cannot run an op on the card Flink handed the slot: its CPU build, or its
     * GPU build without CUDA and cuDNN, would otherwise run on the CPU with a GPU slot's single thread, unannounced.
     */
    static DevicePlan usable(DevicePlan plan, int cpuShare, java.util.function.IntFunction<java.util.Optional<String>> unusable) {
        if (!plan.onGpu()) return plan;
        java.util.Optional<String> why = unusable.apply(plan.gpuIndex().getAsInt());
        if (why.isEmpty()) return plan;
        String reason = why.get();
        if (GpuProbe.saysOutOfMemory(reason)) {
            return plan.onCpuBecause(cpuShare, "TensorFlow found no memory on the card for its first session (" + why.get()
                    + "): another process on it? The slots run on the CPU until this TaskManager restarts (the answer"
                    + " is kept for its life: docs/CONFIGURATION.md#devices)");
        }
        return plan.onCpuBecause(cpuShare, "TensorFlow cannot place an op on the card (" + why.get()
                + "): for example CUDA 12 and cuDNN 9 libraries missing, TensorFlow's CPU build on the class path, or"
                + " CUDA_VISIBLE_DEVICES naming fewer cards (docs/CONFIGURATION.md#devices)");
    }

    /** CUDA's out of memory as TensorFlow words it (a card with no room for another session), anywhere in the chain. */
    private static boolean saysOutOfMemory(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = t.getMessage();
            if (m != null && (m.contains("CUDA_ERROR_OUT_OF_MEMORY") || m.contains("OOM when allocating"))) return true;
        }
        return false;
    }

    private static boolean outOfMemory(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof org.tensorflow.exceptions.TFResourceExhaustedException) return true;
        }
        return false;
    }

    private static String hostName() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException | RuntimeException unknown) {
            return "host unknown";
        }
    }

    private static boolean unfixableByRestarting(Exception e) {
        String m = e.getMessage() == null ? "" : e.getMessage();
        // "bad serving pointer ...", "bad pin file ...": the registry's words for content it cannot read
        // (a failed directory listing is a DirectoryIteratorException, a RuntimeException that a restart may cure)
        return e instanceof IllegalArgumentException || m.startsWith("no version") || m.startsWith("bad ");
    }

    /**
     * A model that cannot be served when the job is submitted (first attempt) fails the job at once instead of
     * entering the restart loop: restarting cannot fix an empty registry or a broken version. On a later attempt
     * (a failover) the restart strategy decides, as the registry may be briefly unreachable.
     */
    private static Exception startFailure(StreamingRuntimeContext context, IOException cause) {
        return startFailure(context.getTaskInfo().getAttemptNumber(), cause);
    }

    static Exception startFailure(int attemptNumber, IOException cause) {
        return attemptNumber == 0 ? new SuppressRestartsException(cause) : cause;
    }

    @Override
    public List<Prediction> apply(List<RatingRequest> batch) {
        failedAlone.clear();
        List<RatingRequest> fit = fitting(batch);
        List<Prediction> scored = scoreIsolatingFailures(fit);
        refusedRequests.inc(batch.size() - fit.size() + failedAlone.size());
        if (fit == batch) return scored;
        List<Prediction> out = new ArrayList<>(batch.size());
        int next = 0;
        for (RatingRequest r : batch) {
            out.add(next < fit.size() && fit.get(next) == r ? scored.get(next++) : null);
        }
        return out;
    }

    /** The batch scored; when the version fails on it but still answers its probe, null for each row it fails on alone. */
    private List<Prediction> scoreIsolatingFailures(List<RatingRequest> rows) {
        try {
            return score(rows);
        } catch (RuntimeException e) {
            if (!serving.answersProbe()) throw e;
            List<Prediction> out = new ArrayList<>(rows.size());
            isolate(rows, out);
            long unlogged = batchFailures.next(); // a version that fails on common rows fails most batches
            if (unlogged >= 0) {
                LOG.warn("scoring slot {}: model {} version {} failed on a batch of {} and still answers its probe; the {} "
                        + "request(s) it fails on alone go to the dead letters as {}: {}{}", subtask, modelName,
                        serving.version, rows.size(), failedAlone.size(), ErrorCode.SCORING_FAILED, firstLine(e),
                        LogWindow.since(unlogged));
            }
            return out;
        }
    }

    /** Scores {@code rows}, which failed together, in halves; a row that fails alone gets null and is remembered. */
    private void isolate(List<RatingRequest> rows, List<Prediction> out) {
        if (rows.size() == 1) {
            try {
                out.addAll(score(rows));
            } catch (RuntimeException e) {
                failedAlone.put(rows.get(0), firstLine(e));
                out.add(null);
            }
            return;
        }
        int half = rows.size() / 2;
        for (List<RatingRequest> part : List.of(rows.subList(0, half), rows.subList(half, rows.size()))) {
            try {
                out.addAll(score(part));
            } catch (RuntimeException e) {
                isolate(part, out);
            }
        }
    }

    private static String firstLine(RuntimeException e) {
        String m = e.getMessage() == null ? e.toString() : e.getMessage().strip();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

    /** The requests the serving version's inputs can take: {@code batch} itself when that is all of them. */
    private List<RatingRequest> fitting(List<RatingRequest> batch) {
        ModelContract contract = serving.scorer.contract();
        if (contract.takesEveryRequest()) return batch;
        List<RatingRequest> fit = new ArrayList<>(batch.size());
        for (RatingRequest r : batch) {
            if (contract.check(r.userId, r.timestamp) == null) fit.add(r);
        }
        return fit.size() == batch.size() ? batch : fit;
    }

    @Override
    public DeadLetter refusal(RatingRequest r) {
        String failure = failedAlone.get(r);
        if (failure != null) {
            return DeadLetters.afterValidation(ErrorCode.SCORING_FAILED, null, "model '" + modelName + "' version "
                    + serving.version + " failed on this request alone: " + failure, r, deadLetterPayloadBytes);
        }
        ModelContract.Unrepresentable misfit = serving.scorer.contract().check(r.userId, r.timestamp);
        if (misfit == null) throw new IllegalStateException("request " + r.requestId + " fits version " + serving.version);
        return DeadLetters.afterValidation(ErrorCode.MODEL_INPUT_UNREPRESENTABLE, misfit.field(), misfit.reason()
                + " (model '" + modelName + "' version " + serving.version + ")", r, deadLetterPayloadBytes);
    }

    private List<Prediction> score(List<RatingRequest> batch) {
        int n = batch.size();
        if (n == 0) return List.of();
        String[] users = new String[n];
        String[] titles = new String[n];
        long[] timestamps = new long[n];
        for (int i = 0; i < n; i++) {
            RatingRequest r = batch.get(i);
            users[i] = r.userId;
            titles[i] = r.movieTitle;
            timestamps[i] = r.timestamp;
        }
        servingRuns++;
        ScoredBatch scored = serving.scorer.score(users, titles, timestamps);
        float[] shadowRatings = scoreShadow(batch, users, titles, timestamps, scored.ratings());
        boolean flags = scored.hasOovFlags();
        long now = System.currentTimeMillis();
        List<Prediction> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            RatingRequest r = batch.get(i);
            if (!Float.isFinite(scored.ratings()[i])) {
                // No rating to serve: refused like a request the version fails on alone, never written as NaN.
                failedAlone.put(r, "it answered " + scored.ratings()[i]);
                out.add(null);
                continue;
            }
            Prediction p = new Prediction();
            p.requestId = r.requestId;
            p.userId = r.userId;
            p.movieTitle = r.movieTitle;
            p.timestamp = r.timestamp;
            p.predictedRating = scored.ratings()[i];
            p.output3 = new float[] {scored.ratings()[i]};
            p.modelVersion = serving.version;
            if (shadowRatings != null && Float.isFinite(shadowRatings[i])) {
                p.shadowVersion = shadow.version;
                p.shadowRating = shadowRatings[i];
            }
            p.oovUserId = flags ? scored.userOov()[i] : null; // unknown: the version has no vocabularies
            p.oovMovieTitle = flags ? scored.titleOov()[i] : null;
            if (scored.hasTitleMatches()) {
                p.catalogTitle = scored.catalogTitles()[i];
                p.titleMatch = scored.titleMatches()[i].wireName();
            }
            p.source = r.source;
            if (r.instanceIndex >= 0) p.instanceIndex = r.instanceIndex;
            p.scoredAtMs = now;
            if (flags && scored.userOov()[i]) oovUsers.inc();
            if (flags && scored.titleOov()[i]) oovTitles.inc();
            if (r.source != null && r.source.hasTimestamp()) endToEndMs.update(now - r.source.timestamp);
            out.add(p);
        }
        return out;
    }

    /**
     * The shadow's ratings for the batch, or null without a shadow. A shadow that fails is dropped, never the batch:
     * it must not cost the serving version anything but time. So is a candidate (a shadow newer than the serving
     * version) whose inputs cannot take a request the serving version scored (a user id like {@code u7} for an
     * int64-id import): the promoter would judge it on the other requests alone, and promoted it would dead-letter
     * those. A watched one (older: the version just replaced) scores only what it can take, NaN for the rest.
     */
    private float[] scoreShadow(List<RatingRequest> batch, String[] users, String[] titles, long[] timestamps,
                                float[] serving) {
        if (shadow == null) return null;
        try {
            ModelContract contract = shadow.scorer.contract();
            if (contract.takesEveryRequest()) {
                float[] r = shadow.scorer.score(users, titles, timestamps).ratings();
                for (int i = 0; i < r.length; i++) requireFinite(r[i], serving[i]);
                return r;
            }
            // A shadow older than the serving version is the one it replaced, watched for a rollback: it scores the
            // requests it can take (the others it dead-lettered when it served). A newer one is a candidate.
            boolean watched = shadow.version < this.serving.version;
            float[] out = new float[users.length];
            java.util.Arrays.fill(out, Float.NaN);
            List<Integer> fit = new ArrayList<>();
            for (int i = 0; i < users.length; i++) {
                ModelContract.Unrepresentable misfit = contract.check(batch.get(i).userId, batch.get(i).timestamp);
                if (misfit == null) {
                    fit.add(i);
                } else if (!watched) {
                    throw new IllegalStateException("its inputs cannot take a request version " + this.serving.version
                            + " scored (" + misfit.withoutValue() + "): promoted, it would dead-letter such requests");
                }
            }
            if (fit.isEmpty()) return out;
            String[] u = new String[fit.size()];
            String[] t = new String[fit.size()];
            long[] ts = new long[fit.size()];
            for (int k = 0; k < fit.size(); k++) {
                u[k] = users[fit.get(k)];
                t[k] = titles[fit.get(k)];
                ts[k] = timestamps[fit.get(k)];
            }
            float[] r = shadow.scorer.score(u, t, ts).ratings();
            for (int k = 0; k < fit.size(); k++) {
                requireFinite(r[k], serving[fit.get(k)]);
                out[fit.get(k)] = r[k];
            }
            return out;
        } catch (RuntimeException | OutOfMemoryError e) {
            refusedShadows.inc();
            LOG.warn("scoring slot {}: shadow version {} failed on a batch and is dropped: {}", subtask, shadow.version,
                    e.toString());
            // reported at the next hand-over: the promoter must learn of it, or the other slots' pairs promote it
            String why = "failed on a batch and was dropped: " + (e.getMessage() == null ? e.toString() : e.getMessage());
            droppedShadow = status(shadow.version, ModelStatus.SHADOW_DROPPED, why);
            retire(shadow);
            shadow = null;
            droppedShadow.shadowVersion = 0;
            droppedShadow.shadowReason = Reasons.clipped(why);
            return null;
        }
    }

    /**
     * Served, a shadow's NaN or infinity would be a SCORING_FAILED dead letter: a candidate answering one where the
     * serving version answers must not be judged on its other rows alone (the promoter would see only those), so it
     * fails as a shadow that throws does. Where the serving version has no rating either, the row is a dead letter
     * whichever serves: no worse, and left out. The message names no user or title: it travels into the serving
     * pointer's held reasons and the compacted model-updates topic, which keep it for ever.
     */
    private static void requireFinite(float shadow, float serving) {
        if (!Float.isFinite(shadow) && Float.isFinite(serving)) {
            throw new IllegalStateException("it answered " + shadow + " where the serving version answered " + serving);
        }
    }

    /**
     * An update naming another registry than this slot's (another deployment of the same model name announcing on
     * the same topic, whose version numbers mean other models here): ignored, with a warning per registry. One naming
     * none (before session 40), or read where this registry has no id yet (nothing published here: a slot only reads
     * it), is taken.
     */
    private boolean fromAnotherRegistry(ModelUpdate update) {
        if (update.registryId == null || registry == null) return false;
        // read again on every difference: a copied registry's file deleted and made anew is this registry's id now
        if (!update.registryId.equals(registryId)) registry.id().ifPresent(id -> registryId = id); // a failed read keeps what was known
        if (registryId == null || registryId.equals(update.registryId)) return false;
        if (!update.registryId.equals(warnedRegistryId)) {
            warnedRegistryId = update.registryId;
            LOG.warn("scoring slot {}: ignoring model updates of model '{}' from another registry (id {}, this slot's {} is"
                    + " {}): another deployment announces on the same topic; give each its own topics or model name"
                    + " (docs/OPERATIONS.md#several-deployments-on-one-kafka-cluster)", subtask, update.modelName,
                    update.registryId, registry.base(), registryId);
        }
        return true;
    }

    /**
     * Queues the update: its versions load on the loader thread ({@link #handOver} starts and applies it), so the
     * serving version goes on scoring meanwhile. A job pinned by its own setting ignores updates.
     */
    @Override
    public ModelStatus control(ModelUpdate update) {
        if (update == null || !modelName.equals(update.modelName) || fromAnotherRegistry(update)) return null;
        if (pinnedVersion > 0) {
            if (update.version != serving.version) {
                LOG.info("scoring slot {}: ignoring model update to version {}: pinned to version {}", subtask,
                        update.version, pinnedVersion);
            }
            return null;
        }
        waiting.add(update);
        return null;
    }

    /**
     * Installs the update whose versions finished loading (between two batches: the operator calls this before
     * each batch) and reports it, then starts the next waiting update on the loader thread.
     */
    @Override
    public boolean handOver(java.util.function.Consumer<ModelStatus> report, boolean waitForAll) throws Exception {
        if (openedStatus != null) {
            report.accept(openedStatus);
            openedStatus = null;
        }
        if (droppedShadow != null) {
            report.accept(droppedShadow);
            droppedShadow = null;
        }
        while (true) {
            if (loads.busy()) {
                Prepared ready = loads.poll(waitForAll);
                if (ready == null) return true;
                ModelStatus status = install(ready);
                if (status != null) report.accept(status);
                if (droppedShadow != null) { // a shadow the update asked for and this slot could not load
                    report.accept(droppedShadow);
                    droppedShadow = null;
                }
            }
            dropRoundTrips();
            ModelUpdate next = waiting.poll();
            if (next == null) return false;
            long servingWas = serving.version;
            long shadowWas = shadowVersion();
            loads.start(() -> prepare(next, servingWas, shadowWas));
        }
    }

    /**
     * Every update states the whole target. One among those waiting that names what the slot serves now ends a round
     * trip (a pin and its unpin announced while a load ran): the updates before it would only serve, one load's time
     * each, versions the pointer has left again, so they are dropped; it is installed as any other (a no-op, or
     * refused under a pin). Others are installed in turn, each reported.
     */
    private void dropRoundTrips() {
        if (waiting.size() < 2) return; // a round trip is at least two updates
        int back = -1;
        int i = 0;
        for (ModelUpdate u : waiting) {
            if (u.version == serving.version && targetShadow(u, 0) == shadowVersion()) back = i;
            i++;
        }
        if (back < 1) return;
        for (int k = 0; k < back; k++) waiting.poll();
        LOG.info("scoring slot {}: {} model update(s) dropped: the one after them names version {} with shadow {}, which"
                + " this slot serves already", subtask, back, serving.version, shadowVersion());
    }

    /** The shadow an update asks for: none under a pin, or when it names the serving version. */
    private static long targetShadow(ModelUpdate update, long pin) {
        return pin > 0 || update.shadowVersion == update.version ? 0 : Math.max(0, update.shadowVersion);
    }

    /**
     * On the loader thread: reads the pin and loads (probes, warms) the versions {@code update} needs that the slot
     * does not hold ({@code servingWas}, {@code shadowWas}). Touches no field the task thread changes. A version that
     * runs the JVM out of memory (heap, or JavaCPP's native limit) or fails to link is refused like one that throws:
     * the serving version keeps serving, where failing the task would restore the job onto that same version.
     */
    private Prepared prepare(ModelUpdate update, long servingWas, long shadowWas) {
        long pin;
        try {
            pin = registryPin();
        } catch (IOException e) {
            Prepared unread = new Prepared(update, servingWas, shadowWas, PIN_UNREAD);
            unread.refused = "cannot read the registry's pin, which may forbid this update: " + e.getMessage()
                    + "; the serving version keeps serving (fix or remove the pin file, then announce the version again)";
            return unread;
        }
        Prepared p = new Prepared(update, servingWas, shadowWas, pin);
        if (p.pin > 0 && update.version != p.pin) return p;
        long targetShadow = targetShadow(update, p.pin);
        try {
            if (update.version != servingWas && update.version != shadowWas) {
                try {
                    p.serving = loader.load(update.version, registry.versionDir(modelName, update.version), threads, gpu, warmRows);
                    tellPreparing(update.version);
                } catch (IOException | RuntimeException | OutOfMemoryError | LinkageError e) {
                    p.refused = refusal(e);
                }
            }
            if (targetShadow > 0 && targetShadow != servingWas && targetShadow != shadowWas) {
                try {
                    p.shadow = loader.load(targetShadow, registry.versionDir(modelName, targetShadow), threads, gpu, warmRows);
                    tellPreparing(targetShadow);
                } catch (IOException | RuntimeException | OutOfMemoryError | LinkageError e) {
                    p.shadowRefused = refusal(e);
                }
            }
            return p;
        } catch (Throwable e) {
            p.close();
            throw e;
        }
    }

    /**
     * What to do about a class that fails to link: TensorFlow's native library (after the first failure a JVM says
     * only "could not initialize class", without the cause: the GPU probe's first failure, when it was the first, is
     * named instead), else classes of the job jar and of Flink's lib/ from different releases.
     */
    static String nativeLibraryFailure(String modelName, LinkageError e) {
        if (!dev.marquee.model.NativeLibraryFailure.nativeLibrary(e)) {
            return "cannot serve model '" + modelName + "': a class failed to link (" + e + "): the job jar's classes and"
                    + " those in Flink's lib/ (tensorflow-java, decision 0013) do not match; build and deploy them from"
                    + " one release, then restart the TaskManager";
        }
        if (e instanceof dev.marquee.model.TensorFlowHost.UnsupportedHostError) {
            return "cannot serve model '" + modelName + "': TensorFlow cannot run on this TaskManager: " + e.getMessage();
        }
        Throwable cause = e.getCause() != null ? e.getCause() : dev.marquee.model.GpuProbe.firstLinkFailure().orElse(null);
        String cacheDir = dev.marquee.model.NativeLibraryFailure.cacheDir();
        return "cannot serve model '" + modelName + "': TensorFlow's native library does not load on this TaskManager ("
                + e + (cause != null && cause != e ? "; first: " + cause : "") + "): it needs glibc 2.34 or newer and room"
                + " to unpack about 650 MB in JavaCPP's cache (" + cacheDir + ", -Dorg.bytedeco.javacpp.cachedir); after"
                + " fixing it, restart the TaskManager: a library that failed to load stays failed in its JVM";
    }

    /**
     * Why a load failed, as model-status says it. An Error is this TaskManager's state as likely as the version's: said
     * so, with its class, so that the operator announces the version again rather than deleting it.
     */
    static String refusal(Throwable e) {
        // TensorFlow's own (host or GPU memory: a swap loads beside the serving version, a shadow beside both) as
        // much as the JVM's. Only the wording: unlike at open, where out of memory decides whether the job restarts.
        if (e instanceof OutOfMemoryError || outOfMemory(e) || saysOutOfMemory(e)) {
            return "out of memory on this TaskManager while loading (not necessarily the version's fault; announce it"
                    + " again once memory is freed; on a GPU, TensorFlow keeps the memory pool its first session sized,"
                    + " so restart the TaskManager if that does not help): " + e;
        }
        if (e instanceof LinkageError) return "a class or native library failed to link while loading: " + e;
        return e.getMessage() == null ? e.toString() : e.getMessage();
    }

    /** On the task thread, between two batches: makes the slot match the prepared update, as one step. */
    private ModelStatus install(Prepared p) {
        ModelUpdate update = p.update;
        if (serving.version != p.servingWas || shadowVersion() != p.shadowWas) {
            // The shadow failed on a batch and was dropped while this update loaded: prepare it again from here.
            retire(p);
            waiting.addFirst(update);
            return null;
        }
        if (p.pin == PIN_UNREAD) {
            retire(p);
            refusedVersions.inc();
            LOG.warn("scoring slot {}: refused model {} version {}: {}", subtask, modelName, update.version, p.refused);
            return status(update.version, ModelStatus.REFUSED, p.refused);
        }
        long pinNow;
        try {
            pinNow = registryPin();
        } catch (IOException e) {
            pinNow = PIN_UNREAD;
            LOG.warn("scoring slot {}: the pin of model {} could not be read again before version {} was handed over: "
                    + "preparing it again ({})", subtask, modelName, update.version, e.toString());
        }
        if (pinNow != p.pin) {
            // pinned or unpinned while the update loaded (a rollback pins, then announces): prepare it again under the
            // pin as it is now, rather than serve for a load's time a version the pin forbids
            retire(p);
            waiting.addFirst(update);
            return null;
        }
        long targetShadow = targetShadow(update, p.pin);
        if (p.pin > 0 && update.version != p.pin) {
            retire(p);
            String reason = "version " + p.pin + " is pinned in the registry, and a pin beats model updates"
                    + " (`marquee models --unpin` ends it)";
            LOG.warn("scoring slot {}: refused model {} version {}: {}", subtask, modelName, update.version, reason);
            dropShadow();
            return status(update.version, ModelStatus.REFUSED, reason);
        }
        if (update.version == serving.version && targetShadow == shadowVersion()) {
            retire(p);
            return null;
        }

        String refused = null;
        ServingModel spare = null; // a replaced serving version, kept in case it is the new shadow
        if (update.version != serving.version) {
            ServingModel next;
            if (shadow != null && shadow.version == update.version) {
                next = shadow; // a promoted shadow: already loaded and probed
                shadow = null;
            } else {
                next = p.serving;
                p.serving = null;
            }
            if (next != null) {
                spare = serving;
                serving = next;
                LOG.info("scoring slot {}: now serving model {} version {} (was {})", subtask, modelName, next.version,
                        spare.version);
            } else {
                refusedVersions.inc();
                refused = p.refused != null ? p.refused : "version " + update.version + " was not loaded";
                LOG.warn("scoring slot {}: refused model {} version {}; version {} keeps serving: {}", subtask, modelName,
                        update.version, serving.version, refused);
            }
        }
        String shadowRefused = null;
        if (targetShadow != shadowVersion()) {
            ServingModel previous = shadow;
            shadow = null;
            if (spare != null && spare.version == targetShadow) {
                shadow = spare;
                spare = null;
            } else if (previous != null && previous.version == targetShadow) {
                shadow = previous;
                previous = null;
            } else if (targetShadow > 0 && targetShadow != serving.version) {
                if (p.shadow != null && p.shadow.version == targetShadow) {
                    shadow = p.shadow;
                    p.shadow = null;
                } else {
                    shadowRefused = p.shadowRefused != null ? p.shadowRefused : "version " + targetShadow + " was not loaded";
                    refusedShadows.inc();
                    LOG.warn("scoring slot {}: shadow version {} does not load; none runs: {}", subtask, targetShadow,
                            shadowRefused);
                    droppedShadow = shadowNotLoaded(targetShadow, shadowRefused);
                }
            }
            retire(previous);
            if (shadow != null) LOG.info("scoring slot {}: version {} in shadow", subtask, shadow.version);
        }
        retire(spare);
        retire(p); // whatever was loaded and is not used
        ModelStatus status = status(update.version, refused == null ? ModelStatus.LOADED : ModelStatus.REFUSED, refused);
        status.shadowReason = Reasons.clipped(shadowRefused);
        return status;
    }

    /**
     * A shadow this slot could not load, reported as dropped: the other slots go on pairing it, and the promoter must
     * not promote (or keep watching) a version this slot cannot run; it ends it as it ends one that failed on a batch.
     */
    private ModelStatus shadowNotLoaded(long version, String why) {
        String reason = "does not load on this slot: " + why;
        ModelStatus dropped = status(version, ModelStatus.SHADOW_DROPPED, reason);
        dropped.shadowVersion = 0;
        dropped.shadowReason = Reasons.clipped(reason);
        return dropped;
    }

    /** An update with the pin read and the versions it needs loaded on the loader thread; closes what it still holds. */
    static final class Prepared implements AutoCloseable {
        final ModelUpdate update;
        final long servingWas;
        final long shadowWas;
        final long pin;
        ServingModel serving;
        String refused;
        ServingModel shadow;
        String shadowRefused;

        Prepared(ModelUpdate update, long servingWas, long shadowWas, long pin) {
            this.update = update;
            this.servingWas = servingWas;
            this.shadowWas = shadowWas;
            this.pin = pin;
        }

        @Override
        public void close() {
            if (serving != null) serving.close();
            if (shadow != null) shadow.close();
            serving = null;
            shadow = null;
        }
    }

    private long shadowVersion() {
        return shadow == null ? 0 : shadow.version;
    }

    /** Closes what the slot let go of on the loader thread, after the batch in hand: the task thread does not wait. */
    private void retire(AutoCloseable retired) {
        if (retired == null) return;
        if (loads != null) loads.retire(retired);
        else BackgroundLoads.closeQuietly(retired);
    }

    private void dropShadow() {
        if (shadow != null) {
            retire(shadow);
            shadow = null;
        }
    }

    /**
     * The registry's pin, 0 when none. An unreadable pin file (a bad edit, a network file system's error) refuses the
     * update in hand: a pin it cannot read may forbid it, and the serving version keeps serving meanwhile.
     */
    private long registryPin() throws IOException {
        return registry.pinned(modelName).orElse(0);
    }

    /** {@link Prepared#pin} when the pin file could not be read. */
    private static final long PIN_UNREAD = -1;

    private ModelStatus status(long version, String status, String reason) {
        ModelStatus s = new ModelStatus(modelName, version, status, Reasons.clipped(reason), serving.version, subtask,
                System.currentTimeMillis());
        s.shadowVersion = shadowVersion();
        return s;
    }

    @Override
    public void close() {
        if (loads != null) loads.close();
        if (waiting != null) waiting.clear();
        dropShadow();
        if (serving != null) {
            serving.close();
            serving = null;
        }
    }
}

package dev.marquee.job.score;

import dev.marquee.data.event.DeadLetter;
import dev.marquee.data.event.ErrorCode;
import dev.marquee.data.event.ModelStatus;
import dev.marquee.data.event.ModelUpdate;
import dev.marquee.data.event.Prediction;
import dev.marquee.data.event.RatingRequest;
import dev.marquee.data.parse.DeadLetters;
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
 * Scores batches of requests with a SavedModel held once per task slot, and swaps model versions in place:
 * a new version is loaded beside the serving one and probed, then switched to between two batches; one that
 * fails keeps the old version serving and is reported as {@link ModelStatus#REFUSED}. A request the serving
 * version's inputs cannot take (a user id that is not an integer for a model with an integer user id; a timestamp
 * beyond an int32 input) is refused as {@link ErrorCode#MODEL_INPUT_UNREPRESENTABLE}; the rest of its batch is
 * scored.
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

    private transient ModelRegistry registry;
    private transient ScorerThreads threads;
    private transient java.util.OptionalInt gpu;
    private transient ServingModel serving;
    /** The version scored in shadow, or null. */
    private transient ServingModel shadow;
    private transient int subtask;
    private transient Counter oovUsers;
    private transient Counter oovTitles;
    private transient Counter refusedVersions;
    private transient Counter refusedRequests;
    private transient Histogram endToEndMs;

    /**
     * @param pinnedVersion the version to serve, ignoring updates; 0 to start from the registry's serving
     *                      version and follow {@code model-updates}
     * @param threads TF intra-op threads per slot; 0 shares the cores among the slots on this machine
     */
    public ModelScoringFunction(String registryBase, String modelName, long pinnedVersion, int threads) {
        this.registryBase = registryBase;
        this.modelName = modelName;
        this.pinnedVersion = pinnedVersion;
        this.threadsSetting = threads;
    }

    @Override
    public void open(StreamingRuntimeContext context) throws Exception {
        subtask = context.getTaskInfo().getIndexOfThisSubtask();
        int cores = Runtime.getRuntime().availableProcessors();
        int localSlots = Math.min(cores, context.getTaskInfo().getNumberOfParallelSubtasks());
        DevicePlan plan = DeviceSelector.choose(context.getExternalResourceInfos(DeviceSelector.GPU_RESOURCE), subtask, localSlots, cores);
        threads = new ScorerThreads(threadsSetting > 0 ? threadsSetting : plan.intraOpThreads(), -1);
        gpu = plan.gpuIndex();
        registry = new ModelRegistry(Path.of(registryBase));
        long version = pinnedVersion > 0 ? pinnedVersion : registry.serving(modelName).orElseThrow(() -> startFailure(
                context, new IOException("no version of model '" + modelName + "' in the registry at " + registry.base()
                        + ": train one with scripts/marquee train, or set model.registry")));
        Path dir = registry.versionDir(modelName, version);
        try {
            serving = ServingModel.load(version, dir, threads, gpu);
        } catch (IOException | RuntimeException e) {
            throw startFailure(context, new IOException("cannot serve model '" + modelName + "' version " + version
                    + " from " + dir + ": " + (e.getMessage() == null ? e.toString() : e.getMessage())
                    + "; serve a version that loads (scripts/marquee rollback --version N) or publish a new one", e));
        }
        LOG.info("scoring slot {}: model {} version {} on {}", subtask, modelName, version, plan);
        if (pinnedVersion == 0 && registry.pinned(modelName).isEmpty()) {
            long shadowVersion = registry.state(modelName).shadow;
            if (shadowVersion > 0 && shadowVersion != version) {
                try {
                    shadow = ServingModel.load(shadowVersion, registry.versionDir(modelName, shadowVersion), threads, gpu);
                    LOG.info("scoring slot {}: version {} in shadow", subtask, shadowVersion);
                } catch (IOException | RuntimeException e) {
                    LOG.warn("scoring slot {}: the serving pointer's shadow, version {}, does not load; none runs: {}",
                            subtask, shadowVersion, e.getMessage() == null ? e.toString() : e.getMessage());
                }
            }
        }

        MetricGroup group = context.getMetricGroup().addGroup("marquee");
        group.gauge("modelVersion", () -> serving == null ? 0L : serving.version);
        group.gauge("shadowModelVersion", () -> shadow == null ? 0L : shadow.version);
        oovUsers = group.counter("oovUserIds");
        oovTitles = group.counter("oovMovieTitles");
        refusedVersions = group.counter("modelVersionsRefused");
        refusedRequests = group.counter("requestsRefusedByModel");
        endToEndMs = group.histogram("endToEndLatencyMs", new DescriptiveStatisticsHistogram(1000));
    }

    /**
     * A model that cannot be served when the job is submitted (first attempt) fails the job at once instead of
     * entering the restart loop: restarting cannot fix an empty registry or a broken version. On a later attempt
     * (a failover) the restart strategy decides, as the registry may be briefly unreachable.
     */
    private static Exception startFailure(StreamingRuntimeContext context, IOException cause) {
        return context.getTaskInfo().getAttemptNumber() == 0 ? new SuppressRestartsException(cause) : cause;
    }

    @Override
    public List<Prediction> apply(List<RatingRequest> batch) {
        List<RatingRequest> fit = fitting(batch);
        List<Prediction> scored = score(fit);
        if (fit == batch) return scored;
        List<Prediction> out = new ArrayList<>(batch.size());
        int next = 0;
        for (RatingRequest r : batch) {
            out.add(next < fit.size() && fit.get(next) == r ? scored.get(next++) : null);
        }
        refusedRequests.inc(batch.size() - fit.size());
        return out;
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
        ModelContract.Unrepresentable misfit = serving.scorer.contract().check(r.userId, r.timestamp);
        if (misfit == null) throw new IllegalStateException("request " + r.requestId + " fits version " + serving.version);
        return DeadLetters.ofValidated(ErrorCode.MODEL_INPUT_UNREPRESENTABLE, misfit.field(), misfit.reason()
                + " (model '" + modelName + "' version " + serving.version + ")", r);
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
        ScoredBatch scored = serving.scorer.score(users, titles, timestamps);
        float[] shadowRatings = scoreShadow(batch, users, titles, timestamps);
        boolean flags = scored.hasOovFlags();
        long now = System.currentTimeMillis();
        List<Prediction> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            RatingRequest r = batch.get(i);
            Prediction p = new Prediction();
            p.requestId = r.requestId;
            p.userId = r.userId;
            p.movieTitle = r.movieTitle;
            p.timestamp = r.timestamp;
            p.predictedRating = scored.ratings()[i];
            p.output3 = new float[] {scored.ratings()[i]};
            p.modelVersion = serving.version;
            if (shadowRatings != null && !Float.isNaN(shadowRatings[i])) {
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
            p.scoredAtMs = now;
            if (flags && scored.userOov()[i]) oovUsers.inc();
            if (flags && scored.titleOov()[i]) oovTitles.inc();
            if (r.source != null && r.source.timestamp >= 0) endToEndMs.update(now - r.source.timestamp);
            out.add(p);
        }
        return out;
    }

    /**
     * The shadow's ratings for the batch (NaN for a request its inputs cannot take), or null without a shadow. A
     * shadow that fails is dropped, never the batch: it must not cost the serving version anything but time.
     */
    private float[] scoreShadow(List<RatingRequest> batch, String[] users, String[] titles, long[] timestamps) {
        if (shadow == null) return null;
        try {
            ModelContract contract = shadow.scorer.contract();
            if (contract.takesEveryRequest()) return shadow.scorer.score(users, titles, timestamps).ratings();
            float[] out = new float[users.length];
            java.util.Arrays.fill(out, Float.NaN);
            List<Integer> fit = new ArrayList<>();
            for (int i = 0; i < users.length; i++) {
                if (contract.check(batch.get(i).userId, batch.get(i).timestamp) == null) fit.add(i);
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
            for (int k = 0; k < fit.size(); k++) out[fit.get(k)] = r[k];
            return out;
        } catch (RuntimeException e) {
            LOG.warn("scoring slot {}: shadow version {} failed on a batch and is dropped: {}", subtask, shadow.version,
                    e.toString());
            shadow.close();
            shadow = null;
            return null;
        }
    }

    @Override
    public ModelStatus control(ModelUpdate update) {
        if (update == null || !modelName.equals(update.modelName)) return null;
        if (pinnedVersion > 0) {
            if (update.version != serving.version) {
                LOG.info("scoring slot {}: ignoring model update to version {}: pinned to version {}", subtask,
                        update.version, pinnedVersion);
            }
            return null;
        }
        long pin = registryPin();
        long targetShadow = pin > 0 || update.shadowVersion == update.version ? 0 : Math.max(0, update.shadowVersion);
        if (pin > 0 && update.version != pin) {
            String reason = "version " + pin + " is pinned in the registry, and a pin beats model updates"
                    + " (`marquee models --unpin` ends it)";
            LOG.warn("scoring slot {}: refused model {} version {}: {}", subtask, modelName, update.version, reason);
            dropShadow();
            return status(update.version, ModelStatus.REFUSED, reason);
        }
        if (update.version == serving.version && targetShadow == shadowVersion()) return null;

        String refused = null;
        ServingModel spare = null; // a replaced serving version, kept in case it is the new shadow
        if (update.version != serving.version) {
            try {
                ServingModel next;
                if (shadow != null && shadow.version == update.version) {
                    next = shadow; // a promoted shadow: already loaded and probed
                    shadow = null;
                } else {
                    next = ServingModel.load(update.version, registry.versionDir(modelName, update.version), threads, gpu);
                }
                spare = serving;
                serving = next;
                LOG.info("scoring slot {}: now serving model {} version {} (was {})", subtask, modelName, next.version,
                        spare.version);
            } catch (IOException | RuntimeException e) {
                refusedVersions.inc();
                refused = e.getMessage() == null ? e.toString() : e.getMessage();
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
                try {
                    shadow = ServingModel.load(targetShadow, registry.versionDir(modelName, targetShadow), threads, gpu);
                } catch (IOException | RuntimeException e) {
                    shadowRefused = e.getMessage() == null ? e.toString() : e.getMessage();
                    LOG.warn("scoring slot {}: shadow version {} does not load; none runs: {}", subtask, targetShadow,
                            shadowRefused);
                }
            }
            if (previous != null) previous.close();
            if (shadow != null) LOG.info("scoring slot {}: version {} in shadow", subtask, shadow.version);
        }
        if (spare != null) spare.close();
        ModelStatus status = status(update.version, refused == null ? ModelStatus.LOADED : ModelStatus.REFUSED, refused);
        status.shadowReason = shadowRefused;
        return status;
    }

    private long shadowVersion() {
        return shadow == null ? 0 : shadow.version;
    }

    private void dropShadow() {
        if (shadow != null) {
            shadow.close();
            shadow = null;
        }
    }

    /** The registry's pin, 0 when none (or unreadable: a bad pin file must not stop scoring; the start-up reads it too). */
    private long registryPin() {
        try {
            return registry.pinned(modelName).orElse(0);
        } catch (IOException e) {
            LOG.warn("scoring slot {}: cannot read the registry's pin: {}", subtask, e.toString());
            return 0;
        }
    }

    private ModelStatus status(long version, String status, String reason) {
        ModelStatus s = new ModelStatus(modelName, version, status, reason, serving.version, subtask, System.currentTimeMillis());
        s.shadowVersion = shadowVersion();
        return s;
    }

    @Override
    public void close() {
        dropShadow();
        if (serving != null) {
            serving.close();
            serving = null;
        }
    }
}

package dev.marquee.job.score;

import dev.marquee.data.event.ModelStatus;
import dev.marquee.data.event.ModelUpdate;
import dev.marquee.data.event.Prediction;
import dev.marquee.data.event.RatingRequest;
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
 * fails keeps the old version serving and is reported as {@link ModelStatus#REFUSED}.
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
    private transient int subtask;
    private transient Counter oovUsers;
    private transient Counter oovTitles;
    private transient Counter refusedVersions;
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

        MetricGroup group = context.getMetricGroup().addGroup("marquee");
        group.gauge("modelVersion", () -> serving == null ? 0L : serving.version);
        oovUsers = group.counter("oovUserIds");
        oovTitles = group.counter("oovMovieTitles");
        refusedVersions = group.counter("modelVersionsRefused");
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
        int n = batch.size();
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
            p.oovUserId = scored.userOov()[i];
            p.oovMovieTitle = scored.titleOov()[i];
            p.source = r.source;
            p.scoredAtMs = now;
            if (p.oovUserId) oovUsers.inc();
            if (p.oovMovieTitle) oovTitles.inc();
            if (r.source != null && r.source.timestamp >= 0) endToEndMs.update(now - r.source.timestamp);
            out.add(p);
        }
        return out;
    }

    @Override
    public ModelStatus control(ModelUpdate update) {
        if (update == null || !modelName.equals(update.modelName) || update.version == serving.version) return null;
        if (pinnedVersion > 0) {
            LOG.info("scoring slot {}: ignoring model update to version {}: pinned to version {}", subtask, update.version, pinnedVersion);
            return null;
        }
        Path dir = registry.versionDir(modelName, update.version);
        try {
            ServingModel candidate = ServingModel.load(update.version, dir, threads, gpu);
            ServingModel old = serving;
            serving = candidate;
            old.close();
            LOG.info("scoring slot {}: now serving model {} version {} (was {})", subtask, modelName, candidate.version, old.version);
            return status(update.version, ModelStatus.LOADED, null);
        } catch (IOException | RuntimeException e) {
            refusedVersions.inc();
            String reason = e.getMessage() == null ? e.toString() : e.getMessage();
            LOG.warn("scoring slot {}: refused model {} version {}; version {} keeps serving: {}", subtask, modelName,
                    update.version, serving.version, reason);
            return status(update.version, ModelStatus.REFUSED, reason);
        }
    }

    private ModelStatus status(long version, String status, String reason) {
        return new ModelStatus(modelName, version, status, reason, serving.version, subtask, System.currentTimeMillis());
    }

    @Override
    public void close() {
        if (serving != null) {
            serving.close();
            serving = null;
        }
    }
}

package dev.marquee.job.pipeline;

import dev.marquee.data.event.DeadLetter;
import dev.marquee.data.event.DriftReport;
import dev.marquee.data.event.LabeledPrediction;
import dev.marquee.data.event.ModelStatus;
import dev.marquee.data.event.ModelUpdate;
import dev.marquee.data.event.Prediction;
import dev.marquee.data.event.Rating;
import dev.marquee.data.json.EventCodec;
import dev.marquee.job.ScoringJob;
import dev.marquee.job.config.JobSettings;
import dev.marquee.job.label.ParseRatings;
import dev.marquee.job.score.InMemoryModelUpdates;
import dev.marquee.job.source.RawRecord;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Runs {@link ScoringJob#build} without a broker: bounded in-memory sources of requests (with source positions),
 * model updates (raw, decoded by each scoring slot as it decodes model-updates) and labels, and collecting sinks, on the MiniCluster of
 * {@link SharedMiniCluster}. The run ends when the sources do; the scorer, the drift windows and the label join
 * flush at end of input. No restarts unless {@link #configure} asks for them, so a failure fails the test.
 *
 * <pre>{@code
 * PipelineRun.Outputs out = new PipelineRun(Map.of(JobSettings.MODEL_REGISTRY, dir.toString()))
 *         .requests(records.all()).run();
 * }</pre>
 */
public final class PipelineRun {
    private static final Duration DEADLINE = Duration.ofMinutes(3);

    private final Map<String, String> settings = new HashMap<>();
    private final Configuration configuration = new Configuration();
    private List<RawRecord> requests = List.of();
    private final List<byte[]> updates = new ArrayList<>();
    private List<Rating> labels;
    private List<RawRecord> rawLabels;
    private int parallelism = 2;

    /** @param settings the job's settings ({@link JobSettings#from}); the registry at least */
    public PipelineRun(Map<String, String> settings) {
        this.settings.putAll(settings);
        configuration.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
    }

    public PipelineRun requests(List<RawRecord> records) {
        this.requests = records;
        return this;
    }

    /** Model updates as they would arrive on model-updates, garbage included (null: a tombstone). */
    public PipelineRun rawUpdates(List<byte[]> values) {
        updates.addAll(values);
        return this;
    }

    public PipelineRun updates(ModelUpdate... announced) {
        EventCodec<ModelUpdate> codec = EventCodec.of(ModelUpdate.class);
        List<byte[]> values = new ArrayList<>();
        for (ModelUpdate u : announced) values.add(codec.encode(u));
        return rawUpdates(values);
    }

    /**
     * Label records as the ratings topic holds them, parsed by the job's label parser (as {@code ScoringJob} wires it
     * behind its Kafka source); instead of {@link #labels}.
     */
    public PipelineRun rawLabels(List<RawRecord> records) {
        this.rawLabels = records;
        return this;
    }

    /** Labels (ratings) for the online accuracy and adaptation; without them the job runs without labels. */
    public PipelineRun labels(List<Rating> ratings) {
        this.labels = ratings;
        return this;
    }

    public PipelineRun parallelism(int n) {
        this.parallelism = n;
        return this;
    }

    /** Extra Flink configuration for this job (e.g. a restart strategy). */
    public PipelineRun configure(Configuration extra) {
        configuration.addAll(extra);
        return this;
    }

    /** Runs the job to its end; throws (an ExecutionException) if it fails, a TimeoutException after 3 minutes. */
    public Outputs run() throws Exception {
        String id = "run-" + UUID.randomUUID();
        JobSettings s = JobSettings.from(settings);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        ScoringJob.configure(env, s);
        env.setParallelism(parallelism);
        env.configure(configuration);
        DataStream<RawRecord> in = InMemoryElements.stream(env, id + "/requests", requests, TypeInformation.of(RawRecord.class));
        InMemoryModelUpdates modelUpdates = new InMemoryModelUpdates(updates);
        DataStream<Rating> ratings = labels != null
                ? InMemoryElements.stream(env, id + "/labels", labels, TypeInformation.of(Rating.class))
                : rawLabels == null ? null
                : InMemoryElements.stream(env, id + "/raw-labels", rawLabels, TypeInformation.of(RawRecord.class))
                        .flatMap(new ParseRatings(s.parserLimits)).name("parse labels").uid("parse-labels");
        CollectingSink<Prediction> predictions = new CollectingSink<>(id + "/predictions");
        ScoringJob.build(env, s, in, modelUpdates, ratings, predictions, predictions, new CollectingSink<>(id + "/dead-letters"),
                new CollectingSink<>(id + "/model-status"), new CollectingSink<>(id + "/drift"),
                new CollectingSink<>(id + "/labeled"));
        JobClient job = env.executeAsync("pipeline " + id);
        Outputs outputs = null;
        try {
            job.getJobExecutionResult().get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            job.cancel().get();
            throw e;
        } finally {
            InMemoryElements.forget(id);
            modelUpdates.forget();
            outputs = new Outputs(job.getJobID(), CollectingSink.take(id + "/predictions"),
                    CollectingSink.take(id + "/dead-letters"), CollectingSink.take(id + "/model-status"),
                    CollectingSink.take(id + "/drift"), CollectingSink.take(id + "/labeled"));
        }
        return outputs;
    }

    /** What the job wrote to each sink, in arrival order, and its id (for {@link SharedMiniCluster#metrics()}). */
    public record Outputs(JobID jobId, List<Prediction> predictions, List<DeadLetter> deadLetters,
                          List<ModelStatus> statuses, List<DriftReport> driftReports, List<LabeledPrediction> labeled) {}
}

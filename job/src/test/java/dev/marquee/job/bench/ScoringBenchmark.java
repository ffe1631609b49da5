package dev.marquee.job.bench;

import dev.marquee.data.event.DeadLetter;
import dev.marquee.data.event.ModelStatus;
import dev.marquee.data.event.ModelUpdate;
import dev.marquee.data.event.RatingRequest;
import dev.marquee.data.event.Rating;
import dev.marquee.data.movielens.MovieLens100K;
import dev.marquee.data.movielens.MovieLensDir;
import dev.marquee.data.movielens.Split;
import dev.marquee.data.movielens.Splits;
import dev.marquee.data.json.EventCodec;
import dev.marquee.data.replay.RequestEncoder;
import dev.marquee.data.synth.SyntheticRatings;
import dev.marquee.infra.EmbeddedKafka;
import dev.marquee.job.ScoringJob;
import dev.marquee.job.config.JobSettings;
import dev.marquee.job.label.LabelSettings;
import dev.marquee.job.sink.JsonRecordSerializer;
import dev.marquee.job.sink.KafkaConnections;
import dev.marquee.job.source.RawRecord;
import dev.marquee.job.validate.ParseRequests;
import dev.marquee.model.Architecture;
import dev.marquee.model.ModelImporter;
import dev.marquee.model.ModelRegistry;
import dev.marquee.model.TrainedModel;
import dev.marquee.model.Trainer;
import dev.marquee.model.TrainingConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Throughput and latency of the scoring job on this machine, run by {@code scripts/bench-scoring}; the results
 * go to docs/BENCHMARKS.md. Not a test: nothing here asserts a number.
 *
 * <p>Throughput: a preloaded topic is consumed by a bounded job; the rate is the records divided by the
 * span between the first and the last output record's Kafka timestamp, so JVM and job start-up are left out.
 * Variants run alternately (A/B/C, repeated) in one process: the full job with micro-batches, the full job
 * with batch size 1, Kafka → parse → Kafka as the ceiling, the full job without drift detection, and the full job
 * serving a model imported from elsewhere ({@code --imported}, by default the series' Keras export, imported with
 * MovieLens' time split's training part as its data) instead of ours. Latency: the unbounded job at a steady input
 * rate ({@link SteadyRateLatency}); per prediction, the time from when its request was due on the send schedule
 * to the moment a reader thread of its own reads the prediction. Other modes: drift detection's cost
 * ({@code --drift-side-by-side}, {@code --drift-pairs}) and the full job against the ceiling side by side
 * ({@code --ceiling-side-by-side}).
 */
public final class ScoringBenchmark {
    private static final Set<String> KEYS = Set.of("records", "batch1-records", "rounds", "latency-rate", "latency-seconds", "batch-size", "checkpoint-ms", "warmup-seconds", "out", "drift-pairs", "drift-side-by-side", "ceiling-side-by-side", "imported", "latency-only", "latency-swap-at", "latency-pairs", "cold-start", "broker", "arch", "latency-labels", "aot-cache");
    /** The SavedModel made elsewhere that the imported-model variant serves, unless {@code --imported} names another ("none": no such variant). */
    private static final String DEFAULT_IMPORTED = "../shared/models/series-keras/1";
    /** Null: the job's default for at-least-once. */
    private static String checkpointMs;
    /** {@link CpuProbe#medianMs} on this project's VM with the host quiet (session 14: 189–194 ms; 213–228 ms minutes later). */
    private static final int QUIET_PROBE_MS = 190;
    private static double cpuProbeBeforeMs = Double.NaN;
    private static int warmupSeconds = 20;
    /** {@code --latency-labels}: the share of the latency runs' requests whose true rating is sent as a label (0: none). */
    private static double latencyLabelShare;
    /** Whether the latency runs' full job had labels on (set by the runs; the job's default is on). */
    private static boolean latencyLabelsOn;
    /** The full job's settings in the latency runs, as they ran: reports name these, not the defaults. */
    private static JobSettings latencySettings;
    /** The job's settings in the cold-start runs, as they ran. */
    private static JobSettings coldStartSettings;
    /** Where {@link #rows()} found its rows, for the reports: generated rows are not comparable with MovieLens'. */
    private static String dataSource = "not read yet";
    /** Samples the job's CPU once the broker is up (null before). */
    private static JobCpuSampler cpu;

    /** The benchmark's broker: in the benchmark's JVM (the default), or a process of its own ({@code --broker process}). */
    private interface Broker extends AutoCloseable {
        String bootstrapServers();

        static Broker start(String mode, Path dir) throws Exception {
            switch (mode) {
                case "in-jvm": {
                    EmbeddedKafka kafka = EmbeddedKafka.start();
                    return new Broker() {
                        public String bootstrapServers() { return kafka.bootstrapServers(); }
                        public void close() { kafka.close(); }
                    };
                }
                case "process": {
                    BrokerProcess kafka = BrokerProcess.start(dir);
                    return new Broker() {
                        public String bootstrapServers() { return kafka.bootstrapServers(); }
                        public void close() throws InterruptedException { kafka.close(); }
                    };
                }
                default:
                    throw new IllegalArgumentException("--broker must be in-jvm or process, got '" + mode + "'");
            }
        }
    }

    public static void main(String[] args) {
        BenchMain.exit("scripts/bench-scoring", true, () -> {
            Map<String, String> opts = BenchArgs.parse(args, KEYS);
            // Everything the run writes but its report (registries, an in-process broker's data) goes under one
            // temporary folder, removed at the end; the in-JVM broker removes its own when it closes. The modes
            // return instead of exiting so that the broker does close: a ceiling run leaves ~3 GB of Kafka logs
            // otherwise.
            Path work = Files.createTempDirectory("marquee-bench");
            try {
                run(opts, args, work);
            } finally {
                BenchFiles.deleteTree(work);
            }
            return 0;
        });
    }

    private static void run(Map<String, String> opts, String[] args, Path work) throws Exception {
        int records = Integer.parseInt(opts.getOrDefault("records", "1000000"));
        int batch1Records = Integer.parseInt(opts.getOrDefault("batch1-records", "100000"));
        int rounds = Integer.parseInt(opts.getOrDefault("rounds", "2"));
        int latencyRate = Integer.parseInt(opts.getOrDefault("latency-rate", "10000"));
        int latencySeconds = Integer.parseInt(opts.getOrDefault("latency-seconds", "30"));
        int batchSize = Integer.parseInt(opts.getOrDefault("batch-size", "256"));
        Path out = Path.of(opts.getOrDefault("out", "target/bench-scoring.md"));
        checkpointMs = opts.getOrDefault("checkpoint-ms", checkpointMs);
        warmupSeconds = Integer.parseInt(opts.getOrDefault("warmup-seconds", "20"));
        latencyLabelShare = Double.parseDouble(opts.getOrDefault("latency-labels", "0"));
        if (latencyLabelShare < 0 || latencyLabelShare > 1) throw new IllegalArgumentException("--latency-labels takes a share in [0, 1]: " + latencyLabelShare);
        int ceilingSideBySide = Integer.parseInt(opts.getOrDefault("ceiling-side-by-side", "0"));
        boolean latencyOnly = Boolean.parseBoolean(opts.getOrDefault("latency-only", "false"));
        boolean coldStart = Boolean.parseBoolean(opts.getOrDefault("cold-start", "false"));
        int swapAt = Integer.parseInt(opts.getOrDefault("latency-swap-at", Integer.toString(latencySeconds / 2)));
        if (swapAt < 0 || (swapAt > 0 && swapAt >= latencySeconds)) {
            // a swap at or after the measured part's end never runs, and a report would claim one
            throw new IllegalArgumentException("--latency-swap-at takes a second within the measured part, under"
                    + " --latency-seconds (" + latencySeconds + "), or 0 for no swap: " + swapAt);
        }
        int latencyPairs = Integer.parseInt(opts.getOrDefault("latency-pairs", "0"));
        int sideBySide = Integer.parseInt(opts.getOrDefault("drift-side-by-side", "0"));
        int driftPairs = Integer.parseInt(opts.getOrDefault("drift-pairs", "0"));
        boolean allVariants = ceilingSideBySide == 0 && sideBySide == 0 && driftPairs == 0 && !latencyOnly && !coldStart;

        log("CPU probe before the runs ...");
        cpuProbeBeforeMs = CpuProbe.medianMs(5);
        log("CPU probe: %.0f ms (quiet here: ~%d ms)", cpuProbeBeforeMs, QUIET_PROBE_MS);
        ModelRegistry registry = new ModelRegistry(work.resolve("registry"));
        List<Rating> rows = rows();
        String modelDesc = train(registry, rows, Architecture.parse(opts.getOrDefault("arch", "default")));
        ModelRegistry importedRegistry = new ModelRegistry(work.resolve("registry-imported"));
        String importedDesc = allVariants ? importModel(importedRegistry, opts.getOrDefault("imported", DEFAULT_IMPORTED), rows) : null;

        String brokerMode = opts.getOrDefault("broker", "in-jvm");
        try (Broker kafka = Broker.start(brokerMode, work.resolve("broker"))) {
            String bootstrap = kafka.bootstrapServers();
            log("broker (%s) at %s; model: %s", brokerMode, bootstrap, modelDesc);
            if (latencyOnly && latencyPairs > 0) {
                write(out, latencyPairs(bootstrap, registry, rows, latencyRate, latencySeconds, batchSize, swapAt, latencyPairs, modelDesc, args));
                return;
            }
            if (latencyOnly) {
                SteadyRateLatency.Result latency = runLatency(bootstrap, registry, rows, latencyRate, latencySeconds, batchSize, swapAt);
                write(out, latencyReport(latency, latencyRate, latencySeconds, modelDesc, args));
                return;
            }
            createTopic(bootstrap, "requests", 2);
            log("preloading %,d requests ...", records);
            preload(bootstrap, "requests", rows, records);
            if (allVariants) {
                createTopic(bootstrap, "requests-small", 2);
                log("preloading %,d requests for the batch-size-1 job ...", batch1Records);
                preload(bootstrap, "requests-small", rows, batch1Records);
            }
            if (coldStart) {
                write(out, coldStart(bootstrap, registry, records, modelDesc, args));
                return;
            }
            cpu = new JobCpuSampler();

            if (ceilingSideBySide > 0) {
                write(out, ceilingSideBySide(bootstrap, registry, records, ceilingSideBySide, modelDesc, args));
                return;
            }
            if (sideBySide > 0 || driftPairs > 0) {
                write(out, sideBySide > 0
                        ? driftSideBySide(bootstrap, registry, records, batchSize, sideBySide, modelDesc, args)
                        : driftCost(bootstrap, registry, records, batchSize, driftPairs, modelDesc, args));
                return;
            }
            List<double[]> results = new ArrayList<>(); // {variant, rate}
            List<String> variants = new ArrayList<>(List.of("full job, batch " + batchSize, "full job, batch 1",
                    "Kafka → parse → Kafka (ceiling)", "full job, batch " + batchSize + ", drift off"));
            if (importedDesc != null) variants.add("full job, batch " + batchSize + ", imported model");
            String[] names = variants.toArray(String[]::new);
            // A discarded run first (JIT, TensorFlow's kernels, Kafka's buffers), then the variants in alternating
            // order, so neither side of a comparison always runs first.
            createTopic(bootstrap, "out-warmup", 2);
            runThroughput(bootstrap, registry, "requests", "out-warmup", records, batchSize, false, true);
            if (importedDesc != null) {
                createTopic(bootstrap, "out-warmup-imported", 2);
                runThroughput(bootstrap, importedRegistry, "requests", "out-warmup-imported", records, batchSize, false, true);
            }
            for (int round = 0; round < rounds; round++) {
                for (int k = 0; k < names.length; k++) {
                    int v = round % 2 == 0 ? k : names.length - 1 - k;
                    String topic = v == 1 ? "requests-small" : "requests";
                    int n = v == 1 ? batch1Records : records;
                    String output = "out-" + round + "-" + v;
                    createTopic(bootstrap, output, 2);
                    double rate = runThroughput(bootstrap, v == 4 ? importedRegistry : registry, topic, output, n,
                            v == 1 ? 1 : batchSize, v == 2, v != 3);
                    log("round %d: %s: %,.0f records/s", round + 1, names[v], rate);
                    results.add(new double[] {v, rate});
                }
            }
            SteadyRateLatency.Result latency = runLatency(bootstrap, registry, rows, latencyRate, latencySeconds, batchSize, swapAt);
            String report = report(names, results, latency, records, batch1Records, rounds, latencyRate, latencySeconds,
                    importedDesc == null ? modelDesc : modelDesc + "; imported model: " + importedDesc, args);
            write(out, report);
        }
    }

    /**
     * Drift detection's cost alone: the full job with and without it, after three discarded runs, in pairs whose
     * order alternates (ABBA...), reported as the median of the pairs' ratios.
     */
    private static String driftCost(String bootstrap, ModelRegistry registry, int records, int batchSize, int pairs,
                                    String model, String[] args) throws Exception {
        for (int w = 0; w < 3; w++) {
            createTopic(bootstrap, "out-warm-" + w, 2);
            runThroughput(bootstrap, registry, "requests", "out-warm-" + w, records, batchSize, false, w % 2 == 0);
        }
        List<Run[]> runs = new ArrayList<>(); // {with drift, without}
        for (int i = 0; i < pairs; i++) {
            Run[] pair = new Run[2];
            for (int k = 0; k < 2; k++) {
                boolean drift = (i % 2 == 0) == (k == 0);
                String output = "out-pair-" + i + "-" + k;
                createTopic(bootstrap, output, 2);
                Run r = run(bootstrap, registry, "requests", output, records, batchSize, false, drift);
                pair[drift ? 0 : 1] = r;
                log("pair %d: drift %s: %,.0f records/s, %.2f µs CPU per record", i + 1, drift ? "on" : "off",
                        r.recordsPerSecond(), r.cpuMicrosPerRecord());
            }
            runs.add(pair);
        }
        double[] cpuCosts = runs.stream().mapToDouble(r -> 100 * (r[0].cpuMicrosPerRecord() / r[1].cpuMicrosPerRecord() - 1)).sorted().toArray();
        double[] rateCosts = runs.stream().mapToDouble(r -> 100 * (r[1].recordsPerSecond() / r[0].recordsPerSecond() - 1)).sorted().toArray();
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "Run %s on %d cores; Java %s; model: %s.%n%nCommand: `scripts/bench-scoring %s`%n%n",
                LocalDate.now(), Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), model,
                String.join(" ", args)));
        sb.append("| pair | CPU µs/record with drift | without | cost (CPU) | records/s with drift | without | cost (wall) |\n"
                + "|---|---|---|---|---|---|---|\n");
        for (int i = 0; i < runs.size(); i++) {
            Run[] r = runs.get(i);
            sb.append(String.format(Locale.ROOT, "| %d | %.2f | %.2f | %+.1f%% | %,.0f | %,.0f | %+.1f%% |%n", i + 1,
                    r[0].cpuMicrosPerRecord(), r[1].cpuMicrosPerRecord(), 100 * (r[0].cpuMicrosPerRecord() / r[1].cpuMicrosPerRecord() - 1),
                    r[0].recordsPerSecond(), r[1].recordsPerSecond(), 100 * (r[1].recordsPerSecond() / r[0].recordsPerSecond() - 1)));
        }
        sb.append(String.format(Locale.ROOT, "%nDrift detection's cost per record, median of %d pairs: %+.1f%% in the job's CPU time "
                + "per record, %+.1f%% in wall time per record (throughput).%n", pairs, median(cpuCosts), median(rateCosts)));
        return sb.toString();
    }

    /**
     * Drift detection's cost with both variants running at the same moment, so that both see the same machine:
     * two jobs (each its own mini-cluster, parallelism 1), one with drift detection and one without, read the
     * same preloaded topic at once. Both are CPU-bound on the shared cores, which the scheduler divides evenly
     * among their threads, so over the span in which both were writing, the ratio of their outputs is the
     * inverse ratio of their cost per record. Which job is submitted first alternates.
     */
    private static String driftSideBySide(String bootstrap, ModelRegistry registry, int records, int batchSize, int repeats,
                                          String model, String[] args) throws Exception {
        List<double[]> results = new ArrayList<>(); // {with drift, without} records/s over the shared span
        for (int i = -1; i < repeats; i++) { // -1: a discarded warm-up
            String on = "side-" + i + "-on";
            String off = "side-" + i + "-off";
            createTopic(bootstrap, on, 2);
            createTopic(bootstrap, off, 2);
            List<JobClient> jobs = new ArrayList<>();
            for (boolean drift : i % 2 == 0 ? new boolean[] {true, false} : new boolean[] {false, true}) {
                String output = drift ? on : off;
                jobs.add(submitAlone(bootstrap, settings(bootstrap, registry, "requests", output, batchSize, drift), false));
            }
            for (JobClient job : jobs) job.getJobExecutionResult().get(10, TimeUnit.MINUTES);
            double[] rates = sharedSpanRates(bootstrap, on, off, records, i);
            if (rates == null) continue;
            log("side by side %s: %.1f s shared: drift on %,.0f records/s, off %,.0f records/s", i < 0 ? "warm-up" : "run " + (i + 1),
                    rates[2], rates[0], rates[1]);
            if (i >= 0) results.add(new double[] {rates[0], rates[1]});
        }
        double[] costs = results.stream().mapToDouble(r -> 100 * (r[1] / r[0] - 1)).sorted().toArray();
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "Run %s on %d cores; Java %s; model: %s.%n%nCommand: `scripts/bench-scoring %s`%n%n",
                LocalDate.now(), Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), model,
                String.join(" ", args)));
        sb.append("| run | records/s with drift | without | cost per record |\n|---|---|---|---|\n");
        for (int i = 0; i < results.size(); i++) {
            double[] r = results.get(i);
            sb.append(String.format(Locale.ROOT, "| %d | %,.0f | %,.0f | %+.1f%% |%n", i + 1, r[0], r[1], 100 * (r[1] / r[0] - 1)));
        }
        sb.append(String.format(Locale.ROOT, "%nDrift detection's cost per record, both jobs side by side, median of %d runs: %+.1f%%.%n",
                results.size(), median(costs)));
        return sb.toString();
    }

    /**
     * The full job against the Kafka → parse → Kafka ceiling, side by side as {@link #driftSideBySide} runs its
     * two jobs: each in its own mini-cluster at parallelism 1, both on the same preloaded topic, rates over the
     * span in which both were writing. The full job runs with the job's defaults (at-least-once, drift on) and
     * labels off; the ceiling with the same settings and the job's own source, parser and sinks. The full job is
     * submitted first and the ceiling when the full job writes its first prediction: started together, the
     * ceiling would be through much of the topic while the full job still loads its model.
     */
    private static String ceilingSideBySide(String bootstrap, ModelRegistry registry, int records, int repeats,
                                            String model, String[] args) throws Exception {
        List<double[]> results = new ArrayList<>(); // {full job, ceiling} records/s over the shared span, span s, from, to, CPU µs/record full, ceiling
        JobSettings ranWith = null;
        for (int i = -1; i < repeats; i++) { // -1: a discarded warm-up
            // The two chains' names: "Source: requests -> parse and validate -> ..." and "Source: requests -> parse -> ..."
            ThreadCpuByName cpuByJob = new ThreadCpuByName("requests -> parse and validate", "requests -> parse ->");
            String full = "ceiling-" + i + "-job";
            String ceiling = "ceiling-" + i + "-ceiling";
            createTopic(bootstrap, full, 2);
            createTopic(bootstrap, ceiling, 2);
            ranWith = defaultSettings(bootstrap, registry, "requests", full);
            JobClient fullJob = submitAlone(bootstrap, ranWith, false);
            awaitFirstOutput(bootstrap, full, Duration.ofMinutes(3));
            JobClient ceilingJob = submitAlone(bootstrap, defaultSettings(bootstrap, registry, "requests", ceiling), true);
            for (JobClient job : List.of(fullJob, ceilingJob)) job.getJobExecutionResult().get(10, TimeUnit.MINUTES);
            double[] shared = sharedSpanRates(bootstrap, full, ceiling, records, i);
            cpuByJob.close();
            if (shared == null) continue;
            double seconds = shared[2];
            double fullMicros = 1e6 * cpuByJob.cpuSeconds(0, (long) shared[3], (long) shared[4]) / (shared[0] * seconds);
            double ceilingMicros = 1e6 * cpuByJob.cpuSeconds(1, (long) shared[3], (long) shared[4]) / (shared[1] * seconds);
            double[] rates = {shared[0], shared[1], seconds, fullMicros, ceilingMicros};
            log("side by side %s: %.1f s shared: full job %,.0f records/s, ceiling %,.0f records/s: %.2f; task-thread CPU "
                            + "per record: full job %.2f µs, ceiling %.2f µs", i < 0 ? "warm-up" : "run " + (i + 1), rates[2],
                    rates[0], rates[1], rates[0] / rates[1], fullMicros, ceilingMicros);
            if (i >= 0) results.add(rates);
        }
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "Run %s on %s; Java %s; model: %s. Full job: the job's default settings, "
                        + "drift on, labels off, %s. Ceiling: the same settings, the job's Kafka source, "
                        + "parser and Kafka sinks, nothing else.%n%nCommand: `scripts/bench-scoring %s`%n%n",
                LocalDate.now(), DriftBenchmark.machine(), System.getProperty("java.version"), model,
                settingsNote(ranWith),
                String.join(" ", args)));
        sb.append("| run | full job records/s | ceiling records/s | shared span (s) | full job / ceiling | task-thread CPU "
                + "per record, full job / ceiling (µs) | ceiling's CPU per record / full job's |\n|---|---|---|---|---|---|---|\n");
        for (int i = 0; i < results.size(); i++) {
            double[] r = results.get(i);
            sb.append(String.format(Locale.ROOT, "| %d | %,.0f | %,.0f | %.1f | %.2f | %.2f / %.2f | %.2f |%n", i + 1, r[0], r[1],
                    r[2], r[0] / r[1], r[3], r[4], r[4] / r[3]));
        }
        if (results.size() < repeats) {
            sb.append(String.format(Locale.ROOT, "%n%d of %d runs not counted: the two jobs wrote at the same time for "
                    + "less than a second (more --records).%n", repeats - results.size(), repeats));
        }
        double[] ratios = results.stream().mapToDouble(r -> r[0] / r[1]).sorted().toArray();
        double[] costRatios = results.stream().mapToDouble(r -> r[4] / r[3]).sorted().toArray();
        sb.append(String.format(Locale.ROOT, "%nTask-thread CPU: the CPU time of each job's task and source-fetcher threads (by "
                + "their chain's name) over the shared span, per record written; its producers' network threads and the "
                + "broker are not in it, nor the full job's TensorFlow threads (native, which the JVM cannot see), its "
                + "drift-window task and its dead-letters sink (tasks of their own). The last column is the throughput ratio each job would have with the same CPU: "
                + "median %.2f.%n", median(costRatios)));
        sb.append(String.format(Locale.ROOT, "%nfull job / ceiling: %.2f (median of %d side-by-side runs)%n", median(ratios), results.size()));
        return sb.toString();
    }

    /** Submits the full job ({@code ceiling} false) or the ceiling in a mini-cluster of its own, parallelism 1, bounded. */
    /** The full job (with its control topics made first) or the Kafka → parse → Kafka ceiling, on {@code in}. */
    /** @param asDeployed with the ratings source when labels are on ({@link #buildAsDeployed}); unbounded runs only */
    private static void buildJobOrCeiling(String bootstrap, StreamExecutionEnvironment env, JobSettings s,
                                          DataStream<RawRecord> in, boolean ceiling, boolean asDeployed) throws Exception {
        if (ceiling) {
            buildCeiling(s, in);
        } else {
            createTopic(bootstrap, s.modelUpdatesTopic, 1);
            createTopic(bootstrap, s.modelStatusTopic, 1);
            if (asDeployed) {
                if (s.labels.labelsEnabled) createTopic(bootstrap, s.ratingsTopic, 2);
                buildAsDeployed(env, s, in);
            } else {
                build(env, s, in);
            }
        }
    }

    private static JobClient submitAlone(String bootstrap, JobSettings s, boolean ceiling) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        ScoringJob.configure(env, s);
        env.setParallelism(1);
        DataStream<RawRecord> in = env.fromSource(KafkaConnections.requestSource(s, true), WatermarkStrategy.noWatermarks(), "requests");
        buildJobOrCeiling(bootstrap, env, s, in, ceiling, false);
        return env.executeAsync("bench " + s.predictionsTopic);
    }

    /** Kafka → parse → Kafka: the job's parser, and its sinks writing the valid requests and the dead letters. */
    private static void buildCeiling(JobSettings s, DataStream<RawRecord> in) {
        SingleOutputStreamOperator<RatingRequest> valid = in.process(new ParseRequests(s.parserLimits)).name("parse");
        valid.sinkTo(KafkaConnections.sink(s, "out", new JsonRecordSerializer<>(s.predictionsTopic, RatingRequest.class, r -> r.requestId)));
        valid.getSideOutput(ParseRequests.DEAD_LETTERS)
                .sinkTo(KafkaConnections.deadLetterSink(s, new JsonRecordSerializer<>(s.deadLettersTopic, DeadLetter.class, d -> null)));
    }

    /** Waits for the first record on {@code topic}. */
    private static void awaitFirstOutput(String bootstrap, String topic, Duration timeout) {
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(consumerProps(bootstrap))) {
            c.subscribe(List.of(topic));
            long deadline = System.nanoTime() + timeout.toNanos();
            while (c.poll(Duration.ofMillis(20)).isEmpty()) {
                if (System.nanoTime() > deadline) throw new IllegalStateException("no output on " + topic + " within " + timeout);
            }
        }
    }

    /**
     * Two jobs' output rates over the span in which both were writing, and that span in seconds: {rate a, rate b,
     * seconds}; null (and a log line) when they overlapped for less than a second.
     */
    private static double[] sharedSpanRates(String bootstrap, String a, String b, int records, int run) {
        List<Long> aTimes = outputTimestamps(bootstrap, a, records);
        List<Long> bTimes = outputTimestamps(bootstrap, b, records);
        long from = Math.max(aTimes.get(0), bTimes.get(0));
        long to = Math.min(aTimes.get(aTimes.size() - 1), bTimes.get(bTimes.size() - 1));
        if (to - from < 1_000) {
            log("run %d: the two jobs overlapped for %d ms only; not counted", run + 1, to - from);
            return null;
        }
        double seconds = (to - from) / 1000.0;
        return new double[] {countWithin(aTimes, from, to) / seconds, countWithin(bTimes, from, to) / seconds, seconds, from, to};
    }

    /** Every output record's Kafka timestamp, sorted. */
    private static List<Long> outputTimestamps(String bootstrap, String topic, int expected) {
        List<Long> times = new ArrayList<>(expected);
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(consumerProps(bootstrap))) {
            c.subscribe(List.of(topic));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (times.size() < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) times.add(r.timestamp());
            }
        }
        if (times.size() < expected) throw new IllegalStateException("only " + times.size() + " of " + expected + " outputs arrived");
        times.sort(null);
        return times;
    }

    private static long countWithin(List<Long> sortedTimes, long from, long to) {
        return sortedTimes.stream().filter(t -> t >= from && t <= to).count();
    }

    private static void write(Path out, String body) throws java.io.IOException {
        log("CPU probe after the runs ...");
        double afterMs = CpuProbe.medianMs(5);
        String report = body + String.format(Locale.ROOT, "%nCPU probe (a fixed single-thread integer loop, `CpuProbe`, "
                + "median of 5): %.0f ms before the runs, %.0f ms after. On this project's 2-core VM it takes ~%d ms when "
                + "the host is quiet; slower means other tenants had the CPU, and the figures above with it.%n",
                cpuProbeBeforeMs, afterMs, QUIET_PROBE_MS);
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, report);
        System.out.println(report);
        log("written to %s", out);
    }

    private static double[] sorted(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    }

    private static double median(double[] sorted) {
        if (sorted.length == 0) return Double.NaN;
        return sorted.length % 2 == 1 ? sorted[sorted.length / 2] : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
    }

    static List<Rating> rows() {
        return MovieLensDir.findForTests().map(dir -> {
                    dataSource = "MovieLens 100K at " + dir;
                    return new MovieLens100K(dir).ratings();
                })
                .orElseGet(() -> {
                    dataSource = "generated MovieLens-like rows (MovieLens 100K not found: not comparable with runs on it)";
                    log("%s: using generated rows instead", MovieLensDir.testSkipMessage().replace("; skipping", ""));
                    return new SyntheticRatings(1).users(943).movies(1682).ratingsPerUser(100).generate().ratings();
                });
    }

    static String train(ModelRegistry registry, List<Rating> rows, Architecture arch) throws Exception {
        Split split = Splits.referenceTime(rows);
        try (TrainedModel model = new Trainer(TrainingConfig.defaults(arch), line -> { })
                .train(split.train(), split.validation())) {
            registry.publish("marquee", model::exportSavedModel);
            return String.format(Locale.ROOT, "%s architecture, trained on %,d rows in %.1f s; data: %s", arch.id(),
                    split.train().size(), model.trainingSeconds(), dataSource);
        }
    }

    /**
     * Imports the SavedModel at {@code dir} into {@code registry} as {@code marquee import --data <MovieLens>
     * --split time --part train} would (the series' model was trained on that part); null when there is no such
     * directory (or "none").
     */
    static String importModel(ModelRegistry registry, String dir, List<Rating> rows) throws Exception {
        Path source = Path.of(dir);
        if (dir.equals("none") || !Files.isRegularFile(source.resolve("saved_model.pb"))) {
            log("no SavedModel at %s: the imported-model variant is left out", dir);
            return null;
        }
        Split split = Splits.referenceTime(rows);
        long t0 = System.nanoTime();
        new ModelImporter(registry, "marquee", line -> log("%s", line)).importModel(
                new ModelImporter.Request(source, "serving_default", "user_id", "movie_title", "timestamp", "output_3", null),
                new ModelImporter.Data("rows of the benchmark", split.name(), "train", split.train(), split.validation(),
                        split.test()));
        return String.format(Locale.ROOT, "%s, imported with the time split's %,d training rows in %.1f s",
                source.toAbsolutePath().normalize(), split.train().size(), (System.nanoTime() - t0) / 1e9);
    }

    private static double runThroughput(String bootstrap, ModelRegistry registry, String input, String output, int n,
                                        int batchSize, boolean parseOnly, boolean drift) throws Exception {
        return run(bootstrap, registry, input, output, n, batchSize, parseOnly, drift).recordsPerSecond();
    }

    private static Run run(String bootstrap, ModelRegistry registry, String input, String output, int n,
                           int batchSize, boolean parseOnly, boolean drift) throws Exception {
        JobSettings s = settings(bootstrap, registry, input, output, batchSize, drift);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        ScoringJob.configure(env, s);
        DataStream<RawRecord> in = env.fromSource(KafkaConnections.requestSource(s, true), WatermarkStrategy.noWatermarks(), "requests");
        if (parseOnly) {
            buildCeiling(s, in);
        } else {
            createTopic(bootstrap, s.modelUpdatesTopic, 1);
            createTopic(bootstrap, s.modelStatusTopic, 1);
            build(env, s, in);
        }
        env.execute("bench");
        OutputSpan span = outputSpan(bootstrap, output, n);
        double cpuMicros = cpu == null ? Double.NaN : 1e6 * cpu.jobCpuSeconds(span.firstMs(), span.lastMs()) / span.count();
        return new Run(span.rate(), cpuMicros);
    }

    /** @param swapAt the second of the measured part at which a new model version is swapped in; 0 for none */
    private static SteadyRateLatency.Result runLatency(String bootstrap, ModelRegistry registry, List<Rating> rows, int rate,
                                                       int seconds, int batchSize, int swapAt) throws Exception {
        return runLatency(bootstrap, registry, rows, rate, seconds, batchSize, swapAt, "", false);
    }

    /**
     * @param tag     appended to the run's topic names, so that runs in one JVM do not read each other's output
     * @param ceiling runs the Kafka → parse → Kafka ceiling (the job's source, parser and sinks) instead of the job
     */
    private static SteadyRateLatency.Result runLatency(String bootstrap, ModelRegistry registry, List<Rating> rows, int rate,
                                                       int seconds, int batchSize, int swapAt, String tag, boolean ceiling)
            throws Exception {
        String input = "latency-in" + tag;
        String output = "latency-out" + tag;
        createTopic(bootstrap, input, 2);
        createTopic(bootstrap, output, 2);
        JobSettings s = settings(bootstrap, registry, input, output, batchSize);
        SteadyRateLatency.Labels labels = null;
        if (!ceiling) {
            latencyLabelsOn = s.labels.labelsEnabled;
            latencySettings = s;
        }
        if (!ceiling && latencyLabelShare > 0) {
            if (!s.labels.labelsEnabled) throw new IllegalArgumentException("--latency-labels needs labels.enabled (the default)");
            labels = new SteadyRateLatency.Labels(s.ratingsTopic, latencyLabelShare);
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        ScoringJob.configure(env, s);
        DataStream<RawRecord> in = env.fromSource(KafkaConnections.requestSource(s), WatermarkStrategy.noWatermarks(), "requests");
        buildJobOrCeiling(bootstrap, env, s, in, ceiling, true);
        JobClient job = env.executeAsync("bench latency" + tag);
        log("latency%s: %,d requests/s for %d s after %d s of warm-up ...", tag, rate, seconds, warmupSeconds);
        try {
            // Warm-up at the measured rate, not measured: JIT, TF kernels and Kafka's buffers settle first.
            return SteadyRateLatency.measure(bootstrap, input, output, rows, rate, warmupSeconds, seconds,
                    !ceiling && swapAt > 0 && swapAt < seconds ? modelSwap(bootstrap, registry, s, swapAt, 2) : null, labels);
        } finally {
            job.cancel().get();
        }
    }

    /**
     * The latency floor on this machine: after one full-job run that is not reported (the JVM's first job runs
     * while its code is still being compiled), {@code pairs} pairs of latency runs, the full job and the Kafka →
     * parse → Kafka ceiling (same settings, sender, reader and broker), one after the other in alternating order
     * (job first in odd pairs). The full job's runs swap in a new model version at {@code swapAt} (0: none). What
     * the ceiling measures is what the broker, the load generator and the machine add; the difference is the job's.
     */
    private static String latencyPairs(String bootstrap, ModelRegistry registry, List<Rating> rows, int rate, int seconds,
                                       int batchSize, int swapAt, int pairs, String model, String[] args) throws Exception {
        log("latency pairs: a full-job run first, not reported (the JVM's compiler settles) ...");
        SteadyRateLatency.Result discarded = runLatency(bootstrap, registry, rows, rate, seconds, batchSize, 0, "-discarded", false);
        log("discarded run: %s", discarded.fromDue().format());
        StringBuilder table = new StringBuilder("| pair | pipeline | p50 / p95 / p99 / p99.9 / max from the due time (ms) | "
                + "p99 across the swap (ms) | predictions read / requests due | requests sent over 1 ms late | "
                + "JVM CPU per request (µs) |\n|---|---|---|---|---|---|---|\n");
        List<String> unread = new ArrayList<>();
        List<Double> jobP99 = new ArrayList<>();
        List<Double> swapP99 = new ArrayList<>();
        int swapsUnread = 0;
        List<Double> ceilingP99 = new ArrayList<>();
        for (int i = 0; i < pairs; i++) {
            for (boolean ceiling : i % 2 == 0 ? new boolean[] {false, true} : new boolean[] {true, false}) {
                String name = ceiling ? "ceiling" : "full job";
                SteadyRateLatency.Result r = runLatency(bootstrap, registry, rows, rate, seconds, batchSize, swapAt,
                        "-" + i + (ceiling ? "-ceiling" : "-job"), ceiling);
                LatencySummary d = r.fromDue();
                LatencySummary swap = r.acrossSwap();
                log("pair %d, %s: %s; across the swap: %s; %,d sent over 1 ms late; JVM CPU %.0f µs per request", i + 1,
                        name, d.format(), swap == null ? "-" : swap.format(), r.lateOver1Ms(), r.processCpuMicrosPerRequest());
                log("pair %d, %s: p99 per second %s; CPU by thread (µs per request) %s", i + 1, name,
                        r.timeline().p99PerSecond(), r.cpuByThread());
                table.append(String.format(Locale.ROOT, "| %d | %s | %.0f / %.0f / %.0f / %.0f / %.0f | %s | %,d / %,d | %,d | %.0f |%n", i + 1,
                        name, d.p50Ms(), d.p95Ms(), d.p99Ms(), d.p999Ms(), d.maxMs(),
                        swap == null ? "-" : String.format(Locale.ROOT, "%.0f", swap.p99Ms()), d.count(), r.measuredSent(),
                        r.lateOver1Ms(), r.processCpuMicrosPerRequest()));
                // A prediction never read is a latency the percentiles leave out: they are then a lower bound.
                if (d.count() < r.measuredSent()) {
                    unread.add(String.format(Locale.ROOT, "pair %d, %s: %,d of %,d predictions not read by the deadline",
                            i + 1, name, r.measuredSent() - d.count(), r.measuredSent()));
                }
                (ceiling ? ceilingP99 : jobP99).add(d.p99Ms());
                if (swap != null && !Double.isNaN(swap.p99Ms())) {
                    swapP99.add(swap.p99Ms());
                } else if (swap != null && r.swapReport() != null) {
                    swapsUnread++; // it swapped, and nothing due in its window was read: the worst case, said apart
                }
            }
        }
        return String.format(Locale.ROOT, "# Scoring latency against the ceiling's%n%nRun %s on %d cores. Command: "
                        + "`scripts/bench-scoring %s`%nModel: %s%n%nEach run: %,d requests/s for %d s after %d s of warm-up, "
                        + "%s, parallelism 2%s; the full job's runs swap in a copy of the "
                        + "serving version %s; latency from each request's due time on the send schedule (HdrHistogram). "
                        + "One full-job run before the pairs was not reported (its p99: %.0f ms). JVM CPU per request: the "
                        + "benchmark JVM's CPU time over the measured part (job, broker, sender, reader, compiler, collector) "
                        + "divided by the requests due in it.%n%n%s%n"
                        + "p99 full job / ceiling: %.0f / %.0f ms (medians of %d runs each); full job across the swap: %s%n%s",
                LocalDate.now(), Runtime.getRuntime().availableProcessors(), String.join(" ", args), model, rate, seconds,
                warmupSeconds, settingsNote(latencySettings), labelsNote(),
                swapAt > 0 ? "at second " + swapAt + " of the measured part (the 10 s from its announcement reported apart)" : "(no: --latency-swap-at 0)",
                discarded.fromDue().p99Ms(), table, median(sorted(jobP99)), median(sorted(ceilingP99)), pairs,
                (swapP99.isEmpty() ? "-" : String.format(Locale.ROOT, "%.0f ms (median)", median(sorted(swapP99))))
                        + (swapsUnread == 0 ? "" : String.format(Locale.ROOT, "; %d swap(s) with nothing due in their"
                                + " window read by the deadline, left out of that median", swapsUnread)),
                unread.isEmpty() ? "" : "WARNING: percentiles leave out predictions never read, so they understate those "
                        + "runs: " + String.join("; ", unread) + "\n");
    }

    /**
     * The job as in production, without its ratings source: each slot reads model updates from the latest
     * ({@code updates-<output topic>}). Without a labels stream the labels' join and online adaptation are not in
     * the graph, whatever the settings say, and a bounded request source ends the job.
     */
    static void build(StreamExecutionEnvironment env, JobSettings s, DataStream<RawRecord> in) {
        ScoringJob.buildToKafka(env, s, in, dev.marquee.job.score.KafkaModelUpdates.fromLatest(s));
    }

    /**
     * The job exactly as deployed: with labels on (the job's default) it also reads the run's ratings topic, so every
     * prediction passes the labels' join and online adaptation (keyed by user: a network hop), whether or not labels
     * arrive. The ratings source is unbounded: for unbounded runs only.
     */
    static void buildAsDeployed(StreamExecutionEnvironment env, JobSettings s, DataStream<RawRecord> in) {
        ScoringJob.buildToKafka(env, s, in, dev.marquee.job.score.KafkaModelUpdates.fromLatest(s), ScoringJob.labels(env, s));
    }

    private static JobSettings settings(String bootstrap, ModelRegistry registry, String input, String output, int batchSize) {
        return settings(bootstrap, registry, input, output, batchSize, true);
    }

    static JobSettings settings(String bootstrap, ModelRegistry registry, String input, String output, int batchSize,
                                        boolean drift) {
        Map<String, String> m = jobMap(bootstrap, registry, input, output, drift);
        m.put(JobSettings.BATCH_SIZE, String.valueOf(batchSize));
        if (checkpointMs != null) m.put(JobSettings.CHECKPOINT_INTERVAL_MS, checkpointMs);
        m.put(JobSettings.KAFKA_PROPERTY_PREFIX + ProducerConfig.BATCH_SIZE_CONFIG, "262144");
        m.put(JobSettings.KAFKA_PROPERTY_PREFIX + ProducerConfig.LINGER_MS_CONFIG, "5");
        return JobSettings.from(m);
    }

    /**
     * The job's default settings (batch size, delivery, checkpoints, its Kafka clients' settings), drift on, labels
     * off; {@code --checkpoint-ms} and {@code -Dbench.settings} still apply when given.
     */
    private static JobSettings defaultSettings(String bootstrap, ModelRegistry registry, String input, String output) {
        Map<String, String> m = jobMap(bootstrap, registry, input, output, true);
        m.putIfAbsent(LabelSettings.LABELS_ENABLED, "false");
        if (checkpointMs != null) m.put(JobSettings.CHECKPOINT_INTERVAL_MS, checkpointMs);
        return JobSettings.from(m);
    }

    /** Topics, broker, registry and group of a benchmark job, reading from the earliest offsets, and -Dbench.settings. */
    private static Map<String, String> jobMap(String bootstrap, ModelRegistry registry, String input, String output, boolean drift) {
        Map<String, String> m = new HashMap<>();
        m.put("drift.enabled", Boolean.toString(drift));
        // Extra job settings for experiments: -Dbench.settings=key=value,key=value
        for (String kv : System.getProperty("bench.settings", "").split(",")) {
            if (kv.contains("=")) m.put(kv.substring(0, kv.indexOf('=')).trim(), kv.substring(kv.indexOf('=') + 1).trim());
        }
        m.put(JobSettings.TOPIC_DRIFT, output + "-drift");
        m.put(JobSettings.BOOTSTRAP, bootstrap);
        m.put(JobSettings.TOPIC_REQUESTS, input);
        m.put(JobSettings.TOPIC_PREDICTIONS, output);
        m.put(JobSettings.TOPIC_DEAD_LETTERS, output + "-dlq");
        m.put(JobSettings.TOPIC_MODEL_STATUS, output + "-status");
        m.put(JobSettings.TOPIC_MODEL_UPDATES, "updates-" + output);
        m.put(JobSettings.TOPIC_RATINGS, output + "-ratings");
        m.put(JobSettings.GROUP_ID, "bench-" + output);
        m.put(JobSettings.KAFKA_PROPERTY_PREFIX + "auto.offset.reset", "earliest");
        m.put(JobSettings.STARTING_OFFSETS, "earliest");
        m.put(JobSettings.MODEL_REGISTRY, registry.base().toString());
        return m;
    }

    private static void preload(String bootstrap, String topic, List<Rating> rows, int n) {
        RequestEncoder encoder = new RequestEncoder();
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(producerProps(bootstrap, "20"))) {
            for (int i = 0; i < n; i++) {
                Rating r = rows.get(i % rows.size());
                p.send(new ProducerRecord<>(topic, r.userId.getBytes(), encoder.single("b-" + i, r)));
            }
            p.flush();
        }
    }

    /** What a throughput run measured: its rate and the job's CPU per record over the same span. */
    record Run(double recordsPerSecond, double cpuMicrosPerRecord) { }

    /** The first and last output record's Kafka timestamp, and how many records arrived. */
    record OutputSpan(int count, long firstMs, long lastMs) {
        double rate() {
            return count / Math.max(0.001, (lastMs - firstMs) / 1000.0);
        }
    }

    /** Records over the span between the first and the last output record's Kafka timestamp. */
    static double rateFromTimestamps(String bootstrap, String topic, int expected) {
        return outputSpan(bootstrap, topic, expected).rate();
    }

    static OutputSpan outputSpan(String bootstrap, String topic, int expected) {
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        int count = 0;
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(consumerProps(bootstrap))) {
            c.subscribe(List.of(topic));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (count < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    min = Math.min(min, r.timestamp());
                    max = Math.max(max, r.timestamp());
                    count++;
                }
            }
        }
        if (count < expected) throw new IllegalStateException("only " + count + " of " + expected + " outputs arrived");
        return new OutputSpan(count, min, max);
    }

    private static String report(String[] names, List<double[]> results, SteadyRateLatency.Result latency, int records, int batch1Records,
                                 int rounds, int rate, int seconds, String model, String[] args) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "Run %s on %d cores, %s; Java %s; model: %s.%n%n", LocalDate.now(),
                Runtime.getRuntime().availableProcessors(), System.getProperty("os.name") + " " + System.getProperty("os.arch"),
                System.getProperty("java.version"), model));
        sb.append(String.format(Locale.ROOT, "Command: `scripts/bench-scoring%s`%n%n", args.length == 0 ? "" : " " + String.join(" ", args)));
        sb.append("| variant | records | rounds (records/s) | median records/s |\n|---|---|---|---|\n");
        double[] medians = new double[names.length];
        for (int v = 0; v < names.length; v++) {
            List<Double> rates = new ArrayList<>();
            for (double[] r : results) if ((int) r[0] == v) rates.add(r[1]);
            double[] sorted = rates.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            medians[v] = sorted.length % 2 == 1 ? sorted[sorted.length / 2] : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
            sb.append(String.format(Locale.ROOT, "| %s | %,d | %s | %,.0f |%n", names[v], v == 1 ? batch1Records : records,
                    rates.stream().map(x -> String.format(Locale.ROOT, "%,.0f", x)).reduce((a, b) -> a + ", " + b).orElse(""), medians[v]));
        }
        sb.append(String.format(Locale.ROOT, "%nBatched vs batch size 1: %.1f×. Full job vs the Kafka → parse → Kafka ceiling: %.0f%%.%n",
                medians[0] / medians[1], 100 * medians[0] / medians[2]));
        if (names.length > 4) {
            List<Double> ratios = new ArrayList<>(); // per round: imported model's rate over the native model's
            for (int round = 0; round < rounds; round++) {
                ratios.add(rateOf(results, round, names.length, 4) / rateOf(results, round, names.length, 0));
            }
            double[] sortedRatios = ratios.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            sb.append(String.format(Locale.ROOT, "Imported model vs ours, same settings (its rate over ours, per round: %s): "
                            + "median %.2f×.%n",
                    ratios.stream().map(r -> String.format(Locale.ROOT, "%.2f×", r)).reduce((a, b) -> a + ", " + b).orElse(""),
                    median(sortedRatios)));
        }
        List<Double> costs = new ArrayList<>(); // per round: time per record with drift over without
        for (int round = 0; round < rounds; round++) {
            double on = results.get(round * names.length + (round % 2 == 0 ? 0 : names.length - 1))[1];
            double off = results.get(round * names.length + (round % 2 == 0 ? 3 : names.length - 1 - 3))[1];
            costs.add(100 * (off / on - 1));
        }
        double[] sortedCosts = costs.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        sb.append(String.format(Locale.ROOT, "Drift detection's cost per record (time per record with drift over without, "
                        + "per round: %s): median %+.1f%%.%n",
                costs.stream().map(c -> String.format(Locale.ROOT, "%+.1f%%", c)).reduce((a, b) -> a + ", " + b).orElse(""),
                median(sortedCosts)));
        sb.append(String.format(Locale.ROOT, "%n"));
        appendLatency(sb, latency, rate, seconds);
        return sb.toString();
    }

    /** The rate of variant {@code v} in {@code round} (variants run in alternating order, round by round). */
    private static double rateOf(List<double[]> results, int round, int variants, int v) {
        for (int k = 0; k < variants; k++) {
            double[] r = results.get(round * variants + k);
            if ((int) r[0] == v) return r[1];
        }
        throw new IllegalArgumentException("no run of variant " + v + " in round " + round);
    }

    static void createTopic(String bootstrap, String name, int partitions) throws Exception {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        try (Admin admin = Admin.create(p)) {
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all().get();
        }
    }

    static Properties producerProps(String bootstrap, String lingerMs) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.LINGER_MS_CONFIG, lingerMs);
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, "262144");
        return p;
    }

    /** Swap window: the requests due this long after a new version is announced count as "across the swap". */
    static final int SWAP_WINDOW_SECONDS = 10;

    /**
     * Publishes a copy of the serving version as a new version and opens a producer and a status reader while the
     * run warms up, as a trainer would have published before announcing; at the swap's second, announces the new
     * version on the job's model-updates topic as production does and waits until each of the job's {@code slots}
     * reports it LOADED on model-status.
     */
    static SteadyRateLatency.Swap modelSwap(String bootstrap, ModelRegistry registry, JobSettings s, int atSecond, int slots) {
        return new SteadyRateLatency.Swap(atSecond, SWAP_WINDOW_SECONDS, () -> {
            long serving = registry.serving(s.modelName).orElseThrow();
            // Without a serving pointer the latest version serves: a slot still opening would start on the copy.
            registry.writeState(s.modelName, dev.marquee.model.ServingState.serving(serving,
                    "benchmark: serves until the swap", System.currentTimeMillis()));
            long version = registry.publish(s.modelName,
                    dir -> dev.marquee.model.Folders.copyRecursively(registry.versionDir(s.modelName, serving), dir));
            KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProps(bootstrap, "0"));
            KafkaConsumer<byte[], byte[]> statuses = new KafkaConsumer<>(consumerProps(bootstrap));
            // the topic was made before the job started; read it whole, no group to join
            List<org.apache.kafka.common.TopicPartition> parts = statuses.partitionsFor(s.modelStatusTopic).stream()
                    .map(i -> new org.apache.kafka.common.TopicPartition(i.topic(), i.partition())).toList();
            statuses.assign(parts);
            statuses.seekToBeginning(parts);
            EventCodec<ModelStatus> codec = EventCodec.of(ModelStatus.class);
            java.util.Set<Integer> loaded = new java.util.HashSet<>();
            java.util.List<String> seen = new java.util.ArrayList<>();
            java.util.function.Consumer<ConsumerRecords<byte[], byte[]>> read = records -> {
                for (ConsumerRecord<byte[], byte[]> rec : records) {
                    ModelStatus st = codec.decode(rec.value());
                    seen.add(st.subtask + ":" + st.version + ":" + st.status);
                    if (st.version != version) continue;
                    if (!ModelStatus.LOADED.equals(st.status)) throw new IllegalStateException("the swap was refused: " + st);
                    loaded.add(st.subtask);
                }
            };
            read.accept(statuses.poll(Duration.ofMillis(100)));
            return new SteadyRateLatency.Action() {
                @Override
                public String run() throws Exception {
                    ModelUpdate update = new ModelUpdate(s.modelName, version, registry.versionDir(s.modelName, version).toString(),
                            System.currentTimeMillis());
                    update.reason = "benchmark: a swap under load";
                    producer.send(new ProducerRecord<>(s.modelUpdatesTopic, s.modelName.getBytes(), EventCodec.of(ModelUpdate.class).encode(update))).get();
                    long announced = System.nanoTime();
                    long deadline = announced + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
                    while (loaded.size() < slots && System.nanoTime() < deadline) read.accept(statuses.poll(Duration.ofMillis(50)));
                    if (loaded.size() < slots) throw new IllegalStateException("version " + version + " was not loaded by " + slots + " slots within 60 s; statuses read (subtask:version:status): " + seen);
                    double seconds = (System.nanoTime() - announced) / 1e9;
                    log("swap: version %d loaded by %d slots %.1f s after its announcement", version, slots, seconds);
                    return String.format(Locale.ROOT, "version %d (a copy of version %d, published as the run started) was "
                            + "announced on model-updates; all %d slots reported it LOADED %.1f s after the announcement",
                            version, serving, slots, seconds);
                }

                @Override
                public void close() {
                    producer.close();
                    statuses.close();
                }
            };
        });
    }

    /**
     * The first job of this JVM (no Flink, Kafka-client or scorer code has run yet; the model was trained in it,
     * so TensorFlow's native library is loaded): the full job with its default settings, drift on, labels off,
     * started on the preloaded requests, and its output per second from the first output on. Then the same job
     * again, from the same offsets into a topic of its own, in the same JVM: a restart on a TaskManager that
     * already ran it (a failover, or an upgrade from a savepoint on a session cluster), where the JVM's compiled
     * code is warm and the job's own state (model, vocabularies, drift reference, Kafka clients) is new.
     */
    private static String coldStart(String bootstrap, ModelRegistry registry, int records, String model, String[] args)
            throws Exception {
        log("cold start: the full job on %,d preloaded requests ...", records);
        ColdStart cold = runToEnd(bootstrap, registry, records, "out-cold");
        log("cold start: first bucket at 90%% of the warm median: %s; now the same job again in this JVM ...",
                cold.secondAt90());
        ColdStart again = runToEnd(bootstrap, registry, records, "out-restart");
        log("restart in a warm JVM: first bucket at 90%% of the warm median: %s", again.secondAt90());
        return String.format(Locale.ROOT, "# Scoring job, cold start%n%nRun %s on %d cores, Java %s%s. Command: `scripts/bench-scoring %s`%n"
                        + "Model: %s. The full job (default settings, drift on, labels off, %s, parallelism 2) "
                        + "on %,d preloaded requests.%n%n## The benchmark JVM's first job%n%nThe first output came %.1f s "
                        + "after submission.%n%n%s%n## The same job again in the same JVM (a restart on a TaskManager that "
                        + "ran it)%n%nThe first output came %.1f s after submission.%n%n%s%nSummary: cold JVM %s, "
                        + "restart %s.%n", LocalDate.now(), Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"), aotCacheNote(), String.join(" ", args), model,
                settingsNote(coldStartSettings), records, cold.firstOutputSeconds(), cold.buckets().format(),
                again.firstOutputSeconds(), again.buckets().format(), cold.secondAt90(), again.secondAt90());
    }

    /** Whether this JVM started from an AOT cache (scripts/bench-scoring --aot-cache true): the compiled code is then not cold. */
    private static String aotCacheNote() {
        return java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> a.startsWith("-XX:AOTCache=")).findFirst()
                .map(a -> ", started from the AOT cache " + a.substring("-XX:AOTCache=".length())
                        + " (written by a training run of the same command)")
                .orElse(", no AOT cache");
    }

    /** One run of the cold-start job: its output per second and how long after submission the first output came. */
    private record ColdStart(ColdStartBuckets buckets, double firstOutputSeconds) {
        String secondAt90() {
            return buckets.secondAt90();
        }
    }

    private static ColdStart runToEnd(String bootstrap, ModelRegistry registry, int records, String output) throws Exception {
        createTopic(bootstrap, output, 2);
        JobSettings s = defaultSettings(bootstrap, registry, "requests", output);
        coldStartSettings = s;
        createTopic(bootstrap, s.modelUpdatesTopic, 1);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        ScoringJob.configure(env, s);
        env.setParallelism(2);
        build(env, s, env.fromSource(KafkaConnections.requestSource(s, true), WatermarkStrategy.noWatermarks(), "requests"));
        long submitted = System.currentTimeMillis();
        env.execute("bench " + output);
        long[] timestamps = outputTimestamps(bootstrap, output, records).stream().mapToLong(Long::longValue).toArray();
        long first = java.util.Arrays.stream(timestamps).min().getAsLong();
        return new ColdStart(ColdStartBuckets.of(timestamps), (first - submitted) / 1000.0);
    }

    private static String latencyReport(SteadyRateLatency.Result latency, int rate, int seconds, String model, String[] args) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "# Scoring latency%n%nCommand: scripts/bench-scoring %s%nModel: %s%n%n",
                String.join(" ", args), model));
        appendLatency(sb, latency, rate, seconds);
        return sb.toString();
    }

    private static void appendLatency(StringBuilder sb, SteadyRateLatency.Result latency, int rate, int seconds) {
        sb.append(String.format(Locale.ROOT, "End-to-end latency at a steady %,d requests/s for %d s after %d s of warm-up, "
                        + "%s%s; %,d of %,d predictions read (a reader thread of its own; "
                        + "HdrHistogram). From each request's due time on the send schedule (coordinated omission "
                        + "corrected): %s. From the producer's actual send (its Kafka timestamp): %s. Requests sent over "
                        + "1 ms late: %,d.%n",
                rate, seconds, warmupSeconds, settingsNote(latencySettings), labelsNote(),
                latency.fromDue().count(), latency.measuredSent(), latency.fromDue().format(), latency.fromSend().format(),
                latency.lateOver1Ms()));
        if (latency.fromDue().count() < latency.measuredSent()) {
            sb.append(String.format(Locale.ROOT, "WARNING: %,d of %,d predictions not read by the deadline: the percentiles"
                            + " above leave them out and are a lower bound.%n",
                    latency.measuredSent() - latency.fromDue().count(), latency.measuredSent()));
        }
        sb.append(String.format(Locale.ROOT, "Where the time goes (millisecond clocks, so ±1 ms): from the send to the end of "
                + "scoring (the prediction's scored_at_ms) %s; from there to the read %s.%n",
                latency.sendToScored().format(), latency.scoredToRead().format()));
        sb.append(String.format(Locale.ROOT, "Per second of the measured part, p99 from the due time (ms; %d of %d seconds "
                        + "at or under 30 ms): %s.%n", latency.timeline().secondsWithP99AtMost(30),
                latency.timeline().secondsRead(), latency.timeline().p99PerSecond()));
        if (latency.cpuByThread() != null) {
            sb.append(String.format(Locale.ROOT, "The JVM's CPU per request over the measured part, by thread (µs; threads "
                    + "grouped by name without numbers, the 15 largest): %s.%n", latency.cpuByThread()));
        }
        if (latency.acrossSwap() != null) {
            sb.append(String.format(Locale.ROOT, "%nAcross a model swap: %s. The requests due in the %d s from the "
                            + "announcement on (up to the measured part's end; %,d of them read): %s.%n",
                    latency.swapReport() == null ? "no swap happened" : latency.swapReport(), SWAP_WINDOW_SECONDS,
                    latency.acrossSwap().count(), latency.acrossSwap().format()));
        }
    }

    /** What the latency runs' headers say about labels (the full job's; the ceiling gets none). */
    /** What the full job ran with, as a report says it: --checkpoint-ms and -Dbench.settings applied. */
    static String settingsNote(JobSettings s) {
        if (s == null) return "settings not recorded (no run)";
        String experiments = System.getProperty("bench.settings", "");
        return String.format(Locale.ROOT, "%s, checkpoints every %,d ms, batch.size %d, batch.max-delay-ms %d%s",
                s.delivery.name().toLowerCase(Locale.ROOT).replace('_', '-'), s.checkpointIntervalMs, s.batchSize,
                s.batchMaxDelayMs, experiments.isBlank() ? "" : " (-Dbench.settings=" + experiments + ")");
    }

    private static String labelsNote() {
        if (!latencyLabelsOn) return ", labels off (the labels' join and online adaptation not in the graph)";
        return latencyLabelShare > 0
                ? String.format(Locale.ROOT, ", labels on as deployed with the true rating of %.0f%% of the requests sent "
                        + "to the ratings topic right after each (--latency-labels %s)", latencyLabelShare * 100, latencyLabelShare)
                : ", labels on as deployed (every prediction passes the labels' join and online adaptation, keyed by "
                        + "user), no label sent (--latency-labels 0)";
    }

    static Properties consumerProps(String bootstrap) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "bench-reader-" + System.nanoTime());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return p;
    }

    static void log(String format, Object... args) {
        System.err.printf(Locale.ROOT, "bench: " + format + "%n", args);
    }
}

package dev.marquee.job.bench;

import dev.marquee.job.config.LocalBinding;

import static dev.marquee.data.drift.DriftMetricNames.SLICE_GAP;
import static dev.marquee.data.drift.DriftMetricNames.TITLE_OOV;
import static dev.marquee.data.drift.DriftMetricNames.TYPE_CHANGE_RATE;
import static dev.marquee.data.drift.DriftMetricNames.UNEXPECTED_FIELD_RATE;
import static dev.marquee.data.drift.DriftMetricNames.USER_OOV;

import dev.marquee.data.config.SettingException;
import dev.marquee.data.config.Settings;
import dev.marquee.data.drift.AlertTracker;
import dev.marquee.data.drift.DriftCalibration;
import dev.marquee.data.drift.DriftSettings;
import dev.marquee.data.drift.ErrorModel;
import dev.marquee.data.event.Alert;
import dev.marquee.data.event.DriftReport;
import dev.marquee.data.event.Episode;
import dev.marquee.data.event.ModelUpdate;
import dev.marquee.data.event.Prediction;
import dev.marquee.data.event.Rating;
import dev.marquee.data.json.EventCodec;
import dev.marquee.data.movielens.Movie;
import dev.marquee.data.movielens.MovieLens100K;
import dev.marquee.data.movielens.MovieLensDir;
import dev.marquee.data.movielens.MovieLensNotFoundException;
import dev.marquee.data.movielens.Split;
import dev.marquee.data.movielens.Splits;
import dev.marquee.data.profile.ReferenceProfile;
import dev.marquee.data.replay.ReplayOptions;
import dev.marquee.data.replay.ReplayProducer;
import dev.marquee.data.replay.ReplaySummary;
import dev.marquee.data.replay.RequestEncoder;
import dev.marquee.infra.EmbeddedKafka;
import dev.marquee.job.ScoringJob;
import dev.marquee.job.config.JobSettings;
import dev.marquee.job.label.LabelSettings;
import dev.marquee.model.Architecture;
import dev.marquee.model.EvaluationReport;
import dev.marquee.model.ModelCard;
import dev.marquee.model.ModelRegistry;
import dev.marquee.model.TrainedModel;
import dev.marquee.model.Trainer;
import dev.marquee.model.TrainingConfig;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.WakeupException;

/**
 * Drift detection's false alarms and detection delay (issue 13), run by {@code scripts/bench-drift}; results go
 * to docs/BENCHMARKS.md. Not a test: nothing here asserts a number.
 *
 * <p>Version 1 is trained the way {@code scripts/marquee train --split time --seed 42} trains it (the time
 * split's training part, early stopping on its validation part, drift calibration and error model included) into
 * a registry of the benchmark's own. The scoring job runs in a Flink MiniCluster against an in-JVM Kafka broker
 * with {@code drift.window.records 1000}, {@code drift.window.ms 5000}, labels off and the default thresholds;
 * the replay producer ({@link ReplayProducer}, what {@code scripts/marquee replay} runs) sends at 1,500
 * requests/s. Three parts, each in a fresh scoring job (fresh drift state, own topics):
 * <ol>
 *   <li>(a) false alarms on version 1's training period replayed in time order;</li>
 *   <li>(b) false alarms on the validation + test parts in time order (the natural stream: new users arrive);</li>
 *   <li>(c) detection delay of six injections and a prediction shift, each after a plain lead-in of training
 *       rows. The shift is version 2: the same training rows with every rating +0.5 (same seed), carrying
 *       version 1's reference profile, calibration and error model, swapped in with a model update.</li>
 * </ol>
 */
public final class DriftBenchmark {
    private static final Set<String> KEYS = Set.of("rate", "train-limit", "stream-limit", "lead-in", "injected", "parts",
            "parallelism", "out", "progress-seconds", "drain-seconds");
    static final String USAGE = String.join("\n",
            "usage: scripts/bench-drift [options]",
            "Drift detection's false alarms and detection delay (issue 13) with a model of its own.",
            "  --rate R                requests per second of every replay (default 1500)",
            "  --train-limit N         part (a): the first N rows of the training part, 0 = all 65,336 (default 30000)",
            "  --stream-limit N        part (b): the first N rows of validation + test, 0 = all 34,664 (default 0)",
            "  --lead-in N             part (c): plain training rows before each injection (default 8000)",
            "  --injected N            part (c): rows sent with each injection (default 6000)",
            "  --parts LIST            which parts to run, comma-separated from a, b, c (default a,b,c)",
            "  --parallelism N         of the scoring job (default 2: Flink's local default on this machine)",
            "  --progress-seconds S    seconds between progress lines (default 10)",
            "  --drain-seconds S       wait at most S s for the last drift report of a part (default 60)",
            "  --out FILE              the report (Markdown; default job/target/bench-drift.md; the windows as CSV beside it)",
            "  --drift.* V             scoring job drift settings over the benchmark's (docs/DRIFT.md)",
            "Needs MovieLens 100K: $MOVIELENS_DIR, else ../shared/data/ml-100k (scripts/fetch-movielens downloads it).");
    private static final String MODEL = "marquee";
    private static final long SEED = 42;
    /** The scoring job's settings the benchmark fixes (issue 13); --drift.* options go over them. */
    private static final Map<String, String> JOB_DRIFT = Map.of(DriftSettings.WINDOW_RECORDS, "1000",
            DriftSettings.WINDOW_MS, "5000", LabelSettings.LABELS_ENABLED, "false");
    /** Version 1's assets that version 2 carries, so its predictions are compared with version 1's reference. */
    private static final List<String> CARRIED_ASSETS = List.of(ReferenceProfile.FILE_NAME, DriftCalibration.FILE_NAME,
            ErrorModel.FILE_NAME);

    private DriftBenchmark() {}

    public static void main(String[] args) {
        BenchMain.exit("scripts/bench-drift", true, () -> run(args));
    }

    /** The options, checked before anything starts. */
    record Options(double rate, int trainLimit, int streamLimit, int leadIn, int injected, Set<String> parts,
                   int parallelism, Path out, long progressSeconds, long drainSeconds, Map<String, String> drift) {

        static Options parse(String[] args) {
            Map<String, String> opts = new HashMap<>();
            Map<String, String> drift = new TreeMap<>();
            for (int i = 0; i < args.length; i += 2) {
                if (!args[i].startsWith("--")) throw new SettingException("expected --key value, got " + args[i]);
                String key = args[i].substring(2);
                if (i + 1 >= args.length) throw new SettingException("--" + key + " needs a value");
                if (key.startsWith(DriftSettings.PREFIX)) drift.put(key, args[i + 1]);
                else if (KEYS.contains(key)) opts.put(key, args[i + 1]);
                else throw new SettingException("unknown option --" + key + "; known: " + new java.util.TreeSet<>(KEYS) + " and --drift.*");
            }
            Set<String> parts = new LinkedHashSet<>();
            for (String p : opts.getOrDefault("parts", "a,b,c").split(",")) {
                String part = p.trim().toLowerCase(Locale.ROOT);
                if (!List.of("a", "b", "c").contains(part)) throw new SettingException("--parts takes a, b and c, got " + p);
                parts.add(part);
            }
            return new Options(number(opts, "rate", 1500, 1, 1_000_000), (int) number(opts, "train-limit", 30_000, 0, 1e9),
                    (int) number(opts, "stream-limit", 0, 0, 1e9), (int) number(opts, "lead-in", 8_000, 1, 1e9),
                    (int) number(opts, "injected", 6_000, 1, 1e9), parts, (int) number(opts, "parallelism", 2, 1, 64),
                    Path.of(opts.getOrDefault("out", "job/target/bench-drift.md")),
                    (long) number(opts, "progress-seconds", 10, 1, 3600), (long) number(opts, "drain-seconds", 60, 1, 3600), drift);
        }

        private static double number(Map<String, String> opts, String key, double def, double min, double max) {
            String v = opts.get(key);
            if (v == null) return def;
            double d;
            try {
                d = Double.parseDouble(v.trim());
            } catch (NumberFormatException e) {
                throw new SettingException("--" + key + " must be a number, got " + v);
            }
            if (!(d >= min && d <= max)) throw new SettingException("--" + key + " must be in [" + min + ", " + max + "], got " + v);
            return d;
        }

        /** The rate as a command takes it: 1500, or 12.5. */
        String rateText() {
            return rate == Math.rint(rate) ? Long.toString((long) rate) : Double.toString(rate);
        }
    }

    /** What every part needs. */
    record Env(Options o, String bootstrap, MiniCluster cluster, ModelRegistry registry, List<Movie> catalog) {}

    static int run(String[] args) throws Exception {
        if (List.of(args).contains("--help") || List.of(args).contains("-h")) {
            System.out.println(USAGE);
            return 0;
        }
        long started = System.nanoTime();
        Options o = Options.parse(args);
        // Bad --drift.* values fail here, before anything starts (the registry is not created by this).
        jobSettings("localhost:9092", new ModelRegistry(Path.of("registry-not-used")), "check", o);
        MovieLensDir dir = MovieLensDir.resolve();
        MovieLens100K movieLens = new MovieLens100K(dir);
        Split split = Splits.referenceTime(movieLens.ratings());
        List<Movie> catalog = List.copyOf(movieLens.movies().values());
        List<Rating> train = split.train();
        if (o.leadIn + o.injected > train.size()) {
            throw new SettingException("--lead-in + --injected must fit in the " + train.size() + " training rows");
        }
        List<Rating> partA = o.trainLimit > 0 && o.trainLimit < train.size() ? train.subList(0, o.trainLimit) : train;
        List<Rating> stream = new ArrayList<>(split.validation()); // each part is in time order
        stream.addAll(split.test());
        if (o.streamLimit > 0 && o.streamLimit < stream.size()) stream = stream.subList(0, o.streamLimit);
        List<Rating> phaseRows = train.subList(0, o.leadIn + o.injected);

        Path work = Files.createTempDirectory("marquee-bench-drift");
        ModelRegistry registry = new ModelRegistry(work.resolve("registry"));
        log("MovieLens 100K at %s; time split: train %,d, validation %,d, test %,d rows; registry %s", dir.path(),
                train.size(), split.validation().size(), split.test().size(), registry.base());
        Models models = trainModels(registry, dir, split, phaseRows.subList(o.leadIn, phaseRows.size()), o.parts.contains("c"));

        EmbeddedKafka kafka = EmbeddedKafka.start();
        MiniCluster cluster = null;
        try {
            cluster = new MiniCluster(new MiniClusterConfiguration.Builder().setNumTaskManagers(1).withRandomPorts()
                    .setNumSlotsPerTaskManager(o.parallelism).setConfiguration(LocalBinding.loopback(new Configuration())).build());
            cluster.start();
            Env env = new Env(o, kafka.bootstrapServers(), cluster, registry, catalog);
            PartStats a = null;
            PartStats b = null;
            PartC c = null;
            if (o.parts.contains("a")) {
                a = falseAlarms(env, "a", "(a) the training period in time order", partA);
            }
            if (o.parts.contains("b")) {
                b = falseAlarms(env, "b", "(b) validation + test in time order", stream);
            }
            if (o.parts.contains("c")) {
                c = detections(env, phaseRows);
            }
            double minutes = (System.nanoTime() - started) / 60e9;
            String report = report(o, args, dir, split, models, partA.size(), stream.size(), split.validation().size(),
                    a, b, c, minutes);
            write(o, report, a, b, c);
            System.out.println(report);
            log("done in %.1f min; the registry (versions 1 and 2) is at %s, in this JVM's temporary folder (the scripts"
                    + " remove it when the next of them starts)", minutes, registry.base());
            return 0;
        } finally {
            if (cluster != null) cluster.close();
            kafka.close();
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // The models

    /** Version 1 (and 2, when part (c) runs) as published, and what the report says of them. */
    record Models(String v1, long calibrationRows, String calibrationChecks, String v2, double v1Mean, double v2Mean) {}

    /**
     * Version 1 as {@code scripts/marquee train --split time --seed 42} makes it; version 2 the same with every
     * training and validation rating +0.5, carrying version 1's drift assets. The registry is then pinned to
     * version 1 (as {@code scripts/marquee rollback} leaves it), so every job starts on it; part (c) unpins it and
     * sends the model update for version 2.
     */
    private static Models trainModels(ModelRegistry registry, MovieLensDir dir, Split split, List<Rating> shiftRows,
                                      boolean withVersionTwo) throws Exception {
        TrainingConfig config = TrainingConfig.defaults(Architecture.DEFAULT).withSeed(SEED);
        String source = "MovieLens 100K at " + dir.path();
        log("training version 1 (scripts/marquee train --split time --seed %d) ...", SEED);
        String v1;
        int[] sizes;
        long calibrationRows = 0;
        String checks = "";
        double v1Mean;
        try (TrainedModel model = new Trainer(config, DriftBenchmark::trainerLine).train(split.train(), split.validation())) {
            EvaluationReport evaluation = EvaluationReport.evaluate(model, split);
            ModelCard card = ModelCard.of(model, source, split, evaluation);
            long version = registry.publish(MODEL, d -> {
                model.exportSavedModel(d);
                card.write(d);
            });
            if (version != 1) throw new IllegalStateException("expected version 1 in a fresh registry, got " + version);
            DriftCalibration cal = model.driftCalibration();
            sizes = cal == null ? new int[0] : cal.windowSizes();
            if (cal != null) {
                calibrationRows = cal.calibrationRows();
                checks = cal.checks().stream().map(k -> String.format(Locale.ROOT, "windows of %,d: %d of %d calibration "
                        + "windows drifted, %d of %d held-out", k.windowSize(), k.calibrationDrifted(), k.calibrationWindows(),
                        k.heldOutDrifted(), k.heldOutWindows())).collect(Collectors.joining("; "));
            }
            v1 = String.format(Locale.ROOT, "default architecture, seed %d, %,d training rows, best epoch %d of %d, "
                            + "%.1f s; test RMSE %.4f; drift calibration %s", SEED, split.train().size(), model.bestEpoch(),
                    model.learningCurve().epochs().size(), model.trainingSeconds(), evaluation.model().test().rmse(),
                    cal == null ? "none (uncalibrated)" : "for windows of " + Arrays.toString(sizes) + " scored requests");
            v1Mean = mean(model.predict(shiftRows));
            log("version 1: %s", v1);
        }
        String v2 = null;
        double v2Mean = Double.NaN;
        if (withVersionTwo) {
            log("training version 2: the same rows with every rating +0.5, same seed ...");
            Split shifted = new Split(split.name() + "+0.5", plusHalf(split.train()), plusHalf(split.validation()),
                    plusHalf(split.test()));
            try (TrainedModel model = new Trainer(config, DriftBenchmark::trainerLine).train(shifted.train(), shifted.validation())) {
                EvaluationReport evaluation = EvaluationReport.evaluate(model, shifted);
                ModelCard card = ModelCard.of(model, source + ", every rating +0.5 (drift benchmark)", shifted, evaluation);
                Path v1Assets = registry.versionDir(MODEL, 1).resolve(TrainedModel.ASSETS);
                long version = registry.publish(MODEL, d -> {
                    model.exportSavedModel(d);
                    card.write(d);
                    for (String f : CARRIED_ASSETS) {
                        Files.copy(v1Assets.resolve(f), d.resolve(TrainedModel.ASSETS).resolve(f), StandardCopyOption.REPLACE_EXISTING);
                    }
                });
                if (version != 2) throw new IllegalStateException("expected version 2, got " + version);
                v2Mean = mean(model.predict(shiftRows));
                v2 = String.format(Locale.ROOT, "best epoch %d of %d, %.1f s; carries version 1's %s", model.bestEpoch(),
                        model.learningCurve().epochs().size(), model.trainingSeconds(), String.join(", ", CARRIED_ASSETS));
                log("version 2: %s; mean prediction on the injected rows %.3f (version 1: %.3f)", v2, v2Mean, v1Mean);
            }
        }
        registry.pin(MODEL, 1);
        return new Models(v1, calibrationRows, checks, v2, v1Mean, v2Mean);
    }

    private static void trainerLine(String line) {
        if (line.startsWith("drift calibration") || line.startsWith("early stop") || line.startsWith("no validation")) {
            log("  trainer: %s", line);
        }
    }

    private static List<Rating> plusHalf(List<Rating> rows) {
        List<Rating> out = new ArrayList<>(rows.size());
        for (Rating r : rows) out.add(new Rating(r.userId, r.movieTitle, r.rating + 0.5f, r.timestamp));
        return out;
    }

    private static double mean(float[] v) {
        double s = 0;
        for (float x : v) s += x;
        return v.length == 0 ? Double.NaN : s / v.length;
    }

    // ---------------------------------------------------------------------------------------------------------
    // One scoring job and its drift reports

    static JobSettings jobSettings(String bootstrap, ModelRegistry registry, String id, Options o) {
        Map<String, String> m = new HashMap<>(JOB_DRIFT);
        m.putAll(o.drift);
        m.put(JobSettings.BOOTSTRAP, bootstrap);
        m.put(JobSettings.GROUP_ID, "bench-drift-" + id);
        m.put(JobSettings.STARTING_OFFSETS, "earliest");
        m.put(JobSettings.TOPIC_REQUESTS, "requests-" + id);
        m.put(JobSettings.TOPIC_PREDICTIONS, "predictions-" + id);
        m.put(JobSettings.TOPIC_DEAD_LETTERS, "dlq-" + id);
        m.put(JobSettings.TOPIC_MODEL_STATUS, "status-" + id);
        m.put(JobSettings.TOPIC_DRIFT, "drift-" + id);
        m.put(JobSettings.TOPIC_MODEL_UPDATES, "updates-" + id);
        m.put(JobSettings.TOPIC_RATINGS, "ratings-" + id);
        m.put(JobSettings.TRANSACTIONAL_ID_PREFIX, "bench-drift-" + id);
        m.put(JobSettings.MODEL_REGISTRY, registry.base().toString());
        m.put(JobSettings.MODEL_NAME, MODEL);
        m.put(JobSettings.PARALLELISM, String.valueOf(o.parallelism));
        return JobSettings.from(m);
    }

    /** A scoring job with topics of its own, warmed up; its drift reports are read from the first one on. */
    static final class JobRun implements AutoCloseable {
        final Env env;
        final String id;
        final JobClient job;
        final ReportReader reader;
        final KafkaProducer<byte[], byte[]> producer;
        private int warmups;
        private int sent;

        JobRun(Env env, String id, String title, Rating probe) throws Exception {
            this.env = env;
            this.id = id;
            for (String t : List.of("requests-", "predictions-", "dlq-")) ScoringBenchmark.createTopic(env.bootstrap, t + id, 2);
            for (String t : List.of("status-", "drift-", "updates-")) ScoringBenchmark.createTopic(env.bootstrap, t + id, 1);
            JobSettings s = jobSettings(env.bootstrap, env.registry, id, env.o);
            producer = new KafkaProducer<>(ScoringBenchmark.producerProps(env.bootstrap, "0"));
            reader = new ReportReader(env.bootstrap, "drift-" + id, id, TimeUnit.SECONDS.toMillis(env.o.progressSeconds));
            Thread t = new Thread(reader, "bench-drift-reader-" + id);
            t.setDaemon(true);
            t.start();
            job = PrequentialBenchmark.submit(env.cluster, env.o.parallelism, "drift benchmark " + title,
                    e -> ScoringJob.buildWithKafka(e, s));
            warmUp(probe);
        }

        /**
         * Sends a training row as a request once a second until the job answers (model loaded, job running), then
         * waits for the drift reports to have counted every one of them, so the part's windows hold only its rows.
         */
        private void warmUp(Rating probe) throws Exception {
            RequestEncoder encoder = new RequestEncoder();
            EventCodec<Prediction> predictions = EventCodec.of(Prediction.class);
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
            try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(ScoringBenchmark.consumerProps(env.bootstrap))) {
                c.subscribe(List.of("predictions-" + id));
                boolean answered = false;
                while (!answered) {
                    if (System.nanoTime() > deadline) throw new IllegalStateException("the scoring job did not answer within 5 minutes");
                    producer.send(new ProducerRecord<>("requests-" + id, probe.userId.getBytes(StandardCharsets.UTF_8),
                            encoder.single("warmup-" + warmups, probe)));
                    producer.flush();
                    warmups++;
                    for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofSeconds(1))) {
                        if (predictions.decode(r.value()).requestId.startsWith("warmup-")) answered = true;
                    }
                }
            }
            awaitCompleted(warmups, 60, "those are the warm-up's, so the part's first windows may hold some of them");
            reader.markStart();
            log("[%s] the job answers; %d warm-up request(s) in %d window(s) before the part's windows", id, warmups,
                    reader.all.size());
        }

        /** Replays {@code rows} with the drift {@code flags} (as {@code scripts/marquee replay} takes them). */
        ReplaySummary replay(List<Rating> rows, String flags, String requestIdPrefix) {
            Map<String, String> m = new HashMap<>(flags(flags));
            m.put(ReplayOptions.BOOTSTRAP, env.bootstrap);
            m.put(ReplayOptions.TOPIC, "requests-" + id);
            m.put(ReplayOptions.RATE, String.valueOf(env.o.rate));
            m.put(ReplayOptions.REQUEST_ID_PREFIX, requestIdPrefix);
            m.put(ReplayOptions.PROGRESS_SECONDS, String.valueOf(env.o.progressSeconds));
            ReplayOptions options = new ReplayOptions(new Settings(m), new Properties());
            ReplaySummary s = new ReplayProducer(options, line -> log("[%s] %s", id, line)).replay(rows, env.catalog);
            if (s.errors > 0) throw new IllegalStateException("the replay failed: " + s.describe());
            sent += rows.size();
            return s;
        }

        /** Waits until the drift reports counted every request sent (scored or refused). */
        void drain() throws InterruptedException {
            awaitCompleted(warmups + sent, env.o.drainSeconds, "the figures below for that part cover only what was counted");
        }

        private void awaitCompleted(long n, long seconds, String consequence) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            while (reader.completed() < n) {
                if (System.nanoTime() > deadline) {
                    log("[%s] warning: the drift reports counted %,d of %,d requests after %d s; going on", id,
                            reader.completed(), n, seconds);
                    SHORTFALLS.add(String.format(Locale.ROOT, "[%s] the drift reports counted %,d of %,d requests sent:"
                            + " %s", id, reader.completed(), n, consequence));
                    return;
                }
                Thread.sleep(200);
            }
        }

        void sendModelUpdate(long version) {
            ModelUpdate u = new ModelUpdate(MODEL, version, env.registry.versionDir(MODEL, version).toString(),
                    System.currentTimeMillis());
            producer.send(new ProducerRecord<>("updates-" + id, MODEL.getBytes(StandardCharsets.UTF_8),
                    EventCodec.of(ModelUpdate.class).encode(u)));
            producer.flush();
        }

        @Override
        public void close() {
            try {
                job.cancel().get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                log("[%s] could not cancel job %s: %s", id, job.getJobID(), e);
            }
            reader.stop();
            producer.close();
        }
    }

    /** {@code --drift-share 0.5 --drift-unseen-users} as settings; a flag without a value is "true". */
    static Map<String, String> flags(String text) {
        Map<String, String> m = new LinkedHashMap<>();
        String[] t = text.isBlank() ? new String[0] : text.trim().split("\\s+");
        for (int i = 0; i < t.length; i++) {
            if (!t[i].startsWith("--")) throw new IllegalArgumentException("expected --flag in '" + text + "'");
            boolean hasValue = i + 1 < t.length && !t[i + 1].startsWith("--");
            m.put(t[i].substring(2), hasValue ? t[++i] : "true");
        }
        return m;
    }

    /** Reads a drift-metrics topic into a list; prints a progress line now and then. */
    static final class ReportReader implements Runnable {
        private final KafkaConsumer<byte[], byte[]> consumer;
        private final String topic;
        private final String id;
        private final long progressMs;
        final List<DriftReport> all = new CopyOnWriteArrayList<>();
        private volatile int start;
        private volatile boolean running = true;

        ReportReader(String bootstrap, String topic, String id, long progressMs) {
            this.consumer = new KafkaConsumer<>(ScoringBenchmark.consumerProps(bootstrap));
            this.topic = topic;
            this.id = id;
            this.progressMs = progressMs;
        }

        @Override
        public void run() {
            EventCodec<DriftReport> codec = EventCodec.of(DriftReport.class);
            long next = System.currentTimeMillis() + progressMs;
            try (consumer) {
                consumer.subscribe(List.of(topic));
                while (running) {
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) all.add(codec.decode(r.value()));
                    long now = System.currentTimeMillis();
                    if (now >= next) {
                        next = now + progressMs;
                        List<DriftReport> part = reports();
                        if (part.isEmpty()) continue;
                        DriftReport last = part.get(part.size() - 1);
                        log("[%s] %d windows so far, %d drifted; window #%d: %,d scored, %,d refused, alerts %s", id,
                                part.size(), part.stream().filter(x -> x.drifted).count(), last.sequence, last.scoredCount,
                                last.invalidCount, last.alerts.stream().map(x -> x.metric).toList());
                    }
                }
            } catch (WakeupException e) {
                if (running) throw e;
            }
        }

        /** Scored plus refused requests over every report so far (a count window closes on these). */
        long completed() {
            long n = 0;
            for (DriftReport r : all) n += r.scoredCount + r.invalidCount;
            return n;
        }

        void markStart() {
            start = all.size();
        }

        /** The reports after the warm-up's. */
        List<DriftReport> reports() {
            List<DriftReport> a = new ArrayList<>(all);
            return a.subList(Math.min(start, a.size()), a.size());
        }

        void stop() {
            running = false;
            consumer.wakeup();
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // (a) and (b): false alarms

    /** One metric's record over a part: windows over its threshold, alerts (after the hysteresis). */
    static final class MetricStats {
        final String metric;
        int over;
        int alerts;
        final List<Double> thresholds = new ArrayList<>();
        final List<Double> alertValues = new ArrayList<>();
        final Set<String> sources = new LinkedHashSet<>();
        long firstAlertRow = -1;

        MetricStats(String metric) {
            this.metric = metric;
        }
    }

    /** What a part's windows say. */
    record PartStats(String id, String title, int rows, List<DriftReport> reports, int drifted, int overAny,
                     int episodes, List<MetricStats> metrics, long[] scoredQuartiles, long[] rowAtReport) {

        int windows() {
            return reports.size();
        }

        static PartStats of(String id, String title, int rows, List<DriftReport> reports) {
            Map<String, MetricStats> byMetric = new TreeMap<>();
            int drifted = 0;
            int overAny = 0;
            int episodes = 0;
            long[] rowAt = new long[reports.size()];
            long cumulative = 0;
            for (int i = 0; i < reports.size(); i++) {
                DriftReport r = reports.get(i);
                cumulative += r.scoredCount + r.invalidCount;
                rowAt[i] = cumulative;
                if (r.drifted) drifted++;
                if (r.episode != null && Episode.OPENED.equals(r.episode.event)) episodes++;
                boolean any = false;
                for (Map.Entry<String, Double> t : r.thresholds.entrySet()) {
                    Double v = r.metrics.get(t.getKey());
                    MetricStats s = byMetric.computeIfAbsent(t.getKey(), MetricStats::new);
                    s.thresholds.add(t.getValue());
                    String source = r.thresholdSources.get(t.getKey());
                    if (source != null) s.sources.add(source);
                    if (v != null && v > t.getValue()) {
                        s.over++;
                        if (!AlertTracker.isOperational(t.getKey())) any = true;
                    }
                }
                if (any) overAny++;
                for (Alert a : r.alerts) {
                    MetricStats s = byMetric.computeIfAbsent(a.metric, MetricStats::new);
                    s.alerts++;
                    s.alertValues.add(a.value);
                    if (s.firstAlertRow < 0) s.firstAlertRow = cumulative;
                }
            }
            long[] scored = reports.stream().mapToLong(r -> r.scoredCount).sorted().toArray();
            long[] quartiles = scored.length == 0 ? new long[3]
                    : new long[] {scored[0], scored[scored.length / 2], scored[scored.length - 1]};
            List<MetricStats> list = new ArrayList<>(byMetric.values());
            return new PartStats(id, title, rows, reports, drifted, overAny, episodes, list, quartiles, rowAt);
        }
    }

    private static PartStats falseAlarms(Env env, String id, String title, List<Rating> rows) throws Exception {
        log("%s: %,d rows at %s requests/s (about %.0f s)", title, rows.size(), env.o.rateText(), rows.size() / env.o.rate);
        try (JobRun run = new JobRun(env, id, title, rows.get(0))) {
            run.replay(rows, "", id + "-");
            run.drain();
            PartStats s = PartStats.of(id, title, rows.size(), run.reader.reports());
            log("%s: %d windows, %d drifted, %d episode(s)", title, s.windows(), s.drifted, s.episodes);
            return s;
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // (c): detection delay

    /**
     * One injection: the replay flags, the metrics it is meant to move (their name prefix), and how a window's
     * report shows that it holds injected requests (the onset marker).
     */
    record Injection(String name, String flags, String related, String markerText, Predicate<DriftReport> marker) {
        boolean isModelSwap() {
            return flags == null;
        }
    }

    static final List<Injection> INJECTIONS = List.of(
            new Injection("titles from another catalog", "--drift-catalog synthetic:2000", "movie_title.",
                    TITLE_OOV + " > 0", r -> positive(r, TITLE_OOV)),
            new Injection("newest titles", "--drift-titles newest", "movie_title.",
                    TITLE_OOV + " > 0", r -> positive(r, TITLE_OOV)),
            new Injection("unseen users, half the requests", "--drift-unseen-users --drift-share 0.5", "user_id.",
                    USER_OOV + " > 0", r -> positive(r, USER_OOV)),
            new Injection("timestamps +1 day", "--drift-timestamp-skew 86400", "timestamp.",
                    SLICE_GAP + " > 0", r -> positive(r, SLICE_GAP)),
            new Injection("timestamp sent as a string", "--drift-type-change timestamp", "schema.",
                    TYPE_CHANGE_RATE + " > 0", r -> positive(r, TYPE_CHANGE_RATE)),
            // its own rate only: the type change before it also alerts on schema.* metrics, which could linger
            new Injection("3 extra fields", "--drift-extra-fields 3", UNEXPECTED_FIELD_RATE,
                    UNEXPECTED_FIELD_RATE + " > 0", r -> positive(r, UNEXPECTED_FIELD_RATE)),
            new Injection("predictions +0.5 (version 2)", null, "prediction.",
                    "version 2 scored", r -> r.modelVersions.containsKey("2")));

    private static boolean positive(DriftReport r, String metric) {
        Double v = r.metrics.get(metric);
        return v != null && v > 0;
    }

    /** When a phase's requests were sent, wall clock. */
    record PhaseTimes(Injection injection, long startMs, long injectMs, long endMs) {}

    /** What the drift reports say about one injection. */
    record Detection(Injection injection, String replay, int leadInWindows, int leadInDrifted, boolean clearedBeforeOnset,
                     DriftReport onset, boolean onsetByMarker, DriftReport detected, int injectedWindows,
                     int injectedDrifted, Map<String, Integer> alerts, long injectMs) {

        /** Windows from the onset window to the first related alert: 0 = the onset window alerted. */
        int delayWindows() {
            return detected == null ? -1 : (int) (detected.sequence - onset.sequence);
        }

        double delaySeconds() {
            return detected == null ? Double.NaN : (detected.windowEndMs - injectMs) / 1000.0;
        }

        List<String> detectingMetrics() {
            return detected == null ? List.of() : detected.alerts.stream().map(a -> a.metric)
                    .filter(m -> m.startsWith(injection.related)).toList();
        }
    }

    /** Part (c): what each injection gave, and every window of its job. */
    record PartC(List<Detection> detections, List<DriftReport> reports) {}

    private static PartC detections(Env env, List<Rating> rows) throws Exception {
        Options o = env.o;
        List<Rating> leadIn = rows.subList(0, o.leadIn);
        List<Rating> injected = rows.subList(o.leadIn, rows.size());
        log("(c) detection delay: %d phases of %,d plain training rows then %,d with an injection, at %s requests/s "
                + "(about %.0f s)", INJECTIONS.size(), o.leadIn, o.injected, o.rateText(), INJECTIONS.size() * rows.size() / o.rate);
        List<PhaseTimes> times = new ArrayList<>();
        List<DriftReport> reports;
        try (JobRun run = new JobRun(env, "c", "(c) injections", rows.get(0))) {
            for (int k = 0; k < INJECTIONS.size(); k++) {
                Injection inj = INJECTIONS.get(k);
                log("(c) phase %d of %d: %s", k + 1, INJECTIONS.size(), inj.name);
                long start = System.currentTimeMillis();
                run.replay(leadIn, "", "c" + k + "-lead-");
                long injectAt;
                if (inj.isModelSwap()) {
                    env.registry.unpin(MODEL);
                    injectAt = System.currentTimeMillis();
                    run.sendModelUpdate(2);
                    log("(c) model update sent: version 2");
                    run.replay(injected, "", "c" + k + "-inj-");
                } else {
                    injectAt = System.currentTimeMillis();
                    run.replay(injected, inj.flags, "c" + k + "-inj-");
                }
                times.add(new PhaseTimes(inj, start, injectAt, System.currentTimeMillis()));
            }
            run.drain();
            reports = run.reader.reports();
        }
        List<Detection> out = new ArrayList<>();
        for (int k = 0; k < times.size(); k++) {
            Detection d = detection(times.get(k), reports, o);
            out.add(d);
            log("(c) %s: onset window #%d, %s", d.injection.name, d.onset == null ? -1 : d.onset.sequence,
                    d.detected == null ? "not detected" : String.format(Locale.ROOT, "detected in window #%d (%d windows, %.1f s) by %s",
                            d.detected.sequence, d.delayWindows(), d.delaySeconds(), d.detectingMetrics()));
        }
        return new PartC(out, reports);
    }

    /**
     * The onset is the first window closed after the first injected request was sent whose report shows the
     * injection (the injection's marker; the first window closed after it when none does); detection is the first
     * drifted report from there on with an alert on a related metric, among the windows that hold injected
     * requests (those that started before the last injected request was sent).
     */
    static Detection detection(PhaseTimes t, List<DriftReport> reports, Options o) {
        Injection inj = t.injection;
        int onset = -1;
        boolean byMarker = true;
        for (int i = 0; i < reports.size() && onset < 0; i++) {
            if (reports.get(i).windowEndMs > t.injectMs && inj.marker.test(reports.get(i))) onset = i;
        }
        if (onset < 0) {
            byMarker = false;
            for (int i = 0; i < reports.size() && onset < 0; i++) {
                if (reports.get(i).windowEndMs > t.injectMs) onset = i;
            }
        }
        int leadInWindows = 0;
        int leadInDrifted = 0;
        for (int i = 0; i < reports.size() && (onset < 0 || i < onset); i++) {
            DriftReport r = reports.get(i);
            if (r.windowStartMs >= t.startMs) {
                leadInWindows++;
                if (r.drifted) leadInDrifted++;
            }
        }
        boolean cleared = onset <= 0 || !reports.get(onset - 1).drifted;
        int last = onset;
        for (int i = Math.max(0, onset); i < reports.size(); i++) {
            if (reports.get(i).windowStartMs < t.endMs) last = i;
        }
        DriftReport detected = null;
        int injectedDrifted = 0;
        Map<String, Integer> alerts = new TreeMap<>();
        if (onset >= 0) {
            for (int i = onset; i <= last; i++) {
                DriftReport r = reports.get(i);
                if (r.drifted) injectedDrifted++;
                for (Alert a : r.alerts) alerts.merge(a.metric, 1, Integer::sum);
                if (detected == null && r.drifted && r.alerts.stream().anyMatch(a -> a.metric.startsWith(inj.related))) detected = r;
            }
        }
        String replay = inj.isModelSwap() ? "model update to version 2, then the same rows"
                : "`" + inj.flags + "`";
        return new Detection(inj, replay, leadInWindows, leadInDrifted, cleared, onset < 0 ? null : reports.get(onset),
                byMarker, detected, onset < 0 ? 0 : last - onset + 1, injectedDrifted, alerts, t.injectMs);
    }

    // ---------------------------------------------------------------------------------------------------------
    // The report

    /** Parts whose drift reports did not count every request sent: their windows and rates are of part of it. */
    static final List<String> SHORTFALLS = new java.util.concurrent.CopyOnWriteArrayList<>();

    private static String report(Options o, String[] args, MovieLensDir dir, Split split, Models models, int rowsA,
                                 int rowsB, int validationRows, PartStats a, PartStats b, PartC c, double minutes) {
        StringBuilder sb = new StringBuilder();
        for (String shortfall : SHORTFALLS) {
            sb.append("**INCOMPLETE**: ").append(shortfall).append(".\n\n");
        }
        sb.append(String.format(Locale.ROOT, "Run %s on %s; Java %s. Data: MovieLens 100K at %s. Took %.1f min.%n%n",
                LocalDate.now(), machine(), System.getProperty("java.version"), dir.path(), minutes));
        sb.append(String.format(Locale.ROOT, "Command: `scripts/bench-drift%s` (class `%s`)%n%n",
                args.length == 0 ? "" : " " + String.join(" ", args), DriftBenchmark.class.getName()));
        Map<String, String> jobDrift = new TreeMap<>(JOB_DRIFT);
        jobDrift.putAll(o.drift);
        sb.append(String.format(Locale.ROOT, "Version 1 (`scripts/marquee train --split time --seed %d`, in a registry of the "
                        + "benchmark's own): %s. Scoring job: Flink MiniCluster, parallelism %d, %s, every other setting "
                        + "its default (thresholds: the version's calibration, alerts after %d consecutive windows); "
                        + "Kafka broker in the same JVM, request topics of 2 partitions keyed by user id. Replays: the "
                        + "replay producer (`scripts/marquee replay`) at %s requests/s. Each part runs in a fresh scoring "
                        + "job (fresh drift state); a window is one drift report.%n%n",
                SEED, models.v1, o.parallelism,
                jobDrift.entrySet().stream().map(e -> "`" + e.getKey() + " " + e.getValue() + "`").collect(Collectors.joining(", ")),
                DriftSettings.defaults(o.drift).alertWindows, o.rateText()));
        if (a != null) {
            sb.append(String.format(Locale.ROOT, "### (a) False alarms: version 1's training period in time order%n%n"
                    + "Replay: `scripts/marquee replay --split time --part train%s --rate %s`.%n%n",
                    rowsA < split.train().size() ? " --limit " + rowsA : "", o.rateText()));
            if (models.calibrationRows > 0) {
                sb.append(String.format(Locale.ROOT, "The thresholds were drawn from the first %,d training rows in time "
                        + "order and checked on the rest (%s), so %s.%n%n", models.calibrationRows, models.calibrationChecks,
                        rowsA <= models.calibrationRows ? "these " + String.format(Locale.ROOT, "%,d", rowsA)
                                + " rows are in-sample for them: this part checks that the live job measures windows as the calibration did"
                                : "the rows after the first " + String.format(Locale.ROOT, "%,d", models.calibrationRows) + " are held out"));
            }
            falseAlarmTable(sb, a, -1);
        }
        if (b != null) {
            sb.append(String.format(Locale.ROOT, "### (b) False alarms: validation + test in time order%n%n"
                    + "Replay: `scripts/marquee replay --split time --part validation --rate %s` then `--part test`%s "
                    + "(%,d rows; the test part starts at row %,d). Not drift by construction: the natural stream after "
                    + "the training period, where new users and new titles arrive.%n%n", o.rateText(),
                    rowsB < validationRows + split.test().size() ? " (first " + rowsB + " rows)" : "", rowsB, validationRows + 1));
            falseAlarmTable(sb, b, validationRows);
        }
        if (c != null) detectionTable(sb, o, models, c.detections);
        sb.append(String.format(Locale.ROOT, "Every window of every part (counts, model versions, alerts): `%s`.%n", csvPath(o)));
        return sb.toString();
    }

    private static void falseAlarmTable(StringBuilder sb, PartStats s, int boundaryRow) {
        sb.append(String.format(Locale.ROOT, "%,d rows in %d windows (scored per window: min %,d, median %,d, max %,d); "
                        + "%d drifted, %d drift episode(s) opened.%n%n", s.rows, s.windows(), s.scoredQuartiles[0],
                s.scoredQuartiles[1], s.scoredQuartiles[2], s.drifted, s.episodes));
        sb.append("| metric | threshold (median, source) | windows over it | alerts | alerts per 100 windows | value when alerting (median) | first alert at row |\n");
        sb.append("|---|---|---|---|---|---|---|\n");
        sb.append(String.format(Locale.ROOT, "| **any (drifted report)** | | %d | %d | **%.1f** | | %s |%n", s.overAny, s.drifted,
                per100(s.drifted, s.windows()), firstDriftedRow(s)));
        List<String> quiet = new ArrayList<>();
        for (MetricStats m : s.metrics) {
            if (m.over == 0 && m.alerts == 0) {
                quiet.add(m.metric);
                continue;
            }
            sb.append(String.format(Locale.ROOT, "| `%s`%s | %s (%s) | %d | %d | %.1f | %s | %s |%n", m.metric,
                    AlertTracker.isOperational(m.metric) ? " (operational: not drift)" : "", num(median(m.thresholds)),
                    String.join(", ", m.sources), m.over, m.alerts, per100(m.alerts, s.windows()),
                    m.alertValues.isEmpty() ? "" : num(median(m.alertValues)),
                    m.firstAlertRow < 0 ? "" : String.format(Locale.ROOT, "%,d", m.firstAlertRow)));
        }
        sb.append(String.format(Locale.ROOT, "%nNever over their thresholds: %s.%n%n",
                quiet.isEmpty() ? "none" : quiet.stream().map(q -> "`" + q + "`").collect(Collectors.joining(", "))));
        if (s.drifted > 0) {
            sb.append("Runs of consecutive drifted windows (rows: the requests the windows counted, from the part's "
                    + "first row; approximate at the edges, as two subtasks' counts interleave):\n\n");
            sb.append("| windows | rows | " + (boundaryRow > 0 ? "part | " : "") + "alerts (windows; median value > median threshold) |\n");
            sb.append(boundaryRow > 0 ? "|---|---|---|---|\n" : "|---|---|---|\n");
            for (int i = 0; i < s.reports.size(); i++) {
                if (!s.reports.get(i).drifted) continue;
                int j = i;
                while (j + 1 < s.reports.size() && s.reports.get(j + 1).drifted) j++;
                long from = i == 0 ? 1 : s.rowAtReport[i - 1] + 1;
                long to = s.rowAtReport[j];
                Map<String, List<double[]>> alerts = new TreeMap<>();
                for (int k = i; k <= j; k++) {
                    for (Alert x : s.reports.get(k).alerts) alerts.computeIfAbsent(x.metric, m -> new ArrayList<>()).add(new double[] {x.value, x.threshold});
                }
                String part = from > boundaryRow ? "test" : to <= boundaryRow ? "validation" : "validation → test";
                sb.append(String.format(Locale.ROOT, "| %d–%d | %,d–%,d | %s%s |%n", i + 1, j + 1, from, to,
                        boundaryRow > 0 ? part + " | " : "",
                        alerts.entrySet().stream().map(e -> String.format(Locale.ROOT, "`%s` (%d; %s > %s)", e.getKey(), e.getValue().size(),
                                num(median(e.getValue().stream().map(v -> v[0]).toList())),
                                num(median(e.getValue().stream().map(v -> v[1]).toList())))).collect(Collectors.joining(", "))));
                i = j;
            }
            sb.append('\n');
        }
    }

    private static String firstDriftedRow(PartStats s) {
        for (int i = 0; i < s.reports.size(); i++) {
            if (s.reports.get(i).drifted) return String.format(Locale.ROOT, "%,d", s.rowAtReport[i]);
        }
        return "";
    }

    private static void detectionTable(StringBuilder sb, Options o, Models models, List<Detection> c) {
        sb.append(String.format(Locale.ROOT, "### (c) Detection delay%n%n"
                + "One scoring job; %d phases one after the other, each `scripts/marquee replay --split time --part train "
                + "--limit %d --drift-start %d --rate %s` with the injection's flags, sent as two replays (rows 1–%,d "
                + "plain, then rows %,d–%,d with the injection) so that the onset's send time is known. "
                + "Onset window: the first window closed after the first injected request was sent whose report shows the "
                + "injection (the marker column). Detected: the first drifted report with an alert on a metric of the "
                + "injected feature. Delay in windows counts from the onset window (0 = the onset window alerted; with "
                + "alerts after 2 consecutive windows the least is 1); in seconds from the first injected request sent "
                + "to the detecting window's end. Injected windows: the onset window and the later ones that started "
                + "before the last injected request was sent. Every phase starts again at the training part's first row, "
                + "so event time goes back about a month between phases (within the 28 days the seasonal metrics keep). "
                + "Lead-in windows that are drifted hold the previous injection's last requests: a window's counts arrive "
                + "in per-subtask partial counts up to a second after their requests.%n%n", c.size(), o.leadIn + o.injected, o.leadIn, o.rateText(),
                o.leadIn, o.leadIn + 1, o.leadIn + o.injected));
        if (models.v2 != null) {
            sb.append(String.format(Locale.ROOT, "Prediction shift: version 2 is trained on the same rows with every rating "
                    + "+0.5 (same seed; %s); its mean prediction on the injected rows is %.3f against version 1's %.3f "
                    + "(+%.3f). It is published before the jobs start with the registry pinned to version 1; at its "
                    + "phase the pin is removed and a model update for version 2 is sent to the job's model-updates "
                    + "topic, which is how the trainer worker announces a version. The job swaps in place.%n%n",
                    models.v2, models.v2Mean, models.v1Mean, models.v2Mean - models.v1Mean));
        }
        sb.append("| injection | replay flags | onset window (marker) | detected in window | delay (windows) | delay (s) "
                + "| first related alert | drifted / injected windows | every alert in the injected windows (windows) | lead-in: drifted windows, cleared before onset |\n");
        sb.append("|---|---|---|---|---|---|---|---|---|---|\n");
        for (Detection d : c) {
            sb.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | **%s** | %s | %s | %d / %d | %s | %d of %d, %s |%n",
                    d.injection.name, d.replay,
                    d.onset == null ? "none" : "#" + d.onset.sequence + " (" + (d.onsetByMarker ? "`" + d.injection.markerText + "`" : "by time: no window showed it") + ")",
                    d.detected == null ? "not detected" : "#" + d.detected.sequence,
                    d.detected == null ? "–" : Integer.toString(d.delayWindows()),
                    d.detected == null ? "–" : String.format(Locale.ROOT, "%.1f", d.delaySeconds()),
                    d.detected == null ? "" : d.detected.alerts.stream().filter(a -> a.metric.startsWith(d.injection.related))
                            .map(a -> String.format(Locale.ROOT, "`%s` %s > %s", a.metric, num(a.value), num(a.threshold)))
                            .collect(Collectors.joining(", ")),
                    d.injectedDrifted, d.injectedWindows,
                    d.alerts.entrySet().stream().map(e -> "`" + e.getKey() + "` " + e.getValue()).collect(Collectors.joining(", ")),
                    d.leadInDrifted, d.leadInWindows, d.clearedBeforeOnset ? "yes" : "no"));
        }
        sb.append('\n');
    }

    private static void write(Options o, String report, PartStats a, PartStats b, PartC c) throws Exception {
        Path parent = o.out.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        Files.writeString(o.out, report);
        Path csv = csvPath(o);
        StringBuilder sb = new StringBuilder("part,window,window_start_ms,window_end_ms,records,scored,refused,model_version,"
                + "model_versions,drifted,episode,alerts,note\n");
        for (PartStats s : new PartStats[] {a, b}) {
            if (s != null) s.reports.forEach(r -> sb.append(csvLine(s.id, r, "")));
        }
        if (c != null) {
            Map<Long, String> notes = new HashMap<>();
            for (Detection d : c.detections) {
                if (d.onset != null) notes.merge(d.onset.sequence, "onset: " + d.injection.name, (x, y) -> x + "; " + y);
                if (d.detected != null) notes.merge(d.detected.sequence, "detected: " + d.injection.name, (x, y) -> x + "; " + y);
            }
            c.reports.forEach(r -> sb.append(csvLine("c", r, notes.getOrDefault(r.sequence, ""))));
        }
        Files.writeString(csv, sb.toString());
        log("written: %s, %s", o.out, csv);
    }

    private static Path csvPath(Options o) {
        return Path.of(o.out.toString().replaceFirst("\\.md$", "") + ".csv");
    }

    private static String csvLine(String part, DriftReport r, String note) {
        return String.format(Locale.ROOT, "%s,%d,%d,%d,%d,%d,%d,%d,%s,%s,%s,%s,%s%n", part, r.sequence, r.windowStartMs, r.windowEndMs,
                r.records, r.scoredCount, r.invalidCount, r.modelVersion,
                r.modelVersions.entrySet().stream().map(e -> e.getKey() + ":" + e.getValue()).collect(Collectors.joining(";")), r.drifted, r.episode == null || r.episode.event == null ? "" : r.episode.event,
                r.alerts.stream().map(x -> x.metric).collect(Collectors.joining(";")), note);
    }

    /** "2 cores (AMD EPYC 7B13), 23.5 GiB memory, Linux amd64". */
    static String machine() {
        String cpu = "";
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    cpu = " (" + line.substring(line.indexOf(':') + 1).trim() + ")";
                    break;
                }
            }
        } catch (Exception e) {
            // not Linux: no CPU model
        }
        double gib = Double.NaN;
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            gib = os.getTotalMemorySize() / (double) (1L << 30);
        }
        return String.format(Locale.ROOT, "%d cores%s, %.1f GiB memory, %s %s", Runtime.getRuntime().availableProcessors(),
                cpu, gib, System.getProperty("os.name"), System.getProperty("os.arch"));
    }

    private static double per100(int n, int windows) {
        return windows == 0 ? Double.NaN : 100.0 * n / windows;
    }

    private static double median(List<Double> v) {
        if (v.isEmpty()) return Double.NaN;
        double[] s = v.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    private static String num(double v) {
        if (Double.isNaN(v)) return "";
        if (Math.abs(v) >= 100) return String.format(Locale.ROOT, "%,.0f", v);
        return String.format(Locale.ROOT, "%.3f", v);
    }

    private static final long STARTED = System.nanoTime();

    /** A progress line with the seconds since the start. */
    private static void log(String format, Object... args) {
        ScoringBenchmark.log("[%3d s] " + format, prepend((System.nanoTime() - STARTED) / 1_000_000_000L, args));
    }

    private static Object[] prepend(Object first, Object[] rest) {
        Object[] all = new Object[rest.length + 1];
        all[0] = first;
        System.arraycopy(rest, 0, all, 1, rest.length);
        return all;
    }
}

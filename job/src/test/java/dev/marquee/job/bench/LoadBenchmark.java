package dev.marquee.job.bench;

import static dev.marquee.job.bench.ScoringBenchmark.createTopic;
import static dev.marquee.job.bench.ScoringBenchmark.log;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.marquee.data.event.Rating;
import dev.marquee.data.replay.RequestEncoder;
import dev.marquee.infra.EmbeddedKafka;
import dev.marquee.job.ScoringJob;
import dev.marquee.job.config.JobSettings;
import dev.marquee.job.sink.KafkaConnections;
import dev.marquee.job.source.RawRecord;
import dev.marquee.model.Architecture;
import dev.marquee.model.ModelRegistry;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * Backpressure under overload, run by {@code scripts/bench-load}; results go to docs/BENCHMARKS.md. Not a test:
 * it measures and reports. First the job's capacity on this machine (a preloaded backlog, as in the scoring
 * benchmark; the bounded job, so without the labels' join), then the unbounded job as deployed (the labels' join
 * included when labels are on) for {@code --seconds} while a producer offers twice that rate: every few
 * seconds it samples what was offered and what came out, the JVM heap (the MiniCluster runs in this JVM), the
 * checkpoints completed and failed, and the source's backpressure, from Flink's REST API.
 */
public final class LoadBenchmark {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final Set<String> KEYS = Set.of("seconds", "factor", "capacity-records", "checkpoint-ms", "out");

    public static void main(String[] args) {
        BenchMain.exit("scripts/bench-load", true, () -> run(args));
    }

    private static int run(String[] args) throws Exception {
        Map<String, String> opts = BenchArgs.parse(args, KEYS);
        int seconds = Integer.parseInt(opts.getOrDefault("seconds", "120"));
        double factor = Double.parseDouble(opts.getOrDefault("factor", "2"));
        int capacityRecords = Integer.parseInt(opts.getOrDefault("capacity-records", "400000"));
        String checkpointMs = opts.getOrDefault("checkpoint-ms", "10000");
        Path out = Path.of(opts.getOrDefault("out", "job/target/bench-load.md"));

        Path work = Files.createTempDirectory("marquee-load");
        ModelRegistry registry = new ModelRegistry(work.resolve("registry"));
        List<Rating> rows = ScoringBenchmark.rows();
        String model = ScoringBenchmark.train(registry, rows, Architecture.DEFAULT);
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            String bootstrap = kafka.bootstrapServers();
            createTopic(bootstrap, "cap-in", 2);
            log("capacity: preloading %,d requests ...", capacityRecords);
            produce(bootstrap, "cap-in", rows, capacityRecords, 0, new AtomicBoolean());
            // The first job in a JVM runs cold (JIT, TensorFlow's kernels): measure on a second, warm run.
            capacity(bootstrap, registry, capacityRecords, "cap-warm");
            double capacity = capacity(bootstrap, registry, capacityRecords, "cap-out");
            double target = capacity * factor;
            log("capacity %,.0f requests/s; offering %,.0f/s for %d s", capacity, target, seconds);

            createTopic(bootstrap, "load-in", 2);
            createTopic(bootstrap, "load-out", 2);
            int restPort = freePort();
            Configuration conf = new Configuration();
            conf.set(RestOptions.PORT, restPort);
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
            env.setParallelism(2);
            Map<String, String> extra = Map.of(JobSettings.CHECKPOINT_INTERVAL_MS, checkpointMs);
            JobSettings s = settings(bootstrap, registry, "load-in", "load-out", extra);
            ScoringJob.configure(env, s);
            DataStream<RawRecord> in = env.fromSource(KafkaConnections.requestSource(s), WatermarkStrategy.noWatermarks(), "requests");
            createTopic(bootstrap, s.modelUpdatesTopic, 1);
            createTopic(bootstrap, s.ratingsTopic, 2);
            // as deployed: with labels on (the default) every prediction also passes the labels' keyed join
            ScoringBenchmark.buildAsDeployed(env, s, in);
            JobClient job = env.executeAsync("load");

            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong offered = new AtomicLong();
            Thread producer = new Thread(() -> offered.set(produce(bootstrap, "load-in", rows, Integer.MAX_VALUE, target, stop)),
                    "load-producer");
            List<String> samples = new ArrayList<>();
            MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
            long start = System.nanoTime();
            producer.start();
            long maxHeap = 0;
            long[] firstHalfHeap = {0, 0};
            long[] secondHalfHeap = {0, 0};
            List<Long> liveAfterGc = new ArrayList<>();
            java.util.Set<Integer> collectAt = quarterSamples(seconds);
            JsonNode checkpoints = null;
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
                for (int t = 5; t <= seconds; t += 5) {
                    LockSupport.parkNanos(start + TimeUnit.SECONDS.toNanos(t) - System.nanoTime());
                    long inCount = endOffsets(admin, "load-in");
                    long outCount = endOffsets(admin, "load-out");
                    long heap = memory.getHeapMemoryUsage().getUsed();
                    maxHeap = Math.max(maxHeap, heap);
                    // at each quarter a full collection: what survives it is the job's state and buffers, where "used"
                    // also holds garbage not yet collected (a pause of the whole JVM, four times a run)
                    long live = -1;
                    if (collectAt.contains(t)) {
                        System.gc();
                        live = memory.getHeapMemoryUsage().getUsed();
                        liveAfterGc.add(live);
                    }
                    long[] half = t <= seconds / 2 ? firstHalfHeap : secondHalfHeap;
                    half[0] += heap;
                    half[1]++;
                    checkpoints = rest(restPort, "/jobs/" + job.getJobID() + "/checkpoints");
                    String pressure = sourceBackpressure(restPort, job.getJobID().toString());
                    String line = String.format(Locale.ROOT, "| %d | %,d | %,d | %,d | %,d MB | %s | %d / %d | %s |", t, inCount,
                            outCount, inCount - outCount, heap >> 20, live < 0 ? "" : String.format(Locale.ROOT, "%,d MB", live >> 20),
                            checkpoints.at("/counts/completed").asInt(),
                            checkpoints.at("/counts/failed").asInt(), pressure);
                    samples.add(line);
                    log("%s", line);
                }
                stop.set(true);
                producer.join();
                double elapsed = (System.nanoTime() - start) / 1e9;
                long inCount = endOffsets(admin, "load-in");
                long outCount = endOffsets(admin, "load-out");
                job.cancel().get();
                String report = report(model, capacity, target, seconds, elapsed, inCount, outCount, maxHeap,
                        firstHalfHeap[0] / Math.max(1, firstHalfHeap[1]), secondHalfHeap[0] / Math.max(1, secondHalfHeap[1]),
                        liveAfterGc, checkpoints, checkpointMs, s.labels.labelsEnabled, samples, args);
                Files.createDirectories(out.toAbsolutePath().getParent());
                Files.writeString(out, report);
                System.out.println(report);
                log("written to %s", out);
            }
        }
        BenchFiles.deleteTree(work);
        return 0;
    }

    private static double capacity(String bootstrap, ModelRegistry registry, int n, String output) throws Exception {
        createTopic(bootstrap, output, 2);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        JobSettings s = settings(bootstrap, registry, "cap-in", output, Map.of(JobSettings.GROUP_ID, "cap-" + output));
        ScoringJob.configure(env, s);
        DataStream<RawRecord> in = env.fromSource(KafkaConnections.requestSource(s, true), WatermarkStrategy.noWatermarks(), "requests");
        createTopic(bootstrap, s.modelUpdatesTopic, 1);
        ScoringBenchmark.build(env, s, in);
        env.execute("capacity");
        // As the scoring benchmark measures it: outputs over the span of their timestamps, start-up left out.
        return ScoringBenchmark.rateFromTimestamps(bootstrap, output, n);
    }

    private static JobSettings settings(String bootstrap, ModelRegistry registry, String in, String out, Map<String, String> extra) {
        JobSettings base = ScoringBenchmark.settings(bootstrap, registry, in, out, 256, true);
        Map<String, String> m = new HashMap<>(base.asMap());
        m.putAll(extra);
        return JobSettings.from(m);
    }

    /** Sends {@code n} requests at {@code rate} per second (0: as fast as possible) until {@code stop}; returns how many. */
    private static long produce(String bootstrap, String topic, List<Rating> rows, int n, double rate, AtomicBoolean stop) {
        RequestEncoder encoder = new RequestEncoder();
        long sent = 0;
        long start = System.nanoTime();
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(ScoringBenchmark.producerProps(bootstrap, "20"))) {
            while (sent < n && !stop.get()) {
                if (rate > 0) {
                    long due = start + (long) (sent * 1e9 / rate);
                    long wait = due - System.nanoTime();
                    if (wait > 0) LockSupport.parkNanos(Math.min(wait, 1_000_000));
                    if (System.nanoTime() < due) continue;
                }
                Rating r = rows.get((int) (sent % rows.size()));
                p.send(new ProducerRecord<>(topic, r.userId.getBytes(), encoder.single("l-" + sent, r)));
                sent++;
            }
            p.flush();
        }
        return sent;
    }

    private static long endOffsets(Admin admin, String topic) throws Exception {
        Map<TopicPartition, OffsetSpec> specs = new HashMap<>();
        for (int p = 0; p < 2; p++) specs.put(new TopicPartition(topic, p), OffsetSpec.latest());
        return admin.listOffsets(specs).all().get().values().stream().mapToLong(o -> o.offset()).sum();
    }

    private static JsonNode rest(int port, String path) throws IOException, InterruptedException {
        HttpResponse<String> r = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(), HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(r.body());
    }

    /** The source vertex's back-pressure level and busy ratio as Flink reports them. */
    private static String sourceBackpressure(int port, String jobId) throws IOException, InterruptedException {
        for (JsonNode v : rest(port, "/jobs/" + jobId).path("vertices")) {
            if (!v.path("name").asText().contains("requests")) continue;
            return backpressure(rest(port, "/jobs/" + jobId + "/vertices/" + v.path("id").asText() + "/backpressure"));
        }
        return "?";
    }

    /** The samples (every 5 s) nearest each quarter of a run of {@code seconds}: where the heap is collected. */
    static java.util.Set<Integer> quarterSamples(int seconds) {
        java.util.Set<Integer> at = new java.util.TreeSet<>();
        int last = seconds / 5 * 5;
        for (int k = 1; k <= 4; k++) {
            int nearest = (int) Math.round(k * seconds / 4.0 / 5) * 5;
            at.add(Math.max(5, Math.min(last, nearest)));
        }
        return at;
    }

    /** A vertex's back-pressure answer as "level (worst subtask's back-pressured share)". */
    static String backpressure(JsonNode bp) {
        double ratio = 0;
        // Flink 2.2 names it "ratio" (JobVertexBackPressureInfo.SubtaskBackPressureInfo): a missing field read as 0
        for (JsonNode sub : bp.path("subtasks")) ratio = Math.max(ratio, sub.path("ratio").asDouble());
        return bp.path("backpressureLevel").asText("?") + String.format(Locale.ROOT, " (%.0f%%)", 100 * ratio);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static String report(String model, double capacity, double target, int seconds, double elapsed, long in,
                                 long out, long maxHeap, long heapFirst, long heapSecond, List<Long> liveAfterGc, JsonNode checkpoints,
                                 String checkpointMs, boolean labelsOn, List<String> samples, String[] args) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "Run %s on %d cores; Java %s; model: %s; JVM max heap %,d MB.%n%n", LocalDate.now(),
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), model,
                Runtime.getRuntime().maxMemory() >> 20));
        sb.append(String.format(Locale.ROOT, "Command: `scripts/bench-load%s`%n%n", args.length == 0 ? "" : " " + String.join(" ", args)));
        sb.append(String.format(Locale.ROOT, "Capacity (preloaded backlog, bounded job, so without the labels' join): %,.0f "
                + "requests/s. The overload run: the job as deployed, %s. Offered: %,.0f/s targeted, %,.0f/s achieved (%,d requests in %.0f s; producer and job share the 2 cores). Scored: %,.0f/s "
                + "(%,d). Backlog at the end: %,d requests.%n%n", capacity,
                labelsOn ? "labels on (every prediction also passes the labels' keyed join; no label sent)"
                        : "labels off (-Dbench.settings=labels.enabled=false)", target, in / elapsed, in, elapsed, out / elapsed, out, in - out));
        sb.append(String.format(Locale.ROOT, "Heap (whole JVM: broker, producer, MiniCluster): max %,d MB; mean %,d MB in the "
                + "first half, %,d MB in the second. Checkpoints every %s ms: %d completed, %d failed; latest end-to-end "
                + "duration %,d ms, max %,d ms.%n%n", maxHeap >> 20, heapFirst >> 20, heapSecond >> 20, checkpointMs,
                checkpoints.at("/counts/completed").asInt(), checkpoints.at("/counts/failed").asInt(),
                checkpoints.at("/latest/completed/end_to_end_duration").asLong(),
                checkpoints.at("/summary/end_to_end_duration/max").asLong()));
        if (!liveAfterGc.isEmpty()) {
            sb.append(String.format(Locale.ROOT, "Heap live after a full collection near each quarter of the run (System.gc(),"
                            + " %d pauses): %s MB.%n%n", liveAfterGc.size(), liveAfterGc.stream()
                    .map(l -> String.format(Locale.ROOT, "%,d", l >> 20)).collect(java.util.stream.Collectors.joining(", "))));
        }
        sb.append("| s | offered (total) | scored (total) | backlog | heap used | live after a full GC | checkpoints ok / failed | source back-pressure |\n");
        sb.append("|---|---|---|---|---|---|---|---|\n");
        samples.forEach(l -> sb.append(l).append('\n'));
        return sb.toString();
    }
}

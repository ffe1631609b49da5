package dev.marquee.job.bench;

import static dev.marquee.job.bench.ScoringBenchmark.log;

import dev.marquee.data.event.ModelStatus;
import dev.marquee.data.event.ModelUpdate;
import dev.marquee.data.event.Prediction;
import dev.marquee.data.event.Rating;
import dev.marquee.data.event.RatingRequest;
import dev.marquee.job.label.LabelPreparation;
import dev.marquee.job.label.RegistryTitleCatalogs;
import dev.marquee.job.label.RegistryTitleEmbeddings;
import dev.marquee.job.score.ListControlFeed;
import dev.marquee.job.score.MicroBatchOperator;
import dev.marquee.job.score.ModelScoringFunction;
import dev.marquee.model.Architecture;
import dev.marquee.model.ModelRegistry;
import dev.marquee.model.testing.TestModels;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.util.OutputTag;

/**
 * A scoring slot swapped many times, as a job retrained daily for years would be, run by {@code scripts/bench-swaps};
 * results go to docs/BENCHMARKS.md. Not a test: it measures and reports. The job's own scorer (the operator, its
 * loader thread, the label preparation the job adds with labels on, the per-JVM model, title-catalog and
 * title-embedding caches) in an operator harness, with no broker: each swap is a model update handed to the slot,
 * awaited until the slot reports it serving, then a batch scored. It turns through {@value #VERSIONS} published
 * copies of one model, more than the per-JVM caches keep (4), so every swap loads, probes, warms and prepares its
 * version afresh, as a new version would be. Every {@code --sample-every} swaps, after a full GC, it samples the
 * process's resident memory, the heap in use, open file descriptors and the process's threads (native ones too,
 * from /proc): what would grow on a TaskManager that leaked per swap. Not in it: the labels' operators (their own
 * per-version caches) and the retraining trigger.
 */
public final class SwapSoakBenchmark {
    private static final Set<String> KEYS = Set.of("swaps", "sample-every", "out");
    private static final OutputTag<ModelStatus> STATUS = new OutputTag<>("model-status") { };
    private static final long SWAP_DEADLINE_MS = 120_000;
    /** Versions turned through: more than the per-JVM caches of title catalogs and embeddings keep (4 each). */
    static final int VERSIONS = 6;

    private SwapSoakBenchmark() {}

    public static void main(String[] args) {
        BenchMain.exit("scripts/bench-swaps", true, () -> run(args));
    }

    private record Sample(int swaps, long rssMb, long heapMb, int fds, int threads, long msPerSwap) {}

    private static int run(String[] args) throws Exception {
        Map<String, String> opts = BenchArgs.parse(args, KEYS);
        int swaps = Integer.parseInt(opts.getOrDefault("swaps", "1000"));
        int every = Integer.parseInt(opts.getOrDefault("sample-every", "100"));
        if (swaps < 1 || every < 1) throw new dev.marquee.data.config.SettingException("--swaps and --sample-every must be at least 1");
        Path out = Path.of(opts.getOrDefault("out", "job/target/bench-swaps.md"));

        Path work = Files.createTempDirectory("marquee-swaps");
        String registryDir = work.resolve("registry").toString();
        ModelRegistry registry = new ModelRegistry(Path.of(registryDir));
        List<Rating> rows = ScoringBenchmark.rows();
        String model = ScoringBenchmark.train(registry, rows, Architecture.DEFAULT);
        // the same model in other folders: a load of its own at each swap, as a new version is
        for (int v = 2; v <= VERSIONS; v++) TestModels.publishCopy(registry, registry.versionDir(TestModels.NAME, 1), false);
        registry.serve(TestModels.NAME, 1, "the soak starts on version 1");
        log("model: %s; versions 2 to %d are copies of version 1", model, VERSIONS);

        ModelScoringFunction scoring = new ModelScoringFunction(registryDir, TestModels.NAME, 0, 1)
                .alsoPreparing(new LabelPreparation(new RegistryTitleCatalogs(registryDir, TestModels.NAME),
                        new RegistryTitleEmbeddings(registryDir, TestModels.NAME, 16)));
        ListControlFeed<ModelUpdate> updates = ListControlFeed.create();
        List<Sample> samples = new ArrayList<>();
        try (var h = new OneInputStreamOperatorTestHarness<>(new MicroBatchOperator<>(scoring, updates, 256, 60_000, STATUS))) {
            h.setProcessingTime(0);
            h.open();
            score(h, rows, 0);
            samples.add(sample(0, 0));
            long startedNs = System.nanoTime();
            long lastNs = startedNs;
            for (int i = 1; i <= swaps; i++) {
                long version = i % VERSIONS + 1; // 2, 3, ..., VERSIONS, 1, 2, ...
                updates.publish(new ModelUpdate(TestModels.NAME, version, "swap " + i, System.currentTimeMillis()));
                awaitServing(h, version, i);
                score(h, rows, i);
                if (i % every == 0 || i == swaps) {
                    int since = i - samples.get(samples.size() - 1).swaps();
                    samples.add(sample(i, (System.nanoTime() - lastNs) / 1_000_000 / since));
                    lastNs = System.nanoTime(); // after the sample's GC, which is not a swap's time
                    Sample s = samples.get(samples.size() - 1);
                    log("%,d swaps: RSS %,d MB, heap %,d MB, %d file descriptors, %d threads, %d ms per swap", i,
                            s.rssMb(), s.heapMb(), s.fds(), s.threads(), s.msPerSwap());
                }
            }
            log("%,d swaps in %.0f s", swaps, (System.nanoTime() - startedNs) / 1e9);
        }
        String report = report(swaps, model, samples);
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, report);
        System.out.println(report);
        log("written to %s", out);
        return 0;
    }

    /** Moves processing time on until the slot reports {@code version} serving; a refusal ends the run. */
    private static void awaitServing(OneInputStreamOperatorTestHarness<RatingRequest, Prediction> h, long version, int swap)
            throws Exception {
        long deadline = System.currentTimeMillis() + SWAP_DEADLINE_MS;
        while (true) {
            h.setProcessingTime(h.getProcessingTime() + 10);
            var statuses = h.getSideOutput(STATUS);
            if (statuses != null) {
                for (StreamRecord<ModelStatus> r : statuses) {
                    ModelStatus st = r.getValue();
                    if (st.version == version && ModelStatus.LOADED.equals(st.status)) {
                        statuses.clear();
                        return;
                    }
                    if (st.version == version && !ModelStatus.LOADED.equals(st.status)) {
                        throw new IOException("swap " + swap + ": version " + version + " " + st.status + ": " + st.reason);
                    }
                }
            }
            if (System.currentTimeMillis() > deadline) {
                throw new IOException("swap " + swap + ": version " + version + " not serving after "
                        + SWAP_DEADLINE_MS / 1000 + " s");
            }
            Thread.onSpinWait();
        }
    }

    /** One batch of requests through the serving version; the predictions are counted and dropped. */
    private static void score(OneInputStreamOperatorTestHarness<RatingRequest, Prediction> h, List<Rating> rows, int swap)
            throws Exception {
        for (int i = 0; i < 256; i++) {
            Rating r = rows.get((swap * 256 + i) % rows.size());
            h.processElement(new StreamRecord<>(new RatingRequest("s" + swap + "-" + i, r.userId, r.movieTitle, r.timestamp)));
        }
        int predictions = h.getOutput().size();
        if (predictions < 256) throw new IOException("swap " + swap + ": " + predictions + " predictions of 256 requests");
        h.getOutput().clear();
    }

    private static Sample sample(int swaps, long msPerSwap) throws IOException {
        System.gc();
        Runtime rt = Runtime.getRuntime();
        long rssKb = -1;
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) rssKb = Long.parseLong(line.replaceAll("\\D", ""));
        }
        String[] fds = new File("/proc/self/fd").list();
        String[] tasks = new File("/proc/self/task").list();
        return new Sample(swaps, rssKb / 1024, (rt.totalMemory() - rt.freeMemory()) >> 20,
                fds == null ? -1 : fds.length, tasks == null ? -1 : tasks.length, msPerSwap);
    }

    private static String report(int swaps, String model, List<Sample> samples) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "%,d swaps of one scoring slot, turning through %d versions (copies of one "
                + "model: %s), a batch of 256 scored after each; sampled after a full GC:%n%n", swaps, VERSIONS, model));
        b.append("| swaps | RSS (MB) | heap in use (MB) | file descriptors | threads (native included) | ms per swap since the last sample |\n");
        b.append("|---|---|---|---|---|---|\n");
        for (Sample s : samples) {
            b.append(String.format(Locale.ROOT, "| %,d | %,d | %,d | %d | %d | %s |%n", s.swaps(), s.rssMb(), s.heapMb(),
                    s.fds(), s.threads(), s.swaps() == 0 ? "-" : Long.toString(s.msPerSwap())));
        }
        if (samples.size() >= 3) {
            // from the first sample after swaps began: the first swaps still grow the allocator's arenas and caches
            Sample from = samples.get(1);
            Sample last = samples.get(samples.size() - 1);
            double per100 = (last.rssMb() - from.rssMb()) * 100.0 / Math.max(1, last.swaps() - from.swaps());
            b.append(String.format(Locale.ROOT, "%nRSS from swap %,d to %,d: %+d MB (%+.1f MB per 100 swaps); file "
                    + "descriptors %+d, threads %+d.%n", from.swaps(), last.swaps(), last.rssMb() - from.rssMb(), per100,
                    last.fds() - from.fds(), last.threads() - from.threads()));
        }
        return b.toString();
    }
}

package dev.marquee.model.cli;

import dev.marquee.data.event.Rating;
import dev.marquee.data.movielens.MovieLensLatest;
import java.nio.file.Path;
import java.util.List;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.Locale;

/**
 * Measures {@code train}'s data preparation alone, the same {@link DataOptions#load} it runs: read {@code --data},
 * cut the split. Prints rows/s and the peak heap (the sum of each heap pool's peak: an upper bound on the heap in
 * use at any one moment). {@code read} instead of a split times the ml-latest reader alone. For
 * docs/BENCHMARKS.md; usage: {@code DataPreparationBench DATA [time|random|read]}.
 */
public final class DataPreparationBench {
    private DataPreparationBench() {}

    public static void main(String[] args) {
        if (args.length < 1) {
            System.err.println("usage: DataPreparationBench DATA [time|random|read]");
            System.exit(2);
        }
        String mode = args.length > 1 ? args[1] : DataOptions.SplitKind.time.name();
        ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
        long start = System.nanoTime();
        String what;
        long rows;
        if (mode.equals("read")) {
            MovieLensLatest data = MovieLensLatest.detect(Path.of(args[0])).orElseThrow(
                    () -> new IllegalArgumentException(args[0] + " is not in the ml-latest format"));
            List<Rating> ratings = data.ratings();
            rows = ratings.size();
            what = data.description() + ", read only";
        } else {
            DataOptions.LoadedSplit loaded = DataOptions.load(args[0], DataOptions.SplitKind.valueOf(mode),
                    Console.system(), 42);
            rows = (long) loaded.split().train().size() + loaded.split().validation().size()
                    + loaded.split().test().size();
            what = loaded.source() + ", split " + loaded.split().name();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        System.out.printf(Locale.ROOT, "%s: %,d rows in %.1f s = %,.0f rows/s; peak heap <= %,d MiB (max %,d MiB)%n",
                what, rows, seconds, rows / seconds, peak >> 20,
                Runtime.getRuntime().maxMemory() >> 20);
    }
}

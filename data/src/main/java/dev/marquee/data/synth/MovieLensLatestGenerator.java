package dev.marquee.data.synth;

import dev.marquee.data.movielens.MovieLensLatest;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * Writes a large generated dataset in MovieLens' ml-latest format for benchmarks: {@code ratings.csv} with rows
 * grouped by user as MovieLens ships them (ML-32M: 32,000,204 rows, 200,948 users, 84,432 rated movies), half
 * stars, and {@code movies.csv} with quoted titles holding commas. Streams; the rows are never held.
 *
 * <p>Usage: {@code MovieLensLatestGenerator DIR ROWS [SEED]}.
 */
public final class MovieLensLatestGenerator {
    private static final int ROWS_PER_USER = 160; // ML-32M's mean
    private static final int MOVIES = 87_585;    // ML-32M's movies.csv

    private MovieLensLatestGenerator() {}

    public static void main(String[] args) throws IOException {
        if (args.length < 2) {
            System.err.println("usage: MovieLensLatestGenerator DIR ROWS [SEED]");
            System.exit(2);
        }
        Path dir = Path.of(args[0]);
        long rows = Long.parseLong(args[1].replace("_", ""));
        long seed = args.length > 2 ? Long.parseLong(args[2]) : 42;
        long start = System.nanoTime();
        write(dir, rows, seed);
        System.out.printf(java.util.Locale.ROOT, "wrote %,d rows to %s in %.1f s%n", rows, dir.resolve(MovieLensLatest.RATINGS),
                (System.nanoTime() - start) / 1e9);
    }

    static void write(Path dir, long rows, long seed) throws IOException {
        Files.createDirectories(dir);
        try (BufferedWriter out = Files.newBufferedWriter(dir.resolve(MovieLensLatest.MOVIES), StandardCharsets.UTF_8)) {
            out.write("movieId,title,genres\n");
            for (int id = 1; id <= MOVIES; id++) {
                String title = id % 5 == 0 ? "\"Generated Movie, The " + id + " (" + (1900 + id % 124) + ")\""
                        : "Generated Movie " + id + " (" + (1900 + id % 124) + ")";
                out.write(id + "," + title + ",Drama|Comedy\n");
            }
        }
        Random random = new Random(seed);
        StringBuilder line = new StringBuilder(48);
        try (BufferedWriter out = Files.newBufferedWriter(dir.resolve(MovieLensLatest.RATINGS), StandardCharsets.UTF_8)) {
            out.write("userId,movieId,rating,timestamp\n");
            long timestamp = 789_652_009L; // ML-32M's first
            for (long i = 0; i < rows; i++) {
                long user = 1 + i / ROWS_PER_USER;
                // Popular movies are rated more often, as in MovieLens: a skewed draw over the catalog.
                int movie = 1 + (int) (MOVIES * Math.pow(random.nextDouble(), 3));
                int halfStars = 1 + random.nextInt(10);
                line.setLength(0);
                line.append(user).append(',').append(movie).append(',').append(halfStars / 2).append('.')
                        .append(halfStars % 2 == 0 ? '0' : '5').append(',').append(timestamp + random.nextInt(1_000_000_000))
                        .append('\n');
                out.append(line);
            }
        }
    }
}

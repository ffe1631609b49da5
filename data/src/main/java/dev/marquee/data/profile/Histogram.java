package dev.marquee.data.profile;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * Relative frequencies of a numeric value over fixed buckets, plus an underflow and an overflow bucket.
 * Bucket {@code i} holds {@code edges[i] <= v < edges[i+1]}; the last bucket also holds its upper edge,
 * so a prediction clipped to exactly 5 lands in the top bucket, not in the overflow. Values below the
 * first edge are underflow, above the last edge (and NaN) overflow. {@code underflow + sum(frequencies) +
 * overflow} is 1 when {@code count > 0}.
 *
 * @param edges bucket boundaries, strictly increasing, at least two
 * @param count values counted
 * @param underflow share below {@code edges[0]}
 * @param frequencies share in each bucket, one fewer than the edges
 * @param overflow share above the last edge, NaN values included
 */
public record Histogram(List<Double> edges, long count, double underflow, List<Double> frequencies,
        double overflow) implements Serializable {

    public Histogram {
        if (edges == null || frequencies == null) {
            throw new IllegalArgumentException("a histogram needs edges and frequencies");
        }
        edges = List.copyOf(edges);
        frequencies = List.copyOf(frequencies);
        if (edges.size() < 2) {
            throw new IllegalArgumentException("a histogram needs at least two edges, got " + edges.size());
        }
        for (int i = 1; i < edges.size(); i++) {
            if (!(edges.get(i) > edges.get(i - 1))) {
                throw new IllegalArgumentException("histogram edges must increase strictly: " + edges);
            }
        }
        if (frequencies.size() != edges.size() - 1) {
            throw new IllegalArgumentException("a histogram with " + edges.size() + " edges needs "
                    + (edges.size() - 1) + " frequencies, got " + frequencies.size());
        }
        if (count < 0) {
            throw new IllegalArgumentException("histogram count must be >= 0, got " + count);
        }
        Frequencies.check("histogram", frequencies, underflow, overflow);
    }

    /** Ratings 1 to 5: one bucket per star, {@code [0.5, 1.5) ... [4.5, 5.5]}. */
    public static List<Double> ratingEdges() {
        return List.of(0.5, 1.5, 2.5, 3.5, 4.5, 5.5);
    }

    /** Predicted ratings: 0.5 wide from 1 to 5, {@code [1, 1.5) ... [4.5, 5]}, plus under/overflow. */
    public static List<Double> predictionEdges() {
        List<Double> edges = new ArrayList<>();
        for (int i = 0; i <= 8; i++) {
            edges.add(1.0 + 0.5 * i);
        }
        return List.copyOf(edges);
    }

    /** The histogram of {@code values} over {@code edges}. */
    public static Histogram of(List<Double> edges, double[] values) {
        Counter c = counter(edges);
        for (double v : values) {
            c.add(v);
        }
        return c.build();
    }

    /** A counter over {@code edges}, for values arriving one at a time. */
    public static Counter counter(List<Double> edges) {
        return new Counter(edges);
    }

    /** Number of buckets between the edges (under- and overflow not counted). */
    public int buckets() {
        return frequencies.size();
    }

    /**
     * Every share in one array: {@code [underflow, frequencies..., overflow]}, the form distance measures
     * (PSI, Jensen-Shannon) compare.
     */
    public double[] withUnderAndOverflow() {
        double[] out = new double[frequencies.size() + 2];
        out[0] = underflow;
        for (int i = 0; i < frequencies.size(); i++) {
            out[i + 1] = frequencies.get(i);
        }
        out[out.length - 1] = overflow;
        return out;
    }

    /**
     * The index of {@code v} in {@link #withUnderAndOverflow()}: 0 for underflow, {@code 1..buckets()} for
     * the buckets, {@code buckets() + 1} for overflow and NaN.
     */
    public static int slotOf(double[] edges, double v) {
        int n = edges.length - 1;
        if (v < edges[0]) {
            return 0;
        }
        if (!(v <= edges[n])) {
            return n + 1; // above the last edge, or NaN
        }
        int lo = 0;
        int hi = n - 1;
        while (lo < hi) { // the last bucket whose lower edge is <= v
            int mid = (lo + hi + 1) >>> 1;
            if (edges[mid] <= v) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo + 1;
    }

    /** Counts values into fixed buckets, then turns the counts into a {@link Histogram}. Not thread-safe. */
    public static final class Counter {
        private final List<Double> edgeList;
        private final double[] edges;
        private final long[] slots;
        private long count;

        private Counter(List<Double> edges) {
            this.edgeList = List.copyOf(edges);
            this.edges = edgeList.stream().mapToDouble(Double::doubleValue).toArray();
            this.slots = new long[this.edges.length + 1];
        }

        public Counter add(double v) {
            slots[slotOf(edges, v)]++;
            count++;
            return this;
        }

        public long count() {
            return count;
        }

        public Histogram build() {
            List<Double> freq = new ArrayList<>(slots.length - 2);
            for (int i = 1; i < slots.length - 1; i++) {
                freq.add(Frequencies.share(slots[i], count));
            }
            return new Histogram(edgeList, count, Frequencies.share(slots[0], count), freq,
                    Frequencies.share(slots[slots.length - 1], count));
        }
    }
}

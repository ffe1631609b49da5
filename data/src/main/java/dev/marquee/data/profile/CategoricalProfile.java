package dev.marquee.data.profile;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The distribution of a categorical feature ({@code user_id}, {@code movie_title}) over its K most frequent
 * values plus one "other" bucket for every remaining value. Unseen values at serving time also fall into
 * "other"; how many of them are unseen is the out-of-vocabulary rate, measured against the model's
 * vocabulary, not here.
 *
 * @param count values counted
 * @param vocabularySize distinct values counted
 * @param top the most frequent values, most frequent first (ties by value), at most K
 * @param other the share of all other values
 */
public record CategoricalProfile(long count, int vocabularySize, List<Entry> top, double other)
        implements Serializable {

    /** One of the top values and its share. */
    public record Entry(String value, double frequency) implements Serializable {
        public Entry {
            if (value == null) {
                throw new IllegalArgumentException("a top value must not be null");
            }
        }
    }

    public CategoricalProfile {
        if (top == null) {
            throw new IllegalArgumentException("a categorical profile needs its top values");
        }
        top = List.copyOf(top);
        if (count < 0 || vocabularySize < top.size()) {
            throw new IllegalArgumentException("bad categorical profile: count " + count + ", vocabulary size "
                    + vocabularySize + ", " + top.size() + " top values");
        }
        Frequencies.check("categorical", top.stream().map(Entry::frequency).toList(), other);
    }

    /** The profile of {@code counts} (value to occurrences) over its {@code topK} most frequent values. */
    public static CategoricalProfile of(Map<String, Long> counts, int topK) {
        if (topK < 1) {
            throw new IllegalArgumentException("top-K must be at least 1, got " + topK);
        }
        long total = 0;
        for (long c : counts.values()) {
            total += c;
        }
        List<Map.Entry<String, Long>> sorted = new ArrayList<>(counts.entrySet());
        sorted.sort(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder())
                .thenComparing(Map.Entry.comparingByKey()));
        List<Entry> top = new ArrayList<>(Math.min(topK, sorted.size()));
        long inTop = 0;
        for (Map.Entry<String, Long> e : sorted.subList(0, Math.min(topK, sorted.size()))) {
            top.add(new Entry(e.getKey(), Frequencies.share(e.getValue(), total)));
            inTop += e.getValue();
        }
        return new CategoricalProfile(total, counts.size(), top, Frequencies.share(total - inTop, total));
    }

    /**
     * Value to bucket: {@code 0..top().size()-1} for the top values; anything else is the "other" bucket
     * {@link #otherBucket()}. Builds a new map: build it once per model, not per record.
     */
    public Map<String, Integer> bucketIndex() {
        Map<String, Integer> index = new HashMap<>(top.size() * 2);
        for (int i = 0; i < top.size(); i++) {
            index.put(top.get(i).value(), i);
        }
        return index;
    }

    public int otherBucket() {
        return top.size();
    }

    /** Shares in bucket order: the top values, then "other". Sums to 1 (or 0 when nothing was counted). */
    public double[] bucketFrequencies() {
        double[] out = new double[top.size() + 1];
        for (int i = 0; i < top.size(); i++) {
            out[i] = top.get(i).frequency();
        }
        out[top.size()] = other;
        return out;
    }
}

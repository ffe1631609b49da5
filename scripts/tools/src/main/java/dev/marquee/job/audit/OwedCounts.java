package dev.marquee.job.audit;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What an audit owes and what it saw, counted per id: an id owed once and seen twice is a duplicate, one seen and
 * never owed is unexpected, one owed and not seen is missing. Counts, not sets, because an id may be owed more
 * than once (a producer that reuses request ids inside an envelope; a user who rates a title twice).
 */
final class OwedCounts {
    private final Map<String, Integer> owed = new HashMap<>();
    private final Map<String, Integer> seen = new HashMap<>();
    private long owedTotal;
    private long missing;

    void owe(String id) {
        owed.merge(id, 1, Integer::sum);
        owedTotal++;
        missing++;
    }

    void see(String id) {
        int before = seen.getOrDefault(id, 0);
        seen.put(id, before + 1);
        if (before < owed.getOrDefault(id, 0)) missing--;
    }

    /** Whether {@code id} is owed at all (seen or not). */
    boolean owes(String id) {
        return owed.containsKey(id);
    }

    /** Whether {@code id} was seen more often than it is owed. */
    boolean seenBeyondOwed(String id) {
        return id != null && seen.getOrDefault(id, 0) > owed.getOrDefault(id, 0);
    }

    long owedTotal() {
        return owedTotal;
    }

    /** Owed and not seen yet; zero once everything owed was seen. */
    long missing() {
        return missing;
    }

    /** The counts beyond what was owed, and up to {@code samples} ids of each kind. */
    Tally tally(int samples) {
        long duplicates = 0;
        long unexpected = 0;
        List<String> duplicateIds = new ArrayList<>();
        List<String> unexpectedIds = new ArrayList<>();
        for (Map.Entry<String, Integer> e : seen.entrySet()) {
            int due = owed.getOrDefault(e.getKey(), 0);
            int extra = e.getValue() - due;
            if (extra <= 0) continue;
            if (due == 0) {
                unexpected += extra;
                if (unexpectedIds.size() < samples) unexpectedIds.add(e.getKey());
            } else {
                duplicates += extra;
                if (duplicateIds.size() < samples) duplicateIds.add(e.getKey() + " x" + e.getValue());
            }
        }
        List<String> missingIds = new ArrayList<>();
        for (Map.Entry<String, Integer> e : owed.entrySet()) {
            if (missingIds.size() >= samples) break;
            if (seen.getOrDefault(e.getKey(), 0) < e.getValue()) missingIds.add(e.getKey());
        }
        return new Tally(missing, duplicates, unexpected, List.copyOf(missingIds), List.copyOf(duplicateIds),
                List.copyOf(unexpectedIds));
    }

    record Tally(long missing, long duplicates, long unexpected, List<String> missingSamples,
                 List<String> duplicateSamples, List<String> unexpectedSamples) { }
}

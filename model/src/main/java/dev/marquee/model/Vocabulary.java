package dev.marquee.model;

import dev.marquee.data.title.TitleCanonicalizer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The terms a model knows (user ids or titles), each with an index {@code 0..size-1}; everything else maps
 * to the out-of-vocabulary index {@link #oovIndex()} = {@code size}. A title vocabulary also maps each
 * title's {@link TitleCanonicalizer#canonicalKey canonical key} to the title's index, when that key belongs
 * to only one title (aliases); see docs/TITLES.md.
 */
public final class Vocabulary {
    private final List<String> terms;
    private final Map<String, Integer> lookup;
    /** The same map without the unmodifiable view, for the per-request lookups. */
    private final Map<String, Integer> index;
    private final boolean titleAliases;

    private Vocabulary(List<String> terms, boolean titleAliases) {
        this.terms = List.copyOf(terms);
        this.titleAliases = titleAliases;
        Map<String, Integer> map = new LinkedHashMap<>();
        for (int i = 0; i < this.terms.size(); i++) {
            if (map.putIfAbsent(this.terms.get(i), i) != null) {
                throw new IllegalArgumentException("duplicate term: " + this.terms.get(i));
            }
        }
        if (titleAliases) {
            // as the catalog resolves (docs/TITLES.md): a placeholder ("Unknown") or a title without a name
            // ("? (2011)") matches only as spelt, and takes no part in which keys are shared
            Map<String, List<Integer>> byKey = new HashMap<>();
            for (int i = 0; i < this.terms.size(); i++) {
                if (dev.marquee.data.title.TitleCatalog.matchedOnlyAsSpelt(this.terms.get(i))) continue;
                byKey.computeIfAbsent(TitleCanonicalizer.canonicalKey(this.terms.get(i)), k -> new ArrayList<>(1))
                        .add(i);
            }
            for (int i = 0; i < this.terms.size(); i++) {
                String key = TitleCanonicalizer.canonicalKey(this.terms.get(i));
                List<Integer> sharing = byKey.get(key);
                if (sharing != null && sharing.size() == 1 && sharing.get(0) == i) {
                    map.putIfAbsent(key, i); // an exact term always wins over an alias
                }
            }
        }
        this.index = map;
        this.lookup = Collections.unmodifiableMap(map);
    }

    /** Terms in this order. */
    public static Vocabulary of(List<String> terms) {
        return new Vocabulary(terms, false);
    }

    /** Titles in this order, plus their unique canonical keys as aliases. */
    public static Vocabulary ofTitles(List<String> titles) {
        return new Vocabulary(titles, true);
    }

    /** The distinct values, most frequent first (ties in natural order): a deterministic vocabulary order. */
    public static List<String> byFrequency(Collection<String> values) {
        Map<String, Integer> counts = new HashMap<>();
        values.forEach(v -> counts.merge(v, 1, Integer::sum));
        List<String> out = new ArrayList<>(counts.keySet());
        out.sort(Comparator.comparing((String v) -> -counts.get(v)).thenComparing(Comparator.naturalOrder()));
        return out;
    }

    /** The index of a term or alias, or -1. */
    public int indexOf(String term) {
        Integer i = term == null ? null : index.get(term);
        return i == null ? -1 : i;
    }

    /** The index of a term or alias, or {@link #oovIndex()}. */
    public int indexOrOov(String term) {
        int i = indexOf(term);
        return i < 0 ? oovIndex() : i;
    }

    public boolean contains(String term) {
        return indexOf(term) >= 0;
    }

    /** Number of terms (aliases not counted). */
    public int size() {
        return terms.size();
    }

    /** The index unknown terms get: one past the last term. */
    public int oovIndex() {
        return terms.size();
    }

    public List<String> terms() {
        return terms;
    }

    /** Every key the in-graph table holds (terms, then aliases) with its index. */
    public Map<String, Integer> tableEntries() {
        return lookup;
    }

    /** One term per line, UTF-8 (the order is the index). */
    public void write(Path file) throws IOException {
        for (String term : terms) {
            // one term per line: a line break would read back as two terms
            if (term.indexOf('\n') >= 0 || term.indexOf('\r') >= 0) {
                throw new IllegalArgumentException("a vocabulary term has a line break: " + term.replace("\n", "\\n")
                        .replace("\r", "\\r"));
            }
        }
        Files.write(file, terms, StandardCharsets.UTF_8);
    }

    public static Vocabulary read(Path file, boolean titleAliases) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        return new Vocabulary(lines, titleAliases);
    }
}

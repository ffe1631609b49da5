package dev.marquee.data.title;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * The known titles (a model's vocabulary, MovieLens' {@code u.item}) and how a title from outside maps
 * onto them. {@link #resolve(String)} returns the catalog's own spelling when the raw title is one, or
 * when its {@link TitleCanonicalizer#canonicalKey canonical key} belongs to exactly one catalog title;
 * otherwise the raw title unchanged. So a key shared by two catalog titles (a collision) never merges
 * them: each still resolves to itself, and a third spelling of that key stays as it came.
 *
 * <p>Immutable and serialisable, so a streaming operator can carry it.
 */
public final class TitleCatalog implements Serializable {
    private static final long serialVersionUID = 1L;

    /** How a raw title was matched. */
    public enum Match {
        /** The raw title is a catalog title. */
        EXACT,
        /** The raw title's key belongs to exactly one catalog title, which is returned. */
        CANONICAL,
        /** The raw title's key belongs to several catalog titles; the raw title is returned. */
        AMBIGUOUS,
        /** No catalog title has the raw title's key; the raw title is returned. */
        UNKNOWN
    }

    /** The title to use and how it was found. */
    public record Resolution(String title, Match match) implements Serializable {
        public boolean known() {
            return match == Match.EXACT || match == Match.CANONICAL;
        }
    }

    private final Set<String> titles;
    private final Map<String, String> uniqueByKey;
    private final Map<String, List<String>> collisions;

    private TitleCatalog(Set<String> titles) {
        this.titles = Collections.unmodifiableSet(titles);
        Map<String, List<String>> byKey = new HashMap<>();
        for (String t : titles) {
            byKey.computeIfAbsent(TitleCanonicalizer.canonicalKey(t), k -> new ArrayList<>(1)).add(t);
        }
        Map<String, String> unique = new HashMap<>();
        Map<String, List<String>> shared = new TreeMap<>();
        byKey.forEach((key, list) -> {
            if (list.size() == 1) {
                unique.put(key, list.get(0));
            } else {
                shared.put(key, List.copyOf(list));
            }
        });
        this.uniqueByKey = unique;
        this.collisions = Collections.unmodifiableMap(shared);
    }

    /** A catalog of these titles; repeats count once. */
    public static TitleCatalog of(Collection<String> titles) {
        Set<String> set = new LinkedHashSet<>();
        for (String t : titles) {
            set.add(Objects.requireNonNull(t, "a catalog title is null"));
        }
        return new TitleCatalog(set);
    }

    /** The catalog's spelling of {@code raw} when unambiguous, else {@code raw} itself. */
    public String resolve(String raw) {
        return lookup(raw).title();
    }

    /** Like {@link #resolve} but also says how the title was matched. */
    public Resolution lookup(String raw) {
        if (titles.contains(raw)) {
            return new Resolution(raw, Match.EXACT);
        }
        String key = TitleCanonicalizer.canonicalKey(raw);
        String title = uniqueByKey.get(key);
        if (title != null) {
            return new Resolution(title, Match.CANONICAL);
        }
        return new Resolution(raw, collisions.containsKey(key) ? Match.AMBIGUOUS : Match.UNKNOWN);
    }

    public boolean contains(String title) {
        return titles.contains(title);
    }

    /** The catalog's titles, in the order first given. */
    public Set<String> titles() {
        return titles;
    }

    public int size() {
        return titles.size();
    }

    /** Canonical keys shared by more than one catalog title, with those titles (sorted by key). */
    public Map<String, List<String>> collisions() {
        return collisions;
    }

    /** Titles whose key is shared with another catalog title. */
    public Set<String> ambiguousTitles() {
        Set<String> out = new HashSet<>();
        collisions.values().forEach(out::addAll);
        return out;
    }
}

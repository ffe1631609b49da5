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
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The known titles (a model's vocabulary, MovieLens' {@code u.item}) and how a title from outside maps
 * onto them. {@link #lookup(String)} tries, in order, and stops at the first tier that answers:
 * <ol>
 *   <li>{@link Match#EXACT}: the raw title is a catalog title (a hash lookup);
 *   <li>{@link Match#CANONICAL}: its {@link TitleCanonicalizer#canonicalKey canonical key} is the key of
 *       exactly one catalog title; a key shared by several (a collision) is {@link Match#AMBIGUOUS};
 *   <li>{@link Match#ALIAS}: its {@link LooseTitleKey loose key} is the loose key of exactly one catalog title's
 *       {@link TitleForms alternative forms} (parenthesised alternative title, main title alone, article dropped,
 *       subtitle dropped, credit dropped); the main-title forms are tried before the others, so a title's own
 *       main title wins over another title's alternative. The query without a leading credit ("Tim Burton's")
 *       is tried next. A loose key of several titles is {@link Match#AMBIGUOUS};
 *   <li>{@link Match#FUZZY}: a near spelling of exactly one catalog title of the same year, with the query's
 *       leading article if it has one ({@link FuzzyTitleIndex}); two equally close titles, or none, give
 *       {@link Match#UNKNOWN}.
 * </ol>
 * Whatever is not {@link Resolution#known() known} comes back as the raw title unchanged: a wrong match is
 * worse than none. The rules and their reasons are in docs/TITLES.md.
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
        /** The raw title matched one catalog title through an alternative form (alias, article, number). */
        ALIAS,
        /** The raw title is a near spelling (same year, small edit distance) of exactly one catalog title. */
        FUZZY,
        /** The raw title's key, or loose key, belongs to several catalog titles; the raw title is returned. */
        AMBIGUOUS,
        /** No catalog title matched (or two were equally near); the raw title is returned. */
        UNKNOWN;

        private final String wireName = ordinal() < 4 ? name().toLowerCase(java.util.Locale.ROOT) : "none";

        /** Whether a catalog title was found. */
        public boolean known() {
            return this != AMBIGUOUS && this != UNKNOWN;
        }

        /** The name predictions carry in {@code title_match}: exact, canonical, alias, fuzzy or none. */
        public String wireName() {
            return wireName;
        }
    }

    /** The title to use and how it was found. */
    public record Resolution(String title, Match match) implements Serializable {
        public boolean known() {
            return match.known();
        }

        /** The catalog title used, or null when none. */
        public String catalogTitle() {
            return known() ? title : null;
        }

        /** The name predictions carry in {@code title_match}: exact, canonical, alias, fuzzy or none. */
        public String wireName() {
            return match.wireName();
        }
    }

    private final Set<String> titles;
    /** Each catalog title to its (shared, immutable) exact resolution: the common case without allocating. */
    private final Map<String, Resolution> exact;
    private final Map<String, String> uniqueByKey;
    private final Map<String, List<String>> collisions;
    /** Loose keys of the primary forms ({@link TitleForms}) of exactly one title, and of several. */
    private final Map<String, String> primaryForms;
    private final Set<String> ambiguousPrimaryForms;
    /** The same for the secondary forms, keys of primary forms left out. */
    private final Map<String, String> secondaryForms;
    private final Set<String> ambiguousSecondaryForms;
    private final FuzzyTitleIndex fuzzy;
    /**
     * Resolutions of titles that are not catalog titles, as {@link #lookup} found them. Traffic repeats its
     * misspellings and unknown titles, and each costs every tier down to the fuzzy match (a CPU profile of the
     * scoring job put those tiers at ~6% of its task thread on MovieLens traffic); the tiers are deterministic,
     * so a remembered answer is the same answer. Bounded: emptied when full, so a stream of ever-new spellings
     * costs memory for at most {@link #MAX_REMEMBERED} of them.
     */
    private transient volatile ConcurrentHashMap<String, Resolution> remembered;

    /** How many non-catalog titles' resolutions a catalog keeps at most. */
    static final int MAX_REMEMBERED = 4096;

    private TitleCatalog(Set<String> titles) {
        this.titles = Collections.unmodifiableSet(titles);
        this.exact = new HashMap<>(titles.size() * 2);
        for (String t : titles) {
            exact.put(t, new Resolution(t, Match.EXACT));
        }
        Map<String, List<String>> byKey = new HashMap<>();
        for (String t : titles) {
            if (matchedOnlyAsSpelt(t)) continue;
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

        Map<String, Set<String>> primary = new HashMap<>();
        Map<String, Set<String>> secondary = new HashMap<>();
        FuzzyTitleIndex.Builder fuzzyIndex = new FuzzyTitleIndex.Builder();
        for (String t : titles) {
            if (matchedOnlyAsSpelt(t)) continue;
            for (TitleForms.Form form : TitleForms.of(t)) {
                String loose = LooseTitleKey.of(form.key());
                (form.primary() ? primary : secondary).computeIfAbsent(loose, k -> new HashSet<>(2)).add(t);
                fuzzyIndex.add(loose, TitleCanonicalizer.leadingArticle(form.key()), t);
            }
        }
        secondary.keySet().removeAll(primary.keySet());
        this.primaryForms = new HashMap<>();
        this.ambiguousPrimaryForms = new HashSet<>();
        split(primary, primaryForms, ambiguousPrimaryForms);
        this.secondaryForms = new HashMap<>();
        this.ambiguousSecondaryForms = new HashSet<>();
        split(secondary, secondaryForms, ambiguousSecondaryForms);
        this.fuzzy = fuzzyIndex.build();
    }

    private static void split(Map<String, Set<String>> byKey, Map<String, String> unique, Set<String> ambiguous) {
        byKey.forEach((key, set) -> {
            if (set.size() == 1) {
                unique.put(key, set.iterator().next());
            } else {
                ambiguous.add(key);
            }
        });
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
        Resolution hit = exact.get(raw);
        if (hit != null) {
            return hit; // the catalog's instance of the title: equal to raw, its hash already computed
        }
        ConcurrentHashMap<String, Resolution> known = remembered();
        Resolution seen = known.get(raw);
        if (seen != null) {
            return seen;
        }
        Resolution found = resolveThroughTiers(raw);
        if (known.size() >= MAX_REMEMBERED) {
            known.clear();
        }
        known.put(raw, found);
        return found;
    }

    /** How many non-catalog titles' resolutions are remembered now (for tests). */
    int rememberedCount() {
        return remembered().size();
    }

    private ConcurrentHashMap<String, Resolution> remembered() {
        ConcurrentHashMap<String, Resolution> m = remembered;
        if (m == null) {
            synchronized (this) {
                m = remembered;
                if (m == null) remembered = m = new ConcurrentHashMap<>();
            }
        }
        return m;
    }

    /** The tiers after the exact one, as the class comment lists them. */
    private Resolution resolveThroughTiers(String raw) {
        String key = TitleCanonicalizer.canonicalKey(raw);
        // Nothing to match on ("🎬", "...", "—", "🎬 (2011)"): such a title is its own, never another nameless one's.
        if (!hasName(key)) return new Resolution(raw, Match.UNKNOWN);
        String title = uniqueByKey.get(key);
        if (title != null) {
            return new Resolution(title, Match.CANONICAL);
        }
        if (collisions.containsKey(key)) {
            return new Resolution(raw, Match.AMBIGUOUS);
        }
        String loose = LooseTitleKey.of(key);
        Resolution alias = aliasLookup(raw, loose);
        if (alias == null) {
            String withoutCredit = TitleForms.withoutCredit(HtmlEntities.decode(raw));
            if (withoutCredit != null) {
                alias = aliasLookup(raw, LooseTitleKey.of(TitleCanonicalizer.canonicalKey(withoutCredit)));
            }
        }
        if (alias != null) {
            return alias;
        }
        title = fuzzy.match(loose, TitleCanonicalizer.leadingArticle(key));
        return title != null ? new Resolution(title, Match.FUZZY) : new Resolution(raw, Match.UNKNOWN);
    }

    /**
     * A catalog title that is a placeholder word is matched only as spelt: MovieLens 100K's item 267 is titled
     * "unknown" (no film, no date), and a producer's placeholder ("Unknown", "[unknown]", "<unknown>") would
     * otherwise resolve to it and be scored, learned and counted as that item. Real one-word titles ("Moonlight",
     * "Paterson" in ml-latest) keep every tier.
     */
    public static boolean matchedOnlyAsSpelt(String catalogTitle) {
        String key = TitleCanonicalizer.canonicalKey(catalogTitle);
        return !hasName(key) || PLACEHOLDERS.contains(LooseTitleKey.of(key));
    }

    /** Loose keys of the words producers and datasets write where a title is missing. */
    private static final Set<String> PLACEHOLDERS = Set.of("unknown", "untitled", "na", "none", "null", "tbd", "notitle",
            "unknowntitle", "missing");

    /**
     * Whether a canonical key has a name to match on: a letter or digit outside its year groups ("? (2011)" has none,
     * and must not match "🎬 (2011)"); code points, as letters beyond the BMP are two chars.
     */
    public static boolean hasName(String key) {
        return YEAR_GROUP.matcher(key).replaceAll(" ").codePoints().anyMatch(Character::isLetterOrDigit);
    }

    /** A canonical key's year group: "(2011)", and "(1995 ii)" for MovieLens' "(1995/II)" (the slash is a space there). */
    private static final java.util.regex.Pattern YEAR_GROUP = java.util.regex.Pattern.compile("\\(\\d{4}(?:[ /][ivx]+)?\\)");

    /** The alias tier: primary forms first, then secondary ones; null when neither has {@code loose}. */
    private Resolution aliasLookup(String raw, String loose) {
        if (ambiguousPrimaryForms.contains(loose)) {
            return new Resolution(raw, Match.AMBIGUOUS);
        }
        String title = primaryForms.get(loose);
        if (title == null) {
            if (ambiguousSecondaryForms.contains(loose)) {
                return new Resolution(raw, Match.AMBIGUOUS);
            }
            title = secondaryForms.get(loose);
        }
        return title == null ? null : new Resolution(title, Match.ALIAS);
    }

    public boolean contains(String title) {
        return exact.containsKey(title);
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

    /** Loose keys of alternative forms that belong to more than one title, and so resolve to none. */
    Set<String> ambiguousFormKeys() {
        Set<String> out = new TreeSet<>(ambiguousPrimaryForms);
        out.addAll(ambiguousSecondaryForms);
        return out;
    }

    /** The catalog title other than {@code title} that the canonical {@code key} is a near spelling of, else null. */
    String fuzzyMatchOtherThan(String key, String title) {
        return fuzzy.match(LooseTitleKey.of(key), TitleCanonicalizer.leadingArticle(key), title);
    }

    /** Titles whose key is shared with another catalog title. */
    public Set<String> ambiguousTitles() {
        Set<String> out = new HashSet<>();
        collisions.values().forEach(out::addAll);
        return out;
    }
}

package dev.marquee.data.title;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The last tier of {@link TitleCatalog}: a near spelling of one catalog title ("Forest Gump (1994)",
 * "Three Colours: Red (1994)"). A query matches only when all of these hold:
 * <ul>
 *   <li>it has a year, and the candidate forms are those of catalog titles of that same year;
 *   <li>its numbers (digit runs after {@link LooseTitleKey}, so Roman numerals and number words count) are
 *       the candidate's, in order: a sequel number is never a typo;
 *   <li>a leading article of the query (any of {@link TitleCanonicalizer}'s, written in front or after a
 *       comma) begins the candidate form too: producers drop articles, they do not invent them, and "A Fargo"
 *       is one added letter from "Fargo";
 *   <li>the restricted Damerau-Levenshtein distance between the loose keys without the year is within
 *       {@link #allowedDistance} of the query's length: 0 up to 4 characters, 1 up to 11, 2 up to 23, 3 above;
 *       up to {@value #SHORT} characters a substituted letter counts two, so only a letter added, dropped or
 *       swapped passes: in a short title a different letter is as often another word ("Twister" and
 *       "Twisted", "The Fan" and "The Van" are all 1996 films) as a typo;
 *   <li>exactly one catalog title is closest (the distance of a title is that of its closest form); two
 *       titles equally close refuse.
 * </ul>
 * Immutable and serialisable.
 */
final class FuzzyTitleIndex implements Serializable {
    private static final long serialVersionUID = 1L;
    /**
     * A year group of a loose key, with its disambiguating numeral when it has one: "(1997/I)" is {@code (1997i)} there
     * (the single "i" is no numeral to LooseTitleKey), "(1995/II)" {@code (19952)}, "(1996/X)" {@code (199610)}.
     */
    private static final Pattern YEAR_GROUP = Pattern.compile("\\((\\d{4})(i|\\d{1,2})?\\)");
    /** Queries up to this length (loose key without the year) may not substitute a letter. */
    static final int SHORT = 7;

    /** One form of a catalog title: its loose key without the year, the numbers in it and its leading article. */
    private record Entry(String body, String numbers, String article, String title) implements Serializable {}

    private final Map<String, List<Entry>> byYear;

    private FuzzyTitleIndex(Map<String, List<Entry>> byYear) {
        this.byYear = byYear;
    }

    static final class Builder {
        private final Map<String, List<Entry>> byYear = new HashMap<>();

        /**
         * Indexes a loose key of {@code title}, whose form begins with {@code article} (null when it has none,
         * see {@link TitleCanonicalizer#leadingArticle}); a key without a year is not indexed.
         */
        void add(String looseKey, String article, String title) {
            Split split = split(looseKey);
            if (split != null && !split.body.isEmpty()) {
                byYear.computeIfAbsent(split.year, y -> new ArrayList<>())
                        .add(new Entry(split.body, LooseTitleKey.numbers(split.body), article, title));
            }
        }

        FuzzyTitleIndex build() {
            Map<String, List<Entry>> copy = new HashMap<>();
            byYear.forEach((year, entries) -> copy.put(year, List.copyOf(entries)));
            return new FuzzyTitleIndex(copy);
        }
    }

    /**
     * The one catalog title closest to {@code looseKey}, a query beginning with {@code article} (null when none),
     * within the rules above, else null.
     */
    String match(String looseKey, String article) {
        return match(looseKey, article, null);
    }

    /** As {@link #match(String, String)}, as if {@code ignored} were not in the catalog (for checking a catalog). */
    String match(String looseKey, String article, String ignored) {
        Split query = split(looseKey);
        if (query == null) {
            return null;
        }
        List<Entry> candidates = byYear.get(query.year);
        int allowed = allowedDistance(query.body.length());
        if (candidates == null || allowed == 0) {
            return null;
        }
        String numbers = LooseTitleKey.numbers(query.body);
        int substitution = query.body.length() <= SHORT ? 2 : 1;
        String best = null;
        int bestDistance = allowed + 1;
        boolean tie = false;
        for (Entry e : candidates) {
            if (e.title.equals(ignored) || !e.numbers.equals(numbers) || Math.abs(e.body.length() - query.body.length()) > allowed
                    || article != null && !article.equals(e.article)) {
                continue;
            }
            int d = distance(query.body, e.body, Math.min(allowed, bestDistance), substitution);
            if (d < bestDistance) {
                best = e.title;
                bestDistance = d;
                tie = false;
            } else if (d == bestDistance && !e.title.equals(best)) {
                tie = true;
            }
        }
        return best == null || tie ? null : best;
    }

    /** Edits allowed for a query of {@code length} characters (spaces already removed). */
    static int allowedDistance(int length) {
        if (length <= 4) {
            return 0;
        }
        if (length <= 11) {
            return 1;
        }
        return length <= 23 ? 2 : 3;
    }

    private record Split(String body, String year) {}

    /** The loose key without its last year group, and that year; null when it has no year. */
    private static Split split(String looseKey) {
        Matcher m = YEAR_GROUP.matcher(looseKey);
        int start = -1;
        int end = -1;
        String year = null;
        while (m.find()) {
            start = m.start();
            end = m.end();
            year = m.group(2) == null ? m.group(1) : m.group(1) + "/" + m.group(2); // "(1997/I)" meets its own kind only
        }
        if (year == null) {
            return null;
        }
        return new Split(looseKey.substring(0, start) + looseKey.substring(end), year);
    }

    /**
     * Restricted Damerau-Levenshtein (optimal string alignment) distance of {@code a} and {@code b}, a
     * substitution costing {@code substitution}, or {@code limit + 1} as soon as it must exceed {@code limit}.
     */
    static int distance(String a, String b, int limit, int substitution) {
        int n = a.length();
        int m = b.length();
        if (Math.abs(n - m) > limit) {
            return limit + 1;
        }
        int[] before = new int[m + 1];
        int[] previous = new int[m + 1];
        int[] current = new int[m + 1];
        for (int j = 0; j <= m; j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= n; i++) {
            current[0] = i;
            int rowMin = current[0];
            for (int j = 1; j <= m; j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : substitution;
                int d = Math.min(Math.min(previous[j] + 1, current[j - 1] + 1), previous[j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d = Math.min(d, before[j - 2] + 1);
                }
                current[j] = d;
                rowMin = Math.min(rowMin, d);
            }
            if (rowMin > limit) {
                return limit + 1;
            }
            int[] t = before;
            before = previous;
            previous = current;
            current = t;
        }
        return Math.min(previous[m], limit + 1);
    }
}

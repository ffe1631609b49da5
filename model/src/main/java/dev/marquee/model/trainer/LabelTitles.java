package dev.marquee.model.trainer;

import dev.marquee.data.event.Rating;
import dev.marquee.data.title.TitleCanonicalizer;
import dev.marquee.data.title.TitleCatalog;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Labels' titles resolved against a catalog the way the scorer resolves requests (docs/TITLES.md), before they
 * are trained on: a label for "Se7en (1995)" teaches the model about its "Seven (Se7en) (1995)", not about a new
 * title. A title no catalog title matches is a new movie the candidate learns, under one spelling for all its labels
 * with the same canonical key (the most frequent, the first seen on a tie): "Crush (2013)", "CRUSH (2013)" and
 * "crush [2013]" trained as three titles would be three terms of the next catalog that share a key, so every other
 * spelling of the film would be AMBIGUOUS there. A label whose title only matched as a near spelling
 * ({@link TitleCatalog.Match#FUZZY}) is left out: one edit apart is as often another film as a typo ("Haunted (1995)"
 * and "Hunted, The (1995)"; 296 of the 86,330 titles of MovieLens' ml-latest resolve to another film this way when
 * left out of their catalog), and trained as the catalog's title it would teach that film another's ratings, version
 * after version; trained as sent, a typo would become a title of the next catalog. So is a label whose title matches
 * two catalog titles ({@link TitleCatalog.Match#AMBIGUOUS}): which of them it rates is not known, and as sent it
 * would be one more title sharing their key.
 *
 * @param ratings the labels, titles resolved (copies; the input is not changed), without the fuzzy and ambiguous ones
 * @param matches how many labels matched each way
 */
record LabelTitles(List<Rating> ratings, Map<TitleCatalog.Match, Integer> matches) {

    static LabelTitles resolve(List<Rating> labels, TitleCatalog catalog) {
        List<TitleCatalog.Resolution> resolved = new ArrayList<>(labels.size());
        Map<String, Map<String, Integer>> newSpellings = new HashMap<>(); // canonical key -> spelling -> labels
        for (Rating r : labels) {
            TitleCatalog.Resolution title = catalog.lookup(r.movieTitle == null ? "" : r.movieTitle);
            resolved.add(title);
            String key = newTitleKey(title);
            if (key != null) newSpellings.computeIfAbsent(key, k -> new LinkedHashMap<>()).merge(title.title(), 1, Integer::sum);
        }
        Map<String, String> spellingOf = new HashMap<>();
        newSpellings.forEach((key, counts) -> spellingOf.put(key, counts.entrySet().stream()
                .max(Comparator.comparingInt(Map.Entry<String, Integer>::getValue)).orElseThrow().getKey()));

        List<Rating> out = new ArrayList<>(labels.size());
        Map<TitleCatalog.Match, Integer> matches = new EnumMap<>(TitleCatalog.Match.class);
        for (int i = 0; i < labels.size(); i++) {
            Rating r = labels.get(i);
            TitleCatalog.Resolution title = resolved.get(i);
            matches.merge(title.match(), 1, Integer::sum);
            if (title.match() == TitleCatalog.Match.FUZZY || title.match() == TitleCatalog.Match.AMBIGUOUS) continue;
            String key = newTitleKey(title);
            String trained = key != null ? spellingOf.get(key) : title.title();
            if (trained.equals(r.movieTitle)) {
                out.add(r);
            } else {
                Rating copy = new Rating(r.userId, trained, r.rating, r.timestamp);
                copy.requestId = r.requestId;
                out.add(copy);
            }
        }
        return new LabelTitles(out, matches);
    }

    /** The canonical key a new title's spellings are gathered under; null for a catalog title or a nameless one. */
    private static String newTitleKey(TitleCatalog.Resolution title) {
        if (title.match() != TitleCatalog.Match.UNKNOWN) return null;
        String key = TitleCanonicalizer.canonicalKey(title.title());
        return TitleCatalog.hasName(key) ? key : null; // "🎬" and "..." share the empty key, but not a film
    }

    /** "12 exact, 3 alias, 1 none", the kinds that occurred. */
    String summary() {
        Map<String, Integer> byName = new java.util.LinkedHashMap<>();
        // AMBIGUOUS is "none" on the wire, as UNKNOWN is; here they differ: one is trained on, the other left out
        matches.forEach((m, n) -> byName.merge(m == TitleCatalog.Match.AMBIGUOUS ? "ambiguous" : m.wireName(), n, Integer::sum));
        List<String> parts = new ArrayList<>();
        byName.forEach((name, n) -> parts.add(n + " " + name
                + (name.equals(TitleCatalog.Match.FUZZY.wireName()) ? " (left out of training: a near spelling may be another film)"
                : name.equals("ambiguous") ? " (left out of training: it matches two titles)" : "")));
        return parts.isEmpty() ? "no labels" : String.join(", ", parts);
    }
}

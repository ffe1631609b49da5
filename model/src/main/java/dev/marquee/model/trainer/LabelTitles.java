package dev.marquee.model.trainer;

import dev.marquee.data.event.Rating;
import dev.marquee.data.title.TitleCatalog;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Labels' titles resolved against a catalog the way the scorer resolves requests (docs/TITLES.md), before they
 * are trained on: a label for "Se7en (1995)" teaches the model about its "Seven (Se7en) (1995)", not about a new
 * title. A title no catalog title matches stays as sent (a new movie the candidate learns). A label whose title only
 * matched as a near spelling ({@link TitleCatalog.Match#FUZZY}) is left out: one edit apart is as often another film
 * as a typo ("Haunted (1995)" and "Hunted, The (1995)"; 296 of the 86,330 titles of MovieLens' ml-latest resolve
 * to another film this way when left out of their catalog), and trained as the catalog's title it would teach that
 * film another's ratings, version after version; trained as sent, a typo would become a title of the next catalog.
 *
 * @param ratings the labels, titles resolved (copies; the input is not changed), without the fuzzy ones
 * @param matches how many labels matched each way
 */
record LabelTitles(List<Rating> ratings, Map<TitleCatalog.Match, Integer> matches) {

    static LabelTitles resolve(List<Rating> labels, TitleCatalog catalog) {
        List<Rating> out = new ArrayList<>(labels.size());
        Map<TitleCatalog.Match, Integer> matches = new EnumMap<>(TitleCatalog.Match.class);
        for (Rating r : labels) {
            TitleCatalog.Resolution title = catalog.lookup(r.movieTitle == null ? "" : r.movieTitle);
            matches.merge(title.match(), 1, Integer::sum);
            if (title.match() == TitleCatalog.Match.FUZZY) continue;
            if (title.title().equals(r.movieTitle)) {
                out.add(r);
            } else {
                Rating copy = new Rating(r.userId, title.title(), r.rating, r.timestamp);
                copy.requestId = r.requestId;
                out.add(copy);
            }
        }
        return new LabelTitles(out, matches);
    }

    /** "12 exact, 3 alias, 1 none", the kinds that occurred. */
    String summary() {
        Map<String, Integer> byName = new java.util.LinkedHashMap<>();
        matches.forEach((m, n) -> byName.merge(m.wireName(), n, Integer::sum));
        List<String> parts = new ArrayList<>();
        byName.forEach((name, n) -> parts.add(n + " " + name
                + (name.equals(TitleCatalog.Match.FUZZY.wireName()) ? " (left out of training: a near spelling may be another film)" : "")));
        return parts.isEmpty() ? "no labels" : String.join(", ", parts);
    }
}

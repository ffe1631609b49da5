package dev.marquee.data.title;

import dev.marquee.data.title.TitleCanonicalizer.Piece;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The alternative forms under which a catalog title is indexed (docs/TITLES.md, "Tier 3: alternative forms"), as
 * canonical keys, each with the title's year:
 * <ul>
 *   <li>primary: the whole title, and its main title without the parenthesised groups other than the year
 *       ("Seven (Se7en) (1995)" → "Seven (1995)"; "(V)" tags dropped too);
 *   <li>secondary: each parenthesised alternative title alone ("Se7en (1995)", "Haine, La (1995)"; a kind tag
 *       such as "(V)" is none), the main
 *       title without its subtitle (before the first ":" or " - "; "Austin Powers (1997)") unless the subtitle
 *       holds a number the rest does not ("Godfather: Part II, The" is not "Godfather, The"), and without a
 *       leading credit of the form "Firstname Lastname's" ("Bram Stoker's Dracula" → "Dracula").
 * </ul>
 * Each form also comes without its article when the catalog marks one (a trailing ", The", ", La", ... or a
 * leading "The"): producers drop articles, they do not invent them, so only this direction is indexed.
 */
final class TitleForms {
    /** A form's canonical key; primary forms win over secondary ones when both match a query. */
    record Form(String key, boolean primary) {}

    private static final Pattern YEAR = Pattern.compile("\\s*(\\d{4})(/[IVX]+)?\\s*");
    private static final Pattern SUBTITLE = Pattern.compile("^(.+?)(?:\\s*:|\\s+-\\s+)\\s*\\S.*$");
    /**
     * IMDb's kind tags, which MovieLens titles inherit as a group after the year ("... (1995) (V)" for a
     * video; ML-100K has only "(V)"): they say what a title is, not what it is called.
     */
    private static final Set<String> TAGS = Set.of("v", "tv", "vg", "mini", "video", "tv movie", "tv series",
            "tv mini series");
    private static final Pattern TRAILING_OR = Pattern.compile("(?i)^(.*\\S)\\s+or$");
    // One to three capitalised words (initials allowed) and a possessive word: "Robert A. Heinlein's".
    private static final Pattern CREDIT = Pattern.compile(
            "^((?:\\p{Lu}[\\p{L}.\\-]*\\s+){1,3})(\\p{Lu}[\\p{L}\\-]*)['\u2019]s\\s+(\\S.*)$");
    /** Words that make a possessive generic rather than a credit: "My Best Friend's", "White Man's", "Mr. X's". */
    private static final Set<String> NOT_A_CREDIT_FIRST = Set.of(
            "my", "your", "his", "her", "its", "our", "their", "some", "someone", "somebody", "every", "everyone",
            "everybody", "no", "nobody", "this", "that", "the", "a", "an", "mr", "mrs", "ms", "dr", "st", "sgt",
            "mister", "miss", "saint", "sir", "lady", "lord", "january", "february", "march", "april", "may", "june",
            "july", "august", "september", "october", "november", "december");
    private static final Set<String> NOT_A_CREDIT_LAST = Set.of(
            "man", "men", "woman", "women", "fool", "fools", "boy", "boys", "girl", "girls", "mother", "father",
            "friend", "friends", "wife", "husband", "son", "daughter", "brother", "sister", "child", "children",
            "people", "world", "devil", "god", "dog", "cat");

    private TitleForms() {}

    /** The forms of one catalog title, primary ones first, without repeats. */
    static List<Form> of(String title) {
        List<Piece> pieces = TitleCanonicalizer.pieces(title);
        StringBuilder main = new StringBuilder();
        List<String> groups = new ArrayList<>();
        for (Piece p : pieces) {
            if (p.group()) {
                groups.add(p.text());
            } else {
                main.append(main.length() > 0 ? " " : "").append(p.text().strip());
            }
        }
        String year = null;
        for (int i = groups.size() - 1; i >= 0 && year == null; i--) {
            if (YEAR.matcher(groups.get(i)).matches()) {
                year = groups.remove(i).strip();
            }
        }
        String suffix = year == null ? "" : " (" + year + ")";
        String mainText = main.toString().strip();

        Set<String> primary = new LinkedHashSet<>();
        add(primary, title, mainText);
        add(primary, mainText + suffix, mainText);
        Set<String> secondary = new LinkedHashSet<>();
        for (String alt : groups) {
            if (!TAGS.contains(TitleCanonicalizer.canonicalKey(alt))) {
                add(secondary, alt + suffix, alt);
            }
        }
        String withoutSubtitle = withoutSubtitle(mainText);
        if (withoutSubtitle != null && sameNumbers(withoutSubtitle, mainText)) {
            add(secondary, withoutSubtitle + suffix, withoutSubtitle);
        }
        String withoutCredit = withoutCredit(mainText);
        if (withoutCredit != null) {
            add(secondary, withoutCredit + suffix, withoutCredit);
        }
        secondary.removeAll(primary);

        List<Form> out = new ArrayList<>(primary.size() + secondary.size());
        primary.forEach(k -> out.add(new Form(k, true)));
        secondary.forEach(k -> out.add(new Form(k, false)));
        return out;
    }

    /** Adds the key of {@code form}, and without its article when {@code text} (its title part) marks one. */
    private static void add(Set<String> keys, String form, String text) {
        String key = TitleCanonicalizer.canonicalKey(form);
        if (!TitleCatalog.hasName(key)) { // "(1971)" alone, the main title of "$ (Dollars) (1971)": nothing to match on
            return;
        }
        keys.add(key);
        String article = TitleCanonicalizer.trailingArticle(text);
        if (article == null && text.toLowerCase(Locale.ROOT).startsWith("the ")) {
            article = "the";
        }
        if (article != null && !article.endsWith("'")) {
            String first = article.toLowerCase(Locale.ROOT) + " ";
            if (key.startsWith(first) && key.length() > first.length() && key.charAt(first.length()) != '(') {
                keys.add(key.substring(first.length()));
            }
        }
    }

    /**
     * The main title before its subtitle (first ":" or " - "), a trailing "or" dropped ("Dr. Strangelove or:
     * How I Learned ..." → "Dr. Strangelove"), the catalog's trailing article kept; null when it has none.
     */
    static String withoutSubtitle(String main) {
        String article = TitleCanonicalizer.trailingArticle(main);
        String text = TitleCanonicalizer.withoutTrailingArticle(main);
        Matcher m = SUBTITLE.matcher(text);
        if (!m.matches()) {
            return null;
        }
        String head = m.group(1).strip();
        Matcher or = TRAILING_OR.matcher(head);
        if (or.matches()) {
            head = or.group(1);
        }
        return article == null ? head : head + ", " + article;
    }

    /**
     * Whether two title texts have the same {@link LooseTitleKey#numbers numbers}: a subtitle that carries a
     * sequel number ("Godfather: Part II, The") is not dropped, or the sequel would answer for the original.
     */
    private static boolean sameNumbers(String a, String b) {
        return numbers(a).equals(numbers(b));
    }

    private static String numbers(String text) {
        return LooseTitleKey.numbers(LooseTitleKey.of(TitleCanonicalizer.canonicalKey(text)));
    }

    /**
     * The title without a leading credit "Firstname Lastname's" (two to four capitalised words, the first not
     * a determiner, pronoun, honorific or month, the possessor not a common noun), else null. A title the
     * catalog writes with a trailing article has none ("Young Poisoner's Handbook, The").
     */
    static String withoutCredit(String main) {
        if (TitleCanonicalizer.trailingArticle(main) != null) {
            return null;
        }
        Matcher m = CREDIT.matcher(main.strip());
        if (!m.matches()) {
            return null;
        }
        String first = m.group(1).strip().split("\\s+")[0].replace(".", "").toLowerCase(Locale.ROOT);
        String last = m.group(2).toLowerCase(Locale.ROOT);
        if (NOT_A_CREDIT_FIRST.contains(first) || NOT_A_CREDIT_LAST.contains(last)) {
            return null;
        }
        return m.group(3);
    }
}

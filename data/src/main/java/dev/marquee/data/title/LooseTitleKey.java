package dev.marquee.data.title;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A looser form of a {@link TitleCanonicalizer#canonicalKey canonical key}, used by {@link TitleCatalog}'s alias
 * tier and fuzzy tier on both sides (catalog and query), so it only equates spellings of the same words:
 * <ol>
 *   <li>Common title abbreviations: saint → st, sergeant → sgt, boulevard → blvd, brothers → bros,
 *       doctor → dr, mister → mr, junior → jr, versus → vs.
 *   <li>Roman numerals from II to XXXIX (words made of i, v, x only, not the single "i", which is also a
 *       pronoun and an article) become digits: "Star Trek III" → "star trek 3".
 *   <li>English number words become digits: "twelve" → 12, "thirty two" → 32, "one hundred and one" → 101,
 *       "twenty thousand" → 20000.
 *   <li>Spaces are removed, so word splits do not matter: "Cop Land" = "Copland", "L. A." = "L.A." = "LA",
 *       "Jungle 2 Jungle" = "Jungle2Jungle". Parenthesised groups (the year) stay as groups.
 * </ol>
 * "Seven (Se7en) (1995)" → {@code 7(se7en)(1995)}.
 */
final class LooseTitleKey {
    private static final Map<String, String> ABBREVIATIONS = Map.of(
            "saint", "st", "sergeant", "sgt", "boulevard", "blvd", "brothers", "bros",
            "doctor", "dr", "mister", "mr", "junior", "jr", "versus", "vs");
    private static final Pattern ROMAN = Pattern.compile("x{0,3}(ix|iv|v?i{0,3})");
    private static final Map<String, Integer> SMALL = smallNumbers();
    private static final Pattern WORDS = Pattern.compile("[ ()]+|[^ ()]+");
    private static final Pattern DIGITS = Pattern.compile("\\d+");

    private LooseTitleKey() {}

    /** The loose form of a canonical key (a key, not a raw title: see {@link TitleCanonicalizer}). */
    static String of(String canonicalKey) {
        List<String> tokens = new ArrayList<>();
        Matcher m = WORDS.matcher(canonicalKey);
        while (m.find()) {
            tokens.add(m.group());
        }
        StringBuilder out = new StringBuilder(canonicalKey.length());
        for (int i = 0; i < tokens.size(); i++) {
            String t = tokens.get(i);
            if (isSeparator(t)) {
                out.append(t.replace(" ", ""));
                continue;
            }
            if (SMALL.containsKey(t)) {
                i = appendNumber(tokens, i, out) - 1;
                continue;
            }
            out.append(word(t));
        }
        return out.toString();
    }

    /**
     * The numbers of a loose key, in order, each followed by a comma ("star trek 3 (1984)" → {@code 3,1984,}):
     * the digit runs, so Roman numerals and number words count. Two titles whose numbers differ are never
     * equated by a dropped or misspelt part: a sequel number is never a typo nor a subtitle.
     */
    static String numbers(String looseKey) {
        StringBuilder b = new StringBuilder();
        Matcher m = DIGITS.matcher(looseKey);
        while (m.find()) {
            b.append(m.group()).append(',');
        }
        return b.toString();
    }

    private static boolean isSeparator(String token) {
        char c = token.charAt(0);
        return c == ' ' || c == '(' || c == ')';
    }

    private static String word(String t) {
        String abbreviation = ABBREVIATIONS.get(t);
        if (abbreviation != null) {
            return abbreviation;
        }
        if (t.length() > 1 || t.equals("v") || t.equals("x")) {
            int roman = romanValue(t);
            if (roman > 1) {
                return Integer.toString(roman);
            }
        }
        return t;
    }

    /** Value of a Roman numeral up to 39, or 0 when {@code t} is not one. */
    static int romanValue(String t) {
        if (t.isEmpty() || !ROMAN.matcher(t).matches()) {
            return 0;
        }
        int value = 0;
        for (int i = 0; i < t.length(); i++) {
            int v = switch (t.charAt(i)) {
                case 'i' -> 1;
                case 'v' -> 5;
                default -> 10;
            };
            int next = i + 1 < t.length() ? (t.charAt(i + 1) == 'i' ? 1 : t.charAt(i + 1) == 'v' ? 5 : 10) : 0;
            value += v < next ? -v : v;
        }
        return value;
    }

    /**
     * Reads the number words starting at token {@code start} (a number word), appends their value and returns
     * the index of the first token not read. Words join as in "thirty two", "one hundred and one", "twenty
     * thousand"; a word that cannot continue the number ("two three") starts a new one.
     */
    private static int appendNumber(List<String> tokens, int start, StringBuilder out) {
        long total = 0;
        long current = 0;
        int last = 0; // magnitude of the last word read: 1 unit, 10 tens or teen, 100 hundred, 1000 thousand
        int end = start;
        int i = start;
        while (i < tokens.size()) {
            String t = tokens.get(i);
            if (isSeparator(t)) {
                if (!t.equals(" ")) {
                    break;
                }
                i++;
                continue;
            }
            Integer small = SMALL.get(t);
            if (small != null) {
                boolean unit = small < 10;
                boolean allowed = last == 0 || last >= 100 || last == 10 && unit && current % 10 == 0
                        && current % 100 >= 20;
                if (!allowed) {
                    break;
                }
                current += small;
                last = unit ? 1 : 10;
            } else if (t.equals("hundred") && last != 0 && last < 100 && current > 0 && current < 100) {
                current *= 100;
                last = 100;
            } else if (t.equals("thousand") && last != 0 && last <= 100 && current > 0 && total == 0) {
                total = current * 1000;
                current = 0;
                last = 1000;
            } else if (t.equals("and") && last >= 100 && nextWordIsSmall(tokens, i + 1)) {
                i++;
                continue;
            } else {
                break;
            }
            i++;
            end = i;
        }
        out.append(total + current);
        return end;
    }

    private static boolean nextWordIsSmall(List<String> tokens, int from) {
        for (int i = from; i < tokens.size(); i++) {
            if (!tokens.get(i).equals(" ")) {
                return SMALL.containsKey(tokens.get(i));
            }
        }
        return false;
    }

    private static Map<String, Integer> smallNumbers() {
        String[] units = {"zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
                "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"};
        String[] tens = {"twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"};
        Map<String, Integer> m = new HashMap<>();
        for (int i = 0; i < units.length; i++) {
            m.put(units[i], i);
        }
        for (int i = 0; i < tens.length; i++) {
            m.put(tens[i], (i + 2) * 10);
        }
        return Map.copyOf(m);
    }
}

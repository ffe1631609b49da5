package dev.marquee.data.title;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one canonical form of a movie title, used everywhere a title from outside (a request, a ratings
 * file) is matched against a catalog. Two spellings that differ only trivially get the same key; see
 * {@link TitleCatalog} for how keys are used, and {@code docs/TITLES.md} for the rules with examples.
 *
 * <p>The rules, applied in this order:
 * <ol>
 *   <li>HTML character references are read ("Schindler&amp;#39;s List" → "Schindler's List"): numeric ones and
 *       {@code amp quot apos lt gt nbsp rsquo lsquo rdquo ldquo ndash mdash hellip}.
 *   <li>Apostrophe look-alikes (’ ‘ ‛ ʼ ′ ` ´ ＇) become {@code '}. Invisible format characters (soft hyphen,
 *       zero-width joiner and non-joiner, word joiner, byte-order mark) are deleted; a zero-width space
 *       becomes a space. Superscript digits and vulgar fractions become words of their own ("8½" → "8 1/2",
 *       "Alien³" → "Alien 3").
 *   <li>Unicode NFKD, then accents are removed (the marks {@code MARKS} lists, not a script's vowel signs),
 *       then lower case (root locale): "Misérables" →
 *       "miserables"; full-width and ligature forms become plain letters. Letters that do not decompose
 *       are spelled out: ß→ss, æ→ae, œ→oe, ø→o, ł→l, đ/ð→d, þ→th, ı→i.
 *   <li>A year in square brackets or braces becomes a parenthesised year: "Fargo [1996]" → "Fargo (1996)"
 *       (after the rule above, so "Fargo ［１９９６］" too).
 *   <li>The title is cut into its plain text and its top-level parenthesised groups, e.g.
 *       "Contempt (Mépris, Le) (1963)" → "Contempt", "(Mépris, Le)", "(1963)". The groups stay in the key
 *       as groups, so the year "(1997)" is part of the key and different years stay different. Nested
 *       parentheses become spaces; an unclosed group runs to the end.
 *   <li>In every piece, a trailing article after a comma moves to the front: "Devil's Advocate, The" →
 *       "The Devil's Advocate", "Enfer, L'" → "L'Enfer". Articles: English the, a, an; French le, la,
 *       les, l', un, une; Italian il, lo, gli, i, uno, una; Spanish el, los, las; German der, die, das,
 *       den, ein, eine; Portuguese o, os; Dutch de, het, een; Scandinavian det, en. Only these words move,
 *       so "Paris, Texas" stays as it is. The leading form is the canonical one, so "The X" needs no rule.
 *   <li>"&amp;", and "+" standing alone, become "and"; apostrophes and periods are deleted ("Devil's" →
 *       "devils", "L.A." → "la"), and so is a thousands comma ("20,000" → "20000");
 *       every other character that is not a letter or digit becomes a space; runs of spaces become one;
 *       empty pieces are dropped.
 * </ol>
 * The key is the pieces joined by single spaces, groups in parentheses:
 * "Devil's Advocate, The (1997)" → {@code the devils advocate (1997)}.
 *
 * <p>Not equated by the key: an article against no article ("The Fan" ≠ "Fan"), digits against numerals
 * ("3" ≠ "III"), a title with its year against one without, and an alternative title against the main
 * one. {@link TitleCatalog} matches some of these in its later tiers ({@link TitleForms}, {@link LooseTitleKey});
 * the key stays the strict "same title, trivially respelt" relation that other code keys state by.
 */
public final class TitleCanonicalizer {
    private static final Set<String> ARTICLES = Set.of(
            "the", "a", "an",
            "le", "la", "les", "l'", "un", "une",
            "il", "lo", "gli", "i", "uno", "una",
            "el", "los", "las",
            "der", "die", "das", "den", "ein", "eine",
            "o", "os",
            "de", "het", "een",
            "det", "en");

    // "<rest>, <word>" at the end of a piece; <word> is checked against ARTICLES.
    private static final Pattern TRAILING_WORD = Pattern.compile("^(.*\\S)\\s*,\\s*([\\p{L}]+'?)$");
    // Accents and points only: the combining diacritics (Latin, Greek, Cyrillic: "é" is "e" + U+0301 after NFKD),
    // Arabic harakat, Hebrew niqqud and the Indic nukta, which writers add or leave out, and the emoji variation
    // selectors. Not every combining mark: Devanagari's and Thai's vowel signs, and the kana voicing mark, are letters
    // of their words ("दिल" is not "दल", "ガ" is not "カ").
    private static final Pattern MARKS = Pattern.compile("[\\u0300-\\u036F\\u1AB0-\\u1AFF\\u1DC0-\\u1DFF\\u20D0-\\u20FF"
            + "\\uFE20-\\uFE2F\\uFE00-\\uFE0F\\u064B-\\u065F\\u0670\\u0591-\\u05BD\\u05BF\\u05C1\\u05C2\\u05C4\\u05C5\\u05C7"
            + "\\u093C\\u09BC\\u0A3C\\u0ABC\\u0B3C\\u0C3C\\u0CBC]+");
    // "[1995]" or "{1995}": a year in square brackets or braces, as some producers write it.
    private static final Pattern BRACKETED_YEAR = Pattern.compile("[\\[{]\\s*(\\d{4})\\s*[\\]}]");

    private TitleCanonicalizer() {}

    /** The canonical key of a title; equal keys mean "the same title, spelt differently". */
    public static String canonicalKey(String title) {
        // The year rule runs on the plain text, so full-width brackets and digits and no-break spaces count.
        String text = BRACKETED_YEAR.matcher(plainLowerCase(HtmlEntities.decode(title))).replaceAll("($1)");
        StringBuilder key = new StringBuilder(text.length());
        for (Piece piece : pieces(text)) {
            String normal = normalize(moveTrailingArticle(piece.text));
            if (normal.isEmpty()) {
                continue;
            }
            if (key.length() > 0) {
                key.append(' ');
            }
            key.append(piece.group ? "(" + normal + ")" : normal);
        }
        return key.toString();
    }

    /**
     * Apostrophes unified, compatibility-decomposed without marks, lower case. Decomposing can yield
     * capitals ("Ⅷ" → "VIII") and lower-casing can yield marks ("İ" → "i̇"), so both run twice;
     * apostrophes are unified before (for "´", which decomposes to a space) and after (for "ŉ" → "ʼn").
     */
    private static String plainLowerCase(String s) {
        String text = unifyApostrophes(s);
        if (isAscii(text)) {
            return text.toLowerCase(Locale.ROOT);
        }
        String folded = foldInvisibleAndNumberForms(text);
        String decomposed = Normalizer.normalize(folded, Normalizer.Form.NFKD);
        if (decomposed.length() > MAX_GROWTH * folded.length() + 64) {
            // a few characters decompose into many ("\uFDFA" into 18): a title of them would cost every tier of the
            // lookup on a key many times the length the parser allowed. Such a title is matched as it is written.
            return unifyApostrophes(folded.toLowerCase(Locale.ROOT));
        }
        text = stripMarks(decomposed).toLowerCase(Locale.ROOT);
        return unifyApostrophes(stripMarks(Normalizer.normalize(text, Normalizer.Form.NFKD)));
    }

    /** How many times longer than the title its decomposition may be (real accented text: under 2). */
    static final int MAX_GROWTH = 4;

    /**
     * Format characters (soft hyphen, zero-width joiners, word joiner, byte-order mark) are deleted, except the
     * zero-width space, which separates words and so becomes a space. A number form that is not a digit
     * (superscripts, vulgar fractions: "Alien³", "8½") is set off as a word of its own, so that after
     * decomposition "8½" reads "8 1/2" and "Alien³" reads "Alien 3".
     */
    private static String foldInvisibleAndNumberForms(String s) {
        StringBuilder b = new StringBuilder(s.length() + 4);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            int type = Character.getType(c);
            if (c == '\u200B') {
                b.append(' ');
            } else if (type == Character.FORMAT) {
                // deleted: "Brave\u00ADheart" == "Braveheart"
            } else if (type == Character.OTHER_NUMBER) {
                b.append(' ').append(c).append(' ');
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    private static String stripMarks(String s) {
        return MARKS.matcher(s).replaceAll("");
    }

    private static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    private static String unifyApostrophes(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\u2019', '\u2018', '\u02BC', '\u2032', '`', '\u00B4', '\uFF07', '\u201B' -> b.append('\'');
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    record Piece(String text, boolean group) {}

    /** Plain text between groups, and each top-level "(...)" group; an unclosed group runs to the end. */
    static List<Piece> pieces(String s) {
        List<Piece> out = new ArrayList<>(4);
        StringBuilder current = new StringBuilder();
        int depth = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '(') {
                if (depth == 0) {
                    out.add(new Piece(current.toString(), false));
                    current.setLength(0);
                } else {
                    current.append(' ');
                }
                depth++;
            } else if (c == ')' && depth > 0) {
                depth--;
                if (depth == 0) {
                    out.add(new Piece(current.toString(), true));
                    current.setLength(0);
                } else {
                    current.append(' ');
                }
            } else {
                current.append(c);
            }
        }
        out.add(new Piece(current.toString(), depth > 0));
        return out;
    }

    /** The article written after a final comma of {@code piece} ("The" for "Usual Suspects, The"), else null. */
    static String trailingArticle(String piece) {
        Matcher m = TRAILING_WORD.matcher(piece.strip());
        return m.matches() && ARTICLES.contains(m.group(2).toLowerCase(Locale.ROOT)) ? m.group(2) : null;
    }

    /**
     * The first word of a canonical {@code key} when it is an article ("the" for {@code the fan (1996)}, and
     * for "Fan, The (1996)", whose key has it in front), else null. An elided article ("L'") is no word of its
     * own in a key, so it is never found.
     */
    static String leadingArticle(String key) {
        int end = key.indexOf(' ');
        String first = end < 0 ? key : key.substring(0, end);
        return ARTICLES.contains(first) ? first : null;
    }

    /** {@code piece} without its trailing article and the comma before it, or as it is when it has none. */
    static String withoutTrailingArticle(String piece) {
        Matcher m = TRAILING_WORD.matcher(piece.strip());
        return m.matches() && ARTICLES.contains(m.group(2).toLowerCase(Locale.ROOT)) ? m.group(1) : piece.strip();
    }

    private static String moveTrailingArticle(String piece) {
        String trimmed = piece.strip();
        Matcher m = TRAILING_WORD.matcher(trimmed);
        if (!m.matches()) {
            return trimmed;
        }
        String word = m.group(2);
        if (!ARTICLES.contains(word.toLowerCase(Locale.ROOT))) {
            return trimmed;
        }
        return word.endsWith("'") ? word + m.group(1) : word + " " + m.group(1);
    }

    private static String normalize(String lower) {
        StringBuilder b = new StringBuilder(lower.length());
        boolean space = true; // suppresses leading and repeated spaces
        for (int i = 0; i < lower.length(); i++) {
            char c = lower.charAt(i);
            String replacement = spelledOut(c);
            if (replacement != null) {
                b.append(replacement);
                space = false;
            } else if (c == '\'' || c == '.') {
                // deleted: "devil's" == "devils", "l.a." == "la"
            } else if (c == ',' && isThousandsSeparator(lower, i)) {
                // deleted: "20,000" == "20000"
            } else if (c == '&' || c == '+' && standsAlone(lower, i)) {
                if (!space) {
                    b.append(' ');
                }
                b.append("and ");
                space = true;
            } else if (Character.isLetterOrDigit(c)) {
                b.append(c);
                space = false;
            } else if (Character.isSurrogate(c) && i + 1 < lower.length()
                    && Character.isLetterOrDigit(lower.codePointAt(i))) {
                b.append(c).append(lower.charAt(++i));
                space = false;
            } else if (!space && isMark(c)) {
                b.append(c); // a vowel sign of the letter before it (the accents were removed already)
            } else if (!space) {
                b.append(' ');
                space = true;
            }
        }
        int end = b.length();
        while (end > 0 && b.charAt(end - 1) == ' ') {
            end--;
        }
        return b.substring(0, end);
    }

    private static boolean isMark(char c) {
        int type = Character.getType(c);
        return type == Character.NON_SPACING_MARK || type == Character.COMBINING_SPACING_MARK
                || type == Character.ENCLOSING_MARK;
    }

    /** A comma between a digit and exactly three digits: "20,000". */
    private static boolean isThousandsSeparator(String s, int i) {
        if (i == 0 || i + 3 >= s.length() || !Character.isDigit(s.charAt(i - 1))) {
            return false;
        }
        for (int j = i + 1; j <= i + 3; j++) {
            if (!Character.isDigit(s.charAt(j))) {
                return false;
            }
        }
        return i + 4 == s.length() || !Character.isDigit(s.charAt(i + 4));
    }

    /** A "+" with a space (or the end) on both sides is a conjunction: "Romeo + Juliet". */
    private static boolean standsAlone(String s, int i) {
        return (i == 0 || s.charAt(i - 1) == ' ') && (i + 1 == s.length() || s.charAt(i + 1) == ' ');
    }

    private static String spelledOut(char c) {
        return switch (c) {
            case 'ß' -> "ss";
            case 'æ' -> "ae";
            case 'œ' -> "oe";
            case 'ø' -> "o";
            case 'ł' -> "l";
            case 'đ', 'ð' -> "d";
            case 'þ' -> "th";
            case 'ı' -> "i";
            default -> null;
        };
    }
}

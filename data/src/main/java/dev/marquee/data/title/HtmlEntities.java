package dev.marquee.data.title;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * HTML character references in titles that producers copied from web pages ("Schindler&#39;s List", Python's
 * {@code html.escape} writes {@code &#x27;}): the numeric ones and the named ones titles use are read as the
 * characters they stand for; any other {@code &name;} stays as it is.
 */
final class HtmlEntities {
    private static final Pattern REFERENCE = Pattern.compile("&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z]{2,8});");
    private static final Map<String, String> NAMED = Map.ofEntries(
            Map.entry("amp", "&"), Map.entry("quot", "\""), Map.entry("apos", "'"), Map.entry("lt", "<"),
            Map.entry("gt", ">"), Map.entry("nbsp", " "), Map.entry("rsquo", "\u2019"), Map.entry("lsquo", "\u2018"),
            Map.entry("rdquo", "\u201D"), Map.entry("ldquo", "\u201C"), Map.entry("ndash", "\u2013"),
            Map.entry("mdash", "\u2014"), Map.entry("hellip", "\u2026"));

    private HtmlEntities() {}

    static String decode(String s) {
        if (s.indexOf('&') < 0) return s;
        Matcher m = REFERENCE.matcher(s);
        StringBuilder out = new StringBuilder(s.length());
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(character(m.group(1), m.group())));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static String character(String name, String whole) {
        if (name.charAt(0) != '#') return NAMED.getOrDefault(name.toLowerCase(java.util.Locale.ROOT), whole);
        boolean hex = name.length() > 1 && (name.charAt(1) == 'x' || name.charAt(1) == 'X');
        int cp = Integer.parseInt(name.substring(hex ? 2 : 1), hex ? 16 : 10);
        if (!Character.isValidCodePoint(cp) || Character.isSurrogate((char) cp) && cp <= 0xFFFF || cp == 0) return whole;
        return new String(Character.toChars(cp));
    }
}

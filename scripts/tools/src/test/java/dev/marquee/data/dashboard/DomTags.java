package dev.marquee.data.dashboard;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Just enough reading of Chromium's serialised DOM for the dashboard's tests: the attributes of start tags and
 * the text of elements that hold only text. Chromium writes every attribute value in double quotes.
 */
final class DomTags {
    private static final Pattern ATTRIBUTE = Pattern.compile("([a-zA-Z_:][-a-zA-Z0-9_:.]*)(?:=\"([^\"]*)\")?");

    private DomTags() {}

    /** The attributes of every {@code <tag ...>} whose attributes include all of {@code required}. */
    static List<Map<String, String>> tags(String html, String tag, Map<String, String> required) {
        List<Map<String, String>> found = new ArrayList<>();
        Matcher m = Pattern.compile("<" + tag + "(\\s[^>]*)?>").matcher(html);
        while (m.find()) {
            Map<String, String> attrs = attributes(m.group(1) == null ? "" : m.group(1));
            if (attrs.entrySet().containsAll(required.entrySet())) found.add(attrs);
        }
        return found;
    }

    /** The text inside the element with this id, which must hold text only. */
    static String textById(String html, String id) {
        Matcher m = Pattern.compile("<(\\w+)[^>]*\\sid=\"" + Pattern.quote(id) + "\"[^>]*>([^<]*)</\\1>").matcher(html);
        if (!m.find()) throw new AssertionError("no text-only element with id '" + id + "' in the page");
        return unescape(m.group(2));
    }

    static Map<String, String> attributes(String inside) {
        Map<String, String> attrs = new LinkedHashMap<>();
        Matcher a = ATTRIBUTE.matcher(inside);
        while (a.find()) attrs.put(a.group(1), a.group(2) == null ? "" : unescape(a.group(2)));
        return attrs;
    }

    private static String unescape(String s) {
        return s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'")
                .replace("&nbsp;", "\u00a0").replace("&amp;", "&");
    }
}

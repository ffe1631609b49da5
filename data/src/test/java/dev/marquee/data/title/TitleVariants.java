package dev.marquee.data.title;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The hand-written title variant set, {@code title-variants.tsv} beside this class: how producers fed by
 * other catalogs spell ML-100K titles, and near misses that must resolve to nothing. See docs/TITLES.md.
 */
final class TitleVariants {
    static final String RESOURCE = "title-variants.tsv";
    private static final List<String> HEADER = List.of("variant", "expected", "kind", "note");
    private static final Pattern ESCAPE = Pattern.compile("\\\\u([0-9A-Fa-f]{4})");

    /** One line: {@code expected} is null for a near miss. */
    record Variant(int line, String variant, String expected, String kind, String note) {
        boolean nearMiss() {
            return expected == null;
        }
    }

    private TitleVariants() {}

    static List<Variant> load() {
        InputStream in = TitleVariants.class.getResourceAsStream(RESOURCE);
        if (in == null) {
            throw new IllegalStateException(RESOURCE + " is not on the test class path");
        }
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            return parse(reader.lines().toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<Variant> parse(List<String> lines) {
        List<Variant> out = new ArrayList<>();
        boolean headerSeen = false;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.startsWith("#") || line.isEmpty()) {
                continue;
            }
            // limit -1 keeps empty trailing cells; cells are not trimmed (a catalog title can end in a space)
            List<String> cells = List.of(line.split("\t", -1));
            if (cells.size() != HEADER.size()) {
                throw new IllegalArgumentException("line " + (i + 1) + ": " + cells.size() + " cells, not 4: " + line);
            }
            if (!headerSeen) {
                if (!cells.equals(HEADER)) {
                    throw new IllegalArgumentException("line " + (i + 1) + ": header is not " + HEADER);
                }
                headerSeen = true;
                continue;
            }
            String expected = cells.get(1).isEmpty() ? null : cells.get(1);
            out.add(new Variant(i + 1, unescape(cells.get(0)), expected, cells.get(2), cells.get(3)));
        }
        return out;
    }

    /** A backslash, "u" and four hex digits become that UTF-16 code unit, so invisible characters stay visible. */
    static String unescape(String s) {
        Matcher m = ESCAPE.matcher(s);
        StringBuilder out = new StringBuilder(s.length());
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(String.valueOf((char) Integer.parseInt(m.group(1), 16))));
        }
        m.appendTail(out);
        return out.toString();
    }
}

package dev.marquee.tools;

import java.util.Locale;

/** Text from a topic made safe for one terminal line, for the tools that print records and events. */
public final class TerminalText {
    private TerminalText() {}

    /**
     * {@code text} with its control and format characters (line breaks, escape sequences, bidi overrides) written as
     * \\uXXXX, tabs kept: one record or event stays one line, and cannot move the terminal's cursor.
     */
    public static String oneLine(String text) {
        StringBuilder b = new StringBuilder(text.length());
        text.codePoints().forEach(c -> {
            int type = Character.getType(c);
            if (c != '\t' && (type == Character.CONTROL || type == Character.FORMAT)) {
                b.append(String.format(Locale.ROOT, "\\u%04X", c));
            } else {
                b.appendCodePoint(c);
            }
        });
        return b.toString();
    }
}

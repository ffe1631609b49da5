package dev.marquee.data.parse;

/** What the parser needs to know about the characters of a string: when it is blank, and how to clip it. */
final class Chars {
    private Chars() {}

    /**
     * True when the string shows nothing: it is empty or holds only Unicode spaces (U+0020, U+00A0, U+2000-U+200A,
     * U+202F, U+3000, ...; line and paragraph separators) and invisible (default-ignorable) characters such as
     * U+200B-U+200D, U+2060 and U+FEFF. Control characters are not blank: they are bad characters.
     */
    static boolean isBlank(String s) {
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            if (!Character.isSpaceChar(cp) && !isDefaultIgnorable(cp)) return false;
            i += Character.charCount(cp);
        }
        return true;
    }

    /** Unicode's Default_Ignorable_Code_Point property (DerivedCoreProperties.txt): drawn as nothing. */
    static boolean isDefaultIgnorable(int cp) {
        if (cp < 0x00AD) return false; // the common case: ASCII and most Latin-1
        return cp == 0x00AD || cp == 0x034F || cp == 0x061C || cp == 0x115F || cp == 0x1160 || cp == 0x17B4
                || cp == 0x17B5 || (cp >= 0x180B && cp <= 0x180F) || (cp >= 0x200B && cp <= 0x200F)
                || (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2060 && cp <= 0x206F) || cp == 0x3164
                || (cp >= 0xFE00 && cp <= 0xFE0F) || cp == 0xFEFF || cp == 0xFFA0 || (cp >= 0xFFF0 && cp <= 0xFFF8)
                || (cp >= 0x1BCA0 && cp <= 0x1BCA3) || (cp >= 0x1D173 && cp <= 0x1D17A) || (cp >= 0xE0000 && cp <= 0xE0FFF);
    }

    /**
     * The string with each unpaired surrogate written out as the text {@code \uD800}: a key or name echoed into a
     * dead letter or drift report must be encodable in UTF-8, which a lone surrogate is not (jq stops its whole stream
     * at one; Go and Python replace or refuse it).
     */
    static String withoutLoneSurrogates(String s) {
        StringBuilder b = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean paired = Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
            if (paired) {
                if (b != null) b.append(c).append(s.charAt(i + 1));
                i++;
            } else if (Character.isSurrogate(c)) {
                if (b == null) b = new StringBuilder(s.length() + 8).append(s, 0, i);
                b.append(String.format(java.util.Locale.ROOT, "\\u%04X", (int) c));
            } else if (b != null) {
                b.append(c);
            }
        }
        return b == null ? s : b.toString();
    }

    /** The first {@code maxChars} characters, one fewer when the last would be half of a surrogate pair. */
    static String clip(String s, int maxChars) {
        if (s.length() <= maxChars) return s;
        int end = maxChars;
        if (end > 0 && Character.isHighSurrogate(s.charAt(end - 1)) && Character.isLowSurrogate(s.charAt(end))) end--;
        return s.substring(0, end);
    }
}

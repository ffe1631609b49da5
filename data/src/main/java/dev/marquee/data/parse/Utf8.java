package dev.marquee.data.parse;

/** Strict UTF-8 validation (no overlong forms, no surrogates, nothing above U+10FFFF). */
final class Utf8 {
    private Utf8() {}

    /**
     * True when the bytes are valid UTF-8 and hold no NUL byte. NUL is refused because JSON never needs a raw
     * one, and UTF-16/32 text (which Jackson would otherwise auto-detect) is full of them.
     */
    static boolean isValidWithoutNul(byte[] b) {
        int i = 0;
        int n = b.length;
        while (i < n) {
            int c = b[i] & 0xFF;
            if (c < 0x80) {
                if (c == 0) return false;
                i++;
                continue;
            }
            int need;
            int lo = 0x80;
            int hi = 0xBF;
            if (c >= 0xC2 && c <= 0xDF) {
                need = 1;
            } else if (c >= 0xE0 && c <= 0xEF) {
                need = 2;
                if (c == 0xE0) lo = 0xA0;       // overlong
                else if (c == 0xED) hi = 0x9F;  // surrogates
            } else if (c >= 0xF0 && c <= 0xF4) {
                need = 3;
                if (c == 0xF0) lo = 0x90;       // overlong
                else if (c == 0xF4) hi = 0x8F;  // above U+10FFFF
            } else {
                return false;
            }
            if (i + need >= n) return false; // truncated sequence
            int second = b[i + 1] & 0xFF;
            if (second < lo || second > hi) return false;
            for (int k = 2; k <= need; k++) {
                int cont = b[i + k] & 0xFF;
                if (cont < 0x80 || cont > 0xBF) return false;
            }
            i += need + 1;
        }
        return true;
    }

    /** The largest cut point not above {@code max} that does not split a UTF-8 sequence. */
    static int safeCut(byte[] b, int from, int max) {
        int cut = from + max;
        while (cut > from && (b[cut] & 0xC0) == 0x80) cut--;
        return cut;
    }
}

package dev.marquee.data.parse;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The validator's edges, byte by byte: each range's first and last valid lead and continuation byte, and the first
 * invalid one beyond it (Unicode's table 3-7 of well-formed UTF-8). A title with a degree sign or a pound sign
 * (lead byte C2) must be read, a surrogate or an overlong form never.
 */
class Utf8Test {

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource({
            "41, true",            // A
            "00, false",           // NUL
            "7F, true",
            "80, false",           // a continuation byte alone
            "C1BF, false",         // overlong two-byte form
            "C280, true",          // U+0080
            "C2B0, true",          // the degree sign
            "C2A3, true",          // the pound sign
            "C27F, false",         // continuation below 80
            "C2C0, false",         // continuation above BF
            "DFBF, true",          // U+07FF
            "E09F80, false",       // overlong three-byte form
            "E0A080, true",        // U+0800
            "E0BFBF, true",
            "E1BFBF, true",
            "E28241, false",       // third byte no continuation
            "E282C0, false",       // third byte above BF
            "E282AC, true",        // the euro sign
            "ED9FBF, true",        // U+D7FF
            "EDA080, false",       // U+D800, a surrogate
            "EEBFBF, true",
            "EFBFBF, true",        // U+FFFF
            "F08F8080, false",     // overlong four-byte form
            "F0908080, true",      // U+10000
            "F09F8EAC, true",      // the clapper board emoji
            "F09F8E7F, false",     // fourth byte no continuation
            "F09F8EC0, false",     // fourth byte above BF
            "F09F7FAC, false",     // third byte no continuation
            "F3BFBFBF, true",
            "F48FBFBF, true",      // U+10FFFF
            "F4908080, false",     // above U+10FFFF
            "F5808080, false",
            "FF, false",
            "C2, false",           // truncated
            "E282, false",
            "F09F8E, false",
    })
    void acceptsWellFormedUtf8AndRefusesTheRest(String hex, boolean valid) {
        byte[] bytes = HexFormat.of().parseHex(hex.toLowerCase(java.util.Locale.ROOT));
        assertThat(Utf8.isValidWithoutNul(bytes)).isEqualTo(valid);
        if (valid) {
            assertThat(new String(bytes, StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_8))
                    .as("the JDK reads it back unchanged").isEqualTo(bytes);
        }
        byte[] framed = HexFormat.of().parseHex("41" + hex.toLowerCase(java.util.Locale.ROOT) + "41");
        assertThat(Utf8.isValidWithoutNul(framed)).as("between ASCII").isEqualTo(valid);
    }

    /** A cut never splits a sequence: it moves back to the sequence's lead byte. */
    @ParameterizedTest(name = "at most {0} bytes from 1: cut at {1}")
    @CsvSource({"0, 1", "1, 2", "2, 2", "3, 2", "4, 5", "5, 6"})
    void aCutMovesBackToTheLeadByteOfTheSequenceItWouldSplit(int max, int cut) {
        byte[] bytes = HexFormat.of().parseHex("4141e282ac4141"); // A A euro A A
        assertThat(Utf8.safeCut(bytes, 1, max)).isEqualTo(cut);
    }
}

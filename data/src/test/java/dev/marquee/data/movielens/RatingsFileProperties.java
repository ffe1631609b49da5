package dev.marquee.data.movielens;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.data.event.Rating;
import dev.marquee.data.movielens.RatingsFile.Format;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

class RatingsFileProperties {

    @Property(tries = 300)
    void csvRoundTrips(@ForAll("ratings") @Size(max = 20) List<Rating> ratings) throws IOException {
        assertThat(roundTrip(ratings, Format.CSV)).isEqualTo(ratings);
    }

    @Property(tries = 300)
    void jsonLinesRoundTrip(@ForAll("ratings") @Size(max = 20) List<Rating> ratings) throws IOException {
        assertThat(roundTrip(ratings, Format.JSON_LINES)).isEqualTo(ratings);
    }

    private static List<Rating> roundTrip(List<Rating> ratings, Format format) throws IOException {
        StringWriter out = new StringWriter();
        RatingsFile.write(out, ratings, format);
        List<Rating> back = new ArrayList<>();
        RatingsFile.read(new StringReader(out.toString()), format, "memory", back::add);
        return back;
    }

    @Provide
    Arbitrary<List<Rating>> ratings() {
        // Any text but empty, with the characters that stress quoting well represented (no control characters:
        // reading refuses them, as the request parser does).
        Arbitrary<String> text = Arbitraries.strings()
                .withChars(",\"' ()é’\u00e1\u4e2d")
                .withCharRange('a', 'z')
                .withCharRange('\u0020', '\u007e')
                .ofMinLength(1).ofMaxLength(30);
        Arbitrary<Float> rating = Arbitraries.oneOf( // the range ratings are taken in (outside it: refused)
                Arbitraries.integers().between(1, 5).map(Integer::floatValue),
                Arbitraries.floats().between(Rating.MIN_LABEL, Rating.MAX_LABEL));
        Arbitrary<Long> timestamp = Arbitraries.longs().lessOrEqual(Rating.LATEST_TIMESTAMP); // later: milliseconds, refused
        Arbitrary<String> title = text.filter(t -> !t.isBlank()); // a blank title is refused
        Arbitrary<String> user = text.map(String::strip).filter(t -> !t.isEmpty()); // a CSV user id's edge blanks go
        return Combinators.combine(user, title, rating, timestamp).as(Rating::new).list();
    }
}

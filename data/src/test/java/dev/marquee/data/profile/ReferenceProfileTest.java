package dev.marquee.data.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.marquee.data.event.Rating;
import dev.marquee.data.json.EventJson;
import dev.marquee.data.synth.SyntheticRatings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReferenceProfileTest {

    private static List<Rating> generated() {
        return new SyntheticRatings(3).users(40).movies(60).ratingsPerUser(15).generate().ratings();
    }

    private static double sum(double[] shares) {
        return Arrays.stream(shares).sum();
    }

    @Test
    void everyDistributionSumsToOne() {
        List<Rating> rows = generated();
        ReferenceProfile p = ReferenceProfile.builder().topK(10).addAll(rows).build();
        assertThat(p.count()).isEqualTo(rows.size());
        assertThat(sum(p.userId().bucketFrequencies())).isCloseTo(1.0, within(1e-12));
        assertThat(sum(p.movieTitle().bucketFrequencies())).isCloseTo(1.0, within(1e-12));
        assertThat(p.timestamp().hourOfDay().stream().mapToDouble(Double::doubleValue).sum()).isCloseTo(1.0, within(1e-12));
        assertThat(p.timestamp().dayOfWeek().stream().mapToDouble(Double::doubleValue).sum()).isCloseTo(1.0, within(1e-12));
        assertThat(sum(p.rating().withUnderAndOverflow())).isCloseTo(1.0, within(1e-12));
    }

    @Test
    void categoricalsKeepTheTopKAndPutTheRestInOther() {
        List<Rating> rows = new ArrayList<>();
        // user "a" x5, "b" x3, "c" x2, "d" x1, "e" x1: top 2 = a, b; other = c, d, e = 4 of 12
        String[] users = {"a", "a", "a", "a", "a", "b", "b", "b", "c", "c", "d", "e"};
        for (int i = 0; i < users.length; i++) {
            rows.add(new Rating(users[i], "Movie " + (i % 3), 3, 1_000_000L + i));
        }
        ReferenceProfile p = ReferenceProfile.builder().topK(2).addAll(rows).build();
        CategoricalProfile u = p.userId();
        assertThat(u.count()).isEqualTo(12);
        assertThat(u.vocabularySize()).isEqualTo(5);
        assertThat(u.top()).extracting(CategoricalProfile.Entry::value).containsExactly("a", "b");
        assertThat(u.top().get(0).frequency()).isEqualTo(5 / 12.0);
        assertThat(u.other()).isEqualTo(4 / 12.0);
        assertThat(u.bucketIndex()).containsEntry("a", 0).containsEntry("b", 1).doesNotContainKey("c");
        assertThat(u.otherBucket()).isEqualTo(2);
        // Three titles, four times each: ties are broken by value, and K above the vocabulary leaves other = 0.
        CategoricalProfile t = ReferenceProfile.builder().topK(50).addAll(rows).build().movieTitle();
        assertThat(t.top()).extracting(CategoricalProfile.Entry::value)
                .containsExactly("Movie 0", "Movie 1", "Movie 2");
        assertThat(t.other()).isZero();
    }

    @Test
    void defaultTopKIsFifty() {
        ReferenceProfile p = ReferenceProfile.builder().addAll(generated()).build();
        assertThat(p.topK()).isEqualTo(ReferenceProfile.DEFAULT_TOP_K).isEqualTo(50);
        assertThat(p.userId().top()).hasSize(40); // only 40 users
        assertThat(p.movieTitle().top()).hasSize(50);
        assertThat(p.movieTitle().vocabularySize()).isEqualTo(60);
        assertThat(p.movieTitle().other()).isPositive();
    }

    @Test
    void timestampsByUtcHourAndIsoWeekday() {
        long mondayNoonUtc = 1_700_481_600L; // 2023-11-20T12:00:00Z, a Monday
        long sundayLate = mondayNoonUtc - 12 * 3600 - 1; // 2023-11-19T23:59:59Z
        assertThat(TimestampProfile.hourOf(mondayNoonUtc)).isEqualTo(12);
        assertThat(TimestampProfile.dayOfWeekOf(mondayNoonUtc)).isZero();
        assertThat(TimestampProfile.hourOf(sundayLate)).isEqualTo(23);
        assertThat(TimestampProfile.dayOfWeekOf(sundayLate)).isEqualTo(6);
        assertThat(TimestampProfile.dayOfWeekOf(0)).isEqualTo(3); // 1970-01-01, a Thursday
        assertThat(TimestampProfile.hourOf(-1)).isEqualTo(23);

        ReferenceProfile p = ReferenceProfile.builder()
                .add("1", "A (1990)", 4, mondayNoonUtc).add("1", "A (1990)", 4, mondayNoonUtc)
                .add("2", "B (1990)", 2, mondayNoonUtc + 3600).add("2", "B (1990)", 1, sundayLate).build();
        TimestampProfile ts = p.timestamp();
        assertThat(ts.min()).isEqualTo(sundayLate);
        assertThat(ts.max()).isEqualTo(mondayNoonUtc + 3600);
        assertThat(ts.hourOfDay().get(12)).isEqualTo(0.5);
        assertThat(ts.hourOfDay().get(13)).isEqualTo(0.25);
        assertThat(ts.dayOfWeek().get(0)).isEqualTo(0.75);
        assertThat(ts.dayOfWeek().get(6)).isEqualTo(0.25);
    }

    @Test
    void ratingsHaveOneBucketPerStar() {
        ReferenceProfile p = ReferenceProfile.builder().add("1", "A", 1, 0).add("1", "B", 5, 0).add("2", "A", 5, 0)
                .add("2", "B", 3, 0).build();
        assertThat(p.rating().frequencies()).containsExactly(0.25, 0.0, 0.25, 0.0, 0.5);
        assertThat(p.rating().underflow()).isZero();
        assertThat(p.rating().overflow()).isZero();
    }

    @Test
    void predictionBucketsAreHalfAStarWideWithUnderAndOverflow() {
        Histogram h = Histogram.of(Histogram.predictionEdges(), new double[] {0.9, 1.0, 1.49, 1.5, 3.42, 4.99, 5.0,
                5.01, Double.NaN, -3});
        assertThat(h.edges()).containsExactly(1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0, 4.5, 5.0);
        assertThat(h.count()).isEqualTo(10);
        assertThat(h.underflow()).isEqualTo(0.2); // 0.9, -3
        assertThat(h.frequencies().get(0)).isEqualTo(0.2); // 1.0, 1.49
        assertThat(h.frequencies().get(1)).isEqualTo(0.1); // 1.5
        assertThat(h.frequencies().get(4)).isEqualTo(0.1); // 3.42
        assertThat(h.frequencies().get(7)).isEqualTo(0.2); // 4.99 and 5.0: the top bucket includes 5
        assertThat(h.overflow()).isEqualTo(0.2); // 5.01 and NaN
        assertThat(sum(h.withUnderAndOverflow())).isCloseTo(1.0, within(1e-12));
    }

    @Test
    void roundTripsThroughJson(@TempDir Path tmp) throws IOException {
        ReferenceProfile p = ReferenceProfile.builder().topK(7).addAll(generated()).build()
                .withPrediction(Histogram.of(Histogram.predictionEdges(), new double[] {1.2, 3.3, 3.4, 4.9}),
                        "validation");
        Path file = tmp.resolve(ReferenceProfile.FILE_NAME);
        p.write(file);
        ReferenceProfile back = ReferenceProfile.read(file);
        assertThat(back).isEqualTo(p);
        assertThat(back.hasPrediction()).isTrue();

        JsonNode json = EventJson.mapper().readTree(Files.readAllBytes(file));
        Set<String> keys = iterable(json.fieldNames());
        assertThat(keys).containsExactlyInAnyOrder("format_version", "top_k", "count", "user_id", "movie_title",
                "timestamp", "rating", "prediction", "prediction_source", "event_hours");
        assertThat(iterable(json.get("user_id").fieldNames()))
                .containsExactlyInAnyOrder("count", "vocabulary_size", "top", "other");
        assertThat(json.at("/user_id/top/0").has("value")).isTrue();
        assertThat(iterable(json.get("timestamp").fieldNames()))
                .containsExactlyInAnyOrder("count", "min", "max", "hour_of_day", "day_of_week");
        assertThat(json.at("/prediction/edges")).hasSize(9);
        long rows = 0;
        for (JsonNode c : json.at("/event_hours/counts")) rows += c.asLong();
        assertThat(rows).as("every row in its event hour").isEqualTo(p.count());
    }

    @Test
    void aProfileWithoutPredictionsLeavesThemOut() throws IOException {
        ReferenceProfile p = ReferenceProfile.builder().addAll(generated()).build();
        JsonNode json = EventJson.mapper().readTree(p.toJson());
        assertThat(json.has("prediction")).isFalse();
        assertThat(ReferenceProfile.fromJson(p.toJson())).isEqualTo(p);
    }

    @Test
    void badFilesAreRefusedWithTheReason(@TempDir Path tmp) throws IOException {
        assertThatThrownBy(() -> ReferenceProfile.read(tmp.resolve("missing.json")))
                .isInstanceOf(IOException.class).hasMessageContaining("no reference profile at");
        Path folder = Files.createDirectories(tmp.resolve("folder.json"));
        assertThatThrownBy(() -> ReferenceProfile.read(folder)).isInstanceOf(IOException.class)
                .hasMessageStartingWith("cannot read the reference profile " + folder + ": ");
        Path bad = tmp.resolve("bad.json");
        Files.writeString(bad, "{\"format_version\": 1", StandardCharsets.UTF_8);
        assertThatThrownBy(() -> ReferenceProfile.read(bad)).isInstanceOf(IOException.class)
                .hasMessageStartingWith("bad reference profile " + bad);

        ReferenceProfile p = ReferenceProfile.builder().addAll(generated()).build();
        String json = new String(p.toJson(), StandardCharsets.UTF_8);
        Files.writeString(bad, json.replace("\"format_version\" : 1", "\"format_version\" : 9"));
        assertThatThrownBy(() -> ReferenceProfile.read(bad)).hasMessageContaining("unsupported format_version 9");
        Files.writeString(bad, json.replaceFirst("\"other\" : [0-9.Ee-]+", "\"other\" : 0.9"));
        assertThatThrownBy(() -> ReferenceProfile.read(bad)).hasMessageContaining("sum to");
        Files.writeString(bad, "{\"format_version\": 1, \"top_k\": 5, \"count\": 1}");
        assertThatThrownBy(() -> ReferenceProfile.read(bad)).hasMessageContaining("needs user_id");
    }

    @Test
    void anEmptyProfileIsRefused() {
        assertThatThrownBy(() -> ReferenceProfile.builder().build()).hasMessageContaining("at least one row");
        assertThatThrownBy(() -> ReferenceProfile.builder().topK(0)).hasMessageContaining("top-K");
    }

    private static Set<String> iterable(java.util.Iterator<String> it) {
        Set<String> out = new java.util.LinkedHashSet<>();
        it.forEachRemaining(out::add);
        return out;
    }
}

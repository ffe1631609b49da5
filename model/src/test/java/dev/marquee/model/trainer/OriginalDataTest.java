package dev.marquee.model.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.marquee.data.event.Rating;
import dev.marquee.data.movielens.MovieLensLatest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A retrain finds the serving version's ml-latest-format data again from its card's {@code data.source}. */
class OriginalDataTest {
    @TempDir
    Path tmp;

    @Test
    void anMlLatestSourceIsReadAgain() {
        List<Rating> rows = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            rows.add(new Rating(String.valueOf(i % 10), "Movie, The " + i % 13 + " (1999)", 0.5f + i % 10 * 0.5f, 1000L + i));
        }
        Path dir = tmp.resolve("ml-latest");
        MovieLensLatest.write(dir, rows);
        ObjectNode card = new ObjectMapper().createObjectNode();
        card.putObject("data").put("source", "MovieLens (ml-latest format) at " + dir);

        OriginalData.Loaded loaded = new OriginalData(null, Map.of(), tmp).load(card);
        assertThat(loaded.description()).isEqualTo("MovieLens (ml-latest format) at " + dir);
        assertThat(loaded.option()).isEqualTo(dir.toString());
        List<Rating> all = new ArrayList<>(loaded.split().train());
        all.addAll(loaded.split().validation());
        all.addAll(loaded.split().test());
        assertThat(all).containsExactlyInAnyOrderElementsOf(rows);

        OriginalData.Loaded explicit = new OriginalData("ml-latest/ratings.csv", Map.of(), tmp).load(null);
        assertThat(explicit.description()).isEqualTo(loaded.description());
    }
}

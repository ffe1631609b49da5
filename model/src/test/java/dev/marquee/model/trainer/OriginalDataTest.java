package dev.marquee.model.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.marquee.data.event.Rating;
import dev.marquee.data.movielens.MovieLensDir;
import dev.marquee.data.movielens.MovieLensLatest;
import dev.marquee.data.movielens.MovieLensNotFoundException;
import dev.marquee.data.movielens.Split;
import dev.marquee.data.movielens.Splits;
import dev.marquee.data.synth.SyntheticRatings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A retrain finds the serving version's data again from its card's {@code data.source}, cut by its card's split
 * (u1 included), with the validation rows trained on when the version was refit.
 */
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

    @Test
    void aU1VersionIsRetrainedFromU1Base() throws IOException {
        Path dir = tinyMovieLens100K();
        ObjectNode card = new ObjectMapper().createObjectNode();
        card.putObject("data").put("source", "MovieLens 100K at " + dir).put("split", "u1");

        OriginalData.Loaded loaded = new OriginalData(null, Map.of(), tmp).load(card);
        assertThat(loaded.splitName()).isEqualTo("u1");
        assertThat(loaded.refit()).isFalse();
        assertThat(loaded.split().train()).extracting(r -> r.userId + "/" + r.timestamp)
                .containsExactly("1/10", "2/11", "3/12", "1/13");
        assertThat(loaded.split().validation()).isEmpty();
        assertThat(loaded.split().test()).extracting(r -> r.userId + "/" + r.timestamp).containsExactly("2/14");

        // the next retrain reads the split the worker recorded
        ObjectNode retrained = new ObjectMapper().createObjectNode();
        retrained.putObject("data").put("split", "label-holdout");
        retrained.putObject("retrain").put("original_data", dir.toString()).put("original_split", "u1");
        assertThat(new OriginalData(null, Map.of(), tmp).load(retrained).split().train()).hasSize(4);
    }

    /** Trained on a workstation, retrained in a pod: the card's path is not there, $MOVIELENS_DIR names the copy. */
    /**
     * A version imported without its training data learned from something unknown: the trainer does not guess
     * MovieLens from the environment, it asks for --data; with --data it trains on that.
     */
    @Test
    void aVersionImportedWithoutDataIsNotRetrainedOnTheEnvironmentsMovieLens() throws IOException {
        Path dir = tinyMovieLens100K();
        ObjectNode card = new ObjectMapper().createObjectNode();
        card.put("origin", "imported");
        card.putObject("data").put("unknown", "imported without training data (--data)");

        Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(
                () -> new OriginalData(null, Map.of(MovieLensDir.ENV, dir.toString()), tmp).load(card));
        assertThat(thrown).isInstanceOf(OriginalData.NoTrainingData.class).hasMessageContaining("give the trainer --data");
        assertThat(thrown.toString()).as("the outcome's reason: the message, without the class name")
                .isEqualTo(thrown.getMessage());
        assertThat(new OriginalData("synthetic:200", Map.of(), tmp).load(card).description()).contains("synthetic:200");
    }

    /** An import trained on another part than the split's training part says so: a retrain trains on the training part. */
    @Test
    void anImportTrainedOnAnotherPartSaysTheRetrainUsesTheTrainingPart() throws IOException {
        Path dir = tinyMovieLens100K();
        ObjectNode card = new ObjectMapper().createObjectNode();
        card.put("origin", "imported");
        card.putObject("data").put("source", "MovieLens 100K at " + dir).put("split", "u1").put("part", "all");
        assertThat(new OriginalData(null, Map.of(), tmp).load(card).description())
                .contains("trained on the split's 'all' part").contains("a retrain trains on its training part");
        card.with("data").put("part", "train");
        assertThat(new OriginalData(null, Map.of(), tmp).load(card).description()).doesNotContain("was trained on the split's");
    }

    @Test
    void aCardPathThisHostLacksGivesWayToMovieLensDir() throws IOException {
        Path dir = tinyMovieLens100K();
        ObjectNode card = new ObjectMapper().createObjectNode();
        card.putObject("data").put("source", "MovieLens 100K at /home/someone/ml-100k").put("split", "u1");

        OriginalData.Loaded loaded = new OriginalData(null, Map.of(MovieLensDir.ENV, dir.toString()), tmp).load(card);
        assertThat(loaded.option()).isEqualTo(dir.toAbsolutePath().toString());
        assertThat(loaded.split().train()).hasSize(4);
        assertThatThrownBy(() -> new OriginalData(null, Map.of(), tmp).load(card))
                .isInstanceOf(MovieLensNotFoundException.class).hasMessageContaining("/home/someone/ml-100k");
    }

    @Test
    void aRefitVersionIsRetrainedOnTrainAndValidation() {
        ObjectNode card = new ObjectMapper().createObjectNode();
        card.putObject("data").put("source", "generated data (synthetic:500, seed 3)")
                .put("split", "random-80/10/10-seed7");
        card.put("refit", true);

        OriginalData.Loaded loaded = new OriginalData(null, Map.of(), tmp).load(card);
        Split cut = Splits.seededRandom(SyntheticRatings.fromOption("synthetic:500", 3), 7);
        List<Rating> expected = new ArrayList<>(cut.train());
        expected.addAll(cut.validation());
        assertThat(loaded.refit()).isTrue();
        assertThat(loaded.splitName()).isEqualTo(cut.name());
        assertThat(loaded.split().train()).containsExactlyElementsOf(expected);
        assertThat(loaded.split().validation()).isEmpty();
        assertThat(loaded.split().test()).containsExactlyElementsOf(cut.test());

        // a card the worker wrote carries it on
        ObjectNode retrained = new ObjectMapper().createObjectNode();
        retrained.putObject("retrain").put("original_data", "synthetic:500").put("original_seed", 3)
                .put("original_split", cut.name()).put("original_refit", true);
        assertThat(new OriginalData(null, Map.of(), tmp).load(retrained).split().train())
                .containsExactlyElementsOf(expected);
        card.put("refit", false);
        assertThat(new OriginalData(null, Map.of(), tmp).load(card).split().train())
                .containsExactlyElementsOf(cut.train());
    }

    /** Three users, three movies; u1.base and u1.test a fold of u.data that no time split gives. */
    private Path tinyMovieLens100K() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("ml-100k"));
        String flags = "|0".repeat(19);
        Files.writeString(dir.resolve("u.item"), "1|Alpha (1990)|01-Jan-1990||" + flags + "\n"
                + "2|Beta (1991)|01-Jan-1991||" + flags + "\n" + "3|Gamma (1992)|01-Jan-1992||" + flags + "\n");
        Files.writeString(dir.resolve("u.user"), "1|24|M|technician|85711\n2|53|F|other|94043\n3|23|M|writer|32067\n");
        String all = "1\t1\t4\t10\n2\t2\t3\t11\n3\t3\t5\t12\n1\t2\t2\t13\n2\t1\t4\t14\n";
        Files.writeString(dir.resolve("u.data"), all);
        Files.writeString(dir.resolve("u1.base"), "1\t1\t4\t10\n2\t2\t3\t11\n3\t3\t5\t12\n1\t2\t2\t13\n");
        Files.writeString(dir.resolve("u1.test"), "2\t1\t4\t14\n");
        return dir;
    }
}

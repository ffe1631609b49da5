package dev.marquee.job.label;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.data.movielens.MovieLens100K;
import dev.marquee.data.movielens.MovieLensDir;
import dev.marquee.data.movielens.Split;
import dev.marquee.data.movielens.Splits;
import dev.marquee.data.testing.Prerequisites;
import dev.marquee.model.ModelImporter;
import dev.marquee.model.ModelRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Title embeddings are computed once per JVM and version, ahead by a scoring slot's preparation or by the first
 * caller. An imported model gets user factors when its contract names an embedding output (and it has a title vocabulary:
 * a version without one, like a version not in the registry at all, has none; {@code OnlineAdaptationTest}).
 */
class RegistryTitleEmbeddingsTest {
    private static final Path SERIES = Path.of("../../shared/models/series-keras/1");

    @TempDir
    Path tmp;

    @Test
    void theSeriesKerasModelImportedWithItsEmbeddingOutputHasATableAndWithoutOneHasNone() throws Exception {
        Optional<MovieLensDir> ml = MovieLensDir.findForTests();
        Prerequisites.assumeOrFailInCi(Files.isRegularFile(SERIES.resolve("saved_model.pb")), "no ../shared/models/series-keras (the series' Keras model)");
        Prerequisites.assumeOrFailInCi(ml.isPresent(), MovieLensDir.testSkipMessage());
        Split time = Splits.referenceTime(new MovieLens100K(ml.get()).ratings());
        ModelImporter.Data data = new ModelImporter.Data("MovieLens 100K at " + ml.get().path(), time.name(), "train",
                time.train(), time.validation(), time.test());
        ModelRegistry registry = new ModelRegistry(tmp);
        ModelImporter importer = new ModelImporter(registry, "m", line -> { });
        long with = importer.importModel(request("output_2"), data);
        long without = importer.importModel(request(null), data);

        RegistryTitleEmbeddings source = new RegistryTitleEmbeddings(tmp.toString(), "m", 16);
        assertThat(source.holds(with)).isFalse();
        // what a scoring slot's loader thread does before the version serves (ScoringJob, labels and adaptation on)
        new LabelPreparation(new RegistryTitleCatalogs(tmp.toString(), "m"),
                new RegistryTitleEmbeddings(tmp.toString(), "m", 16)).prepare(with);
        assertThat(source.holds(with)).as("computed ahead").isTrue();
        assertThat(new RegistryTitleEmbeddings(tmp.toString(), "m", 8).holds(with)).as("other dimensions apart").isFalse();
        TitleEmbeddings e = source.load(with).orElseThrow();
        assertThat(source.load(with).orElseThrow()).as("once per JVM and version").isSameAs(e);
        int titles = Files.readAllLines(registry.versionDir("m", with).resolve("assets/titles.txt")).size();
        assertThat(e.size()).isEqualTo(titles);
        assertThat(e.dimensions()).isEqualTo(16); // 32 wide, full rank: the 16 strongest directions
        assertThat(e.of("Toy Story (1995)")).isNotEqualTo(e.of("Fargo (1996)"));
        assertThat(source.load(without)).as("no embedding output in the contract").isEmpty();
    }

    private static ModelImporter.Request request(String embeddingOutput) {
        return new ModelImporter.Request(SERIES, "serving_default", "user_id", "movie_title", "timestamp", "output_3",
                embeddingOutput);
    }
}

package dev.marquee.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.marquee.data.movielens.Split;
import dev.marquee.data.title.TitleCanonicalizer;
import dev.marquee.data.title.TitleCatalog;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TString;

/** OOV handling and canonical titles, through an exported and reloaded model. */
class ScoringTest {
    @TempDir
    static Path tmp;
    static Path dir;
    static BatchScorer scorer;
    static String knownUser;
    static String knownTitle;

    @BeforeAll
    static void exportOnce() throws Exception {
        Split split = SmallData.split(12);
        ModelRegistry registry = new ModelRegistry(tmp);
        try (TrainedModel model = SmallData.train(Architecture.DEFAULT, split)) {
            long version = registry.publish("movies", model::exportSavedModel);
            dir = registry.versionDir("movies", version);
            assertThat(registry.latest("movies")).hasValue(version);
            knownUser = model.users().terms().get(0);
            knownTitle = model.titles().terms().get(0);
            assertThat(model.titles().terms()).contains(SmallData.ARTICLE_TITLE);
        }
        scorer = BatchScorer.open(dir, new ScorerThreads(1, -1));
    }

    @AfterAll
    static void close() {
        scorer.close();
    }

    @Test
    void unknownUsersAndTitlesGetFinitePredictionsAndFlags() {
        ScoredBatch s = scorer.score(new String[] {knownUser, "no-such-user", knownUser, "nobody", null},
                new String[] {knownTitle, knownTitle, "No Such Movie (2031)", "Nothing (1900)", null},
                new long[] {1, 2, 3, 4, 5});
        for (float r : s.ratings()) {
            assertThat(r).isFinite().isBetween(1f, 5f);
        }
        assertThat(s.userOov()).containsExactly(false, true, false, true, true);
        assertThat(s.titleOov()).containsExactly(false, false, true, true, true);
    }

    @Test
    void canonicallyEqualTitlesGetTheSamePrediction() {
        String[] users = {knownUser, knownUser, knownUser, knownUser};
        String[] titles = {SmallData.ARTICLE_TITLE, SmallData.ARTICLE_TITLE_VARIANT,
                "the devils advocate (1997)", TitleCanonicalizer.canonicalKey(SmallData.ARTICLE_TITLE)};
        ScoredBatch s = scorer.score(users, titles, new long[4], true);
        assertThat(s.titleOov()).containsOnly(false);
        assertThat(s.ratings()).containsOnly(s.ratings()[0]);
        assertThat(s.titleVectors()[1]).containsExactly(s.titleVectors()[0]);
        // The title differs from an unknown one's prediction, so the equality above is not vacuous.
        ScoredBatch unknown = scorer.score(new String[] {knownUser}, new String[] {"Devil's Advocate (1998)"},
                new long[1]);
        assertThat(unknown.titleOov()[0]).isTrue();
    }

    @Test
    void eachRowSaysWhichCatalogTitleItWasScoredAsAndHow() {
        String[] users = {knownUser, knownUser, knownUser};
        String[] titles = {SmallData.ARTICLE_TITLE, "the devils advocate (1997)", "No Such Movie (2031)"};
        ScoredBatch s = scorer.score(users, titles, new long[3]);
        assertThat(s.hasTitleMatches()).isTrue();
        assertThat(s.titleMatches()).containsExactly(TitleCatalog.Match.EXACT, TitleCatalog.Match.CANONICAL,
                TitleCatalog.Match.UNKNOWN);
        assertThat(s.catalogTitles()).containsExactly(SmallData.ARTICLE_TITLE, SmallData.ARTICLE_TITLE, null);
    }

    @Test
    void tfServingCallersMaySendTheCanonicalKey() throws Exception {
        String key = TitleCanonicalizer.canonicalKey(SmallData.ARTICLE_TITLE);
        try (SavedModelBundle bundle = SavedModelBundle.loader(dir.toString()).withTags("serve").load();
                TString u = TString.vectorOf(knownUser, knownUser);
                TString t = TString.vectorOf(SmallData.ARTICLE_TITLE, key);
                TInt64 ts = TInt64.vectorOf(0, 0);
                Result r = bundle.function("serving_default").call(Map.of("user_id", u, "movie_title", t,
                        "timestamp", ts))) {
            TFloat32 out = (TFloat32) r.get("output_3").orElseThrow();
            assertThat(out.getFloat(1, 0)).isEqualTo(out.getFloat(0, 0));
        }
    }

    @Test
    void aValueContainingThePackSeparatorFallsBackToTheVectorPath() {
        String odd = knownUser + RatingGraph.PACK_SEPARATOR + knownUser;
        ScoredBatch s = scorer.score(new String[] {knownUser, odd}, new String[] {knownTitle, knownTitle},
                new long[2]);
        assertThat(s.size()).isEqualTo(2);
        assertThat(s.userOov()).containsExactly(false, true);
        ScoredBatch alone = scorer.score(new String[] {knownUser}, new String[] {knownTitle}, new long[1]);
        assertThat(s.ratings()[0]).isEqualTo(alone.ratings()[0]);
    }

    @Test
    void emptyBatchesAndMismatchedColumns() {
        assertThat(scorer.score(new String[0], new String[0], new long[0]).size()).isZero();
        assertThatThrownBy(() -> scorer.score(new String[1], new String[2], new long[1]))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aMissingModelIsAClearError(@TempDir Path empty) {
        assertThatThrownBy(() -> BatchScorer.open(empty, ScorerThreads.callerThread()))
                .hasMessageContaining("saved_model.pb is missing");
    }
}

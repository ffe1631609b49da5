package dev.marquee.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.marquee.data.event.Rating;
import dev.marquee.data.movielens.Split;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TString;

/**
 * {@link Architecture#BLEND} seen through its exported SavedModel: the gate, the blend and its least-squares
 * weights, read from the graph's named component outputs.
 */
class BlendTest {
    @TempDir
    static Path tmp;
    static Split split;
    static Path dir;
    static List<String> trainingLog = new ArrayList<>();
    static RefitSchedule chosen;

    @BeforeAll
    static void trainAndExport() throws Exception {
        split = SmallData.split(23);
        dir = tmp.resolve("blend");
        try (TrainedModel model = new Trainer(SmallData.config(Architecture.BLEND), trainingLog::add)
                .train(split.train(), split.validation())) {
            model.exportSavedModel(dir);
            chosen = model.schedule();
        }
    }

    /** The named outputs of the loaded graph for some rows. */
    private record Outputs(float[] rating, float[] a, float[] b, float[] c, float[] weights, boolean[] known) {}

    private static Outputs outputs(List<Rating> rows) {
        return outputs(dir, rows);
    }

    private static Outputs outputs(Path dir, List<Rating> rows) {
        int n = rows.size();
        try (SavedModelBundle bundle = SavedModelBundle.loader(dir.toString()).withTags("serve").load();
                TString u = TString.vectorOf(SmallData.users(rows));
                TString t = TString.vectorOf(SmallData.titles(rows));
                TInt64 ts = TInt64.vectorOf(SmallData.timestamps(rows));
                Result r = bundle.session().runner().feed("user_id", u).feed("movie_title", t).feed("timestamp", ts)
                        .fetch(RatingGraph.OUTPUT_RATING).fetch(BlendGraph.COMPONENT_A).fetch(BlendGraph.COMPONENT_B)
                        .fetch(BlendGraph.COMPONENT_C)
                        .fetch(BlendGraph.WEIGHTS).fetch(BlendGraph.KNOWN).run()) {
            float[][] f = new float[5][];
            for (int i = 0; i < 5; i++) {
                TFloat32 v = (TFloat32) r.get(i);
                f[i] = new float[(int) v.shape().size()];
                v.copyTo(DataBuffers.of(f[i], false, false));
            }
            TBool k = (TBool) r.get(5);
            boolean[] known = new boolean[n];
            for (int i = 0; i < n; i++) known[i] = k.getBoolean(i);
            return new Outputs(f[0], f[1], f[2], f[3], f[4], known);
        }
    }

    @Test
    void rowsWithAnUnknownUserOrTitleGetExactlyComponentA() {
        Rating known = split.train().get(0);
        List<Rating> rows = List.of(
                new Rating("unknown-user", known.movieTitle, 0, known.timestamp),
                new Rating(known.userId, "Unknown Movie (2099)", 0, known.timestamp),
                new Rating("unknown-user", "Unknown Movie (2099)", 0, 4_000_000_000L),
                known);
        Outputs o = outputs(rows);
        assertThat(o.known()).containsExactly(false, false, false, true);
        for (int i = 0; i < 3; i++) {
            assertThat(o.rating()[i]).isEqualTo(o.a()[i]);
        }
        // the known row is blended, and B and C really contribute
        float[] w = o.weights();
        assertThat(w).hasSize(4);
        assertThat(w[2]).isNotZero();
        assertThat(w[3]).isNotZero();
        assertThat(o.rating()[3]).isCloseTo(w[0] + w[1] * o.a()[3] + w[2] * o.b()[3] + w[3] * o.c()[3],
                within(1e-5f));
        assertThat(o.rating()[3]).isNotEqualTo(o.a()[3]);
    }

    @Test
    void theBlendWeightsAreTheLeastSquaresFitOnTheKnownValidationRows() {
        List<Rating> validation = split.validation();
        Outputs o = outputs(validation);
        float[] w = o.weights();
        // least squares <=> the residuals are orthogonal to every column (the constant one included)
        double[] normal = new double[4];
        int used = 0;
        for (int i = 0; i < validation.size(); i++) {
            if (!o.known()[i]) continue;
            used++;
            double[] x = {1, o.a()[i], o.b()[i], o.c()[i]};
            double residual = validation.get(i).rating - (w[0] + w[1] * x[1] + w[2] * x[2] + w[3] * x[3]);
            for (int p = 0; p < 4; p++) normal[p] += x[p] * residual;
        }
        assertThat(used).isGreaterThan(validation.size() / 2);
        for (int p = 0; p < 4; p++) {
            assertThat(normal[p] / used).as("column %d", p).isCloseTo(0, within(2e-4));
        }
        // and the fit moved away from the starting weights (A alone), which are not orthogonal here
        assertThat(w).isNotEqualTo(new float[] {0, 1, 0, 0});
    }

    @Test
    void withoutKnownValidationRowsTheBlendIsComponentAAlone() throws Exception {
        List<Rating> validation = new ArrayList<>();
        for (Rating r : split.validation()) {
            validation.add(new Rating("new-" + r.userId, r.movieTitle, r.rating, r.timestamp));
        }
        List<String> log = new ArrayList<>();
        try (TrainedModel model = new Trainer(SmallData.config(Architecture.BLEND).withEpochs(2), log::add)
                .train(split.train(), validation)) {
            List<Rating> rows = split.test();
            Path alone = tmp.resolve("alone");
            model.exportSavedModel(alone);
            Outputs o = outputs(alone, rows);
            assertThat(o.known()).contains(true);
            assertThat(o.rating()).containsExactly(o.a());
            assertThat(o.weights()).containsExactly(0, 1, 0, 0);
        }
        assertThat(log).anyMatch(l -> l.startsWith("blend: 0 validation rows with a known user and title"));
        assertThat(log).noneMatch(l -> l.startsWith("autorec epoch"));
    }

    @Test
    void aCatalogTooLargeForTheDenseFeedsIsRefusedBeforeAnythingIsBuilt() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new BlendGraph(null, null, null, null, null, 0, null,
                6_000, 4_000, null, 0f, 1f, 5f, SvdppConfig.defaults(), AutoRecConfig.defaults()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("use --arch default");
    }

    @Test
    void trainingReportsBothComponentsAndTheFit() {
        assertThat(trainingLog).anyMatch(l -> l.startsWith("epoch"));
        assertThat(trainingLog).anyMatch(l -> l.startsWith("svd++ epoch"));
        assertThat(trainingLog).anyMatch(l -> l.startsWith("autorec epoch"));
        assertThat(trainingLog).anyMatch(l -> l.startsWith("blend: weights"));
        assertThat(Architecture.parse("blend")).isEqualTo(Architecture.BLEND);
    }

    @Test
    void theRunExposesTheEpochsAndWeightsItChose() {
        assertThat(chosen.epochsA()).isPositive();
        assertThat(chosen.epochsSvdpp()).isPositive();
        assertThat(chosen.epochsAutoRec()).isPositive();
        double[] w = chosen.blendWeights();
        float[] served = outputs(split.test()).weights();
        for (int i = 0; i < 4; i++) assertThat(served[i]).isEqualTo((float) w[i]);
    }

    @Test
    void aRefitTrainsEachComponentForItsScheduledEpochsAndKeepsTheWeights() throws Exception {
        List<Rating> all = TrainingRows.refitRows(split.train(), split.validation());
        RefitSchedule schedule = new RefitSchedule(2, 3, 4, new double[] {0.25, 0.5, 0.125, 0.375});
        List<String> log = new ArrayList<>();
        Path refit = tmp.resolve("refit");
        try (TrainedModel model = new Trainer(SmallData.config(Architecture.BLEND), log::add)
                .refit(all, split.validation(), schedule)) {
            assertThat(model.trainRows()).isEqualTo(all.size());
            assertThat(model.schedule()).isEqualTo(schedule);
            model.exportSavedModel(refit);
        }
        assertThat(log.stream().filter(l -> l.startsWith("refit epoch"))).hasSize(2);
        assertThat(log.stream().filter(l -> l.startsWith("svd++ refit epoch"))).hasSize(3);
        assertThat(log.stream().filter(l -> l.startsWith("autorec refit epoch"))).hasSize(4);
        assertThat(log).noneMatch(l -> l.startsWith("svd++ epoch") || l.startsWith("autorec epoch")
                || l.contains("early stop") || l.contains("fitted on"));
        Outputs o = outputs(refit, split.validation());
        assertThat(o.weights()).containsExactly(0.25f, 0.5f, 0.125f, 0.375f);
        // validation users are known now: their rows are blended
        assertThat(o.known()).containsOnly(true);
        float min = (float) all.stream().mapToDouble(r -> r.rating).min().orElseThrow();
        float max = (float) all.stream().mapToDouble(r -> r.rating).max().orElseThrow();
        for (int i = 0; i < o.rating().length; i++) {
            float blended = Math.max(min, Math.min(max, 0.25f + 0.5f * o.a()[i] + 0.125f * o.b()[i] + 0.375f * o.c()[i]));
            assertThat(o.rating()[i]).isCloseTo(blended, within(1e-5f));
        }
    }
}

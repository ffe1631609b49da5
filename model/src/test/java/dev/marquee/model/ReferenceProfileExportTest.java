package dev.marquee.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.data.movielens.Split;
import dev.marquee.data.profile.ReferenceProfile;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReferenceProfileExportTest {

    @Test
    void theExportCarriesTheTrainingProfileWithTrainingPredictions(@TempDir Path tmp) throws Exception {
        Split split = SmallData.split(21);
        ModelRegistry registry = new ModelRegistry(tmp);
        ReferenceProfile inMemory;
        float[] trainPredictions;
        long version;
        try (TrainedModel model = SmallData.train(Architecture.DEFAULT, split)) {
            inMemory = model.referenceProfile();
            trainPredictions = model.predict(split.train());
            version = registry.publish("movies", dir -> {
                model.exportSavedModel(dir);
                ModelCard.of(model, "synthetic", split, EvaluationReport.evaluate(model, split)).write(dir);
            });
        }
        Path versionDir = registry.versionDir("movies", version);
        assertThat(versionDir.resolve(ModelCard.FILE_NAME)).isRegularFile();
        Path file = versionDir.resolve(TrainedModel.ASSETS).resolve(ReferenceProfile.FILE_NAME);
        assertThat(file).isRegularFile();

        ReferenceProfile profile = ReferenceProfile.read(file);
        assertThat(profile).isEqualTo(inMemory);
        assertThat(profile.count()).isEqualTo(split.train().size());
        assertThat(profile.topK()).isEqualTo(ReferenceProfile.DEFAULT_TOP_K);
        assertThat(profile.userId().vocabularySize())
                .isEqualTo((int) split.train().stream().map(r -> r.userId).distinct().count());
        assertThat(profile.predictionSource()).isEqualTo("train");
        assertThat(profile.prediction().count()).isEqualTo(split.train().size());
        // The histogram is of the exported model's own predictions on its training rows.
        double[] expected = new double[trainPredictions.length];
        for (int i = 0; i < expected.length; i++) {
            expected[i] = trainPredictions[i];
        }
        assertThat(profile.prediction()).isEqualTo(
                dev.marquee.data.profile.Histogram.of(dev.marquee.data.profile.Histogram.predictionEdges(), expected));
    }

    @Test
    void withoutAValidationSetThePredictionsAreOnTheTrainingRows() {
        Split split = SmallData.split(22);
        try (TrainedModel model = new Trainer(SmallData.config(Architecture.DEFAULT).withEpochs(2), l -> {})
                .train(split.train(), List.of())) {
            ReferenceProfile profile = model.referenceProfile();
            assertThat(profile.predictionSource()).isEqualTo("train");
            assertThat(profile.prediction().count()).isEqualTo(split.train().size());
            assertThat(profile.count()).isEqualTo(split.train().size());
        }
    }
}

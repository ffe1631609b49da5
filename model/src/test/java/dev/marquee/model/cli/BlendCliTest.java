package dev.marquee.model.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.data.synth.SyntheticRatings;
import dev.marquee.model.ModelCard;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code marquee train --arch blend}: the three components train, and the blend is published. */
class BlendCliTest {

    @Test
    void trainTrainsTheThreeComponentsAndPublishesTheBlend(@TempDir Path tmp) throws Exception {
        new SyntheticRatings(7).users(60).movies(40).ratingsPerUser(20).generate().writeMovieLensFiles(tmp.resolve("ml"));
        CliRun run = CliRun.run(tmp, "train", "--data", "ml", "--split", "time", "--registry", "registry",
                "--arch", "blend", "--epochs", "3", "--batch", "64");
        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out())
                .contains("blend architecture, 16 factors, (user, day) bias, + SVD++ 31 factors")
                .contains("epoch   3  train RMSE")
                .contains("svd++ epoch   1").contains("autorec epoch   1")
                .containsPattern("blend: weights w0 -?[0-9.]+, A -?[0-9.]+, B -?[0-9.]+, C -?[0-9.]+ fitted on [0-9]+")
                .contains("published marquee version 1");
        com.fasterxml.jackson.databind.JsonNode card = ModelCard.read(tmp.resolve("registry/marquee/1"));
        assertThat(card.get("architecture").asText()).isEqualTo("blend");
        assertThat(card.at("/parameters/blend_svdpp").asText()).startsWith("SVD++ 31 factors");
        assertThat(card.at("/parameters/blend_autorec").asText()).startsWith("I-AutoRec 500 hidden");
    }
}

package dev.marquee.model.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.data.synth.SyntheticRatings;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * On u1 the seed draws the validation hold-out from u1.base and the split keeps its name: evaluate with another
 * seed than the model's own would report rows it trained on as validation, so it says so, and logs no test score.
 */
class EvaluateSeedTest {
    @Test
    void anotherSeedOnU1IsNotedAndNeverLogged(@TempDir Path tmp) throws Exception {
        new SyntheticRatings(7).users(60).movies(40).ratingsPerUser(20).generate().writeMovieLensFiles(tmp.resolve("ml"));
        CliRun train = CliRun.run(tmp, "train", "--data", "ml", "--split", "u1", "--registry", "registry", "--epochs", "2",
                "--batch", "64", "--seed", "5");
        assertThat(train.exitCode()).as(train.toString()).isZero();
        Path log = tmp.resolve("log.tsv");

        CliRun scored = CliRun.run(tmp, "evaluate", "--registry", "registry", "--version", "1", "--data", "ml", "--seed", "6",
                "--score-test", "--test-log", log.toString());
        assertThat(scored.exitCode()).as(scored.toString()).isEqualTo(2);
        assertThat(scored.err()).contains("--seed 6 draws other validation rows than the model's own (seed 5)");
        assertThat(log).doesNotExist();

        CliRun plain = CliRun.run(tmp, "evaluate", "--registry", "registry", "--version", "1", "--data", "ml", "--seed", "6");
        assertThat(plain.exitCode()).as(plain.toString()).isZero();
        assertThat(plain.out()).contains("note: --seed 6 draws other validation rows than the model's own (seed 5)");

        CliRun same = CliRun.run(tmp, "evaluate", "--registry", "registry", "--version", "1", "--data", "ml", "--seed", "5",
                "--score-test", "--test-log", log.toString());
        assertThat(same.exitCode()).as(same.toString()).isZero();
        assertThat(same.out()).doesNotContain("draws other validation rows");
        assertThat(log).exists();
    }

    /** On the time split the validation part is the split's own: another seed draws nothing else, so nothing is said. */
    @Test
    void anotherSeedOnTheTimeSplitChangesNoRows(@TempDir Path tmp) throws Exception {
        new SyntheticRatings(7).users(60).movies(40).ratingsPerUser(20).generate().writeMovieLensFiles(tmp.resolve("ml"));
        CliRun train = CliRun.run(tmp, "train", "--data", "ml", "--split", "time", "--registry", "registry", "--epochs",
                "2", "--batch", "64", "--seed", "5");
        assertThat(train.exitCode()).as(train.toString()).isZero();
        Path log = tmp.resolve("log.tsv");
        CliRun scored = CliRun.run(tmp, "evaluate", "--registry", "registry", "--version", "1", "--data", "ml",
                "--seed", "6", "--score-test", "--test-log", log.toString());
        assertThat(scored.exitCode()).as(scored.toString()).isZero();
        assertThat(scored.out()).doesNotContain("draws other validation rows");
        assertThat(log).exists();
    }
}

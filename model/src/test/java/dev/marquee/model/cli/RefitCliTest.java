package dev.marquee.model.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.marquee.data.synth.SyntheticRatings;
import dev.marquee.model.ModelCard;
import dev.marquee.model.TestScoreLog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code marquee train --refit}: the first run's choices, the refit model published, logged and carded as one. */
class RefitCliTest {

    @Test
    void aRefitIsPublishedWithItsScheduleAndLoggedAsARefit(@TempDir Path tmp) throws Exception {
        new SyntheticRatings(5).users(60).movies(40).ratingsPerUser(20).generate().writeMovieLensFiles(tmp.resolve("ml"));
        Path log = tmp.resolve("log.tsv");
        CliRun plain = CliRun.run(tmp, "train", "--data", "ml", "--split", "time", "--registry", "plain",
                "--epochs", "6", "--batch", "64", "--seed", "3");
        CliRun run = CliRun.run(tmp, "train", "--data", "ml", "--split", "time", "--registry", "registry",
                "--epochs", "6", "--batch", "64", "--seed", "3", "--refit", "--score-test", "--test-log", log.toString());
        assertThat(plain.exitCode()).as(plain.toString()).isZero();
        assertThat(run.exitCode()).as(run.toString()).isZero();

        JsonNode card = ModelCard.read(tmp.resolve("registry/marquee/1"));
        int trainRows = card.at("/data/train_rows").asInt();
        int validationRows = card.at("/data/validation_rows").asInt();
        int epochs = card.at("/refit_schedule/epochs_a").asInt();
        assertThat(card.get("refit").asBoolean()).isTrue();
        assertThat(epochs).isPositive().isEqualTo(card.get("best_epoch").asInt()).isEqualTo(card.get("epochs_run").asInt());
        assertThat(card.at("/refit_schedule/rows").asInt()).isEqualTo(trainRows + validationRows);
        assertThat(card.at("/data/train_rows_fitted").asInt()).isEqualTo(trainRows + validationRows);
        assertThat(card.at("/refit_schedule/validation_metrics").asText()).contains("first run");
        assertThat(card.at("/protocol/refit/validation_metrics").asText()).contains("before the refit");
        assertThat(card.at("/metrics/default/test/rmse").isNumber()).isTrue();
        assertThat(card.at("/metrics/user+item biases, refit/test/rmse").isNumber()).isTrue();
        assertThat(ModelCard.read(tmp.resolve("plain/marquee/1")).has("refit")).isFalse();

        // The first run is the plain run: same best epoch, same validation metrics.
        assertThat(run.out()).contains("train: refit on train + validation: A " + epochs + " epochs ("
                + (trainRows + validationRows) + " rows, nothing held out)")
                .contains("refit epoch   1 of " + epochs)
                .contains("validation metrics: before the refit (the refit trains on the validation rows)")
                .contains("user+item biases, refit: the same lambdas fitted on train + validation");
        assertThat(plain.out()).contains("(best epoch " + epochs + " of ");
        assertThat(row(run.out(), "default").get(0)).isEqualTo(row(plain.out(), "default").get(0));
        assertThat(row(run.out(), "user+item biases").get(0)).isEqualTo(row(plain.out(), "user+item biases").get(0));

        List<String> lines = Files.readAllLines(log);
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).isEqualTo(TestScoreLog.HEADER);
        String[] f = lines.get(1).split("\t", -1);
        assertThat(f).hasSize(TestScoreLog.COLUMNS.size());
        assertThat(f[4]).endsWith("; refit on train + validation: A " + epochs + " epochs");
        assertThat(f[6]).isEqualTo(Integer.toString(epochs));
        assertThat(f[7]).isEqualTo(Integer.toString(trainRows + validationRows));
        assertThat(f[9]).isEqualTo(row(plain.out(), "default").get(0));
        assertThat(f[10]).isEqualTo(row(run.out(), "default").get(2));
        // the baseline column is the refit baseline's test RMSE, not the one fitted on train only
        assertThat(f[12]).isEqualTo(row(run.out(), "user+item biases, refit").get(0));
        assertThat(f[12]).isNotEqualTo(row(run.out(), "user+item biases").get(2));

        // models shows it beside the refit baseline; evaluate logs no second, differently compared, test line
        CliRun models = CliRun.run(tmp, "models", "--registry", "registry");
        assertThat(models.out()).contains(row(run.out(), "user+item biases, refit").get(0)).contains("refit");
        CliRun evaluate = CliRun.run(tmp, "evaluate", "--registry", "registry", "--version", "1", "--data", "ml",
                "--score-test", "--test-log", log.toString());
        assertThat(evaluate.exitCode()).as(evaluate.toString()).isEqualTo(2);
        assertThat(evaluate.err()).contains("a refit version's test score is logged by `train --refit --score-test`");
        assertThat(Files.readAllLines(log)).hasSize(2);

        // without --score-test the refit baseline has no test row: models shows the validation RMSEs, not "-"
        CliRun untested = CliRun.run(tmp, "train", "--data", "ml", "--split", "time", "--registry", "untested",
                "--epochs", "6", "--batch", "64", "--seed", "3", "--refit");
        assertThat(untested.exitCode()).as(untested.toString()).isZero();
        String versionRow = CliRun.run(tmp, "models", "--registry", "untested").out().lines()
                .filter(l -> l.matches(" +1 .*")).findFirst().orElseThrow();
        assertThat(versionRow).as(versionRow).doesNotContain(" - ").containsPattern("[0-9.]+ v .*[0-9.]+ v").contains("refit");
    }

    @Test
    void aBlendRefitOfU1RecordsEveryComponentsEpochs(@TempDir Path tmp) throws Exception {
        new SyntheticRatings(7).users(60).movies(40).ratingsPerUser(20).generate().writeMovieLensFiles(tmp.resolve("ml"));
        CliRun run = CliRun.run(tmp, "train", "--data", "ml", "--split", "u1", "--registry", "registry",
                "--arch", "blend", "--epochs", "3", "--batch", "64", "--refit");
        assertThat(run.exitCode()).as(run.toString()).isZero();
        JsonNode card = ModelCard.read(tmp.resolve("registry/marquee/1"));
        assertThat(card.get("refit").asBoolean()).isTrue();
        int svdpp = card.at("/refit_schedule/epochs_svdpp").asInt();
        int autorec = card.at("/refit_schedule/epochs_autorec").asInt();
        assertThat(svdpp).isPositive();
        assertThat(autorec).isPositive();
        assertThat(card.at("/refit_schedule/blend_weights")).hasSize(4);
        assertThat(card.at("/refit_schedule/rows").asInt()).isEqualTo(card.at("/data/train_rows").asInt())
                .isEqualTo(card.at("/data/train_rows_fitted").asInt());
        assertThat(card.at("/data/early_stopping").asText()).endsWith("the refit trains on all of train");
        assertThat(run.out()).contains("svd++ refit epoch " + String.format("%3d", svdpp) + " of " + svdpp)
                .contains("autorec refit epoch " + String.format("%3d", autorec) + " of " + autorec)
                .contains("kept from the first run")
                .containsPattern("\\nuser\\+item biases, refit +- +\\(not scored\\)")
                .contains("train: test part not scored");
    }

    /** The RMSE cells of a table row: validation RMSE, validation MAE, test RMSE, test MAE (numbers only). */
    private static List<String> row(String out, String name) {
        Matcher m = Pattern.compile("\\n" + Pattern.quote(name) + " {2,}(.*)\\n").matcher(out);
        assertThat(m.find()).as("row %s in %s", name, out).isTrue();
        return Pattern.compile("[0-9]+\\.[0-9]{4}").matcher(m.group(1)).results().map(r -> r.group()).toList();
    }
}

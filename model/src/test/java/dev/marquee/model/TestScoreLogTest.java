package dev.marquee.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.marquee.data.movielens.Split;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TestScoreLogTest {
    @TempDir
    Path tmp;

    private static TestScoreLog.Entry entry(EvaluationReport report, String configuration) {
        return new TestScoreLog.Entry(Instant.parse("2026-12-04T10:00:00.123Z"), "train", report.split(), "data",
                configuration, 42, 7, 1000, report, "abc123");
    }

    @Test
    void eachScoringAppendsOneLineAfterTheHeader() throws IOException {
        Split split = SmallData.split(31);
        EvaluationReport report = EvaluationReport.evaluate(GlobalMeanBaseline.fit(split.train()), split, 42, true);
        Path log = tmp.resolve("docs/log.tsv");

        TestScoreLog.append(log, entry(report, "default architecture,\tseed 42\nnew line"));
        TestScoreLog.append(log, entry(report, "second"));

        List<String> lines = Files.readAllLines(log);
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).isEqualTo(TestScoreLog.HEADER);
        String[] first = lines.get(1).split("\t", -1);
        assertThat(first).hasSize(TestScoreLog.COLUMNS.size());
        assertThat(first[0]).isEqualTo("2026-12-04T10:00:00Z");
        assertThat(first[4]).isEqualTo("default architecture, seed 42 new line");
        assertThat(first[5]).isEqualTo("42");
        assertThat(first[8]).isEqualTo(Integer.toString(split.test().size()));
        assertThat(Double.parseDouble(first[10])).isEqualTo(Math.round(report.model().test().rmse() * 1e4) / 1e4);
        assertThat(Double.parseDouble(first[12]))
                .isEqualTo(Math.round(report.biasBaseline().test().rmse() * 1e4) / 1e4);
        assertThat(first[13]).matches("[0-9]+/[0-9]+");
        assertThat(first[14]).isEqualTo("abc123");
        assertThat(lines.get(2).split("\t")[4]).isEqualTo("second");
    }

    @Test
    void aReplayLineHasEveryColumnAndDashesForWhatAReplayDoesNotHave() throws IOException {
        Path log = tmp.resolve("log.tsv");
        TestScoreLog.append(log, new TestScoreLog.ReplayEntry(Instant.parse("2026-12-04T15:00:00Z"),
                "bench-prequential (retraining): arm static", "time-60/20/20", "data", "default architecture", 42,
                65336, 18886, Double.NaN, 1.03721, "abc123+changes"));
        List<String> lines = Files.readAllLines(log);
        assertThat(lines).containsExactly(TestScoreLog.HEADER, String.join("\t", "2026-12-04T15:00:00Z",
                "bench-prequential (retraining): arm static", "time-60/20/20", "data", "default architecture", "42", "-",
                "65336", "18886", "-", "1.0372", "-", "-", "-", "abc123+changes"));
    }

    @Test
    void aReportWithoutTestScoresCannotBeLogged() {
        Split split = SmallData.split(32);
        EvaluationReport report = EvaluationReport.evaluate(GlobalMeanBaseline.fit(split.train()), split, 42, false);
        assertThatThrownBy(() -> entry(report, "x")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aFolderWhereTheLogShouldBeIsRefused() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("log.tsv"));
        assertThatThrownBy(() -> TestScoreLog.checkWritable(dir)).isInstanceOf(IOException.class)
                .hasMessageContaining("not a writable file");
    }
}

package dev.marquee.model.cli;

import dev.marquee.model.EvaluationReport;
import dev.marquee.model.TestScoreLog;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import picocli.CommandLine.Option;

/**
 * Whether a command scores the split's test part, and where it logs that it did (a picocli mixin):
 * {@code --score-test} and {@code --test-log} (default {@code $MARQUEE_TEST_LOG}, else {@value #DEFAULT_LOG}
 * under the working directory, the committed log when run from the repository's root). By default only the
 * validation rows are scored: every choice is made on them, and the test part is scored once per reported
 * configuration, each time logged.
 */
public final class TestScoring {
    static final String ENV = "MARQUEE_TEST_LOG";
    static final String DEFAULT_LOG = "docs/model-test-log.tsv";

    @Option(names = "--score-test",
            description = "also score the split's test part, and append the result to the test log (default: validation only)")
    boolean scoreTest;

    @Option(names = "--test-log", paramLabel = "FILE",
            description = "the log every test scoring is appended to (default: $" + ENV + ", else ./" + DEFAULT_LOG + ")")
    String log;

    boolean requested() {
        return scoreTest;
    }

    Path logFile(Console console) {
        String env = console.env().get(ENV);
        return console.resolve(log != null ? log : env == null || env.isBlank() ? DEFAULT_LOG : env.trim());
    }

    /** With {@code --score-test}, fails before any work when the log cannot be written. */
    void checkLog(Console console) {
        if (!scoreTest) return;
        Path file = logFile(console);
        try {
            TestScoreLog.checkWritable(file);
        } catch (IOException e) {
            throw CliException.failure("cannot write the test log " + file + ": " + e.getMessage());
        }
    }

    /** After a scoring: appends it to the log and says so, or says how the test part would be scored. */
    void record(Console console, String commandName, EvaluationReport report, LogFields fields) {
        Path file = logFile(console);
        if (!report.testScored()) {
            console.out().println(commandName + ": test part not scored (choices are made on the "
                    + report.baseline().validationSource() + " rows); --score-test scores it and logs it to " + file);
            return;
        }
        TestScoreLog.Entry entry = new TestScoreLog.Entry(Instant.now(), fields.command(), report.split(),
                fields.data(), fields.configuration(), fields.seed(), fields.bestEpoch(), fields.trainRows(), report,
                GitRevision.of(console.workingDir(), file));
        try {
            TestScoreLog.append(file, entry);
        } catch (IOException e) {
            throw CliException.failure("the test part was scored but could not be logged to " + file + ": "
                    + e.getMessage());
        }
        console.out().println(commandName + ": test scores appended to " + file);
    }

    /** What a log line says about the run besides the report. */
    record LogFields(String command, String data, String configuration, long seed, int bestEpoch, int trainRows) {}
}

package dev.marquee.model;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;

/**
 * The committed log of test-set scorings ({@code docs/model-test-log.tsv}): one tab-separated line appended
 * for every time a command scored a split's test part, so a reader can check that no configuration was scored
 * on test repeatedly to pick a winner. The file starts with {@link #HEADER}; lines are only ever appended
 * (under a file lock, so concurrent runs do not interleave).
 */
public final class TestScoreLog {
    /** The best epoch of a model that was not trained here (an import): written as {@code -}. */
    public static final int NO_EPOCH = -1;
    public static final List<String> COLUMNS = List.of("utc", "command", "split", "data", "configuration", "seed",
            "best_epoch", "train_rows", "test_rows", "validation_rmse", "test_rmse", "test_mae",
            "bias_baseline_test_rmse", "bias_baseline_lambdas", "git");
    public static final String HEADER = String.join("\t", COLUMNS);

    private TestScoreLog() {}

    /**
     * One scoring of a test part.
     *
     * @param command what scored it, e.g. {@code train} or {@code evaluate version 3}
     * @param configuration the full configuration, as the command prints it
     * @param bestEpoch the epoch whose weights were kept (0 when unknown)
     * @param trainRows rows the model was fitted on
     * @param git the source revision ({@code -} when unknown)
     */
    public record Entry(Instant utc, String command, String split, String data, String configuration, long seed,
            int bestEpoch, int trainRows, EvaluationReport report, String git) {

        public Entry {
            if (!report.testScored()) {
                throw new IllegalArgumentException("the report has no test scores to log");
            }
        }

        String line() {
            EvaluationReport.Row model = report.model();
            EvaluationReport.Row baseline = report.biasBaseline();
            BiasBaselineTuner.Tuned tuned = report.baseline();
            return String.join("\t", utc.truncatedTo(ChronoUnit.SECONDS).toString(), clean(command), clean(split),
                    clean(data), clean(configuration), Long.toString(seed),
                    bestEpoch == NO_EPOCH ? "-" : Integer.toString(bestEpoch),
                    Integer.toString(trainRows), Integer.toString(model.test().count()),
                    model.validation() == null ? "-" : format(model.validation().rmse()),
                    format(model.test().rmse()), format(model.test().mae()), format(baseline.test().rmse()),
                    BiasBaselineTuner.number(tuned.lambdaUser()) + "/" + BiasBaselineTuner.number(tuned.lambdaItem())
                            + (tuned.tuned() ? "" : " (untuned)"),
                    clean(git));
        }
    }

    /**
     * One replay's scoring of a split's later parts, as the prequential benchmark does it: a scoring job serves the
     * validation and test parts in time order, and each prediction is scored against its rating when the label
     * arrives. The columns that belong to a static evaluation ({@code best_epoch}, {@code test_mae}, the baseline)
     * are {@code -}; {@code validation_rmse} is the RMSE over the replay's validation part.
     *
     * @param command what scored it, with the arm, e.g. {@code bench-prequential (retraining): arm static}
     * @param trainRows rows version 1 was fitted on
     * @param testRows predictions of the test part that were scored
     */
    public record ReplayEntry(Instant utc, String command, String split, String data, String configuration, long seed,
            int trainRows, int testRows, double validationRmse, double testRmse, String git) {

        String line() {
            return String.join("\t", utc.truncatedTo(ChronoUnit.SECONDS).toString(), clean(command), clean(split),
                    clean(data), clean(configuration), Long.toString(seed), "-", Integer.toString(trainRows),
                    Integer.toString(testRows), Double.isNaN(validationRmse) ? "-" : format(validationRmse),
                    format(testRmse), "-", "-", "-", clean(git));
        }
    }

    /** Appends one line, creating the file (and its folder) with the header first when it does not exist. */
    public static void append(Path file, Entry entry) throws IOException {
        append(file, entry.line());
    }

    /** The same for a replay's scoring. */
    public static void append(Path file, ReplayEntry entry) throws IOException {
        append(file, entry.line());
    }

    private static void append(Path file, String text) throws IOException {
        checkWritable(file);
        byte[] line = (text + "\n").getBytes(StandardCharsets.UTF_8);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND);
                FileLock lock = channel.lock()) {
            if (channel.size() == 0) {
                channel.write(ByteBuffer.wrap((HEADER + "\n").getBytes(StandardCharsets.UTF_8)));
            }
            channel.write(ByteBuffer.wrap(line));
        }
    }

    /** Fails (before any training) when the log cannot be appended to; creates its folder. */
    public static void checkWritable(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        if (Files.exists(file) && (!Files.isRegularFile(file) || !Files.isWritable(file))) {
            throw new IOException(file + " is not a writable file");
        }
        if (!Files.exists(file) && parent != null && !Files.isWritable(parent)) {
            // else the test part would be scored (and shown) before the log fails to be created
            throw new IOException(file + " cannot be created: its folder " + parent + " is not writable");
        }
    }

    private static String format(double v) {
        return String.format(Locale.ROOT, "%.4f", v);
    }

    private static String clean(String s) {
        return s == null || s.isBlank() ? "-" : s.replaceAll("[\\t\\r\\n]+", " ").strip();
    }
}

package dev.marquee.model;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Per-epoch training and validation RMSE, written as CSV beside the model. */
public final class LearningCurve {
    public static final String FILE_NAME = "learning_curve.csv";

    /**
     * One epoch. {@code trainRmse} is the RMSE over the epoch's mini-batches as they were trained (before
     * each batch's update); {@code validationRmse} is measured after the epoch, on clipped predictions.
     */
    public record Epoch(int epoch, double trainRmse, double validationRmse, double seconds) {
        public String progressLine() {
            return String.format(Locale.ROOT, "epoch %3d  train RMSE %.4f  validation RMSE %.4f  %.2f s",
                    epoch, trainRmse, validationRmse, seconds);
        }
    }

    private final List<Epoch> epochs = new ArrayList<>();

    void add(Epoch e) {
        epochs.add(e);
    }

    public List<Epoch> epochs() {
        return List.copyOf(epochs);
    }

    public void writeCsv(Path file) throws IOException {
        List<String> lines = new ArrayList<>(epochs.size() + 1);
        lines.add("epoch,train_rmse,validation_rmse,seconds");
        for (Epoch e : epochs) {
            lines.add(String.format(Locale.ROOT, "%d,%.6f,%.6f,%.3f", e.epoch, e.trainRmse, e.validationRmse,
                    e.seconds));
        }
        Files.write(file, lines, StandardCharsets.UTF_8);
    }
}

package dev.marquee.data.drift;

import dev.marquee.data.json.JsonFiles;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Path;

/**
 * Estimates a model's error without labels (NannyML's direct loss estimation, in its simplest form): the mean
 * squared error the model made on rows it did not train on, per cell of what is known at serving time (user
 * in the vocabulary or not, title in the vocabulary or not, the predicted rating in 0.5-wide buckets). A
 * window's {@code labels.estimated_rmse} is the square root of the mean of its predictions' cell values.
 *
 * <p>Cells with few rows are shrunk towards their OOV group's mean, and groups towards the overall mean,
 * by {@value #SHRINK} pseudo-rows, so an empty cell still gives a sensible number.
 *
 * @param formatVersion {@value #FORMAT_VERSION}
 * @param rows rows it was fitted on
 * @param source which rows, e.g. "validation"
 * @param edges the predicted-rating bucket edges (a value below the first or above the last has its own bucket)
 * @param meanSquaredError [userOov*2 + titleOov][slot] expected squared error, slot 0 = below edges[0]
 * @param rowsPerCell the same layout, rows that fell in each cell
 */
public record ErrorModel(int formatVersion, long rows, String source, double[] edges, double[][] meanSquaredError,
                         long[][] rowsPerCell) implements Serializable {
    public static final String FILE_NAME = "error_model.json";
    public static final int FORMAT_VERSION = 1;
    static final double SHRINK = 20;
    private static final double[] DEFAULT_EDGES = {1.5, 2.0, 2.5, 3.0, 3.5, 4.0, 4.5};

    public ErrorModel {
        if (formatVersion != FORMAT_VERSION) {
            throw new IllegalArgumentException("unsupported error model format_version " + formatVersion);
        }
        if (edges == null || meanSquaredError == null || meanSquaredError.length != 4) {
            throw new IllegalArgumentException("an error model needs edges and 4 rows of cells");
        }
        for (double[] row : meanSquaredError) {
            if (row.length != edges.length + 1) {
                throw new IllegalArgumentException("an error model needs " + (edges.length + 1) + " cells per row");
            }
            for (double v : row) {
                if (!(v >= 0) || !Double.isFinite(v)) throw new IllegalArgumentException("bad error model cell " + v);
            }
        }
    }

    /** The expected squared error of a prediction {@code rating} with these OOV flags. */
    public double expectedSquaredError(boolean oovUser, boolean oovTitle, double rating) {
        return meanSquaredError[(oovUser ? 2 : 0) + (oovTitle ? 1 : 0)][slot(edges, rating)];
    }

    static int slot(double[] edges, double v) {
        int i = 0;
        while (i < edges.length && v >= edges[i]) i++;
        return i;
    }

    /**
     * Fits the cells on rows the model did not train on: its predictions, the true ratings and the OOV flags.
     * Needs at least one row.
     */
    public static ErrorModel fit(float[] predictions, float[] labels, boolean[] oovUser, boolean[] oovTitle,
                                 String source) {
        int n = predictions.length;
        if (n == 0 || labels.length != n || oovUser.length != n || oovTitle.length != n) {
            throw new IllegalArgumentException("an error model needs rows, with one label and flag pair each");
        }
        double[] edges = DEFAULT_EDGES.clone();
        int slots = edges.length + 1;
        double[][] se = new double[4][slots];
        long[][] count = new long[4][slots];
        double total = 0;
        for (int i = 0; i < n; i++) {
            int g = (oovUser[i] ? 2 : 0) + (oovTitle[i] ? 1 : 0);
            int s = slot(edges, predictions[i]);
            double e = predictions[i] - labels[i];
            se[g][s] += e * e;
            count[g][s]++;
            total += e * e;
        }
        double overall = total / n;
        double[][] mse = new double[4][slots];
        for (int g = 0; g < 4; g++) {
            double groupSe = 0;
            long groupN = 0;
            for (int s = 0; s < slots; s++) {
                groupSe += se[g][s];
                groupN += count[g][s];
            }
            double group = (groupSe + SHRINK * overall) / (groupN + SHRINK);
            for (int s = 0; s < slots; s++) mse[g][s] = (se[g][s] + SHRINK * group) / (count[g][s] + SHRINK);
        }
        return new ErrorModel(FORMAT_VERSION, n, source, edges, mse, count);
    }

    public void write(Path file) throws IOException {
        JsonFiles.write(file, this);
    }

    /** Reads an error model; a malformed file is an {@link IOException} naming it. */
    public static ErrorModel read(Path file) throws IOException {
        return JsonFiles.read(file, ErrorModel.class, "error model");
    }
}

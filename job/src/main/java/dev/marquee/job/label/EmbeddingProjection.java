package dev.marquee.job.label;

/**
 * Maps a model's title embeddings onto at most k directions: the top principal directions of the vocabulary's
 * vectors (uncentred, so dot products within the kept subspace are unchanged), scaled so the projected
 * vocabulary vectors have mean squared norm 1. Directions with no variance (padding, a rank below the width)
 * are dropped, so a user's state is as small as the embeddings allow and the factor prior means the same for
 * every model whatever the scale of its embeddings.
 */
final class EmbeddingProjection {
    /** Eigenvalues below this share of the total are treated as zero. */
    private static final double RANK_TOLERANCE = 1e-7;
    /** [kept direction][input dimension], already divided by the scale. */
    private final double[][] basis;

    private EmbeddingProjection(double[][] basis) {
        this.basis = basis;
    }

    /** Fits the projection on {@code rows} (the vocabulary's embeddings, all of one width). */
    static EmbeddingProjection fit(float[][] rows, int maxDimensions) {
        if (rows.length == 0) throw new IllegalArgumentException("no embeddings to fit a projection on");
        int width = rows[0].length;
        double[][] gram = new double[width][width];
        for (float[] r : rows) {
            if (r.length != width) throw new IllegalArgumentException("embeddings differ in width: " + width + " and " + r.length);
            for (int i = 0; i < width; i++) {
                for (int j = 0; j <= i; j++) {
                    gram[i][j] += (double) r[i] * r[j];
                }
            }
        }
        for (int i = 0; i < width; i++) {
            for (int j = 0; j <= i; j++) {
                gram[i][j] /= rows.length;
                gram[j][i] = gram[i][j];
            }
        }
        double[][] vectors = new double[width][width];
        double[] values = symmetricEigen(gram, vectors);
        Integer[] order = new Integer[width];
        double total = 0;
        for (int i = 0; i < width; i++) {
            order[i] = i;
            total += Math.max(0, values[i]);
        }
        java.util.Arrays.sort(order, (a, b) -> Double.compare(values[b], values[a]));
        int k = 0;
        double kept = 0;
        while (k < Math.min(maxDimensions, width) && values[order[k]] > RANK_TOLERANCE * total) {
            kept += values[order[k]];
            k++;
        }
        double scale = kept > 0 ? Math.sqrt(kept) : 1;
        double[][] basis = new double[k][width];
        for (int d = 0; d < k; d++) {
            for (int i = 0; i < width; i++) {
                basis[d][i] = vectors[i][order[d]] / scale;
            }
        }
        return new EmbeddingProjection(basis);
    }

    int dimensions() {
        return basis.length;
    }

    float[] apply(float[] v) {
        float[] out = new float[basis.length];
        for (int d = 0; d < basis.length; d++) {
            double s = 0;
            for (int i = 0; i < v.length; i++) {
                s += basis[d][i] * v[i];
            }
            out[d] = (float) s;
        }
        return out;
    }

    /**
     * Cyclic Jacobi: the eigenvalues of the symmetric {@code a} (destroyed), eigenvectors as the columns of
     * {@code vectors}. Plenty for the 32 × 32 matrices here.
     */
    static double[] symmetricEigen(double[][] a, double[][] vectors) {
        int n = a.length;
        for (int i = 0; i < n; i++) {
            java.util.Arrays.fill(vectors[i], 0);
            vectors[i][i] = 1;
        }
        for (int sweep = 0; sweep < 100; sweep++) {
            double off = 0;
            double diagonal = 0;
            for (int i = 0; i < n; i++) {
                diagonal += a[i][i] * a[i][i];
                for (int j = i + 1; j < n; j++) {
                    off += a[i][j] * a[i][j];
                }
            }
            if (off <= 1e-30 * Math.max(diagonal, Double.MIN_NORMAL)) break;
            for (int p = 0; p < n; p++) {
                for (int q = p + 1; q < n; q++) {
                    if (a[p][q] == 0) continue;
                    double theta = (a[q][q] - a[p][p]) / (2 * a[p][q]);
                    double t = Math.signum(theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
                    if (theta == 0) t = 1;
                    double c = 1 / Math.sqrt(t * t + 1);
                    double s = t * c;
                    for (int k = 0; k < n; k++) {
                        double akp = a[k][p];
                        double akq = a[k][q];
                        a[k][p] = c * akp - s * akq;
                        a[k][q] = s * akp + c * akq;
                    }
                    for (int k = 0; k < n; k++) {
                        double apk = a[p][k];
                        double aqk = a[q][k];
                        a[p][k] = c * apk - s * aqk;
                        a[q][k] = s * apk + c * aqk;
                    }
                    for (int k = 0; k < n; k++) {
                        double vkp = vectors[k][p];
                        double vkq = vectors[k][q];
                        vectors[k][p] = c * vkp - s * vkq;
                        vectors[k][q] = s * vkp + c * vkq;
                    }
                }
            }
        }
        double[] values = new double[n];
        for (int i = 0; i < n; i++) {
            values[i] = a[i][i];
        }
        return values;
    }
}

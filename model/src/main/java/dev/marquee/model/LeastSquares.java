package dev.marquee.model;

/** Ordinary least squares with an intercept, by the normal equations (a handful of columns). */
final class LeastSquares {
    private LeastSquares() {}

    /**
     * The weights {@code [w0, w1..wk]} minimising {@code Σ (y − w0 − Σ wj·xj)²}.
     *
     * @param columns k feature columns, each as long as {@code y}
     * @throws IllegalArgumentException when the system is singular (too few rows, or a constant or repeated
     *     column)
     */
    static double[] fit(float[][] columns, float[] y) {
        int k = columns.length + 1;
        double[][] a = new double[k][k + 1];
        double[] x = new double[k];
        for (int row = 0; row < y.length; row++) {
            x[0] = 1;
            for (int j = 1; j < k; j++) {
                x[j] = columns[j - 1][row];
            }
            for (int i = 0; i < k; i++) {
                for (int j = 0; j < k; j++) {
                    a[i][j] += x[i] * x[j];
                }
                a[i][k] += x[i] * y[row];
            }
        }
        return solve(a);
    }

    /** Gaussian elimination with partial pivoting on an augmented k × (k+1) matrix. */
    private static double[] solve(double[][] a) {
        int k = a.length;
        double scale = 0;
        for (int i = 0; i < k; i++) {
            scale = Math.max(scale, Math.abs(a[i][i]));
        }
        for (int col = 0; col < k; col++) {
            int pivot = col;
            for (int r = col + 1; r < k; r++) {
                if (Math.abs(a[r][col]) > Math.abs(a[pivot][col])) {
                    pivot = r;
                }
            }
            if (!(Math.abs(a[pivot][col]) > 1e-12 * scale)) {
                throw new IllegalArgumentException("singular least-squares system");
            }
            double[] tmp = a[col];
            a[col] = a[pivot];
            a[pivot] = tmp;
            for (int r = 0; r < k; r++) {
                if (r != col) {
                    double f = a[r][col] / a[col][col];
                    for (int c = col; c <= k; c++) {
                        a[r][c] -= f * a[col][c];
                    }
                }
            }
        }
        double[] w = new double[k];
        for (int i = 0; i < k; i++) {
            w[i] = a[i][k] / a[i][i];
        }
        return w;
    }
}

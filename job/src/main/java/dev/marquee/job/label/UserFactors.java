package dev.marquee.job.label;

/**
 * One user's online correction of the model on the model's own title embeddings: {@code adjustment = b + w·e},
 * with {@code e} the title's projected embedding ({@link TitleEmbeddings}). The weights {@code [b, w]} are the
 * posterior mean of a Bayesian linear regression of the user's residuals (label − {@code output_3}), updated
 * one label at a time by recursive least squares (a Kalman filter): the prior is zero with precision
 * {@code biasPrior} on {@code b} and {@code factorPrior} on each of {@code w}, in units of the noise variance, so
 * after n labels the weights equal the ridge regression of those n residuals. Before each label the bias's
 * variance grows by {@code biasDrift} (a random walk), so a user's recent labels count more for the bias, which
 * drifts within a session; the taste weights {@code w} do not forget.
 *
 * <p>A Flink POJO kept in keyed state; the covariance is stored as a packed lower triangle, so a user with d
 * embedding dimensions costs (d+1)(d+4)/2 doubles.
 */
public class UserFactors {
    /** The model version whose embeddings {@link #weights} are measured against. */
    public long modelVersion;
    /** {@code [b, w_1 .. w_d]}. */
    public double[] weights;
    /** Posterior covariance of {@link #weights} over the noise variance: entry (i, j), j ≤ i, at i(i+1)/2 + j. */
    public double[] covariance;
    /** Labels learned from against {@link #modelVersion}. */
    public int labels;

    public UserFactors() {}

    /** Nothing learned yet: the prior, for embeddings of {@code dimensions} values. */
    public static UserFactors prior(long version, int dimensions, double biasPrior, double factorPrior) {
        UserFactors f = new UserFactors();
        f.reset(version, dimensions, 1 / biasPrior, 0, factorPrior);
        return f;
    }

    /**
     * Nothing learned on these embeddings yet, but a bias already told by {@code weight} residuals summing to {@code
     * sum} (a user's residual bias): the bias's posterior after them, the taste weights at their prior.
     */
    public static UserFactors startingAt(long version, int dimensions, double sum, double weight, double biasPrior,
            double factorPrior) {
        UserFactors f = new UserFactors();
        f.reset(version, dimensions, 1 / (biasPrior + weight), sum / (biasPrior + weight), factorPrior);
        return f;
    }

    public int dimensions() {
        return weights.length - 1;
    }

    public double bias() {
        return weights[0];
    }

    /** The correction for a title with projected embedding {@code e} (its length must be {@link #dimensions()}). */
    public double adjustment(float[] e) {
        double a = weights[0];
        for (int j = 0; j < e.length; j++) {
            a += weights[j + 1] * e[j];
        }
        return a;
    }

    /**
     * Learns from one label: {@code residual} is the label minus the model's output for a title with projected
     * embedding {@code e}. The bias's variance first grows by {@code biasDrift}.
     */
    public void learn(float[] e, double residual, double biasDrift) {
        int n = weights.length;
        double[] x = new double[n];
        x[0] = 1;
        for (int j = 0; j < e.length; j++) {
            x[j + 1] = e[j];
        }
        covariance[0] += biasDrift;
        double[] px = new double[n];
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int j = 0; j < n; j++) {
                s += at(i, j) * x[j];
            }
            px[i] = s;
        }
        double denominator = 1;
        double predicted = 0;
        for (int i = 0; i < n; i++) {
            denominator += x[i] * px[i];
            predicted += weights[i] * x[i];
        }
        double error = residual - predicted;
        for (int i = 0; i < n; i++) {
            weights[i] += px[i] / denominator * error;
            for (int j = 0; j <= i; j++) {
                covariance[index(i, j)] -= px[i] * px[j] / denominator;
            }
        }
        labels++;
    }

    /**
     * Moves the state to another model version, whose embeddings live in another space: the taste weights
     * start again from the prior, and the bias keeps {@code carry} of the precision its labels gave it (as
     * {@code adaptation.version-carry} does for the residual bias).
     */
    public void carryTo(long version, int dimensions, double carry, double biasPrior, double factorPrior) {
        double precision = 1 / covariance[0];
        double learned = Math.max(0, precision - biasPrior);
        double kept = carry * learned;
        // the bias's estimate from its labels alone is weights[0] * precision / learned; it keeps `kept` of that
        // precision beside the prior
        double bias = learned <= 0 ? 0 : weights[0] * precision / learned * kept / (biasPrior + kept);
        reset(version, dimensions, 1 / (biasPrior + kept), bias, factorPrior);
    }

    private void reset(long version, int dimensions, double biasVariance, double bias, double factorPrior) {
        modelVersion = version;
        weights = new double[dimensions + 1];
        weights[0] = bias;
        covariance = new double[(dimensions + 1) * (dimensions + 2) / 2];
        covariance[0] = biasVariance;
        for (int j = 1; j <= dimensions; j++) {
            covariance[index(j, j)] = 1 / factorPrior;
        }
        labels = 0;
    }

    private double at(int i, int j) {
        return i >= j ? covariance[index(i, j)] : covariance[index(j, i)];
    }

    private static int index(int i, int j) {
        return i * (i + 1) / 2 + j;
    }
}

package dev.marquee.job.label;

/**
 * One title's online bias: the posterior mean of what its labels say about it beyond the model and the users'
 * own corrections, with a zero prior of precision {@code prior} (a pseudo-count, as {@code adaptation.shrinkage}
 * is for a user): after n labels with residuals r, {@code mean = Σr / (n + prior)}. A Flink POJO kept in
 * keyed state (keyed by title).
 */
public class TitleBias {
    /** The model version the residuals were measured against. */
    public long modelVersion;
    public double mean;
    /** Posterior variance of {@link #mean} over the noise variance. */
    public double variance;
    public int labels;

    public TitleBias() {}

    public static TitleBias prior(long version, double prior) {
        TitleBias b = new TitleBias();
        b.modelVersion = version;
        b.variance = 1 / prior;
        return b;
    }

    public void learn(double residual) {
        double gain = variance / (1 + variance);
        mean += gain * (residual - mean);
        variance -= gain * variance;
        labels++;
    }

    /** Keeps {@code carry} of the precision the labels gave the bias when labels start coming from another version. */
    public void carryTo(long version, double carry, double prior) {
        double precision = 1 / variance;
        double learned = Math.max(0, precision - prior);
        double kept = carry * learned;
        mean = learned <= 0 ? 0 : mean * precision / learned * kept / (prior + kept);
        variance = 1 / (prior + kept);
        modelVersion = version;
    }
}

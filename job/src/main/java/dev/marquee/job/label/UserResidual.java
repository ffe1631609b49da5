package dev.marquee.job.label;

/**
 * One user's recent residuals (label minus the model's output), decayed and shrunk toward zero: the online
 * adaptation added to the model's prediction until the next retrain learns it.
 */
public class UserResidual {
    public double sum;
    public double weight;
    /** The model version the residuals were measured against. */
    public long modelVersion;

    public UserResidual() {}

    public double adjustment(double shrinkage, double maxAdjustment) {
        double a = weight + shrinkage <= 0 ? 0 : sum / (weight + shrinkage);
        return Math.max(-maxAdjustment, Math.min(maxAdjustment, a));
    }

    /** Adds one residual; residuals of an older version keep {@code versionCarry} of their weight. */
    public void add(double residual, long version, double decay, double versionCarry) {
        if (version != modelVersion && weight > 0) {
            sum *= versionCarry;
            weight *= versionCarry;
        }
        modelVersion = version;
        sum = sum * decay + residual;
        weight = weight * decay + 1;
    }
}

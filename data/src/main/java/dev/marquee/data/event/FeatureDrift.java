package dev.marquee.data.event;

/** Distribution drift of one feature in one window against the model's reference profile. */
public class FeatureDrift {
    public double oovRate;
    /** L-infinity distance between the window's and the reference's distributions (categoricals). */
    public double linf;
    /** Jensen-Shannon divergence (base 2, in [0, 1]). */
    public double jensenShannon;
    /** Population stability index (bucketed numerics and predictions). */
    public double psi;

    public FeatureDrift() {}
}

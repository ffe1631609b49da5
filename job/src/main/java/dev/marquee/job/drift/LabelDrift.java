package dev.marquee.job.drift;

import dev.marquee.data.drift.*;
import dev.marquee.job.label.LabelJoin;

/** Drift counts of labels matched with their predictions: online RMSE and MAE per model version. */
public final class LabelDrift extends PartialDriftOperator<LabelJoin> {
    private static final long serialVersionUID = 1L;

    public LabelDrift(DriftSettings settings) {
        super(settings);
    }

    @Override
    protected void count(LabelJoin j) throws Exception {
        DriftCounts c = countsFor(j, j.modelVersion);
        c.countLabel(j.served, j.model, j.label);
        if (j.shadowVersion > 0) c.countShadowLabel(j.shadowVersion, j.shadowModel, j.model, j.label);
    }

    @Override
    protected DriftCounts newCounts(LabelJoin j) {
        DriftCounts c = new DriftCounts();
        c.modelVersion = j.modelVersion;
        return c;
    }
}

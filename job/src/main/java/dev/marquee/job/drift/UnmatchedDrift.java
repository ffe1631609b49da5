package dev.marquee.job.drift;

import dev.marquee.data.drift.DriftCounts;
import dev.marquee.data.drift.DriftSettings;
import dev.marquee.job.label.UnmatchedExpiry;

/** Drift counts of labels and predictions the label join expired without a partner. */
public final class UnmatchedDrift extends PartialDriftOperator<UnmatchedExpiry> {
    private static final long serialVersionUID = 1L;

    public UnmatchedDrift(DriftSettings settings) {
        super(settings);
    }

    @Override
    protected void count(UnmatchedExpiry e) throws Exception {
        DriftCounts c = countsFor(e, e.modelVersion);
        if (e.kind == UnmatchedExpiry.Kind.LABEL) c.unmatchedLabels++;
        else c.unlabelledPredictions++;
    }

    @Override
    protected DriftCounts newCounts(UnmatchedExpiry e) {
        DriftCounts c = new DriftCounts();
        c.modelVersion = e.modelVersion;
        return c;
    }
}

package dev.marquee.job.drift;

import dev.marquee.data.drift.*;
import dev.marquee.data.event.RatingRequest;

/** Drift counts of the parse stage's valid requests: schema drift (unexpected fields, missing optional ones). */
public final class ValidRequestDrift extends PartialDriftOperator<RatingRequest> {
    private static final long serialVersionUID = 1L;

    public ValidRequestDrift(DriftSettings settings) {
        super(settings);
    }

    @Override
    protected void count(RatingRequest r) throws Exception {
        countsFor(r, -1).countValid(r, settings.maxTrackedFields);
    }

    @Override
    protected DriftCounts newCounts(RatingRequest r) {
        return new DriftCounts();
    }
}

package dev.marquee.job.drift;

import dev.marquee.data.drift.*;
import dev.marquee.data.event.DeadLetter;

/**
 * Drift counts of dead letters, the parse stage's or the scorer's (valid requests the model cannot take; one
 * tap each): invalid share by error code, type changes by field.
 */
public final class DeadLetterDrift extends PartialDriftOperator<DeadLetter> {
    private static final long serialVersionUID = 1L;

    public DeadLetterDrift(DriftSettings settings) {
        super(settings);
    }

    @Override
    protected void count(DeadLetter d) throws Exception {
        countsFor(d, -1).countInvalid(d);
    }

    @Override
    protected DriftCounts newCounts(DeadLetter d) {
        return new DriftCounts();
    }
}

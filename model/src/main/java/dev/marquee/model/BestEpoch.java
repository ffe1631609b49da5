package dev.marquee.model;

import java.util.List;
import org.tensorflow.Session;
import org.tensorflow.op.core.Assign;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/**
 * Early stopping's bookkeeping for one component: the best validation RMSE so far, its epoch, a snapshot of the
 * component's weights at that epoch, and how many epochs have passed without an improvement.
 */
final class BestEpoch implements AutoCloseable {
    private static final double MIN_IMPROVEMENT = 1e-5;

    private final int patience;
    private double rmse = Double.POSITIVE_INFINITY;
    private int epoch;
    private int stale;
    private List<TFloat32> snapshot = List.of();

    BestEpoch(int patience) {
        this.patience = patience;
    }

    /**
     * Records an epoch's validation RMSE, snapshotting {@code weights} when it improves on the best by more than
     * {@value #MIN_IMPROVEMENT}.
     *
     * @return whether {@code patience} epochs in a row have not improved: time to stop
     */
    boolean record(int epoch, double validationRmse, Session session, List<Variable<TFloat32>> weights) {
        if (validationRmse < rmse - MIN_IMPROVEMENT) {
            rmse = validationRmse;
            this.epoch = epoch;
            stale = 0;
            WeightSnapshot.close(snapshot);
            snapshot = WeightSnapshot.take(session, weights);
            return false;
        }
        return ++stale >= patience;
    }

    /** Assigns the best epoch's weights back (nothing when no epoch was recorded). */
    void restore(Session session, List<Placeholder<TFloat32>> feeds, List<Assign<TFloat32>> assigns) {
        WeightSnapshot.assign(session, feeds, assigns, snapshot);
    }

    double rmse() {
        return rmse;
    }

    int epoch() {
        return epoch;
    }

    @Override
    public void close() {
        WeightSnapshot.close(snapshot);
    }
}

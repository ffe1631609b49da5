package dev.marquee.model;

import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Assign;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/** A component's variables with feeds to assign them: snapshots for early stopping, and initial values. */
final class WeightSnapshot {
    private WeightSnapshot() {}

    /**
     * A new variable {@code name}, added to {@code weights} with a {@code name_restore_value} feed and a
     * {@code name_restore} assign at the same index, so {@link #assign} can restore it.
     */
    static Variable<TFloat32> restorable(Ops tf, String name, Operand<TFloat32> init, List<Variable<TFloat32>> weights,
            List<Placeholder<TFloat32>> feeds, List<Assign<TFloat32>> assigns) {
        Variable<TFloat32> v = tf.withName(name).variable(init);
        weights.add(v);
        Placeholder<TFloat32> feed = tf.withName(name + "_restore_value").placeholder(TFloat32.class);
        feeds.add(feed);
        assigns.add(tf.withName(name + "_restore").assign(v, feed));
        return v;
    }

    /** The variables' values, copied out of the session (close them). */
    static List<TFloat32> take(Session session, List<Variable<TFloat32>> weights) {
        Session.Runner runner = session.runner();
        weights.forEach(runner::fetch);
        List<TFloat32> out = new ArrayList<>();
        try (Result r = runner.run()) {
            for (int i = 0; i < weights.size(); i++) {
                TFloat32 v = (TFloat32) r.get(i);
                TFloat32 copy = TFloat32.tensorOf(v.shape());
                v.copyTo(copy);
                out.add(copy);
            }
        }
        return out;
    }

    /** Assigns {@code values.get(i)} to variable i; a null value leaves that variable as it is. */
    static void assign(Session session, List<Placeholder<TFloat32>> feeds, List<Assign<TFloat32>> assigns,
            List<TFloat32> values) {
        Session.Runner runner = session.runner();
        boolean any = false;
        for (int i = 0; i < values.size(); i++) {
            if (values.get(i) != null) {
                runner.feed(feeds.get(i), values.get(i)).addTarget(assigns.get(i));
                any = true;
            }
        }
        if (any) {
            runner.run().close();
        }
    }

    static void close(List<TFloat32> values) {
        values.forEach(v -> {
            if (v != null) v.close();
        });
    }
}

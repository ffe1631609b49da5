package dev.marquee.model;

import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.framework.optimizers.Adam;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Assign;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * {@link Architecture#BLEND}'s component B: {@code mu + b_u + b_i [+ b_(u,day)] + (p_u + z_u)·q_i} with
 * {@code z_u = |N(u)|^-½ Σ_{j∈N(u)} y_j}, N(u) the titles u rated in the fit rows.
 *
 * <p>Training feeds {@link #implicit}, each batch row's normalised N(u) as a dense [batch, titles] row, so no
 * users × titles matrix lands in the graph. Serving reads {@link #userEffective} = {@code p + N·y}, assigned by
 * {@link #bake} from the full N fed once: a row costs one dot product, as for component A. The OOV user's row
 * of N is zero, so it gets p_oov = 0.
 */
final class SvdppGraph {
    final SvdppConfig config;
    /** [rows, titles]: {@code |N(u)|^-½} at the titles each row's user rated (training), or per user (bake). */
    final Placeholder<TFloat32> implicit;
    final Operand<TFloat32> mse;
    final Op trainStep;
    final Op bake;
    /** Trainable weights, with feeds to initialise them and to restore a snapshot. */
    final List<Variable<TFloat32>> weights = new ArrayList<>();
    final List<Placeholder<TFloat32>> weightFeeds = new ArrayList<>();
    final List<Assign<TFloat32>> weightAssigns = new ArrayList<>();
    /** Indices in {@link #weights} of p and q (initialised N(0, sd) by the trainer). */
    final int userFactorsIndex;
    final int titleFactorsIndex;
    /** The served prediction (unclipped), through {@link #userEffective}. */
    final Operand<TFloat32> served;
    final Variable<TFloat32> userEffective;

    /**
     * @param userDayIndex the (user, day) bucket of each row, or null without the (user, day) bias
     * @param dayBuckets number of (user, day) buckets, the unseen bucket included
     */
    SvdppGraph(Graph graph, Ops tf, Operand<TInt32> userIndex, Operand<TInt32> titleIndex,
            Operand<TInt32> userDayIndex, int dayBuckets, Operand<TFloat32> label, int users, int titles,
            float mean, SvdppConfig config) {
        this.config = config;
        int k = config.factors();
        implicit = tf.withName("svdpp_implicit").placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, titles)));
        Variable<TFloat32> mu = weight(tf, "svdpp_global_mean", tf.constant(mean));
        Variable<TFloat32> userBias = weight(tf, "svdpp_user_bias", tf.constant(new float[users]));
        Variable<TFloat32> titleBias = weight(tf, "svdpp_title_bias", tf.constant(new float[titles]));
        userFactorsIndex = weights.size();
        Variable<TFloat32> p = weight(tf, "svdpp_user_factors", zeros(tf, users, k));
        titleFactorsIndex = weights.size();
        Variable<TFloat32> q = weight(tf, "svdpp_title_factors", zeros(tf, titles, k));
        Variable<TFloat32> y = weight(tf, "svdpp_implicit_factors", zeros(tf, titles, k));

        Operand<TFloat32> bu = tf.gather(userBias, userIndex, tf.constant(0));
        Operand<TFloat32> bi = tf.gather(titleBias, titleIndex, tf.constant(0));
        Operand<TFloat32> base = tf.math.add(tf.math.add(mu, bu), bi);
        Operand<TFloat32> biasSquares = tf.math.add(tf.math.square(bu), tf.math.square(bi));
        if (userDayIndex != null) {
            Variable<TFloat32> dayBias = weight(tf, "svdpp_user_day_bias", tf.constant(new float[dayBuckets]));
            Operand<TFloat32> bd = tf.gather(dayBias, userDayIndex, tf.constant(0));
            base = tf.math.add(base, bd);
            biasSquares = tf.math.add(biasSquares, tf.math.square(bd));
        }
        Operand<TFloat32> pu = tf.gather(p, userIndex, tf.constant(0));
        Operand<TFloat32> qi = tf.gather(q, titleIndex, tf.constant(0));
        Operand<TFloat32> z = tf.linalg.matMul(implicit, y);
        Operand<TFloat32> trained = tf.math.add(base, tf.reduceSum(tf.math.mul(tf.math.add(pu, z), qi), tf.constant(1)));
        Operand<TInt32> axis0 = tf.constant(0);
        Operand<TInt32> axis1 = tf.constant(1);
        Operand<TFloat32> reg = tf.math.add(tf.math.add(
                tf.math.mul(tf.constant(config.biasL2()), tf.math.mean(biasSquares, axis0)),
                tf.math.mul(tf.constant(config.factorL2()), tf.math.mean(tf.math.add(
                        tf.reduceSum(tf.math.square(pu), axis1), tf.reduceSum(tf.math.square(qi), axis1)), axis0))),
                tf.math.mul(tf.constant(config.implicitL2()),
                        tf.math.mean(tf.reduceSum(tf.math.square(z), axis1), axis0)));
        mse = tf.withName("svdpp_mse").math.mean(tf.math.squaredDifference(trained, label), axis0);
        Operand<TFloat32> loss = tf.withName("svdpp_loss").math.add(mse, reg);
        Adam adam = new Adam(graph, "adam_b", config.learningRate(), 0.9f, 0.999f, 1e-7f);
        trainStep = adam.applyGradients(BlendGraph.gradients(graph, loss, weights), "svdpp_train");

        userEffective = tf.withName("svdpp_user_effective").variable(zeros(tf, users, k));
        bake = tf.withName("svdpp_bake").assign(userEffective, tf.math.add(p, z));
        Operand<TFloat32> effective = tf.gather(userEffective, userIndex, tf.constant(0));
        served = tf.math.add(base, tf.reduceSum(tf.math.mul(effective, qi), axis1));
    }

    private Variable<TFloat32> weight(Ops tf, String name, Operand<TFloat32> init) {
        return WeightSnapshot.restorable(tf, name, init, weights, weightFeeds, weightAssigns);
    }

    private static Operand<TFloat32> zeros(Ops tf, int rows, int cols) {
        return tf.zeros(tf.constant(new int[] {rows, cols}), TFloat32.class);
    }
}

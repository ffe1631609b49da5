package dev.marquee.model;

import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.framework.optimizers.Adam;
import org.tensorflow.framework.optimizers.Optimizer;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Assign;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.family.TType;

/**
 * {@link Architecture#BLEND}'s graph beyond component A: the SVD++ factor model ({@link SvdppGraph}, component
 * B), an item-based autoencoder (I-AutoRec, component C) with its serving cache, and the gate that blends A, B
 * and C for rows whose user and title are both known.
 *
 * <p>C's training path feeds {@link #input}, a batch of titles' rating rows over all users (0 = not rated),
 * so the rating matrix never lands in the graph. Serving reads {@link #cache}, the hidden layer of every
 * title, assigned by {@link #bake} from the full matrix fed once: a row then costs one {@code hidden}-wide dot
 * product with the user's decoder row. The cache and {@link #weights} are variables, so the SavedModel
 * carries them.
 */
final class BlendGraph {
    /** Fetch names: each component's clipped prediction, for fitting the blend and for tests. */
    static final String COMPONENT_A = "blend_component_a";
    static final String COMPONENT_B = "blend_component_b";
    static final String COMPONENT_C = "blend_component_c";
    static final String WEIGHTS = "blend_weights";
    static final String KNOWN = "blend_known";
    /**
     * Users × titles above which the dense implicit-feedback and rating-row feeds (and the [users, hidden]
     * encoder and decoder) get too large for a few minutes on 2 cores.
     */
    static final long MAX_CELLS = 20_000_000L;

    final AutoRecConfig config;
    final SvdppGraph svdpp;
    final int knownUsers;
    final int knownTitles;
    /** [titles, knownUsers + 1]: rating rows of a batch of titles (training) or of all titles (bake). */
    final Placeholder<TFloat32> input;
    /** Scales the L2 term: {@code (batch / knownTitles) · λ / 2}. */
    final Placeholder<TFloat32> l2Scale;
    final Operand<TFloat32> loss;
    /** The batch's summed squared reconstruction error on rated cells (the loss without L2). */
    final Operand<TFloat32> squaredErrors;
    final Op trainStep;
    final Op bake;
    /** Trainable C weights (encoder, hidden bias, decoder, output bias), with feeds to restore a snapshot. */
    final List<Variable<TFloat32>> weights = new ArrayList<>();
    final List<Placeholder<TFloat32>> weightFeeds = new ArrayList<>();
    final List<Assign<TFloat32>> weightAssigns = new ArrayList<>();
    /** Clipped A, B and C per row, and the gate. */
    final Operand<TFloat32> componentA;
    final Operand<TFloat32> componentB;
    final Operand<TFloat32> componentC;
    final Operand<TBool> known;
    /** [w0, wA, wB, wC], starting at (0, 1, 0, 0): A alone. */
    final Variable<TFloat32> blendWeights;
    final Placeholder<TFloat32> blendWeightsFeed;
    final Assign<TFloat32> blendWeightsAssign;
    /** What {@code output_3} clips: the blend for known rows, A's unclipped prediction otherwise. */
    final Operand<TFloat32> served;

    /**
     * @param userDayIndex each row's (user, day) bucket, or null without the (user, day) bias
     * @param dayBuckets number of (user, day) buckets, the unseen bucket included
     */
    BlendGraph(Graph graph, Ops tf, Operand<TInt32> userIndex, Operand<TInt32> titleIndex,
            Operand<TInt32> userDayIndex, int dayBuckets, Operand<TFloat32> label, int knownUsers, int knownTitles,
            Operand<TFloat32> predictionA, float mean, float min, float max, SvdppConfig svdppConfig,
            AutoRecConfig config) {
        this.config = config;
        long cells = (long) (knownUsers + 1) * (knownTitles + 1);
        if (cells > MAX_CELLS) {
            throw new IllegalArgumentException("--arch blend feeds users x titles matrices (" + cells + " cells here);"
                    + " it is built for data up to " + MAX_CELLS + " cells (ML-100K: 1.6 M): use --arch default");
        }
        svdpp = new SvdppGraph(graph, tf, userIndex, titleIndex, userDayIndex, dayBuckets, label, knownUsers + 1,
                knownTitles + 1, mean, svdppConfig);
        this.knownUsers = knownUsers;
        this.knownTitles = knownTitles;
        int users = knownUsers + 1;
        int titles = knownTitles + 1;
        int h = config.hidden();
        input = tf.withName("autorec_input").placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, users)));
        l2Scale = tf.withName("autorec_l2_scale").placeholder(TFloat32.class, Placeholder.shape(Shape.scalar()));
        // Zero-initialised here; the trainer assigns seeded Glorot values before training (a constant
        // initialiser of this size would be stored in saved_model.pb).
        Variable<TFloat32> encoder = weight(tf, "autorec_encoder", zeros(tf, users, h));
        Variable<TFloat32> hiddenBias = weight(tf, "autorec_hidden_bias", tf.constant(new float[h]));
        Variable<TFloat32> decoder = weight(tf, "autorec_decoder", zeros(tf, users, h));
        Variable<TFloat32> outputBias = weight(tf, "autorec_output_bias", tf.constant(new float[users]));

        Operand<TFloat32> hidden = tf.math.sigmoid(tf.math.add(tf.linalg.matMul(input, encoder), hiddenBias));
        Operand<TFloat32> reconstruction = tf.math.add(
                tf.linalg.matMul(hidden, decoder, org.tensorflow.op.linalg.MatMul.transposeB(true)), outputBias);
        Operand<TFloat32> mask = tf.dtypes.cast(tf.math.notEqual(input, tf.constant(0f)), TFloat32.class);
        squaredErrors = tf.reduceSum(
                tf.math.mul(mask, tf.math.square(tf.math.sub(reconstruction, input))), tf.constant(new int[] {0, 1}));
        // identity(): Square's gradient on a VariableV2's ref type crashes the JVM (see RatingGraph).
        Operand<TFloat32> norms = tf.math.add(
                tf.reduceSum(tf.math.square(tf.identity(encoder)), tf.constant(new int[] {0, 1})),
                tf.reduceSum(tf.math.square(tf.identity(decoder)), tf.constant(new int[] {0, 1})));
        loss = tf.withName("autorec_loss").math.add(squaredErrors, tf.math.mul(l2Scale, norms));
        Adam adam = new Adam(graph, "adam_c", config.learningRate(), 0.9f, 0.999f, 1e-7f);
        trainStep = adam.applyGradients(gradients(graph, loss, weights), "autorec_train");

        Variable<TFloat32> cache = tf.withName("autorec_title_hidden").variable(zeros(tf, titles, h));
        bake = tf.withName("autorec_bake").assign(cache, hidden);

        Operand<TFloat32> c = tf.math.add(tf.reduceSum(tf.math.mul(tf.gather(cache, titleIndex, tf.constant(0)),
                tf.gather(decoder, userIndex, tf.constant(0))), tf.constant(1)),
                tf.gather(outputBias, userIndex, tf.constant(0)));
        componentA = tf.withName(COMPONENT_A).clipByValue(predictionA, tf.constant(min), tf.constant(max));
        componentB = tf.withName(COMPONENT_B).clipByValue(svdpp.served, tf.constant(min), tf.constant(max));
        componentC = tf.withName(COMPONENT_C).clipByValue(c, tf.constant(min), tf.constant(max));
        blendWeights = tf.withName(WEIGHTS).variable(tf.constant(new float[] {0f, 1f, 0f, 0f}));
        blendWeightsFeed = tf.withName(WEIGHTS + "_value").placeholder(TFloat32.class, Placeholder.shape(Shape.of(4)));
        blendWeightsAssign = tf.withName(WEIGHTS + "_assign").assign(blendWeights, blendWeightsFeed);
        Operand<TFloat32> blended = tf.math.add(tf.math.add(tf.math.add(weightAt(tf, 0),
                tf.math.mul(weightAt(tf, 1), componentA)), tf.math.mul(weightAt(tf, 2), componentB)),
                tf.math.mul(weightAt(tf, 3), componentC));
        known = tf.withName(KNOWN).math.logicalAnd(tf.math.less(userIndex, tf.constant(knownUsers)),
                tf.math.less(titleIndex, tf.constant(knownTitles)));
        served = tf.select(known, blended, predictionA);
    }

    private Operand<TFloat32> weightAt(Ops tf, int i) {
        return tf.gather(blendWeights, tf.constant(i), tf.constant(0));
    }

    private Variable<TFloat32> weight(Ops tf, String name, Operand<TFloat32> init) {
        return WeightSnapshot.restorable(tf, name, init, weights, weightFeeds, weightAssigns);
    }

    private static Operand<TFloat32> zeros(Ops tf, int rows, int cols) {
        return tf.zeros(tf.constant(new int[] {rows, cols}), TFloat32.class);
    }

    /**
     * {@code d loss / d v} for exactly the given variables, paired for {@link Optimizer#applyGradients}
     * ({@link Optimizer#minimize} would take every VariableV2 of the graph).
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    static List<Optimizer.GradAndVar<? extends TType>> gradients(Graph graph, Operand<TFloat32> loss,
            List<Variable<TFloat32>> variables) {
        Output<?>[] xs = variables.stream().map(Variable::asOutput).toArray(Output<?>[]::new);
        Output<?>[] grads = graph.addGradients(loss.asOutput(), xs);
        List<Optimizer.GradAndVar<? extends TType>> out = new ArrayList<>();
        for (int i = 0; i < xs.length; i++) {
            out.add(new Optimizer.GradAndVar(grads[i], xs[i]));
        }
        return out;
    }
}

package dev.marquee.model;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Signature;
import org.tensorflow.framework.optimizers.AdaGrad;
import org.tensorflow.framework.optimizers.Adam;
import org.tensorflow.framework.optimizers.Optimizer;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Assign;
import org.tensorflow.op.core.HashTable;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TString;

/**
 * The model's TensorFlow graph: string inputs, in-graph vocabularies with an out-of-vocabulary bucket, the
 * chosen architecture, the serving outputs, the training loss and optimiser step, and the two signatures
 * the SavedModel carries ({@value #SERVING_SIGNATURE} and {@value #INIT_SIGNATURE}).
 *
 * <p>Training feeds the index tensors {@link #userIndex} and {@link #titleIndex} directly (the same indices
 * the tables produce), which skips building string tensors for every batch.
 */
public final class RatingGraph {
    /** Width of {@code output_1} and {@code output_2}. */
    public static final int VECTOR_WIDTH = 32;
    public static final String SERVING_SIGNATURE = "serving_default";
    public static final String INIT_SIGNATURE = "__saved_model_init_op";
    public static final String PREDICT_METHOD = "tensorflow/serving/predict";
    public static final String USER_ID = "user_id";
    public static final String MOVIE_TITLE = "movie_title";
    public static final String TIMESTAMP = "timestamp";
    public static final String OUTPUT_USER = "output_1";
    public static final String OUTPUT_TITLE = "output_2";
    public static final String OUTPUT_RATING = "output_3";
    /**
     * The scorer's fast path: the same model, with each string column sent as ONE string joined by
     * {@link #PACK_SEPARATOR} and split inside the graph (building one string tensor instead of a vector of
     * them is several times cheaper from Java).
     */
    public static final String PACKED_SIGNATURE = "score_packed";
    public static final String PACKED_USER_IDS = "user_ids_packed";
    public static final String PACKED_MOVIE_TITLES = "movie_titles_packed";
    /** ASCII unit separator; a value containing it cannot be packed. */
    public static final String PACK_SEPARATOR = "\u001f";

    final Placeholder<TString> packedUserIds;
    final Placeholder<TString> packedTitles;
    /** {@code user_id}: fed directly by serving_default, else unpacked from {@link #packedUserIds}. */
    final Operand<TString> userId;
    final Operand<TString> movieTitle;
    final Placeholder<TInt64> timestamp;
    final Placeholder<TFloat32> label;
    final Operand<TInt32> userIndex;
    final Operand<TInt32> titleIndex;
    final Operand<TFloat32> userVector;
    final Operand<TFloat32> titleVector;
    /** [batch, 1], clipped to the training ratings' range. */
    final Operand<TFloat32> rating;
    /** Mean squared error of the unclipped prediction. */
    final Operand<TFloat32> mse;
    final Operand<TFloat32> loss;
    final Op trainStep;
    final Op tablesInit;
    final Signature serving;
    final Signature packed;
    final Signature init;
    final List<Variable<TFloat32>> weights = new ArrayList<>();
    final List<Placeholder<TFloat32>> weightFeeds = new ArrayList<>();
    final List<Assign<TFloat32>> weightAssigns = new ArrayList<>();
    /** {@link Architecture#BLEND} only: the autoencoder, its serving cache and the gated blend; else null. */
    final BlendGraph blend;
    /** Each row's (user, day) bucket when {@link TrainingConfig#userDayBias()}, else null. */
    private Operand<TInt32> userDayIndex;

    private final Ops tf;
    private final Random random;

    /**
     * The pieces an architecture contributes: {@code prediction} is what the loss trains, {@code served} what
     * {@code output_3} clips (the same, except for a blend).
     */
    private record Head(Operand<TFloat32> prediction, Operand<TFloat32> userVector, Operand<TFloat32> titleVector,
            Operand<TFloat32> regularization, Operand<TFloat32> served) {
        Head(Operand<TFloat32> prediction, Operand<TFloat32> userVector, Operand<TFloat32> titleVector,
                Operand<TFloat32> regularization) {
            this(prediction, userVector, titleVector, regularization, prediction);
        }
    }

    /** Seconds per day for the (user, day) key; days are UTC. */
    static final long DAY_SECONDS = 86_400L;
    private static final long DAYS_PER_USER = 1_000_000L;

    /** The (user, day) key the graph computes: {@code userIndex * 10^6 + floor(timestamp / 86400)}. */
    static long userDayKey(int userIndex, long timestamp) {
        return userIndex * DAYS_PER_USER + Math.floorDiv(timestamp, DAY_SECONDS);
    }

    private final long[] userDayKeys;
    private final List<Op> imports = new ArrayList<>();

    /**
     * @param userDayKeys distinct {@link #userDayKey} values seen in training (used when
     *     {@link TrainingConfig#userDayBias()}); each gets a bias, any other key the zero bucket
     */
    RatingGraph(Graph graph, Vocabulary users, Vocabulary titles, TrainingConfig config, float mean, float min,
            float max, long[] userDayKeys) {
        this.userDayKeys = userDayKeys;
        if (users.size() == 0 || titles.size() == 0) {
            throw new IllegalArgumentException("cannot build a model from an empty vocabulary");
        }
        this.tf = Ops.create(graph);
        this.random = new Random(config.seed());
        packedUserIds = tf.withName(PACKED_USER_IDS).placeholder(TString.class, Placeholder.shape(Shape.scalar()));
        packedTitles = tf.withName(PACKED_MOVIE_TITLES).placeholder(TString.class,
                Placeholder.shape(Shape.scalar()));
        userId = tf.withName(USER_ID).placeholderWithDefault(unpack(packedUserIds), Shape.of(-1));
        movieTitle = tf.withName(MOVIE_TITLE).placeholderWithDefault(unpack(packedTitles), Shape.of(-1));
        timestamp = tf.withName(TIMESTAMP).placeholder(TInt64.class, Placeholder.shape(Shape.of(-1)));
        label = tf.withName("label").placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1)));

        userIndex = lookup("user", users, userId, imports);
        titleIndex = lookup("title", titles, movieTitle, imports);
        int nUsers = users.size() + 1;
        int nTitles = titles.size() + 1;
        Head head = switch (config.architecture()) {
            case DEFAULT -> biasModel(nUsers, nTitles, config, mean);
            case REFERENCE -> referenceModel(nUsers, nTitles, config);
            case BLEND -> biasModel(nUsers, nTitles, config, mean);
        };
        if (config.architecture() == Architecture.BLEND) {
            blend = new BlendGraph(graph, tf, userIndex, titleIndex, userDayIndex, userDayKeys.length + 1, label,
                    users.size(), titles.size(), head.prediction(), mean, min, max, SvdppConfig.defaults(),
                    AutoRecConfig.defaults());
            head = new Head(head.prediction(), head.userVector(), head.titleVector(), head.regularization(),
                    blend.served);
        } else {
            blend = null;
        }
        tablesInit = tf.withName("tables_init").withControlDependencies(imports).noOp();
        Operand<TInt32> initDone = tf.withName("tables_init_done").withControlDependencies(imports)
                .identity(tf.constant(1));
        Operand<TFloat32> prediction = head.prediction();
        Operand<TFloat32> served = head.served();
        // ensureShape: the signature then declares [-1, 32] and [-1, 1], which TF Serving's metadata reports;
        // shape inference alone leaves some of them unknown.
        userVector = tf.withName(OUTPUT_USER).ensureShape(head.userVector(), Shape.of(-1, VECTOR_WIDTH));
        titleVector = tf.withName(OUTPUT_TITLE).ensureShape(head.titleVector(), Shape.of(-1, VECTOR_WIDTH));
        rating = tf.withName(OUTPUT_RATING).ensureShape(tf.clipByValue(tf.expandDims(served, tf.constant(-1)),
                tf.constant(min), tf.constant(max)), Shape.of(-1, 1));
        mse = tf.withName("mse").math.mean(tf.math.squaredDifference(prediction, label), tf.constant(0));
        loss = tf.withName("loss").math.add(mse, head.regularization());

        Optimizer optimizer = switch (config.optimizer()) {
            case ADAM -> new Adam(graph, config.learningRate());
            case ADAGRAD -> new AdaGrad(graph, config.learningRate(), 0.1f);
        };
        // minimize() would train every VariableV2 in the graph, a blend's caches and second optimiser included:
        // a blend trains exactly its first component's weights here (the same gradients minimize computes).
        trainStep = blend == null ? optimizer.minimize(loss, "train")
                : optimizer.applyGradients(BlendGraph.gradients(graph, loss, weights), "train");

        for (Variable<TFloat32> w : weights) {
            String name = w.op().name();
            Placeholder<TFloat32> feed = tf.withName(name + "_restore_value").placeholder(TFloat32.class);
            weightFeeds.add(feed);
            weightAssigns.add(tf.withName(name + "_restore").assign(w, feed));
        }

        serving = Signature.builder(SERVING_SIGNATURE).methodName(PREDICT_METHOD)
                .input(USER_ID, userId).input(MOVIE_TITLE, movieTitle).input(TIMESTAMP, timestamp)
                .output(OUTPUT_USER, userVector).output(OUTPUT_TITLE, titleVector).output(OUTPUT_RATING, rating)
                .build();
        packed = Signature.builder(PACKED_SIGNATURE).methodName(PREDICT_METHOD)
                .input(PACKED_USER_IDS, packedUserIds).input(PACKED_MOVIE_TITLES, packedTitles)
                .input(TIMESTAMP, timestamp)
                .output(OUTPUT_USER, userVector).output(OUTPUT_TITLE, titleVector).output(OUTPUT_RATING, rating)
                .build();
        init = Signature.builder(INIT_SIGNATURE).output(INIT_SIGNATURE, initDone).build();
    }

    /** A scalar string joined by {@link #PACK_SEPARATOR} split back into its vector (empty parts kept). */
    private Operand<TString> unpack(Operand<TString> packedScalar) {
        return tf.strings.stringSplit(tf.reshape(packedScalar, tf.constant(new int[] {1})),
                tf.constant(PACK_SEPARATOR)).values();
    }

    /** Table lookup with default -1, then -1 becomes the OOV index {@code vocabulary.size()}. */
    private Operand<TInt32> lookup(String name, Vocabulary vocabulary, Operand<TString> input, List<Op> imports) {
        Map<String, Integer> entries = vocabulary.tableEntries();
        String[] keys = entries.keySet().toArray(String[]::new);
        int[] values = new int[keys.length];
        for (int i = 0; i < keys.length; i++) {
            values[i] = entries.get(keys[i]);
        }
        HashTable table = tf.withName(name + "_table").hashTable(TString.class, TInt32.class);
        imports.add(tf.withName(name + "_table_import").lookupTableImport(table,
                tf.constant(StandardCharsets.UTF_8, keys), tf.constant(values)));
        Operand<TInt32> found = tf.withName(name + "_found").lookupTableFind(table, input, tf.constant(-1));
        Operand<TInt32> missing = tf.dtypes.cast(tf.math.less(found, tf.constant(0)), TInt32.class);
        return tf.withName(name + "_index").math.add(found,
                tf.math.mul(missing, tf.constant(vocabulary.oovIndex() + 1)));
    }

    private Head biasModel(int nUsers, int nTitles, TrainingConfig c, float mean) {
        Variable<TFloat32> mu = weight("global_mean", tf.constant(mean));
        Variable<TFloat32> userBias = weight("user_bias", tf.constant(new float[nUsers]));
        Variable<TFloat32> titleBias = weight("title_bias", tf.constant(new float[nTitles]));
        Operand<TFloat32> bu = tf.gather(userBias, userIndex, tf.constant(0));
        Operand<TFloat32> bi = tf.gather(titleBias, titleIndex, tf.constant(0));
        Operand<TFloat32> prediction = tf.math.add(tf.math.add(mu, bu), bi);
        Operand<TFloat32> reg = tf.math.mul(tf.constant(c.biasL2()),
                tf.math.mean(tf.math.add(tf.math.square(bu), tf.math.square(bi)), tf.constant(0)));
        Operand<TFloat32> userVec = tf.expandDims(bu, tf.constant(-1));
        Operand<TFloat32> titleVec = tf.expandDims(bi, tf.constant(-1));
        if (c.userDayBias()) {
            HashTable table = tf.withName("user_day_table").hashTable(TInt64.class, TInt32.class);
            int[] values = new int[userDayKeys.length];
            for (int i = 0; i < values.length; i++) {
                values[i] = i;
            }
            imports.add(tf.withName("user_day_table_import").lookupTableImport(table, tf.constant(userDayKeys),
                    tf.constant(values)));
            Operand<TInt64> day = tf.math.floorDiv(timestamp, tf.constant(DAY_SECONDS));
            Operand<TInt64> key = tf.math.add(tf.math.mul(tf.dtypes.cast(userIndex, TInt64.class),
                    tf.constant(DAYS_PER_USER)), day);
            Operand<TInt32> found = tf.lookupTableFind(table, key, tf.constant(-1));
            Operand<TInt32> missing = tf.dtypes.cast(tf.math.less(found, tf.constant(0)), TInt32.class);
            Operand<TInt32> dayIndex = tf.withName("user_day_index").math.add(found,
                    tf.math.mul(missing, tf.constant(userDayKeys.length + 1)));
            userDayIndex = dayIndex;
            Variable<TFloat32> dayBias = weight("user_day_bias", tf.constant(new float[userDayKeys.length + 1]));
            // masked on the zero bucket, so it never trains: rows whose user --oov-rate hides miss the table
            // and would otherwise teach it a bias that every unseen (user, day) pair then gets
            Operand<TFloat32> bd = tf.math.mul(tf.gather(dayBias, dayIndex, tf.constant(0)),
                    tf.dtypes.cast(tf.math.sub(tf.constant(1), missing), TFloat32.class));
            prediction = tf.math.add(prediction, bd);
            reg = tf.math.add(reg, tf.math.mul(tf.constant(c.biasL2()),
                    tf.math.mean(tf.math.square(bd), tf.constant(0))));
        }
        int k = c.factors();
        if (k > 0) {
            Variable<TFloat32> userFactors = weight("user_factors", tf.constant(normalRows(nUsers, k, 0.05)));
            Variable<TFloat32> titleFactors = weight("title_factors", tf.constant(normalRows(nTitles, k, 0.05)));
            Operand<TFloat32> pu = tf.gather(userFactors, userIndex, tf.constant(0));
            Operand<TFloat32> qi = tf.gather(titleFactors, titleIndex, tf.constant(0));
            prediction = tf.math.add(prediction, tf.reduceSum(tf.math.mul(pu, qi), tf.constant(1)));
            Operand<TFloat32> norms = tf.math.add(tf.reduceSum(tf.math.square(pu), tf.constant(1)),
                    tf.reduceSum(tf.math.square(qi), tf.constant(1)));
            reg = tf.math.add(reg, tf.math.mul(tf.constant(c.factorL2()), tf.math.mean(norms, tf.constant(0))));
            userVec = tf.concat(List.of(userVec, pu), tf.constant(1));
            titleVec = tf.concat(List.of(titleVec, qi), tf.constant(1));
        }
        int pad = VECTOR_WIDTH - 1 - k;
        if (pad > 0) {
            Operand<TInt32> paddings = tf.constant(new int[][] {{0, 0}, {0, pad}});
            userVec = tf.pad(userVec, paddings, tf.constant(0f));
            titleVec = tf.pad(titleVec, paddings, tf.constant(0f));
        }
        return new Head(prediction, userVec, titleVec, reg);
    }

    private Head referenceModel(int nUsers, int nTitles, TrainingConfig c) {
        int d = VECTOR_WIDTH;
        Variable<TFloat32> userEmb = weight("user_embedding", tf.constant(uniform(nUsers, d, 0.05)));
        Variable<TFloat32> titleEmb = weight("title_embedding", tf.constant(uniform(nTitles, d, 0.05)));
        Operand<TFloat32> eu = tf.gather(userEmb, userIndex, tf.constant(0));
        Operand<TFloat32> et = tf.gather(titleEmb, titleIndex, tf.constant(0));
        Operand<TFloat32> x = tf.concat(List.of(eu, et), tf.constant(1));
        Variable<TFloat32> w1 = weight("dense1_kernel", tf.constant(glorot(2 * d, 256)));
        Variable<TFloat32> b1 = weight("dense1_bias", tf.constant(new float[256]));
        Variable<TFloat32> w2 = weight("dense2_kernel", tf.constant(glorot(256, 64)));
        Variable<TFloat32> b2 = weight("dense2_bias", tf.constant(new float[64]));
        Variable<TFloat32> w3 = weight("dense3_kernel", tf.constant(glorot(64, 1)));
        Variable<TFloat32> b3 = weight("dense3_bias", tf.constant(new float[1]));
        Operand<TFloat32> h1 = tf.nn.relu(tf.math.add(tf.linalg.matMul(x, w1), b1));
        Operand<TFloat32> h2 = tf.nn.relu(tf.math.add(tf.linalg.matMul(h1, w2), b2));
        Operand<TFloat32> out = tf.math.add(tf.linalg.matMul(h2, w3), b3);
        Operand<TFloat32> prediction = tf.reshape(out, tf.constant(new int[] {-1}));
        Operand<TFloat32> reg = tf.math.mul(tf.constant(c.factorL2()), tf.math.add(
                tf.reduceSum(tf.math.square(tf.identity(w1)), tf.constant(new int[] {0, 1})),
                tf.reduceSum(tf.math.square(tf.identity(w2)), tf.constant(new int[] {0, 1}))));
        // identity(): Square's gradient casts to its input's type, which fails for a VariableV2's ref type
        // (the C++ gradient then dereferences a null node and the JVM crashes).
        return new Head(prediction, eu, et, reg);
    }

    /** A trainable VariableV2 at the root scope (no '/' in the name), initialised from {@code init}. */
    private Variable<TFloat32> weight(String name, Operand<TFloat32> init) {
        Variable<TFloat32> v = tf.withName(name).variable(init);
        weights.add(v);
        return v;
    }

    /** N(0, sd) rows; the last row (the OOV bucket) starts at zero. */
    private float[][] normalRows(int rows, int cols, double sd) {
        float[][] m = new float[rows][cols];
        for (int r = 0; r < rows - 1; r++) {
            for (int j = 0; j < cols; j++) {
                m[r][j] = (float) (random.nextGaussian() * sd);
            }
        }
        return m;
    }

    /** Keras' Embedding default: U(-limit, limit). */
    private float[][] uniform(int rows, int cols, double limit) {
        float[][] m = new float[rows][cols];
        for (float[] row : m) {
            for (int j = 0; j < cols; j++) {
                row[j] = (float) ((random.nextDouble() * 2 - 1) * limit);
            }
        }
        return m;
    }

    /** Keras' Dense default: Glorot uniform. */
    private float[][] glorot(int in, int out) {
        return uniform(in, out, Math.sqrt(6.0 / (in + out)));
    }
}

package dev.marquee.model;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.AssertThat;
import org.tensorflow.op.core.AssignAdd;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TString;
import org.tensorflow.types.family.TType;

/**
 * Tiny real SavedModels, exported here with tensorflow-java, standing in for models made elsewhere: each one's
 * rating is a simple function of its inputs (0.5 plus a variable's worth), and each kind breaks or bends the
 * contract in one way. Shared with the job module's tests (the model module's test-jar).
 */
public final class TinySavedModels {
    /** What a tiny model's signature looks like. */
    public enum Kind {
        /** The contract's names and types, a [n,1] rating of 0.5. */
        GOOD_STRING_IDS,
        /**
         * Inputs {@code uid} (int64), {@code title}, {@code ts} (int64) and a [n] output {@code rating} of
         * 0.5 + uid / 1000 + ts / 1e6.
         */
        INT64_IDS_RENAMED_VECTOR_OUTPUT,
        /**
         * As {@link #INT64_IDS_RENAMED_VECTOR_OUTPUT}, but a run fails (InvalidArgument) when any {@code uid} is
         * beyond int32, as a graph that narrows the id for a lookup does: the contract's int64 input takes such an
         * id, the model does not.
         */
        INT64_IDS_FAILING_BEYOND_INT32,
        /** Inputs {@code uid} (int32), {@code title}, {@code ts} (int32) and a [n] output {@code rating} of 0.5 + uid / 1000 + ts / 1e6. */
        INT32_IDS,
        /** The contract's names and types, a rating of 0.5, but NaN for a timestamp before 800,000,000 (1995). */
        NAN_FOR_EARLY_TIMESTAMPS,
        /** The contract's names and types, a rating of 0.5 for its first three runs; every later run fails. */
        FAILING_AFTER_THREE_RUNS,
        /**
         * The contract's names and types, a rating of 0.5, but a run fails when a {@code user_id} is longer than 4
         * characters, as a lookup without out-of-vocabulary buckets fails on an unknown user.
         */
        FAILING_FOR_LONG_USER_IDS,
        /** The contract's names and types, a rating of 0.5 from a graph that squeezes its batch axis: one row fails. */
        SQUEEZING_THE_BATCH,
        /** As {@link #GOOD_STRING_IDS}, with an {@code output_2} that answers a whole table [5,2], not a row per request. */
        EMBEDDINGS_OF_THE_WHOLE_TABLE,
        OTHER_SIGNATURE,
        FLOAT_USER_ID,
        EXTRA_INPUT,
        NAN,
        /** The contract's inputs; outputs {@code output_2} (title embeddings [n,2]) and {@code output_3}, no output_1. */
        EMBEDDINGS_WITHOUT_USER_VECTORS,
        /** Inputs {@code user_id} and {@code movie_title} only, as the TFRS ranking tutorial exports; a rating of 0.5. */
        NO_TIMESTAMP,
        /** A float32 {@code timestamp}; a rating of 0.5 + timestamp / 1e9. */
        FLOAT32_TIMESTAMP,
        /** A float64 {@code timestamp} (pandas' default); a rating of 0.5 + timestamp / 1e9. */
        FLOAT64_TIMESTAMP,
        /** A float64 rating [n,1] of 0.5. */
        FLOAT64_RATING,
        /** A rating whose signature shape is [n,?]; it answers [n,1]. */
        RATING_OF_UNKNOWN_WIDTH,
        /** A rating whose signature shape is of unknown rank; it answers [n,1]. */
        RATING_OF_UNKNOWN_RANK,
        /**
         * Inputs of shape [n,1], as a Keras model of {@code Input(shape=(1,))} columns exports them, each squeezed
         * on its axis 1 (which fails for a rank-1 feed); a [n,1] rating of 0.5 + timestamp / 1e9.
         */
        COLUMN_INPUTS,
        /** As {@link #GOOD_STRING_IDS}, but {@code user_id} of shape [n,2]: a row of two values, which no request fills. */
        WIDE_USER_INPUT,
        /** As {@link #GOOD_STRING_IDS}, but {@code user_id} of shape [n,?]: fed as a column. */
        USER_INPUT_OF_OPEN_WIDTH,
        /** A rating of shape [n,5]: five scores per request, as a classifier over the stars exports them. */
        CLASS_SCORES_RATING,
        /** A rating of shape []: one value for the whole batch. */
        SCALAR_RATING,
        /** As {@link #GOOD_STRING_IDS}, but {@code user_id} of shape [1]: exported for batches of one request. */
        FIXED_BATCH_USER_INPUT
    }

    private TinySavedModels() {}

    /** Exports a model of this kind into {@code dir} (which must not exist yet) and returns it. */
    public static Path export(Path dir, Kind kind) {
        try (Graph g = new Graph(); Session s = new Session(g)) {
            Ops tf = Ops.create(g);
            Variable<TFloat32> base = tf.withName("base").variable(tf.constant(0.5f));
            Signature.Builder sig = Signature.builder(kind == Kind.OTHER_SIGNATURE ? "other" : "serving_default");
            Operand<TFloat32> rating;
            if (kind == Kind.COLUMN_INPUTS) {
                Placeholder<TString> user = tf.placeholder(TString.class, Placeholder.shape(Shape.of(-1, 1)));
                Placeholder<TString> title = tf.placeholder(TString.class, Placeholder.shape(Shape.of(-1, 1)));
                Placeholder<TInt64> ts = tf.placeholder(TInt64.class, Placeholder.shape(Shape.of(-1, 1)));
                org.tensorflow.op.core.Squeeze.Options axis1 = org.tensorflow.op.core.Squeeze.axis(List.of(1L));
                Operand<TFloat32> seconds = tf.squeeze(tf.dtypes.cast(ts, TFloat32.class), axis1);
                // 0 x (rows of each squeezed string column): the strings must arrive as [n,1] too
                Operand<TFloat32> rows = tf.dtypes.cast(tf.math.add(tf.size(tf.squeeze(user, axis1)),
                        tf.size(tf.squeeze(title, axis1))), TFloat32.class);
                Operand<TFloat32> column = tf.math.add(tf.math.add(base, tf.math.div(seconds, tf.constant(1e9f))),
                        tf.math.mul(tf.constant(0f), rows));
                rating = tf.ensureShape(tf.reshape(column, tf.constant(new long[] {-1, 1})), Shape.of(-1, 1));
                sig.input("user_id", user).input("movie_title", title).input("timestamp", ts).output("output_3", rating);
            } else if (kind == Kind.INT32_IDS) {
                Placeholder<TInt32> uid = tf.placeholder(TInt32.class, Placeholder.shape(Shape.of(-1)));
                Placeholder<TString> title = tf.placeholder(TString.class, Placeholder.shape(Shape.of(-1)));
                Placeholder<TInt32> ts = tf.placeholder(TInt32.class, Placeholder.shape(Shape.of(-1)));
                rating = tf.math.add(base, tf.math.add(tf.math.div(tf.dtypes.cast(uid, TFloat32.class), tf.constant(1000f)),
                        tf.math.div(tf.dtypes.cast(ts, TFloat32.class), tf.constant(1e6f))));
                sig.input("uid", uid).input("title", title).input("ts", ts).output("rating", rating);
            } else if (kind == Kind.INT64_IDS_RENAMED_VECTOR_OUTPUT || kind == Kind.INT64_IDS_FAILING_BEYOND_INT32) {
                Placeholder<TInt64> uid = tf.placeholder(TInt64.class, Placeholder.shape(Shape.of(-1)));
                Placeholder<TString> title = tf.placeholder(TString.class, Placeholder.shape(Shape.of(-1)));
                Placeholder<TInt64> ts = tf.placeholder(TInt64.class, Placeholder.shape(Shape.of(-1)));
                rating = tf.math.add(base, tf.math.add(tf.math.div(tf.dtypes.cast(uid, TFloat32.class), tf.constant(1000f)),
                        tf.math.div(tf.dtypes.cast(ts, TFloat32.class), tf.constant(1e6f))));
                if (kind == Kind.INT64_IDS_FAILING_BEYOND_INT32) {
                    AssertThat fits = tf.assertThat(tf.reduceAll(tf.math.less(uid, tf.constant((long) Integer.MAX_VALUE + 1)),
                            tf.constant(0)), List.of(uid));
                    rating = tf.withControlDependencies(List.of(fits)).identity(rating);
                }
                sig.input("uid", uid).input("title", title).input("ts", ts).output("rating", rating);
            } else {
                Operand<? extends TType> user = kind == Kind.FLOAT_USER_ID
                        ? tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1)))
                        : tf.placeholder(TString.class, Placeholder.shape(kind == Kind.WIDE_USER_INPUT ? Shape.of(-1, 2)
                                : kind == Kind.USER_INPUT_OF_OPEN_WIDTH ? Shape.of(-1, -1)
                                : kind == Kind.FIXED_BATCH_USER_INPUT ? Shape.of(1) : Shape.of(-1)));
                Placeholder<TString> title = tf.placeholder(TString.class, Placeholder.shape(Shape.of(-1)));
                Operand<TFloat32> value = kind == Kind.NAN ? tf.math.div(tf.constant(0f), tf.constant(0f)) : base;
                if (kind == Kind.FAILING_AFTER_THREE_RUNS) {
                    Variable<TInt64> runs = tf.withName("runs").variable(tf.constant(0L));
                    AssignAdd<TInt64> run = tf.assignAdd(runs, tf.constant(1L));
                    AssertThat early = tf.assertThat(tf.math.lessEqual(run, tf.constant(3L)), List.of(run));
                    value = tf.withControlDependencies(List.of(early)).identity(value);
                }
                if (kind == Kind.FAILING_FOR_LONG_USER_IDS) {
                    @SuppressWarnings("unchecked")
                    Operand<TString> ids = (Operand<TString>) user;
                    AssertThat known = tf.assertThat(tf.reduceAll(tf.math.lessEqual(tf.strings.stringLength(ids), tf.constant(4)),
                            tf.constant(0)), List.of(ids));
                    value = tf.withControlDependencies(List.of(known)).identity(value);
                }
                Operand<TFloat32> column = tf.fill(tf.shape(title), value);
                if (kind == Kind.SQUEEZING_THE_BATCH) {
                    // [n,1] squeezed on every axis: [n], but a scalar for one row, which has no axis 1 to stack on
                    Operand<TFloat32> squeezed = tf.squeeze(tf.reshape(column, tf.constant(new long[] {-1, 1})));
                    Operand<TFloat32> pairs = tf.stack(List.of(squeezed, squeezed), org.tensorflow.op.core.Stack.axis(1L));
                    column = tf.gather(pairs, tf.constant(0), tf.constant(1));
                }
                sig.input("user_id", user).input("movie_title", title);
                if (kind == Kind.FLOAT32_TIMESTAMP) {
                    Placeholder<TFloat32> ts = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1)));
                    column = tf.math.add(column, tf.math.div(ts, tf.constant(1e9f)));
                    sig.input("timestamp", ts);
                } else if (kind == Kind.FLOAT64_TIMESTAMP) {
                    Placeholder<TFloat64> ts = tf.placeholder(TFloat64.class, Placeholder.shape(Shape.of(-1)));
                    column = tf.math.add(column, tf.dtypes.cast(tf.math.div(ts, tf.constant(1e9)), TFloat32.class));
                    sig.input("timestamp", ts);
                } else if (kind != Kind.NO_TIMESTAMP) {
                    Placeholder<TInt64> ts = tf.placeholder(TInt64.class, Placeholder.shape(Shape.of(-1)));
                    sig.input("timestamp", ts);
                    if (kind == Kind.NAN_FOR_EARLY_TIMESTAMPS) {
                        // 0 × sqrt(ts − 8e8): 0 from 8e8 on, NaN before it
                        column = tf.math.add(column, tf.math.mul(tf.constant(0f), tf.math.sqrt(tf.math.sub(
                                tf.dtypes.cast(ts, TFloat32.class), tf.constant(8e8f)))));
                    }
                }
                // A shape held in a variable is unknown to shape inference: [?,?], or of unknown rank through Unique.
                Operand<TInt64> toColumn = tf.constant(new long[] {-1, 1});
                if (kind == Kind.RATING_OF_UNKNOWN_WIDTH) toColumn = tf.variable(toColumn);
                if (kind == Kind.RATING_OF_UNKNOWN_RANK) toColumn = tf.unique(tf.variable(toColumn), tf.constant(new long[] {0})).y();
                rating = tf.reshape(column, toColumn);
                boolean staticShape = kind != Kind.RATING_OF_UNKNOWN_WIDTH && kind != Kind.RATING_OF_UNKNOWN_RANK;
                Operand<? extends TType> out = staticShape ? tf.ensureShape(rating, Shape.of(-1, 1)) : rating;
                if (kind == Kind.CLASS_SCORES_RATING) {
                    out = tf.ensureShape(tf.tile(rating, tf.constant(new long[] {1, 5})), Shape.of(-1, 5));
                } else if (kind == Kind.SCALAR_RATING) {
                    out = tf.ensureShape(tf.math.mean(column, tf.constant(0)), Shape.scalar());
                }
                sig.output("output_3", kind == Kind.FLOAT64_RATING ? tf.dtypes.cast(out, TFloat64.class) : out);
                if (kind == Kind.EMBEDDINGS_WITHOUT_USER_VECTORS) {
                    sig.output("output_2", tf.ensureShape(tf.stack(List.of(column, column),
                            org.tensorflow.op.core.Stack.axis(1L)), Shape.of(-1, 2)));
                }
                if (kind == Kind.EMBEDDINGS_OF_THE_WHOLE_TABLE) {
                    sig.output("output_2", tf.identity(tf.variable(tf.constant(new float[5][2]))));
                }
                if (kind == Kind.EXTRA_INPUT) sig.input("age", tf.placeholder(TInt64.class, Placeholder.shape(Shape.of(-1))));
            }
            s.initialize();
            SavedModelBundle.exporter(dir.toString()).withTags("serve").withSession(s).withSignature(sig.build()).export();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return dir;
    }
}

package dev.marquee.model;

import dev.marquee.data.title.TitleCatalog;
import java.util.Map;
import org.tensorflow.Result;
import org.tensorflow.SessionFunction;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;
import org.tensorflow.Tensor;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TString;

/**
 * Turns raw request columns into the model's inputs, the same way for training, evaluation and serving:
 * a title is resolved against the model's title catalog (exact spelling, else the one title with the same
 * canonical key, else unchanged), so canonically equal spellings reach the graph as the same string.
 * Out-of-vocabulary flags are computed from the same vocabularies the graph's tables hold; a model imported
 * without training data has no vocabularies, so its titles pass unchanged and its flags are unknown (null).
 */
final class InputEncoder {
    private final Vocabulary users;
    private final Vocabulary titles;
    private final TitleCatalog catalog;
    private final ModelContract contract;
    private final boolean imported;

    InputEncoder(Vocabulary users, Vocabulary titles) {
        this(users, titles, ModelContract.NATIVE, false);
    }

    /**
     * For a model made elsewhere: its inputs and outputs as {@code contract} maps them; {@code users} and
     * {@code titles} are null together when the version has no vocabularies.
     */
    InputEncoder(Vocabulary users, Vocabulary titles, ModelContract contract) {
        this(users, titles, contract, true);
    }

    private InputEncoder(Vocabulary users, Vocabulary titles, ModelContract contract, boolean imported) {
        if ((users == null) != (titles == null)) throw new IllegalArgumentException("both vocabularies, or neither");
        this.users = users;
        this.titles = titles;
        this.catalog = TitleCatalog.of(titles == null ? java.util.List.of() : titles.terms());
        this.contract = contract;
        this.imported = imported;
    }

    /** False for a version imported without training data: its OOV flags are unknown. */
    boolean hasVocabularies() {
        return users != null;
    }

    ModelContract contract() {
        return contract;
    }

    String resolveTitle(String raw) {
        return raw == null ? "" : catalog.resolve(raw);
    }

    int userIndex(String userId) {
        return users.indexOrOov(userId);
    }

    int titleIndex(String rawTitle) {
        return titles.indexOrOov(resolveTitle(rawTitle));
    }

    /**
     * Runs one batch through the packed fast path when there is one and no value contains the separator,
     * else through {@code serving_default}; every tensor and the result are closed before returning.
     *
     * @param withVectors also copy out {@code output_1} and {@code output_2}
     */
    ScoredBatch score(SessionFunction serving, SessionFunction packed, String[] userIds, String[] rawTitles,
            long[] timestamps, boolean withVectors) {
        int n = userIds.length;
        if (rawTitles.length != n || timestamps.length != n) {
            throw new IllegalArgumentException("columns differ in length: " + n + " users, " + rawTitles.length
                    + " titles, " + timestamps.length + " timestamps");
        }
        String[] userCol = new String[n];
        String[] titleCol = new String[n];
        boolean[] userOov = hasVocabularies() ? new boolean[n] : null;
        boolean[] titleOov = hasVocabularies() ? new boolean[n] : null;
        TitleCatalog.Match[] matches = hasVocabularies() ? new TitleCatalog.Match[n] : null;
        String[] catalogTitles = hasVocabularies() ? new String[n] : null;
        for (int i = 0; i < n; i++) {
            userCol[i] = userIds[i] == null ? "" : userIds[i];
            if (hasVocabularies()) {
                TitleCatalog.Resolution title = catalog.lookup(rawTitles[i] == null ? "" : rawTitles[i]);
                titleCol[i] = title.title();
                matches[i] = title.match();
                catalogTitles[i] = title.catalogTitle();
                userOov[i] = !users.contains(userCol[i]);
                // a known match is a catalog title, and the catalog holds exactly the vocabulary's terms
                titleOov[i] = !title.known() && !titles.contains(titleCol[i]);
            } else {
                titleCol[i] = rawTitles[i] == null ? "" : rawTitles[i];
            }
        }
        float[] ratings = new float[n];
        float[][] userVectors = null;
        float[][] titleVectors = null;
        if (n == 0) {
            return new ScoredBatch(ratings, userOov, titleOov, withVectors ? new float[0][] : null,
                    withVectors ? new float[0][] : null, matches, catalogTitles);
        }
        if (imported) {
            return scoreMapped(serving, userCol, titleCol, timestamps, userOov, titleOov, withVectors)
                    .withTitles(matches, catalogTitles);
        }
        boolean pack = packed != null && packable(userCol) && packable(titleCol);
        try (TString u = pack ? TString.scalarOf(String.join(RatingGraph.PACK_SEPARATOR, userCol))
                        : TString.vectorOf(userCol);
                TString t = pack ? TString.scalarOf(String.join(RatingGraph.PACK_SEPARATOR, titleCol))
                        : TString.vectorOf(titleCol);
                TInt64 ts = TInt64.vectorOf(timestamps);
                Result result = pack
                        ? packed.call(Map.of(RatingGraph.PACKED_USER_IDS, u, RatingGraph.PACKED_MOVIE_TITLES, t,
                                RatingGraph.TIMESTAMP, ts))
                        : serving.call(Map.of(RatingGraph.USER_ID, u, RatingGraph.MOVIE_TITLE, t,
                                RatingGraph.TIMESTAMP, ts))) {
            TFloat32 out = (TFloat32) result.get(RatingGraph.OUTPUT_RATING).orElseThrow();
            out.copyTo(DataBuffers.of(ratings, false, false));
            if (withVectors) {
                userVectors = rows((TFloat32) result.get(RatingGraph.OUTPUT_USER).orElseThrow(), n);
                titleVectors = rows((TFloat32) result.get(RatingGraph.OUTPUT_TITLE).orElseThrow(), n);
            }
        }
        return new ScoredBatch(ratings, userOov, titleOov, userVectors, titleVectors, matches, catalogTitles);
    }

    /** Through the signature {@link #contract} maps: its input names and types, its rating output. */
    private ScoredBatch scoreMapped(SessionFunction serving, String[] userCol, String[] titleCol, long[] timestamps,
                                    boolean[] userOov, boolean[] titleOov, boolean withVectors) {
        int n = userCol.length;
        float[] ratings = new float[n];
        float[][] titleVectors = null;
        try (Tensor u = userTensor(userCol);
                TString t = TString.tensorOf(shape(contract.titleInput(), n), DataBuffers.ofObjects(titleCol));
                Tensor ts = contract.timestampInput() == null ? null : timestampTensor(timestamps);
                Result result = serving.call(inputs(u, t, ts))) {
            Tensor out = result.get(contract.ratingOutput()).orElseThrow();
            if (out.size() != n) {
                throw new IllegalStateException("the model's " + contract.ratingOutput() + " has " + out.size()
                        + " values for " + n + " rows");
            }
            if (out instanceof TFloat64 wide) {
                double[] d = new double[n];
                wide.copyTo(DataBuffers.of(d, false, false));
                for (int i = 0; i < n; i++) ratings[i] = (float) d[i];
            } else {
                ((TFloat32) out).copyTo(DataBuffers.of(ratings, false, false));
            }
            if (withVectors && contract.embeddingOutput() != null) {
                titleVectors = rows((TFloat32) result.get(contract.embeddingOutput()).orElseThrow(), n);
            }
        }
        return new ScoredBatch(ratings, userOov, titleOov, null, titleVectors);
    }

    private Map<String, Tensor> inputs(Tensor user, Tensor title, Tensor timestamp) {
        Map<String, Tensor> in = new java.util.HashMap<>();
        in.put(contract.userInput(), user);
        in.put(contract.titleInput(), title);
        if (timestamp != null) in.put(contract.timestampInput(), timestamp);
        return in;
    }

    /** [n], or [n,1] for an input the signature declares as a column. */
    private Shape shape(String input, int n) {
        return contract.isColumn(input) ? Shape.of(n, 1) : Shape.of(n);
    }

    private Tensor userTensor(String[] ids) {
        Shape shape = shape(contract.userInput(), ids.length);
        switch (contract.userType()) {
            case ModelContract.INT64: {
                long[] v = new long[ids.length];
                for (int i = 0; i < v.length; i++) v[i] = integerId(ids[i]);
                return TInt64.tensorOf(shape, DataBuffers.of(v, true, false));
            }
            case ModelContract.INT32: {
                int[] v = new int[ids.length];
                for (int i = 0; i < v.length; i++) v[i] = (int) integerId(ids[i]);
                return TInt32.tensorOf(shape, DataBuffers.of(v, true, false));
            }
            default:
                return TString.tensorOf(shape, DataBuffers.ofObjects(ids));
        }
    }

    private Tensor timestampTensor(long[] timestamps) {
        Shape shape = shape(contract.timestampInput(), timestamps.length);
        if (ModelContract.FLOAT32.equals(contract.timestampType())) {
            float[] v = new float[timestamps.length];
            for (int i = 0; i < v.length; i++) v[i] = timestamps[i];
            return TFloat32.tensorOf(shape, DataBuffers.of(v, true, false));
        }
        if (ModelContract.FLOAT64.equals(contract.timestampType())) {
            double[] v = new double[timestamps.length];
            for (int i = 0; i < v.length; i++) v[i] = timestamps[i];
            return TFloat64.tensorOf(shape, DataBuffers.of(v, true, false));
        }
        if (!ModelContract.INT32.equals(contract.timestampType())) {
            return TInt64.tensorOf(shape, DataBuffers.of(timestamps, true, false));
        }
        int[] v = new int[timestamps.length];
        for (int i = 0; i < v.length; i++) {
            ModelContract.Unrepresentable misfit = contract.checkTimestamp(timestamps[i]);
            if (misfit != null) throw new NonNumericIdException(misfit.reason());
            v[i] = (int) timestamps[i];
        }
        return TInt32.tensorOf(shape, DataBuffers.of(v, true, false));
    }

    private long integerId(String id) {
        Long v = contract.integerId(id);
        if (v == null) throw new NonNumericIdException(contract.checkUserId(id).reason());
        return v;
    }

    /**
     * Whether a column can go through the packed signature: no value holding the separator, and none empty (the
     * graph's split drops empty parts, so the column would come out shorter and the rows shifted).
     */
    private static boolean packable(String[] column) {
        for (String v : column) {
            if (v.isEmpty() || v.contains(RatingGraph.PACK_SEPARATOR)) {
                return false;
            }
        }
        return true;
    }

    private static float[][] rows(TFloat32 matrix, int n) {
        if (matrix.shape().numDimensions() != 2 || matrix.shape().get(0) != n) {
            throw new IllegalStateException("the title-embedding output answered shape " + matrix.shape() + " for " + n
                    + " rows, not [" + n + ",d]");
        }
        int width = (int) matrix.shape().get(1);
        float[] flat = new float[n * width];
        matrix.copyTo(DataBuffers.of(flat, false, false));
        float[][] out = new float[n][width];
        for (int i = 0; i < n; i++) {
            System.arraycopy(flat, i * width, out[i], 0, width);
        }
        return out;
    }
}

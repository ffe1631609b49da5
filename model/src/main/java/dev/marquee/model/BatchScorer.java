package dev.marquee.model;

import dev.marquee.data.event.Rating;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.SessionFunction;
import org.tensorflow.Signature;

/**
 * Scores micro-batches with one exported model version: loads the SavedModel once with the caller's thread
 * settings, resolves titles canonically, and returns ratings plus out-of-vocabulary flags. Every tensor and
 * result is closed per call; {@link #close()} frees the model. Safe to call from several threads (TF
 * sessions are): the job shares one scorer per version among the slots of a TaskManager (decision 0012).
 */
public final class BatchScorer implements AutoCloseable {
    /** Rows per call when {@link #predict} scores a list. */
    public static final int PREDICT_CHUNK = 8192;
    private final Path versionDir;
    private final SavedModelBundle bundle;
    private final SessionFunction serving;
    private final SessionFunction packed;
    private final InputEncoder encoder;
    private volatile boolean closed;

    private BatchScorer(Path versionDir, SavedModelBundle bundle, SessionFunction serving, SessionFunction packed,
            InputEncoder encoder) {
        this.versionDir = versionDir;
        this.bundle = bundle;
        this.serving = serving;
        this.packed = packed;
        this.encoder = encoder;
    }

    /** Loads the version in {@code versionDir} (a folder holding saved_model.pb and assets/). */
    public static BatchScorer open(Path versionDir, ScorerThreads threads) throws IOException {
        return open(versionDir, threads, java.util.OptionalInt.empty());
    }

    /** As {@link #open(Path, ScorerThreads)}, pinned to a GPU (by index) or, when empty, kept off GPUs. */
    public static BatchScorer open(Path versionDir, ScorerThreads threads, java.util.OptionalInt gpuIndex) throws IOException {
        Path dir = versionDir.toAbsolutePath().normalize();
        if (!Files.isRegularFile(dir.resolve(ModelRegistry.SAVED_MODEL_FILE))) {
            throw new IOException("no model at " + dir + ": " + ModelRegistry.SAVED_MODEL_FILE + " is missing");
        }
        Path assets = dir.resolve(TrainedModel.ASSETS);
        ModelContract contract = ModelContract.of(dir);
        // Imported versions are told by their contract file, not by their mapping: one may map exactly as ours do.
        boolean imported = ModelContract.isImported(dir);
        if (!imported && !Files.exists(assets.resolve(TrainedModel.USERS_FILE))) {
            throw new IOException(dir + " was neither trained nor imported by marquee (no "
                    + ModelContract.FILE_NAME + ", no " + TrainedModel.ASSETS + "/" + TrainedModel.USERS_FILE
                    + "): publish it with marquee import --model-dir " + dir);
        }
        // A version imported without training data has no vocabularies: its OOV flags are unknown. Ours always has.
        boolean vocabularies = !imported || Files.exists(assets.resolve(TrainedModel.USERS_FILE));
        Vocabulary users = vocabularies ? Vocabulary.read(assets.resolve(TrainedModel.USERS_FILE), false) : null;
        Vocabulary titles = vocabularies ? Vocabulary.read(assets.resolve(TrainedModel.TITLES_FILE), true) : null;
        TensorFlowHost.check();
        SavedModelBundle bundle = SavedModelBundle.loader(dir.toString()).withTags("serve")
                .withConfigProto(threads.toConfigProto(gpuIndex)).load();
        try {
            if (imported) {
                return new BatchScorer(dir, bundle, bundle.function(contract.signature()), null,
                        new InputEncoder(users, titles, contract));
            }
            SessionFunction fn = bundle.function(RatingGraph.SERVING_SIGNATURE);
            Signature sig = fn.signature();
            if (!sig.inputNames().containsAll(Set.of(RatingGraph.USER_ID, RatingGraph.MOVIE_TITLE,
                    RatingGraph.TIMESTAMP)) || !sig.outputNames().containsAll(List.of(RatingGraph.OUTPUT_USER,
                    RatingGraph.OUTPUT_TITLE, RatingGraph.OUTPUT_RATING))) {
                throw new IOException("model at " + dir + " has an unexpected serving signature: " + sig);
            }
            SessionFunction packed = bundle.signatures().stream()
                    .anyMatch(x -> x.key().equals(RatingGraph.PACKED_SIGNATURE))
                    ? bundle.function(RatingGraph.PACKED_SIGNATURE) : null;
            return new BatchScorer(dir, bundle, fn, packed, new InputEncoder(users, titles));
        } catch (Throwable e) { // an Error too (out of memory building the encoder): the native session is not heap
            bundle.close();
            throw e;
        }
    }

    /** Predicted ratings and OOV flags, one per row, in order. The three arrays must have equal length. */
    /** Predicted ratings of {@code rows}, scored in chunks of {@value #PREDICT_CHUNK} so tensors stay small. */
    public float[] predict(List<Rating> rows) {
        float[] out = new float[rows.size()];
        for (int from = 0; from < rows.size(); from += PREDICT_CHUNK) {
            List<Rating> chunk = rows.subList(from, Math.min(rows.size(), from + PREDICT_CHUNK));
            String[] users = new String[chunk.size()];
            String[] titles = new String[chunk.size()];
            long[] timestamps = new long[chunk.size()];
            for (int i = 0; i < users.length; i++) {
                users[i] = chunk.get(i).userId;
                titles[i] = chunk.get(i).movieTitle;
                timestamps[i] = chunk.get(i).timestamp;
            }
            System.arraycopy(score(users, titles, timestamps).ratings(), 0, out, from, users.length);
        }
        return out;
    }

    public ScoredBatch score(String[] userIds, String[] movieTitles, long[] timestamps) {
        return score(userIds, movieTitles, timestamps, false);
    }

    /** As {@link #score(String[], String[], long[])}, optionally with {@code output_1}/{@code output_2}. */
    public ScoredBatch score(String[] userIds, String[] movieTitles, long[] timestamps, boolean withVectors) {
        if (closed) {
            throw new IllegalStateException("scorer for " + versionDir + " is closed");
        }
        return encoder.score(serving, packed, userIds, movieTitles, timestamps, withVectors);
    }

    /** How the model's signature maps onto the request contract ({@link ModelContract#NATIVE} for our own). */
    public ModelContract contract() {
        return encoder.contract();
    }

    /** The output names of the signature that scores, as TF Serving would answer them. */
    public java.util.Collection<String> signatureOutputs() {
        return serving.signature().outputNames();
    }

    public Path versionDir() {
        return versionDir;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            bundle.close();
        }
    }
}

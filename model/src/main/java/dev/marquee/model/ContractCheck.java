package dev.marquee.model;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.MetaGraphDef;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.proto.TensorInfo;

/**
 * Checks a SavedModel's signature against a {@link ModelContract} before anything is published, and finds the
 * types the contract needs from the signature itself: the first problem is refused with one line naming it.
 */
public final class ContractCheck {
    /** A model that does not meet the contract; the message names what failed. */
    public static final class RefusedModelException extends Exception {
        private static final long serialVersionUID = 1L;

        public RefusedModelException(String message) {
            super(message);
        }
    }

    private ContractCheck() {}

    /**
     * The contract for {@code graph}'s signature {@code signature} with these input and output names; the user id
     * and timestamp types and the rating's rank are read from the signature. A null {@code timestampInput} is a
     * model that takes no timestamp.
     */
    public static ModelContract check(MetaGraphDef graph, String signature, String userInput, String titleInput,
                                      String timestampInput, String ratingOutput, String embeddingOutput)
            throws RefusedModelException {
        SignatureDef sig = graph.getSignatureDefMap().get(signature);
        if (sig == null) {
            throw new RefusedModelException("no signature '" + signature + "' (the model has "
                    + String.join(", ", graph.getSignatureDefMap().keySet()) + "); name another with --signature");
        }
        Map<String, TensorInfo> inputs = sig.getInputsMap();
        refuseSharedInput("user_id", userInput, "movie_title", titleInput);
        refuseSharedInput("user_id", userInput, "timestamp", timestampInput);
        refuseSharedInput("movie_title", titleInput, "timestamp", timestampInput);
        Set<String> unmapped = new LinkedHashSet<>(inputs.keySet());
        unmapped.remove(userInput);
        unmapped.remove(titleInput);
        if (timestampInput != null) unmapped.remove(timestampInput);
        if (!unmapped.isEmpty()) {
            // Only a request field whose input the signature lacks can take an unmapped input: suggest just those.
            List<String> free = new ArrayList<>();
            if (!inputs.containsKey(userInput)) free.add("user_id");
            if (!inputs.containsKey(titleInput)) free.add("movie_title");
            if (timestampInput == null || !inputs.containsKey(timestampInput)) free.add("timestamp");
            String advice = free.isEmpty()
                    ? "marquee feeds a model nothing else: re-export the signature without them (a default belongs inside the graph)"
                    : "if one is the request's " + String.join(" or ", free) + ", map it with --input " + free.get(0)
                            + "=NAME; marquee feeds a model nothing else";
            throw new RefusedModelException("input(s) " + String.join(", ", unmapped) + " of signature '" + signature
                    + "' map to nothing in a rating request (user_id, movie_title, timestamp): " + advice);
        }
        String userType = type(inputs, userInput, "user_id", Map.of(DataType.DT_STRING, ModelContract.STRING,
                DataType.DT_INT64, ModelContract.INT64, DataType.DT_INT32, ModelContract.INT32));
        type(inputs, titleInput, "movie_title", Map.of(DataType.DT_STRING, ModelContract.STRING));
        String timestampType = timestampInput == null ? null : type(inputs, timestampInput, "timestamp",
                Map.of(DataType.DT_INT64, ModelContract.INT64, DataType.DT_INT32, ModelContract.INT32,
                        DataType.DT_FLOAT, ModelContract.FLOAT32, DataType.DT_DOUBLE, ModelContract.FLOAT64));
        TensorInfo rating = sig.getOutputsMap().get(ratingOutput);
        if (rating == null) {
            throw new RefusedModelException("no output '" + ratingOutput + "' (the signature has "
                    + String.join(", ", sig.getOutputsMap().keySet()) + "); name the rating with --output");
        }
        if (rating.getDtype() != DataType.DT_FLOAT && rating.getDtype() != DataType.DT_DOUBLE) {
            throw new RefusedModelException("output '" + ratingOutput + "' is " + rating.getDtype()
                    + ", not a float or double rating");
        }
        // A shape the signature leaves open ([n,?], unknown rank) is left to the probe batch: n values for n rows.
        boolean unknownRank = rating.getTensorShape().getUnknownRank();
        int rank = unknownRank ? 0 : rating.getTensorShape().getDimCount();
        if (!unknownRank && rank == 0) {
            throw new RefusedModelException("output '" + ratingOutput + "' has shape [] (one value for the whole batch);"
                    + " a rating is [n] or [n,1], one value per request: re-export the signature without reducing over"
                    + " the batch");
        }
        refuseFixedBatch(rating, "output '" + ratingOutput + "'");
        long width = rank == 2 ? rating.getTensorShape().getDim(1).getSize() : 1;
        if (rank == 2 && width < 0) rank = 0;
        if (rank == 2 && width > 1) {
            throw new RefusedModelException("output '" + ratingOutput + "' has shape " + shape(rating) + ": " + width
                    + " values per request (scores per class?); a rating is one value per request, [n] or [n,1]:"
                    + " re-export the signature with the rating itself (for class probabilities over the stars, their"
                    + " expectation, the sum of p(k) × k)");
        }
        if (rank != 0 && rank != 1 && !(rank == 2 && width == 1)) {
            throw new RefusedModelException("output '" + ratingOutput + "' has shape " + shape(rating)
                    + "; a rating is [n] or [n,1]: re-export the signature with the rating reshaped (a Keras Flatten or"
                    + " Reshape((1,)) layer)");
        }
        if (embeddingOutput != null) {
            TensorInfo e = sig.getOutputsMap().get(embeddingOutput);
            if (e == null || e.getDtype() != DataType.DT_FLOAT || e.getTensorShape().getDimCount() != 2) {
                throw new RefusedModelException("--embedding-output '" + embeddingOutput + "' is not a float [n,d] output of '"
                        + signature + "'");
            }
            // a fixed first dimension here is more often a whole table than a batch size: the probe says which
        }
        List<String> columns = new ArrayList<>();
        for (String[] mapped : new String[][] {{"user_id", userInput}, {"movie_title", titleInput}, {"timestamp", timestampInput}}) {
            if (mapped[1] != null && isColumn(inputs.get(mapped[1]), mapped[1], mapped[0], signature)) columns.add(mapped[1]);
        }
        return new ModelContract(signature, userInput, titleInput, timestampInput, userType, timestampType,
                ratingOutput, rank, embeddingOutput, columns);
    }

    /**
     * Whether an input takes a column, {@code [n,1]} (or {@code [n,?]}); false for {@code [n]} or a shape the signature
     * leaves open. Refuses a shape no batch of requests can fill: a scalar, a row of several values, rank 3 or more.
     */
    private static boolean isColumn(TensorInfo info, String input, String field, String signature) throws RefusedModelException {
        if (info.getTensorShape().getUnknownRank()) return false;
        refuseFixedBatch(info, "input '" + input + "' of signature '" + signature + "' (for " + field + ")");
        int rank = info.getTensorShape().getDimCount();
        if (rank == 1) return false;
        if (rank == 2) {
            long width = info.getTensorShape().getDim(1).getSize();
            if (width == 1 || width < 0) return true;
        }
        throw new RefusedModelException("input '" + input + "' of signature '" + signature + "' (for " + field + ") has shape "
                + shape(info) + "; a request field is fed as [n] (one value per request) or [n,1] (a column)");
    }

    /**
     * A first dimension of fixed size: the signature was exported for batches of exactly that many requests (a Keras
     * {@code Input(batch_size=1)}, a {@code TensorSpec([1], ...)}), which the scorer's batches of any size cannot feed;
     * said here, naming the tensor, rather than by TensorFlow at the probe batch.
     */
    private static void refuseFixedBatch(TensorInfo info, String what) throws RefusedModelException {
        if (info.getTensorShape().getUnknownRank() || info.getTensorShape().getDimCount() == 0) return;
        long batch = info.getTensorShape().getDim(0).getSize();
        if (batch >= 0) {
            throw new RefusedModelException(what + " has shape " + shape(info) + ": a batch of exactly " + batch
                    + (batch == 1 ? " request" : " requests") + "; the scorer batches any number of requests: re-export"
                    + " the signature with None as the first dimension (Keras: Input(shape=...) without batch_size;"
                    + " tf.TensorSpec([None, ...]))");
        }
    }

    private static void refuseSharedInput(String field, String input, String other, String otherInput)
            throws RefusedModelException {
        if (input.equals(otherInput)) {
            throw new RefusedModelException(field + " and " + other + " both map to input '" + input
                    + "': each request field needs an input of its own (--input FIELD=NAME)");
        }
    }

    private static String type(Map<String, TensorInfo> inputs, String name, String field, Map<DataType, String> usable)
            throws RefusedModelException {
        TensorInfo info = inputs.get(name);
        if (info == null) {
            throw new RefusedModelException("no input '" + name + "' for " + field + " (the signature has "
                    + String.join(", ", inputs.keySet()) + "); map it with --input " + field + "=NAME"
                    + (field.equals("timestamp") ? ", or with --input timestamp= if the model takes none" : ""));
        }
        String type = usable.get(info.getDtype());
        if (type == null) {
            throw new RefusedModelException("input '" + name + "' for " + field + " is " + info.getDtype()
                    + "; usable: " + String.join(", ", usable.values()));
        }
        return type;
    }

    private static String shape(TensorInfo info) {
        if (info.getTensorShape().getUnknownRank()) return "of unknown rank";
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < info.getTensorShape().getDimCount(); i++) {
            if (i > 0) b.append(',');
            long d = info.getTensorShape().getDim(i).getSize();
            b.append(d < 0 ? "n" : Long.toString(d));
        }
        return b.append(']').toString();
    }
}

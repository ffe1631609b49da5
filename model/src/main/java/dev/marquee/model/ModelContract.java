package dev.marquee.model;

import dev.marquee.data.json.JsonFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/**
 * How a SavedModel's serving signature maps onto marquee's request contract: which signature, which input takes
 * {@code user_id}, {@code movie_title} and {@code timestamp} and with which type, which output holds the rating
 * ({@code [n]} or {@code [n,1]}, float or double) and, optionally, title embeddings. Native versions have no file
 * and use {@link #NATIVE}; an imported version carries {@value #FILE_NAME} beside its {@code saved_model.pb}
 * (docs/MODEL.md, "Importing a model").
 *
 * @param userType {@code string}, {@code int64} or {@code int32}: an integer id must be the request's string in
 *     canonical decimal form
 * @param timestampInput the input that takes the request's timestamp, or null when the model takes none (the scorer
 *     leaves it out)
 * @param timestampType {@code int64}, {@code int32}, {@code float32} (rounded as the model would round it) or
 *     {@code float64} (exact for every timestamp the parser admits, pandas' default);
 *     null when there is no timestamp input
 * @param ratingRank 1 for {@code [n]}, 2 for {@code [n,1]}, 0 when the signature leaves the shape open
 *     ({@code [n,?]} or unknown rank): then every batch must answer one value per row, as the probe checked
 * @param embeddingOutput an output of title embeddings {@code [n,d]}, or null
 * @param columnInputs the inputs the signature declares as columns, {@code [n,1]} (a Keras model of
 *     {@code Input(shape=(1,))} columns): fed so; the others are fed as {@code [n]} (empty: all, and in contracts
 *     written before session 24)
 */
public record ModelContract(String signature, String userInput, String titleInput, String timestampInput,
                            String userType, String timestampType, String ratingOutput, int ratingRank,
                            String embeddingOutput,
                            @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_EMPTY)
                            java.util.List<String> columnInputs) {
    public static final String FILE_NAME = "marquee_contract.json";
    public static final String STRING = "string";
    public static final String INT64 = "int64";
    public static final String INT32 = "int32";
    public static final String FLOAT32 = "float32";
    public static final String FLOAT64 = "float64";
    private static final String CANONICAL_INTEGER = "ASCII digits, an optional leading '-', no '+', blanks or leading"
            + " zeros";
    public static final ModelContract NATIVE = new ModelContract(RatingGraph.SERVING_SIGNATURE, RatingGraph.USER_ID,
            RatingGraph.MOVIE_TITLE, RatingGraph.TIMESTAMP, STRING, INT64, RatingGraph.OUTPUT_RATING, 2,
            RatingGraph.OUTPUT_TITLE);

    /** A contract whose inputs are all fed as {@code [n]}. */
    public ModelContract(String signature, String userInput, String titleInput, String timestampInput, String userType,
                         String timestampType, String ratingOutput, int ratingRank, String embeddingOutput) {
        this(signature, userInput, titleInput, timestampInput, userType, timestampType, ratingOutput, ratingRank,
                embeddingOutput, java.util.List.of());
    }

    public ModelContract {
        columnInputs = columnInputs == null ? java.util.List.of() : java.util.List.copyOf(columnInputs);
        if (signature == null || userInput == null || titleInput == null || ratingOutput == null) {
            throw new IllegalArgumentException("a model contract names a signature, its user_id and movie_title inputs"
                    + " and a rating output");
        }
        if (!Set.of(STRING, INT64, INT32).contains(userType)) {
            throw new IllegalArgumentException("user_id type must be string, int64 or int32, got " + userType);
        }
        if (timestampInput == null ? timestampType != null : !Set.of(INT64, INT32, FLOAT32, FLOAT64).contains(timestampType)) {
            throw new IllegalArgumentException("timestamp type must be int64, int32, float32 or float64, got " + timestampType);
        }
        if (ratingRank < 0 || ratingRank > 2) {
            throw new IllegalArgumentException("the rating output has rank 1 or 2 (0: open), got " + ratingRank);
        }
        for (String column : columnInputs) {
            if (!column.equals(userInput) && !column.equals(titleInput) && !column.equals(timestampInput)) {
                throw new IllegalArgumentException("column input '" + column + "' is none of the mapped inputs");
            }
        }
    }

    /** Whether {@code input} is fed as a column, {@code [n,1]}. */
    boolean isColumn(String input) {
        return columnInputs.contains(input);
    }

    /** Whether the version in {@code versionDir} was imported: it carries {@value #FILE_NAME}. */
    public static boolean isImported(Path versionDir) {
        return Files.exists(versionDir.resolve(FILE_NAME));
    }

    /** A request value this contract's input cannot take: which request field, and why. */
    /**
     * @param reason why, naming the request's value: for its own dead letter only
     * @param withoutValue the same without the value, for what is kept beyond the request (a shadow's drop reason in
     *     the serving pointer and on model-updates, the trainer's log): a user id is personal data
     */
    public record Unrepresentable(String field, String reason, String withoutValue) {}

    /** True when every valid request fits: a string user id and a timestamp input, if any, wider than int32. */
    @com.fasterxml.jackson.annotation.JsonIgnore
    public boolean takesEveryRequest() {
        return STRING.equals(userType) && !INT32.equals(timestampType);
    }

    /**
     * Whether a request's user id and timestamp fit the model's inputs: null when they do, else the field at fault
     * and why (a user id that is not an integer of the input's width, a timestamp beyond int32).
     */
    public Unrepresentable check(String userId, long timestamp) {
        Unrepresentable user = checkUserId(userId);
        return user != null ? user : checkTimestamp(timestamp);
    }

    Unrepresentable checkUserId(String userId) {
        if (STRING.equals(userType) || integerId(userId) != null) return null;
        String why = " is not an integer the model's " + userType + " input takes (" + CANONICAL_INTEGER + ")";
        return new Unrepresentable("user_id", "user_id '" + userId + "'" + why, "a user_id" + why);
    }

    Unrepresentable checkTimestamp(long timestamp) {
        if (!INT32.equals(timestampType) || (timestamp >= Integer.MIN_VALUE && timestamp <= Integer.MAX_VALUE)) {
            return null;
        }
        return new Unrepresentable("timestamp", "timestamp " + timestamp + " does not fit the model's int32 input",
                "a timestamp beyond the model's int32 input");
    }

    /**
     * The user id as the integer the model's input takes, or null when it is not one (or the input is a string).
     * Only the integer's canonical spelling is one: OOV flags and per-user state key on the raw string, so "013",
     * "+13" or " 13" would score as user 13 while counting as another user.
     */
    Long integerId(String userId) {
        if (userId == null || STRING.equals(userType)) return null;
        long v;
        try {
            v = Long.parseLong(userId);
        } catch (NumberFormatException e) {
            return null;
        }
        if (!Long.toString(v).equals(userId)) return null; // '+', leading zeros, "-0", non-ASCII digits
        if (INT32.equals(userType) && (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE)) return null;
        return v;
    }

    public void write(Path versionDir) throws IOException {
        JsonFiles.write(versionDir.resolve(FILE_NAME), this);
    }

    /** The contract of the version in {@code versionDir}: its file, else {@link #NATIVE}. */
    public static ModelContract of(Path versionDir) throws IOException {
        Path file = versionDir.resolve(FILE_NAME);
        if (!Files.exists(file)) return NATIVE;
        return JsonFiles.read(file, ModelContract.class, "model contract");
    }
}

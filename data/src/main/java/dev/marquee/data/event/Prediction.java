package dev.marquee.data.event;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/** A scored request. Topic {@code predictions}, keyed by {@code request_id}. */
public class Prediction {
    public String requestId;
    public String userId;
    public String movieTitle;
    public long timestamp;
    /** The rating served: the model's output, adjusted by online adaptation when that is on. */
    public float predictedRating;
    /** The model's own output_3, as TF Serving returns it: {@code [rating]}. */
    @JsonProperty("output_3") // snake_case naming alone would write "output3"
    public float[] output3;
    /** What online adaptation added to output_3 for this user (0 when it is off or knows nothing yet). */
    public float adjustment;
    public long modelVersion;
    /** The version scored in shadow beside the serving one (never served), or 0 when none. */
    public long shadowVersion;
    /** The shadow version's output_3 for this request; meaningful only when {@link #shadowVersion} is set. */
    public float shadowRating;
    /**
     * True when the user id was not in the model's vocabulary; null when the version has no vocabulary to tell
     * (imported without training data). Written as {@code null}, never left out.
     */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public Boolean oovUserId = false;
    /** True when the title was not in the model's vocabulary; null when the version has none (as above). */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public Boolean oovMovieTitle = false;
    /**
     * The catalog title scored (the model's own spelling of {@link #movieTitle}, docs/TITLES.md); null when the
     * title matched none, or the version has no vocabularies.
     */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public String catalogTitle;
    /**
     * How {@link #movieTitle} was matched to the catalog: {@code exact}, {@code canonical}, {@code alias},
     * {@code fuzzy} or {@code none}; null when the version has no vocabularies (nothing to match against).
     */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public String titleMatch;
    public SourcePosition source;
    /**
     * The request's place in its TF-Serving envelope ({@code source} names the record), as a dead letter's
     * {@code instance_index}; null, and not written, for a single-request record.
     */
    public Integer instanceIndex;
    /** When scoring finished, milliseconds since the epoch. */
    public long scoredAtMs;

    public Prediction() {}
}

package dev.marquee.data.event;

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
    /** True when the user id was not in the model's vocabulary. */
    public boolean oovUserId;
    /** True when the title was not in the model's vocabulary. */
    public boolean oovMovieTitle;
    public SourcePosition source;
    /** When scoring finished, milliseconds since the epoch. */
    public long scoredAtMs;

    public Prediction() {}
}

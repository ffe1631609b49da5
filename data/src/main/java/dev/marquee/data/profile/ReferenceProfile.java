package dev.marquee.data.profile;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectWriter;
import dev.marquee.data.event.Rating;
import dev.marquee.data.json.EventJson;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * What drift detection compares a window of requests against: the profile of the data a model was trained
 * on, written beside the model as {@value #FILE_NAME}. Per feature: {@code user_id} and
 * {@code movie_title} over their top-K values plus "other" ({@link CategoricalProfile}); {@code timestamp}
 * by hour of day and day of week ({@link TimestampProfile}); the training ratings
 * ({@link Histogram#ratingEdges()}); and the model's own predictions on its training rows
 * ({@link Histogram#predictionEdges()}), filled in by the model after training.
 *
 * <p>JSON through {@link EventJson#mapper()} (snake_case). Build one with {@link #builder()}.
 *
 * @param formatVersion {@value #FORMAT_VERSION}; readers refuse others
 * @param topK the K the categorical profiles were cut at
 * @param count rows profiled
 * @param prediction the model's predictions, or null until the model fills it
 * @param predictionSource which rows {@code prediction} was computed on (e.g. "validation"), or null
 * @param eventHours rows per absolute event hour, or null (profiles written before it, or periods too long)
 */
public record ReferenceProfile(int formatVersion, int topK, long count, CategoricalProfile userId,
        CategoricalProfile movieTitle, TimestampProfile timestamp, Histogram rating, Histogram prediction,
        String predictionSource, EventHours eventHours) implements Serializable {
    public static final String FILE_NAME = "reference_profile.json";
    public static final int FORMAT_VERSION = 1;
    public static final int DEFAULT_TOP_K = 50;

    public ReferenceProfile {
        if (formatVersion != FORMAT_VERSION) {
            throw new IllegalArgumentException("unsupported format_version " + formatVersion + " (this reader knows "
                    + FORMAT_VERSION + ")");
        }
        if (userId == null || movieTitle == null || timestamp == null || rating == null) {
            throw new IllegalArgumentException("a reference profile needs user_id, movie_title, timestamp and rating");
        }
        if (topK < 1 || count < 0) {
            throw new IllegalArgumentException("bad reference profile: top_k " + topK + ", count " + count);
        }
        if ((prediction == null) != (predictionSource == null)) {
            throw new IllegalArgumentException("prediction and prediction_source come together");
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** This profile with the model's prediction histogram, computed on {@code source} rows. */
    public ReferenceProfile withPrediction(Histogram predictions, String source) {
        return new ReferenceProfile(formatVersion, topK, count, userId, movieTitle, timestamp, rating, predictions,
                source, eventHours);
    }

    public boolean hasPrediction() {
        return prediction != null;
    }

    /** Writes {@code file} (pretty-printed UTF-8 JSON). */
    public void write(Path file) throws IOException {
        Files.write(file, toJson());
    }

    public byte[] toJson() throws JsonProcessingException {
        ObjectWriter writer = EventJson.mapper().writerWithDefaultPrettyPrinter();
        return writer.writeValueAsBytes(this);
    }

    /** Reads a profile; a missing or malformed file is an {@link IOException} naming the file and the problem. */
    public static ReferenceProfile read(Path file) throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new IOException("no reference profile at " + file, e);
        } catch (java.nio.file.FileSystemException e) { // names the file, and for a denied read says "permission denied"
            throw new IOException("cannot read the reference profile: " + dev.marquee.data.config.Commands.describe(e), e);
        } catch (IOException e) { // "Is a directory" and the like name no file
            throw new IOException("cannot read the reference profile " + file + ": "
                    + (e.getMessage() != null ? e.getMessage() : e), e);
        }
        try {
            return fromJson(bytes);
        } catch (IllegalArgumentException e) {
            throw new IOException("bad reference profile " + file + ": " + e.getMessage(), e);
        }
    }

    /** Parses a profile; anything malformed or incomplete is an {@link IllegalArgumentException}. */
    public static ReferenceProfile fromJson(byte[] json) {
        try {
            ReferenceProfile p = EventJson.mapper().readValue(json, ReferenceProfile.class);
            if (p == null) {
                throw new IllegalArgumentException("the document is null");
            }
            return p;
        } catch (IOException e) {
            Throwable cause = e.getCause() instanceof IllegalArgumentException ? e.getCause() : e;
            String message = cause instanceof JsonProcessingException j ? j.getOriginalMessage() : cause.getMessage();
            throw new IllegalArgumentException(message, e);
        }
    }

    /** Counts rows one at a time, then {@link #build()}s the profile. Not thread-safe. */
    public static final class Builder {
        private int topK = DEFAULT_TOP_K;
        private final Map<String, Long> users = new HashMap<>();
        private final Map<String, Long> titles = new HashMap<>();
        private final TimestampProfile.Counter timestamps = new TimestampProfile.Counter();
        private final EventHours.Counter eventHours = new EventHours.Counter();
        private final Histogram.Counter ratings = Histogram.counter(Histogram.ratingEdges());
        private long count;

        private Builder() {}

        /** How many values each categorical keeps before "other" (default {@value #DEFAULT_TOP_K}). */
        public Builder topK(int k) {
            if (k < 1) {
                throw new IllegalArgumentException("top-K must be at least 1, got " + k);
            }
            this.topK = k;
            return this;
        }

        public Builder add(String userId, String movieTitle, double rating, long timestamp) {
            if (userId == null || movieTitle == null) {
                throw new IllegalArgumentException("user id and movie title are required");
            }
            users.merge(userId, 1L, Long::sum);
            titles.merge(movieTitle, 1L, Long::sum);
            timestamps.add(timestamp);
            eventHours.add(timestamp);
            ratings.add(rating);
            count++;
            return this;
        }

        public Builder add(Rating r) {
            return add(r.userId, r.movieTitle, r.rating, r.timestamp);
        }

        public Builder addAll(Iterable<Rating> rows) {
            rows.forEach(this::add);
            return this;
        }

        /** The profile of the rows added so far, without a prediction histogram. */
        public ReferenceProfile build() {
            if (count == 0) {
                throw new IllegalStateException("a reference profile needs at least one row");
            }
            return new ReferenceProfile(FORMAT_VERSION, topK, count, CategoricalProfile.of(users, topK),
                    CategoricalProfile.of(titles, topK), timestamps.build(), ratings.build(), null, null, eventHours.build());
        }
    }
}

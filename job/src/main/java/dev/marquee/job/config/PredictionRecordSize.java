package dev.marquee.job.config;

import dev.marquee.data.config.SettingException;
import dev.marquee.data.parse.ParserLimits;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * The largest prediction (and labeled prediction) the {@code parser.*} field limits allow must fit the producers'
 * {@code max.request.size}: a prediction Kafka refuses fails the sink, and the job replays the same request into the
 * same refusal for ever. Each character of the request id, user id and title (sent, and the catalog's spelling
 * beside it) takes at most 6 bytes as written (an escape, or half of a surrogate pair's two).
 */
public final class PredictionRecordSize {
    /** Everything but those strings: numbers, flags, the source's topic (at most 249 bytes), keys, record overhead. */
    static final int FIXED_BYTES = 4096;
    /** Kafka's default {@code max.request.size}. */
    static final long KAFKA_DEFAULT_MAX_REQUEST_SIZE = 1 << 20;

    private PredictionRecordSize() {}

    /**
     * The most bytes a prediction record can take under these limits: its value, and its key (the request id; the
     * user id for a labeled prediction), up to 3 bytes a character in UTF-8, which Kafka counts with the value.
     */
    static long maxRecordBytes(ParserLimits limits) {
        return FIXED_BYTES + 6L * (limits.maxRequestIdChars + limits.maxUserIdChars + 2L * limits.maxTitleChars)
                + 3L * Math.max(limits.maxRequestIdChars, limits.maxUserIdChars);
    }

    /**
     * Refuses an output topic (predictions, labeled predictions) whose {@code max.message.bytes} is below the largest
     * prediction these limits allow: the broker would refuse it, and the job replay it for ever. Unknown: not checked.
     */
    static void checkTopic(ParserLimits limits, String topic, String setting, java.util.OptionalLong topicMaxMessageBytes) {
        if (topicMaxMessageBytes.isEmpty()) return;
        long needed = maxRecordBytes(limits);
        long allowed = topicMaxMessageBytes.getAsLong();
        if (allowed < needed) {
            throw new SettingException("topic " + topic + " (" + setting + ") takes records of at most " + allowed
                    + " bytes (max.message.bytes), smaller than the largest prediction the parser.* field limits allow ("
                    + needed + " bytes): the sink would fail on it and the job replay it for ever; raise the topic's"
                    + " max.message.bytes or lower " + ParserLimits.MAX_TITLE_CHARS + " (or the other limits)");
        }
    }

    /** Refuses field limits whose largest prediction the producers' {@code max.request.size} would refuse. */
    static void check(ParserLimits limits, Map<String, String> kafkaProperties) {
        String given = kafkaProperties.get(ProducerConfig.MAX_REQUEST_SIZE_CONFIG);
        long allowed = KAFKA_DEFAULT_MAX_REQUEST_SIZE;
        if (given != null) {
            try {
                allowed = Long.parseLong(given.trim());
            } catch (NumberFormatException e) {
                return; // refused with its own message where the dead-letter producer reads it (a placeholder too)
            }
        }
        long needed = maxRecordBytes(limits);
        if (needed > allowed) {
            throw new SettingException("the parser.* field limits (request id " + limits.maxRequestIdChars
                    + ", user id " + limits.maxUserIdChars + ", title " + limits.maxTitleChars + " characters) allow a "
                    + "prediction of up to " + needed + " bytes, more than the producers' max.request.size (" + allowed
                    + "): Kafka would refuse it and the job replay it for ever; lower " + ParserLimits.MAX_TITLE_CHARS
                    + " (or the other limits), or raise " + JobSettings.KAFKA_PROPERTY_PREFIX
                    + ProducerConfig.MAX_REQUEST_SIZE_CONFIG + " and the output topics' max.message.bytes");
        }
    }
}

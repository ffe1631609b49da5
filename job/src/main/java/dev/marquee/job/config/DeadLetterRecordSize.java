package dev.marquee.job.config;

import dev.marquee.data.config.SettingException;
import dev.marquee.data.parse.DeadLetters;
import dev.marquee.data.parse.ParserLimits;
import java.util.Map;
import java.util.OptionalLong;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.TopicConfig;

/**
 * How large a dead-letter record can be, and the checks that Kafka takes one that large. The dead-letter sink
 * must never refuse a dead letter: a refused write fails the job, which restarts from its last checkpoint and
 * writes the same dead letter again, for ever. So its producer's {@code max.request.size} (and
 * {@code buffer.memory}) follow the {@code parser.*} limits, and a smaller limit set by hand, or a topic whose
 * {@code max.message.bytes} is smaller, fails the job at start-up with a message naming the setting.
 */
public final class DeadLetterRecordSize {
    /**
     * The record's key (its source position, topic-partition-offset: at most 249 + 32 bytes) plus Kafka's record
     * batch header (61 bytes) and record header (at most 21 bytes), rounded up.
     */
    public static final int RECORD_OVERHEAD_BYTES = 512;
    private static final long KAFKA_DEFAULT_BUFFER_MEMORY = 32L << 20;

    private DeadLetterRecordSize() {}

    /** The largest dead-letter record: the largest serialised dead letter the limits allow plus the record overhead. */
    public static int maxRecordBytes(ParserLimits limits) {
        return (int) Math.min(Integer.MAX_VALUE, (long) DeadLetters.maxSerializedBytes(limits) + RECORD_OVERHEAD_BYTES);
    }

    /**
     * The dead-letter producer's properties that depend on the dead-letter size: {@code max.request.size} is
     * {@link #maxRecordBytes} and {@code buffer.memory} at least that, unless given larger through
     * {@code kafka.property.*}; given smaller, they fail with a message naming both settings.
     */
    static Map<String, String> producerProperties(ParserLimits limits, Map<String, String> kafkaProperties) {
        int needed = maxRecordBytes(limits);
        long requestSize = atLeast(kafkaProperties, ProducerConfig.MAX_REQUEST_SIZE_CONFIG, needed, needed);
        long bufferMemory = atLeast(kafkaProperties, ProducerConfig.BUFFER_MEMORY_CONFIG, needed,
                Math.max(needed, KAFKA_DEFAULT_BUFFER_MEMORY));
        return Map.of(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, String.valueOf(requestSize),
                ProducerConfig.BUFFER_MEMORY_CONFIG, String.valueOf(bufferMemory));
    }

    private static long atLeast(Map<String, String> kafkaProperties, String property, int needed, long otherwise) {
        String given = kafkaProperties.get(property);
        if (given == null) return otherwise;
        // the predictions' sinks take it as given: it must be a number this check can hold against the largest records
        KafkaPropertyChecks.refusePlaceholders(kafkaProperties, "it must hold the largest prediction and dead letter the"
                + " parser.* limits allow", property);
        String key = JobSettings.KAFKA_PROPERTY_PREFIX + property;
        long value;
        try {
            value = Long.parseLong(given.trim());
        } catch (NumberFormatException e) {
            throw new SettingException(key + " must be a whole number of bytes, got '" + given + "'");
        }
        if (value < needed) {
            throw new SettingException(key + " (" + value + ") is smaller than the largest dead-letter record the "
                    + "parser.* limits allow (" + needed + " bytes, from " + ParserLimits.MAX_DEAD_LETTER_PAYLOAD_BYTES
                    + "): the dead-letter sink would fail on it and the job replay it for ever; raise " + key
                    + " or lower " + ParserLimits.MAX_DEAD_LETTER_PAYLOAD_BYTES);
        }
        return value;
    }

    /**
     * Fails when the dead-letter topic's {@code max.message.bytes} (as the broker reports it; empty when it could
     * not be read) is smaller than the largest dead-letter record.
     */
    public static void checkTopic(JobSettings s, OptionalLong topicMaxMessageBytes) {
        if (topicMaxMessageBytes.isEmpty()) return;
        int needed = maxRecordBytes(s.parserLimits);
        long allowed = topicMaxMessageBytes.getAsLong();
        if (allowed < needed) {
            throw new SettingException("topic " + s.deadLettersTopic + " (" + JobSettings.TOPIC_DEAD_LETTERS + ") takes records of at most "
                    + allowed + " bytes (" + TopicConfig.MAX_MESSAGE_BYTES_CONFIG + "), smaller than the largest dead-letter record the "
                    + "parser.* limits allow (" + needed + " bytes, from " + ParserLimits.MAX_DEAD_LETTER_PAYLOAD_BYTES
                    + "): the dead-letter sink would fail on it and the job replay it for ever; raise the topic's "
                    + TopicConfig.MAX_MESSAGE_BYTES_CONFIG + " or lower " + ParserLimits.MAX_DEAD_LETTER_PAYLOAD_BYTES);
        }
    }
}

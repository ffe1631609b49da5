package dev.marquee.job.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.marquee.data.config.SettingException;
import dev.marquee.data.parse.ParserLimits;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** The dead-letter sink's size limits follow the dead-letter limit, and a smaller limit fails at start-up. */
class DeadLetterRecordSizeTest {
    private static final String MAX_REQUEST_SIZE = "kafka.property.max.request.size";
    private static final String BUFFER_MEMORY = "kafka.property.buffer.memory";
    private static final String SIXTY_FOUR_MIB = String.valueOf(64 << 20);
    /** The broker's default message.max.bytes, which a topic without its own max.message.bytes takes. */
    private static final long BROKER_DEFAULT = 1_048_588;

    @Test
    void theLargestDeadLetterRecordIsTheSerialisedBoundPlusTheRecordOverhead() {
        assertThat(DeadLetterRecordSize.maxRecordBytes(ParserLimits.defaults())).isEqualTo(69_632 + 512);
        JobSettings raised = JobSettings.from(Map.of(ParserLimits.MAX_DEAD_LETTER_PAYLOAD_BYTES, SIXTY_FOUR_MIB));
        assertThat(DeadLetterRecordSize.maxRecordBytes(raised.parserLimits)).isEqualTo((64 << 20) + 4096 + 512);
    }

    @Test
    void theDeadLetterProducerTakesTheLargestDeadLetterAndTheOtherSinksKeepKafkasDefaults() {
        JobSettings s = JobSettings.from(Map.of(ParserLimits.MAX_DEAD_LETTER_PAYLOAD_BYTES, SIXTY_FOUR_MIB));
        assertThat(s.deadLetterProducerProperties())
                .containsEntry("max.request.size", String.valueOf((64 << 20) + 4608))
                .containsEntry("buffer.memory", String.valueOf((64 << 20) + 4608));
        assertThat(s.kafkaProperties()).doesNotContainKeys("max.request.size", "buffer.memory");

        JobSettings defaults = JobSettings.defaults();
        assertThat(defaults.deadLetterProducerProperties())
                .containsEntry("max.request.size", "70144")
                .containsEntry("buffer.memory", String.valueOf(32 << 20));
    }

    @Test
    void aLargerLimitGivenByHandIsKept() {
        JobSettings s = JobSettings.from(Map.of(MAX_REQUEST_SIZE, "200000000", BUFFER_MEMORY, "300000000",
                ParserLimits.MAX_DEAD_LETTER_PAYLOAD_BYTES, SIXTY_FOUR_MIB));
        assertThat(s.deadLetterProducerProperties()).containsEntry("max.request.size", "200000000")
                .containsEntry("buffer.memory", "300000000");
    }

    @Test
    void aSmallerMaxRequestSizeGivenByHandFailsAtStartUpNamingBothSettings() {
        assertThatThrownBy(() -> JobSettings.from(Map.of(MAX_REQUEST_SIZE, "1048576",
                ParserLimits.MAX_DEAD_LETTER_PAYLOAD_BYTES, SIXTY_FOUR_MIB)))
                .isInstanceOf(SettingException.class)
                .hasMessage("kafka.property.max.request.size (1048576) is smaller than the largest dead-letter record the "
                        + "parser.* limits allow (67113472 bytes, from parser.max-dead-letter-payload-bytes): the dead-letter "
                        + "sink would fail on it and the job replay it for ever; raise kafka.property.max.request.size or "
                        + "lower parser.max-dead-letter-payload-bytes");
        assertThatThrownBy(() -> JobSettings.from(Map.of(BUFFER_MEMORY, "1000",
                ParserLimits.MAX_DEAD_LETTER_PAYLOAD_BYTES, "65536")))
                .isInstanceOf(SettingException.class)
                .hasMessageStartingWith("kafka.property.buffer.memory (1000) is smaller than the largest dead-letter record");
        assertThatThrownBy(() -> JobSettings.from(Map.of(MAX_REQUEST_SIZE, "lots")))
                .hasMessage("kafka.property.*: the Kafka clients refuse a value: Invalid value lots for configuration"
                        + " max.request.size: Not a number of type INT");
    }

    @Test
    void aTopicThatTakesSmallerRecordsFailsAtStartUpNamingTheTopicAndTheSetting() {
        JobSettings raised = JobSettings.from(Map.of(ParserLimits.MAX_DEAD_LETTER_PAYLOAD_BYTES, SIXTY_FOUR_MIB));
        assertThatThrownBy(() -> DeadLetterRecordSize.checkTopic(raised, OptionalLong.of(BROKER_DEFAULT)))
                .isInstanceOf(SettingException.class)
                .hasMessage("topic rating-requests-dlq (topic.dead-letters) takes records of at most 1048588 bytes "
                        + "(max.message.bytes), smaller than the largest dead-letter record the parser.* limits allow "
                        + "(67113472 bytes, from parser.max-dead-letter-payload-bytes): the dead-letter sink would fail "
                        + "on it and the job replay it for ever; raise the topic's max.message.bytes or lower "
                        + "parser.max-dead-letter-payload-bytes");
        assertThatCode(() -> DeadLetterRecordSize.checkTopic(raised, OptionalLong.of((64L << 20) + 4608)))
                .doesNotThrowAnyException();
        assertThatCode(() -> DeadLetterRecordSize.checkTopic(raised, OptionalLong.empty())).doesNotThrowAnyException();
        assertThatCode(() -> DeadLetterRecordSize.checkTopic(JobSettings.defaults(), OptionalLong.of(BROKER_DEFAULT)))
                .doesNotThrowAnyException();
    }
}

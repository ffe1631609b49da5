package dev.marquee.job.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.marquee.data.config.SettingException;
import dev.marquee.data.parse.ParserLimits;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The audit owes a labeled prediction only for a label the job reads, with the job's parser settings. */
class LabelTheJobReadsTest {
    private static final String LABEL = "{\"user_id\":\"7\",\"movie_title\":\"Heat (1995)\",\"timestamp\":10,\"rating\":4";
    private static final ParserLimits DEFAULTS = ParserLimits.defaults();

    @Test
    void aLabelWithinTheJobsPayloadLimitIsRead() {
        byte[] value = (LABEL + "}").getBytes(StandardCharsets.UTF_8);
        assertThat(OutcomeAuditCommand.labelTheJobReads(value, DEFAULTS)).isNotNull();
    }

    @Test
    void aLabelLargerThanTheJobsPayloadLimitOwesNothing() {
        int limit = DEFAULTS.maxPayloadBytes;
        String padding = ",\"note\":\"" + "x".repeat(limit) + "\"}";
        byte[] value = (LABEL + padding).getBytes(StandardCharsets.UTF_8);
        assertThat(value.length).isGreaterThan(limit);
        assertThat(dev.marquee.data.parse.LabelDecoder.decode(value)).as("readable, but not by the job").isNotNull();

        assertThat(OutcomeAuditCommand.labelTheJobReads(value, DEFAULTS)).isNull();

        ParserLimits larger = OutcomeAuditCommand.parserLimits(Map.of(ParserLimits.MAX_PAYLOAD_BYTES, String.valueOf(2 * limit)));
        assertThat(OutcomeAuditCommand.labelTheJobReads(value, larger)).as("a job with a larger limit reads it").isNotNull();
    }

    @Test
    void anUnreadableOrEmptyLabelOwesNothing() {
        assertThat(OutcomeAuditCommand.labelTheJobReads(null, DEFAULTS)).isNull();
        assertThat(OutcomeAuditCommand.labelTheJobReads("{\"user_id\":".getBytes(StandardCharsets.UTF_8), DEFAULTS)).isNull();
    }

    @Test
    void onlyTheJobsParserSettingsAreTakenAndTheirValuesAreChecked() {
        assertThatThrownBy(() -> OutcomeAuditCommand.parserLimits(Map.of("batch.size", "10")))
                .isInstanceOf(SettingException.class).hasMessageContaining("got batch.size")
                .hasMessageContaining(ParserLimits.MISSING_TIMESTAMP);
        assertThatThrownBy(() -> OutcomeAuditCommand.parserLimits(Map.of("parser.max-payload-byte", "10")))
                .isInstanceOf(SettingException.class).hasMessageContaining("got parser.max-payload-byte");
        assertThatThrownBy(() -> OutcomeAuditCommand.parserLimits(Map.of(ParserLimits.MISSING_TIMESTAMP, "guess")))
                .isInstanceOf(SettingException.class).hasMessageContaining(ParserLimits.MISSING_TIMESTAMP);
    }
}

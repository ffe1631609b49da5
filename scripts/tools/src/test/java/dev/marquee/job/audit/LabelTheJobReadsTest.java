package dev.marquee.job.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.data.parse.ParserLimits;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The audit owes a labeled prediction only for a label the job reads. */
class LabelTheJobReadsTest {
    private static final String LABEL = "{\"user_id\":\"7\",\"movie_title\":\"Heat (1995)\",\"timestamp\":10,\"rating\":4";

    @Test
    void aLabelWithinTheJobsPayloadLimitIsRead() {
        byte[] value = (LABEL + "}").getBytes(StandardCharsets.UTF_8);
        assertThat(OutcomeAuditCommand.labelTheJobReads(value)).isNotNull();
    }

    @Test
    void aLabelLargerThanTheJobsDefaultPayloadLimitOwesNothing() {
        int limit = ParserLimits.defaults().maxPayloadBytes;
        String padding = ",\"note\":\"" + "x".repeat(limit) + "\"}";
        byte[] value = (LABEL + padding).getBytes(StandardCharsets.UTF_8);
        assertThat(value.length).isGreaterThan(limit);
        assertThat(dev.marquee.data.parse.LabelDecoder.decode(value)).as("readable, but not by the job").isNotNull();

        assertThat(OutcomeAuditCommand.labelTheJobReads(value)).isNull();
    }

    @Test
    void anUnreadableOrEmptyLabelOwesNothing() {
        assertThat(OutcomeAuditCommand.labelTheJobReads(null)).isNull();
        assertThat(OutcomeAuditCommand.labelTheJobReads("{\"user_id\":".getBytes(StandardCharsets.UTF_8))).isNull();
    }
}

package dev.marquee.job.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.data.event.SourcePosition;
import dev.marquee.data.parse.ParseResult;
import dev.marquee.data.parse.RequestParser;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class HostileRequestsTest {
    private final RequestParser parser = new RequestParser();

    @Test
    void everyKindIsRefusedAtLeastInPart() {
        for (long n = 0; n < HostileRequests.KINDS; n++) {
            ParseResult result = parser.parse(HostileRequests.payload(n), new SourcePosition("t", 0, n, -1));
            assertThat(result.deadLetters()).as("kind %d", n).isNotEmpty();
        }
    }

    @Test
    void theKindsRefuseForDifferentReasons() {
        Set<Object> codes = new HashSet<>();
        for (long n = 0; n < HostileRequests.KINDS; n++) {
            parser.parse(HostileRequests.payload(n), new SourcePosition("t", 0, n, -1))
                    .deadLetters().forEach(d -> codes.add(d.errorCode));
        }
        assertThat(codes).hasSizeGreaterThanOrEqualTo(7);
    }

    /** A timestamp beyond the job's parser.max-timestamp would make the "valid" instances dead letters too. */
    @Test
    void aTimestampTheParserWouldRefuseIsRefusedBeforeAnythingIsSent() {
        HostileRequestsCommand command = new HostileRequestsCommand();
        new picocli.CommandLine(command).parseArgs("--timestamp", String.valueOf(dev.marquee.data.parse.ParserLimits
                .DEFAULT_MAX_TIMESTAMP + 1), "--bootstrap", "127.0.0.1:1");
        org.assertj.core.api.Assertions.assertThatThrownBy(command::call)
                .isInstanceOf(dev.marquee.data.config.SettingException.class)
                .hasMessageContaining("--timestamp must be between 1 and 4102444800");
    }

    @Test
    void theMixedEnvelopeStillHasValidInstances() {
        ParseResult result = parser.parse(HostileRequests.payload(9), new SourcePosition("t", 0, 9, -1));
        assertThat(result.requests()).extracting(r -> r.requestId).containsExactly("hostile-9-0", "hostile-9-2");
        assertThat(result.deadLetters()).extracting(d -> d.instanceIndex).containsExactly(1);
        assertThat(result.requests()).extracting(r -> r.timestamp).containsExactly(HostileRequests.DEFAULT_TIMESTAMP,
                HostileRequests.DEFAULT_TIMESTAMP + 1);
    }

    /** The valid instances move the job's event time like any request: a sender chooses their time. */
    @Test
    void theValidInstancesCarryTheTimestampAskedFor() {
        ParseResult result = parser.parse(HostileRequests.payload(19, 874_724_710L), new SourcePosition("t", 0, 19, -1));
        assertThat(result.requests()).extracting(r -> r.timestamp).containsExactly(874_724_710L, 874_724_711L);
        assertThat(result.deadLetters()).hasSize(1);
    }

    /** A secured cluster: the producer and the topic check get the user's client settings; ours keep the bootstrap. */
    @Test
    void producerPropertiesReachTheClient() {
        HostileRequestsCommand command = new HostileRequestsCommand();
        new picocli.CommandLine(command).parseArgs("--bootstrap", "b:9093", "--producer-prop", "security.protocol=SASL_SSL",
                "--producer-prop", "sasl.mechanism=SCRAM-SHA-512", "--producer-prop", "max.block.ms=5000");
        java.util.Properties p = command.producerProperties();
        assertThat(p).containsEntry("security.protocol", "SASL_SSL").containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                .containsEntry("max.block.ms", "5000").containsEntry("bootstrap.servers", "b:9093");
    }
}

package dev.marquee.data.replay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.infra.testing.SecuredKafka;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.acl.AclOperation;
import org.junit.jupiter.api.Test;

/**
 * replay as a principal the brokers let see the topic but not write it: the summary says what was sent and why the
 * rest was refused, whichever way the refusal reaches the producer (a failed send, or a send refused at once).
 */
class ReplayAclITCase {
    @Test
    void aRefusedWriteEndsInTheSummaryWithItsRefusal() throws Exception {
        try (SecuredKafka kafka = SecuredKafka.start("replayer")) {
            kafka.createTopic("rating-requests", 1);
            kafka.allow("replayer", "rating-requests", AclOperation.DESCRIBE);
            List<String> args = new ArrayList<>(List.of("--bootstrap", kafka.bootstrapServers(), "--data", "synthetic:50",
                    "--rate", "0"));
            kafka.clientProps("replayer").forEach((k, v) -> {
                if (!k.equals("bootstrap.servers")) args.addAll(List.of("--producer-prop", k + "=" + v));
            });
            PrintStream out = System.out;
            PrintStream err = System.err;
            ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
            ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
            int exit;
            try {
                System.setOut(new PrintStream(outBytes, true, StandardCharsets.UTF_8));
                System.setErr(new PrintStream(errBytes, true, StandardCharsets.UTF_8));
                exit = ReplayMain.run(args.toArray(String[]::new));
            } finally {
                System.setOut(out);
                System.setErr(err);
            }
            String said = outBytes.toString(StandardCharsets.UTF_8) + errBytes.toString(StandardCharsets.UTF_8);
            assertThat(exit).as(said).isEqualTo(1);
            assertThat(said).contains("replay: done: sent 0 requests")
                    .containsPattern("first error: org.apache.kafka.common.errors.(Topic|Cluster)AuthorizationException")
                    .doesNotContain("Kafka failed");
        }
    }
}

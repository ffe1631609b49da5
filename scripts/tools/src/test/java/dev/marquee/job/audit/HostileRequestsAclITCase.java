package dev.marquee.job.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.infra.testing.SecuredKafka;
import dev.marquee.tools.CommandRun;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.acl.AclOperation;
import org.junit.jupiter.api.Test;

/** hostile-requests as a principal the brokers let see the topic but not write it: it says why, not just "1 errors". */
class HostileRequestsAclITCase {
    @Test
    void aRefusedWriteIsSaidWithTheGrantItNeeds() throws Exception {
        try (SecuredKafka kafka = SecuredKafka.start("hostile")) {
            kafka.createTopic("rating-requests", 1);
            kafka.allow("hostile", "rating-requests", AclOperation.DESCRIBE);
            List<String> args = new ArrayList<>(List.of("--bootstrap", kafka.bootstrapServers(), "--count", "5"));
            kafka.clientProps("hostile").forEach((k, v) -> {
                if (!k.equals("bootstrap.servers")) args.addAll(List.of("--producer-prop", k + "=" + v));
            });
            PrintStream out = System.out;
            PrintStream err = System.err;
            ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
            ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
            CommandRun run;
            try {
                System.setOut(new PrintStream(outBytes, true, StandardCharsets.UTF_8));
                System.setErr(new PrintStream(errBytes, true, StandardCharsets.UTF_8));
                run = CommandRun.of(new HostileRequestsCommand(), args.toArray(String[]::new));
            } finally {
                System.setOut(out);
                System.setErr(err);
            }
            String said = outBytes.toString(StandardCharsets.UTF_8) + run.out() + errBytes.toString(StandardCharsets.UTF_8)
                    + run.err();
            assertThat(run.exitCode()).as(said).isEqualTo(1);
            // a principal that may write no topic at all is refused the idempotent producer's id first (Kafka says
            // ClusterAuthorizationException then; WRITE on the topic is what lifts both)
            assertThat(said).containsPattern("hostile: first error: (Topic|Cluster)AuthorizationException")
                    .contains("grant this principal WRITE and DESCRIBE on rating-requests");
        }
    }
}

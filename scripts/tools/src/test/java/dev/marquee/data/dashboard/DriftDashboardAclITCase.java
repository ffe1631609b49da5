package dev.marquee.data.dashboard;

import static org.awaitility.Awaitility.await;

import dev.marquee.infra.testing.SecuredKafka;
import java.time.Duration;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** The dashboard's state says a refusal for what it is, not "waiting for topic" (the last problem has the words). */
class DriftDashboardAclITCase {
    @Test
    void aRefusedSignInAndAMissingGrantAreNotATopicStillToCome() throws Exception {
        try (SecuredKafka kafka = SecuredKafka.start("viewer", "describe-only")) {
            kafka.createTopic("drift-metrics", 1);
            // may list the partitions, not fetch them: refused at its first poll, after it found the topic
            kafka.allow("describe-only", "drift-metrics", org.apache.kafka.common.acl.AclOperation.DESCRIBE);
            Properties describeOnly = kafka.clientProps("describe-only");
            describeOnly.remove("bootstrap.servers");
            try (DriftDashboard dashboard = new DriftDashboard(new DashboardOptions(kafka.bootstrapServers(),
                    "drift-metrics", "marquee", "127.0.0.1", 0, 100, describeOnly))) {
                dashboard.start();
                await("reads refused").atMost(Duration.ofSeconds(60))
                        .until(() -> dashboard.status().state().equals("not authorized"));
            }
            Properties viewer = kafka.clientProps("viewer");
            viewer.remove("bootstrap.servers");
            try (DriftDashboard dashboard = new DriftDashboard(new DashboardOptions(kafka.bootstrapServers(),
                    "drift-metrics", "marquee", "127.0.0.1", 0, 100, viewer))) {
                dashboard.start();
                await("no grant on the topic").atMost(Duration.ofSeconds(60))
                        .until(() -> dashboard.status().state().equals("not authorized"));
            }
            Properties wrong = (Properties) viewer.clone();
            wrong.put("sasl.jaas.config", ((String) viewer.get("sasl.jaas.config")).replace("password=\"viewer\"",
                    "password=\"wrong\""));
            try (DriftDashboard dashboard = new DriftDashboard(new DashboardOptions(kafka.bootstrapServers(),
                    "drift-metrics", "marquee", "127.0.0.1", 0, 100, wrong))) {
                dashboard.start();
                await("the sign-in refused").atMost(Duration.ofSeconds(60))
                        .until(() -> dashboard.status().state().equals("sign-in refused"));
            }
        }
    }
}

package dev.marquee.job.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.marquee.data.config.Commands;
import dev.marquee.infra.testing.SecuredKafka;
import dev.marquee.model.ModelRegistry;
import dev.marquee.model.testing.TestModels;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.acl.AclOperation;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code marquee score} runs the job in its own JVM, so its principal is the TaskManagers': a sign-in the brokers
 * refuse, or a grant it lacks, is refused at once in one line (exit 2), not a job that fails and restarts for ever.
 */
class ScoreCommandAclITCase {
    private static final List<String> READ = List.of("rating-requests", "ratings", "model-updates");
    private static final List<String> WRITTEN = List.of("predictions", "rating-requests-dlq", "model-status",
            "drift-metrics", "labeled-predictions");
    private static SecuredKafka kafka;

    @TempDir
    static Path registry;

    @BeforeAll
    static void broker() throws Exception {
        kafka = SecuredKafka.startOverTls("scoring", "no-ratings", "as-documented"); // the start-up checks over TLS too
        for (String topic : READ) {
            kafka.createTopic(topic, 1);
            kafka.allow("scoring", topic, AclOperation.READ, AclOperation.DESCRIBE, AclOperation.DESCRIBE_CONFIGS);
        }
        for (String topic : WRITTEN) {
            kafka.createTopic(topic, 1);
            // no WRITE on predictions: what an ACL script that forgot a line leaves
            if (topic.equals("predictions")) {
                kafka.allow("scoring", topic, AclOperation.DESCRIBE, AclOperation.DESCRIBE_CONFIGS);
            } else {
                kafka.allow("scoring", topic, AclOperation.WRITE, AclOperation.DESCRIBE, AclOperation.DESCRIBE_CONFIGS);
            }
        }
        // every grant but READ on ratings (the labels' source)
        for (String topic : READ) {
            if (topic.equals("ratings")) {
                kafka.allow("no-ratings", topic, AclOperation.DESCRIBE, AclOperation.DESCRIBE_CONFIGS);
            } else {
                kafka.allow("no-ratings", topic, AclOperation.READ, AclOperation.DESCRIBE, AclOperation.DESCRIBE_CONFIGS);
            }
        }
        for (String topic : WRITTEN) {
            kafka.allow("no-ratings", topic, AclOperation.WRITE, AclOperation.DESCRIBE, AclOperation.DESCRIBE_CONFIGS);
        }
        // docs/OPERATIONS.md's example grants: Read or Write, and Describe, without DescribeConfigs; the requests are
        // read from a topic nobody created
        for (String topic : List.of("missing-requests", "ratings", "model-updates")) {
            kafka.allow("as-documented", topic, AclOperation.READ, AclOperation.DESCRIBE);
        }
        for (String topic : WRITTEN) kafka.allow("as-documented", topic, AclOperation.WRITE, AclOperation.DESCRIBE);
        TestModels.publish(new ModelRegistry(registry), TestModels.data(3), 3);
    }

    @AfterAll
    static void stop() {
        if (kafka != null) kafka.close();
    }

    @Test
    void aSignInTheBrokersRefuseIsRefusedInOneLine() {
        Result r = score("scoring", "not-the-password");
        assertThat(r.code).as(r.err).isEqualTo(Commands.USAGE);
        assertThat(r.err).contains("the brokers refused this job's sign-in (SaslAuthenticationException: ")
                .contains("Invalid username or password").doesNotContain("message not shown")
                .doesNotContain("not-the-password").doesNotContain("\tat ");
    }

    /** A broker certificate the job does not trust: refused in one line that says why, not only "TLS". */
    @Test
    void aBrokerCertificateTheJobDoesNotTrustIsRefusedWithTheReason() {
        Result r = score("scoring", "scoring", false);
        assertThat(r.code).as(r.err).isEqualTo(Commands.USAGE);
        assertThat(r.err).contains("the brokers refused this job's sign-in (SslAuthenticationException: ")
                .contains("certification path").doesNotContain("\tat ");
    }

    @Test
    void aGrantThePrincipalLacksIsRefusedInOneLine() {
        Result r = score("scoring", "scoring");
        assertThat(r.code).as(r.err).isEqualTo(Commands.USAGE);
        assertThat(r.err).contains("this job's principal lacks WRITE and DESCRIBE on predictions")
                .doesNotContain("on rating-requests").doesNotContain("\tat ");
    }

    @Test
    void aReadGrantThePrincipalLacksIsRefusedInOneLine() {
        Result r = score("no-ratings", "no-ratings");
        assertThat(r.code).as(r.err).isEqualTo(Commands.USAGE);
        assertThat(r.err).contains("this job's principal lacks READ and DESCRIBE on ratings")
                .doesNotContain("on predictions").doesNotContain("\tat ");
    }

    /** Describe alone tells the brokers' "no such topic" from "not allowed": DescribeConfigs is not needed for it. */
    @Test
    void aMissingTopicIsRefusedWithTheDocumentedGrantsThatLackDescribeConfigs() {
        Result r = score("as-documented", "as-documented", "--topic.rating-requests", "missing-requests");
        assertThat(r.code).as(r.err).isEqualTo(Commands.USAGE);
        assertThat(r.err).contains("topic missing-requests does not exist").doesNotContain("\tat ");

        java.util.Map<String, String> settings = new java.util.HashMap<>();
        settings.put(dev.marquee.job.config.JobSettings.BOOTSTRAP, kafka.bootstrapServers());
        kafka.clientProps("as-documented").forEach((k, v) -> {
            if (!k.equals("bootstrap.servers")) settings.put(dev.marquee.job.config.JobSettings.KAFKA_PROPERTY_PREFIX + k, (String) v);
        });
        dev.marquee.job.sink.BrokerFacts facts = dev.marquee.job.sink.BrokerFacts.read(
                dev.marquee.job.config.JobSettings.from(settings), List.of("ratings", "missing-requests"), Duration.ofSeconds(30));
        assertThat(facts.missingTopics).containsExactly("missing-requests");
        assertThat(facts.topicPartitions).containsEntry("ratings", 1);
        assertThat(facts.readDenied).isEmpty();
        assertThat(facts.configsDenied).containsKeys("ratings", "missing-requests");
        assertThat(facts.unread).as("nothing left unknown that Describe told").noneSatisfy(u -> assertThat(u).contains("topic "));
    }

    /**
     * A trust store this host cannot read: on a cluster only the TaskManagers' may matter, but marquee score runs the
     * job in this JVM, whose clients would fail on it and the job restart for ever: refused in one line instead.
     */
    @Test
    void aTrustStoreThatDoesNotExistIsRefusedNotRestartedForEver() {
        Path absent = registry.resolveSibling("secrets").resolve("absent-trust.p12"); // a path's words are no secret
        Result r = score("scoring", "scoring", false, "--kafka.property.ssl.truststore.location", absent.toString(),
                "--kafka.property.ssl.truststore.type", "PKCS12");
        assertThat(r.code).as(r.err).isEqualTo(Commands.USAGE);
        assertThat(r.err).contains("cannot read a file").contains(absent.toString()).contains("no such file")
                .doesNotContain("\tat ");
    }

    private record Result(int code, String err) {}

    private static Result score(String user, String password, String... more) {
        return score(user, password, true, more);
    }

    /** {@code trusting} false leaves out the trust store: the broker's certificate is then one the job does not trust. */
    private static Result score(String user, String password, boolean trusting, String... more) {
        List<String> args = new ArrayList<>(List.of("--kafka.bootstrap-servers", kafka.bootstrapServers(),
                "--model.registry", registry.toString(), "--delivery.guarantee", "exactly-once"));
        args.addAll(List.of(more));
        kafka.clientProps(user).forEach((k, v) -> {
            if (k.equals("bootstrap.servers") || (!trusting && ((String) k).startsWith("ssl.truststore"))) return;
            String value = k.equals("sasl.jaas.config") ? ((String) v).replace("password=\"" + user + "\"",
                    "password=\"" + password + "\"") : (String) v;
            args.addAll(List.of("--kafka.property." + k, value));
        });
        StringWriter err = new StringWriter();
        int code = assertTimeoutPreemptively(Duration.ofSeconds(120), () -> {
            CommandLine line = Commands.commandLine(new ScoreCommand());
            line.setOut(new PrintWriter(new StringWriter()));
            line.setErr(new PrintWriter(err));
            return line.execute(args.toArray(String[]::new));
        });
        return new Result(code, err.toString());
    }
}

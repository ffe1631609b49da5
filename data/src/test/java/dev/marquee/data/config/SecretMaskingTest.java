package dev.marquee.data.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

class SecretMaskingTest {
    private static final String JAAS = "org.apache.kafka.common.security.scram.ScramLoginModule required "
            + "username=\"scoring\" password=\"s3cr3t-jaas\";";

    @ParameterizedTest
    @ValueSource(strings = {"sasl.jaas.config", "kafka.property.sasl.jaas.config", "ssl.truststore.password",
        "ssl.keystore.password", "ssl.key.password", "kafka.property.ssl.key.password", "ssl.keystore.key",
        "sasl.oauthbearer.client.credentials.client.secret", "SASL.JAAS.CONFIG", "delegation.token.hmac",
        "basic.auth.user.info", "schema.registry.api-key", "ssl.keystore.certificate.key",
        "sasl.oauthbearer.assertion.private.key.passphrase", "kafka.property.sasl.oauthbearer.assertion.private.key.passphrase"})
    void secretKeysAreRecognised(String key) {
        assertThat(SecretMasking.isSecret(key)).isTrue();
        assertThat(SecretMasking.mask(key, "value")).isEqualTo(SecretMasking.MASK);
    }

    /** An OAuth assertion's key passphrase (kafka-clients 4.2): a mistyped option carrying it is not echoed. */
    @org.junit.jupiter.api.Test
    void aPassphraseIsASecretInAnArgumentAsInAKey() {
        assertThat(SecretMasking.looksSecret("--producer-propp=sasl.oauthbearer.assertion.private.key.passphrase=S3cr3t"))
                .isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"security.protocol", "sasl.mechanism", "ssl.truststore.location", "ssl.truststore.type",
        "key.serializer", "kafka.property.key.deserializer", "bootstrap.servers", "ssl.endpoint.identification.algorithm",
        "ssl.keymanager.algorithm", "kafka.bootstrap-servers", "topic.rating-requests"})
    void ordinaryKeysAreShown(String key) {
        assertThat(SecretMasking.isSecret(key)).isFalse();
        assertThat(SecretMasking.mask(key, "value")).isEqualTo("value");
    }

    @Test
    void describeMasksSecretsAndSortsKeys() {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("kafka.property.ssl.truststore.password", "trust-pw");
        settings.put("kafka.property.sasl.jaas.config", JAAS);
        settings.put("kafka.bootstrap-servers", "broker:9093");
        settings.put("kafka.property.security.protocol", "SASL_SSL");

        String line = SecretMasking.describe(settings);

        assertThat(line).isEqualTo("kafka.bootstrap-servers=broker:9093, kafka.property.sasl.jaas.config=******, "
                + "kafka.property.security.protocol=SASL_SSL, kafka.property.ssl.truststore.password=******");
        assertThat(line).doesNotContain("trust-pw").doesNotContain("s3cr3t");
    }

    @Test
    void propertiesAreMaskedToo() {
        Properties p = new Properties();
        p.put("sasl.jaas.config", JAAS);
        p.put("sasl.mechanism", "SCRAM-SHA-512");
        assertThat(SecretMasking.masked(p)).containsExactly(
                Map.entry("sasl.jaas.config", SecretMasking.MASK), Map.entry("sasl.mechanism", "SCRAM-SHA-512"));
    }

    /** A broker's fixed words stay readable; a secret's value in the same text does not. */
    @Test
    void maskValuesHidesValuesAndKeepsWords() {
        assertThat(SecretMasking.maskValues("Authentication failed: Invalid username or password"))
                .isEqualTo("Authentication failed: Invalid username or password");
        String masked = SecretMasking.maskValues("bad JAAS line: " + JAAS + " token: abc123, api-key=k9");
        assertThat(masked).contains("username=\"scoring\"").contains("password=" + SecretMasking.MASK).doesNotContain("s3cr3t")
                .contains("token: " + SecretMasking.MASK).contains("api-key=" + SecretMasking.MASK)
                .doesNotContain("abc123").doesNotContain("k9");
        assertThat(SecretMasking.maskValues("{\"access_token\":\"eyJhbGciOi.x.y\",\"password\": \"pw1\"} Authorization: Bearer eyJz.a.b"))
                .doesNotContain("eyJ").doesNotContain("pw1").contains("Bearer " + SecretMasking.MASK);
    }

    @Command(name = "send")
    static final class Send implements Callable<Integer> {
        @Option(names = "--producer-prop")
        Map<String, String> props = new LinkedHashMap<>();

        @Override
        public Integer call() {
            return Commands.OK;
        }
    }

    private static String errorOf(String... args) {
        StringWriter err = new StringWriter();
        CommandLine line = Commands.commandLine(new Send());
        line.setErr(new PrintWriter(err, true));
        assertThat(line.execute(args)).isEqualTo(Commands.USAGE);
        return err.toString();
    }

    @Test
    void aCliErrorNeverEchoesASecretGivenWithoutItsEqualsSign() {
        // a space instead of '=': the JAAS text becomes a stray argument, which the CLI reports (on stderr)
        assertThat(errorOf("--producer-prop", "sasl.jaas.config", JAAS)).doesNotContain("s3cr3t").contains("hidden");
        assertThat(errorOf("--producer-prop", "ssl.truststore.password:trust-pw")).doesNotContain("trust-pw");
        assertThat(errorOf("stray")).contains("'stray'");
    }
}

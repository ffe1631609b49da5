package dev.marquee.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExistingTopicsTest {
    /** RELIABILITY.md's secrets through a config provider: the topic check's Admin client resolves them too. */
    @Test
    void theAdminClientTakesTheConfigProvidersThatResolveSecrets(@TempDir Path tmp) throws Exception {
        Path secrets = Files.writeString(tmp.resolve("secrets.properties"), "jaas=org.apache.kafka.common.security.plain"
                + ".PlainLoginModule required username=\"marquee\" password=\"s3cret\";\n");
        Properties producer = new Properties();
        producer.put("bootstrap.servers", "127.0.0.1:1");
        producer.put("security.protocol", "SASL_PLAINTEXT");
        producer.put("sasl.mechanism", "PLAIN");
        producer.put("config.providers", "file");
        producer.put("config.providers.file.class", "org.apache.kafka.common.config.provider.FileConfigProvider");
        producer.put("sasl.jaas.config", "${file:" + secrets + ":jaas}");
        producer.put("linger.ms", "5"); // a producer's own setting, which Admin does not take

        Properties admin = ExistingTopics.adminProperties(producer);
        assertThat(admin).containsEntry("config.providers.file.class",
                "org.apache.kafka.common.config.provider.FileConfigProvider").doesNotContainKey("linger.ms");
        try (Admin client = Admin.create(admin)) { // a literal ${file:...} JAAS config fails right here
            assertThat(client).isNotNull();
        }
    }
}

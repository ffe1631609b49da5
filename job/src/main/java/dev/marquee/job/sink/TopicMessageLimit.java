package dev.marquee.job.sink;

import dev.marquee.job.config.JobSettings;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;

/** A topic's {@code max.message.bytes} as the brokers report it, for start-up checks. */
public final class TopicMessageLimit {
    private TopicMessageLimit() {}

    /**
     * The topic's effective {@code max.message.bytes} (its own, else the broker's default), or empty when it
     * cannot be read within {@code timeout}: brokers unreachable, topic not created yet, no permission.
     */
    public static OptionalLong read(JobSettings s, String topic, Duration timeout) {
        Properties props = s.kafkaProperties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, s.bootstrapServers);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, String.valueOf(timeout.toMillis()));
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, String.valueOf(timeout.toMillis()));
        Admin admin = null;
        try {
            admin = Admin.create(props);
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
            Config config = admin.describeConfigs(List.of(resource)).all()
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS).get(resource);
            ConfigEntry entry = config == null ? null : config.get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
            if (entry == null || entry.value() == null) return OptionalLong.empty();
            return OptionalLong.of(Long.parseLong(entry.value().trim()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return OptionalLong.empty();
        } catch (ExecutionException | TimeoutException | KafkaException | NumberFormatException e) {
            return OptionalLong.empty();
        } finally {
            if (admin != null) admin.close(Duration.ofSeconds(1));
        }
    }
}

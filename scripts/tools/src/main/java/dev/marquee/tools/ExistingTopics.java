package dev.marquee.tools;

import dev.marquee.data.config.Commands;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.KafkaException;

/**
 * Checks that the topics a tool writes to exist, by asking the brokers' admin API: a producer asking for a topic's
 * partitions lets a broker with {@code auto.create.topics.enable} (Kafka's default, and the local broker's) create a
 * mistyped one, and the tool would report the records as sent to a topic nobody reads.
 */
public final class ExistingTopics {
    private static final long TIMEOUT_SECONDS = 15;

    private ExistingTopics() {}

    /** A topic the tool was asked to use does not exist: a failure (exit 1), not a usage error. */
    public static final class MissingTopicException extends RuntimeException implements Commands.ExitStatus {
        public MissingTopicException(String message) {
            super(message);
        }

        @Override
        public int exitCode() {
            return Commands.FAILED;
        }
    }

    /** The Admin client's share of a producer's or consumer's properties, with the tool's 15 s timeouts. */
    static Properties adminProperties(Properties clientProperties) {
        Properties p = new Properties();
        clientProperties.forEach((k, v) -> {
            // config.providers.<name>.class and its params are no declared names, but resolve ${file:...} values
            String key = String.valueOf(k);
            if (AdminClientConfig.configNames().contains(key) || key.startsWith("config.providers.")) p.put(k, v);
        });
        // a broker that does not answer fails the tool within its 15 s, closing included (Admin's default: 60 s)
        String timeoutMs = Long.toString(TimeUnit.SECONDS.toMillis(TIMEOUT_SECONDS));
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeoutMs);
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, timeoutMs);
        return p;
    }

    /**
     * Throws {@link MissingTopicException} naming the first of {@code topics} that does not exist;
     * {@code clientProperties} carry the bootstrap servers and any security settings.
     */
    public static void require(Properties clientProperties, Collection<String> topics) {
        Properties p = adminProperties(clientProperties);
        Admin admin = Admin.create(p);
        try {
            Set<String> existing = admin.listTopics().names().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            List<String> missing = new ArrayList<>();
            for (String t : topics) if (!existing.contains(t)) missing.add(t);
            if (!missing.isEmpty()) {
                throw new MissingTopicException("topic " + String.join(", ", missing) + " does not exist on "
                        + p.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG) + ", or this principal may not DESCRIBE it"
                        + " (a typo? `marquee kafka` creates marquee's topics; infra/kafka/create-topics.sh does on a"
                        + " cluster; docs/OPERATIONS.md#kafka-acls)");
            }
        } catch (ExecutionException e) {
            throw new KafkaException("cannot list the topics: " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new KafkaException("cannot list the topics within " + TIMEOUT_SECONDS + " s (is the broker reachable?)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaException("interrupted while listing the topics");
        } finally {
            admin.close(Duration.ofSeconds(1));
        }
    }
}

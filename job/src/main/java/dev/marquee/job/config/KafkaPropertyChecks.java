package dev.marquee.job.config;

import dev.marquee.data.config.SettingException;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The {@code kafka.property.*} values the job refuses at start-up: ones that would take over a first-class setting for
 * some of its clients only, values the producer's or consumer's own definitions refuse, and producer settings that
 * idempotence or exactly-once cannot run with (Kafka refuses a transactional producer without idempotence): else every
 * source or sink would fail on the TaskManagers and the job restart without end.
 */
final class KafkaPropertyChecks {
    /** Kafka client keys that have a setting of their own, which every client of the job follows. */
    private static final Map<String, String> FIRST_CLASS = Map.of(
            "bootstrap.servers", ScoringJobOptions.BOOTSTRAP_SERVERS.key(),
            "group.id", ScoringJobOptions.GROUP_ID.key(),
            "transactional.id", ScoringJobOptions.TRANSACTIONAL_ID_PREFIX.key(),
            "transaction.timeout.ms", ScoringJobOptions.TRANSACTION_TIMEOUT_MS.key());

    private KafkaPropertyChecks() {}

    static void check(Map<String, String> properties, DeliveryGuarantee delivery) {
        for (Map.Entry<String, String> e : FIRST_CLASS.entrySet()) {
            if (properties.containsKey(e.getKey())) {
                throw new SettingException(JobSettings.KAFKA_PROPERTY_PREFIX + e.getKey() + " is not taken: set "
                        + e.getValue() + " instead (it reaches every client of the job, the start-up checks and each"
                        + " slot's model-updates reader included)");
            }
        }
        checkValues(properties);
        checkDeliveryTimeout(properties);
        // KIP-939's two-phase commit: the producer then refuses the transaction.timeout.ms the Flink connector sets on
        // every sink, at either delivery guarantee (and the connector does not use it)
        refusePlaceholders(properties, "the Flink Kafka connector cannot run with it set to true",
                "transaction.two.phase.commit.enable");
        String twoPhase = value(properties, "transaction.two.phase.commit.enable");
        if (twoPhase != null && twoPhase.equals("true")) {
            throw new SettingException(JobSettings.KAFKA_PROPERTY_PREFIX + "transaction.two.phase.commit.enable=true"
                    + " cannot be used: the Flink Kafka connector sets transaction.timeout.ms on every sink, which the"
                    + " producer refuses beside it, and commits its own transactions with each checkpoint");
        }
        if (delivery != DeliveryGuarantee.EXACTLY_ONCE) { // exactly-once's own checks below are stricter
            checkIdempotence(properties);
            return;
        }
        refusePlaceholders(properties, "Kafka's transactions need the idempotent producer", "enable.idempotence", "acks",
                "retries", "max.in.flight.requests.per.connection");
        String idempotence = value(properties, "enable.idempotence");
        if (idempotence != null && !idempotence.equals("true")) {
            throw refused("enable.idempotence=" + idempotence);
        }
        String acks = value(properties, "acks");
        if (acks != null && !acks.equals("all") && !acks.equals("-1")) {
            throw refused("acks=" + acks);
        }
        String retries = value(properties, "retries");
        if (retries != null && retries.equals("0")) {
            throw refused("retries=0");
        }
        String inFlight = value(properties, "max.in.flight.requests.per.connection");
        if (inFlight != null && !(inFlight.matches("[1-5]"))) {
            throw refused("max.in.flight.requests.per.connection=" + inFlight);
        }
    }

    /**
     * Kafka's producer checks its idempotence settings together when it starts (ProducerConfig): on by default, it
     * refuses more than 5 requests in flight; asked for by name, it also refuses acks other than all and retries=0. So
     * would every sink on the TaskManagers, at either delivery guarantee.
     */
    private static void checkIdempotence(Map<String, String> properties) {
        String idempotence = value(properties, "enable.idempotence");
        if ("false".equals(idempotence)) return;
        String inFlight = value(properties, "max.in.flight.requests.per.connection");
        if (inFlight != null && !inFlight.contains("${") && inFlight.matches("\\d+") && Long.parseLong(inFlight) > 5) {
            throw new SettingException(JobSettings.KAFKA_PROPERTY_PREFIX + "max.in.flight.requests.per.connection=" + inFlight
                    + " is more than the idempotent producer takes (5); Kafka's producers are idempotent unless "
                    + JobSettings.KAFKA_PROPERTY_PREFIX + "enable.idempotence=false");
        }
        if (!"true".equals(idempotence)) return;
        String acks = value(properties, "acks");
        if (acks != null && !acks.equals("all") && !acks.equals("-1")) {
            throw new SettingException(JobSettings.KAFKA_PROPERTY_PREFIX + "enable.idempotence=true cannot be used with "
                    + JobSettings.KAFKA_PROPERTY_PREFIX + "acks=" + acks + ": Kafka's idempotent producer needs acks=all");
        }
        if ("0".equals(value(properties, "retries"))) {
            throw new SettingException(JobSettings.KAFKA_PROPERTY_PREFIX + "enable.idempotence=true cannot be used with "
                    + JobSettings.KAFKA_PROPERTY_PREFIX + "retries=0: Kafka's idempotent producer retries");
        }
    }

    /**
     * Kafka's producer checks one rule across values when it starts: a {@code delivery.timeout.ms} that is set must be
     * at least {@code linger.ms + request.timeout.ms} (those at the producer's defaults when not set), or every sink
     * fails on the TaskManagers. Values a config provider resolves are the producer's to check.
     */
    private static void checkDeliveryTimeout(Map<String, String> properties) {
        Long delivery = millis(properties, ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG);
        if (delivery == null) return;
        Long linger = millis(properties, ProducerConfig.LINGER_MS_CONFIG);
        Long request = millis(properties, ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG);
        if (linger == null && properties.containsKey(ProducerConfig.LINGER_MS_CONFIG)) return;
        if (request == null && properties.containsKey(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG)) return;
        long lingerMs = linger != null ? linger : defaultMillis(ProducerConfig.LINGER_MS_CONFIG);
        long requestMs = request != null ? request : defaultMillis(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG);
        if (delivery < lingerMs + requestMs) {
            throw new SettingException(JobSettings.KAFKA_PROPERTY_PREFIX + "delivery.timeout.ms=" + delivery
                    + " is less than linger.ms + request.timeout.ms (" + lingerMs + " + " + requestMs + " ms), which"
                    + " Kafka's producer refuses: raise it to at least " + (lingerMs + requestMs) + ", or lower "
                    + JobSettings.KAFKA_PROPERTY_PREFIX + "request.timeout.ms with it");
        }
    }

    /** A whole number of ms as written, or null when it is absent, resolved by a config provider, or not a number. */
    private static Long millis(Map<String, String> properties, String key) {
        String v = properties.get(key);
        if (v == null || v.contains("${")) return null;
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static long defaultMillis(String key) {
        return ((Number) ProducerConfig.configDef().defaultValues().get(key)).longValue();
    }

    /**
     * Each value against the producer's and the consumer's own definitions (type, range, allowed names), as the
     * clients on the TaskManagers will check it: {@code acks=2} or {@code isolation.level=read-committed} would
     * otherwise fail every source or sink there, and the job restart without end. A value a config provider
     * resolves ({@code ${...}}) is the clients' to check; keys neither client knows are left alone.
     */
    private static void checkValues(Map<String, String> properties) {
        for (org.apache.kafka.common.config.ConfigDef def : List.of(ProducerConfig.configDef(), ConsumerConfig.configDef())) {
            Map<String, Object> known = new HashMap<>();
            for (Map.Entry<String, String> e : properties.entrySet()) {
                if (def.names().contains(e.getKey()) && !e.getValue().contains("${")) known.put(e.getKey(), e.getValue());
            }
            if (known.isEmpty()) continue;
            known.putIfAbsent(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
            known.putIfAbsent(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
            known.putIfAbsent(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
            known.putIfAbsent(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
            known.putIfAbsent(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:9092");
            try {
                def.parse(known);
            } catch (org.apache.kafka.common.config.ConfigException e) {
                String why = String.valueOf(e.getMessage());
                throw new SettingException(JobSettings.KAFKA_PROPERTY_PREFIX + "*: the Kafka clients refuse a value: "
                        + (dev.marquee.data.config.SecretMasking.looksSecret(why) ? "(message not shown: it may carry a"
                        + " secret)" : why));
            }
        }
    }

    /** The setting as given; null when absent or a config provider's placeholder (those that must not be are refused first). */
    private static String value(Map<String, String> properties, String key) {
        String v = properties.get(key);
        return v == null || v.contains("${") ? null : v.trim().toLowerCase(Locale.ROOT);
    }

    /**
     * Keys these rules must read are given as they are: a config provider's value ({@code ${...}}) is resolved on the
     * TaskManagers, after these checks, and one the producer refused there would fail every sink for ever. None of
     * them is a secret.
     */
    static void refusePlaceholders(Map<String, String> properties, String why, String... keys) {
        for (String key : keys) {
            String v = properties.get(key);
            if (v != null && v.contains("${")) {
                throw new SettingException(JobSettings.KAFKA_PROPERTY_PREFIX + key + " cannot come from a config provider"
                        + " (" + v + "): " + why + ", which the job checks before it starts; give the value itself");
            }
        }
    }

    private static SettingException refused(String setting) {
        return new SettingException(JobSettings.KAFKA_PROPERTY_PREFIX + setting + " cannot be used with "
                + JobSettings.DELIVERY + " exactly-once: Kafka's transactions need the idempotent producer (acks=all,"
                + " retries above 0, at most 5 requests in flight)");
    }
}

package dev.marquee.job.config;

import dev.marquee.data.config.SettingException;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code kafka.property.*} values the job refuses at start-up: ones that would take over a first-class setting for
 * some of its clients only, and producer settings that exactly-once cannot run with (Kafka refuses a transactional
 * producer without idempotence, so every sink would fail on the TaskManagers and the job restart without end).
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
        if (delivery != DeliveryGuarantee.EXACTLY_ONCE) return;
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

    private static String value(Map<String, String> properties, String key) {
        String v = properties.get(key);
        return v == null ? null : v.trim().toLowerCase(Locale.ROOT);
    }

    private static SettingException refused(String setting) {
        return new SettingException(JobSettings.KAFKA_PROPERTY_PREFIX + setting + " cannot be used with "
                + JobSettings.DELIVERY + " exactly-once: Kafka's transactions need the idempotent producer (acks=all,"
                + " retries above 0, at most 5 requests in flight)");
    }
}

package dev.marquee.job.config;

/** How predictions and dead letters reach Kafka. */
public enum DeliveryGuarantee {
    /** Nothing lost; a restart after a failure may write some records twice. */
    AT_LEAST_ONCE,
    /** Nothing lost, nothing twice for read_committed consumers: Kafka transactions committed on checkpoints. */
    EXACTLY_ONCE;

    static DeliveryGuarantee parse(String key, String value) {
        switch (value) {
            case "at-least-once": return AT_LEAST_ONCE;
            case "exactly-once": return EXACTLY_ONCE;
            default:
                throw new dev.marquee.data.config.SettingException(key + " must be at-least-once or exactly-once, got '" + value + "'");
        }
    }
}

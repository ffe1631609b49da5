package dev.marquee.data.dashboard;

import dev.marquee.data.event.TopicNames;
import dev.marquee.data.config.Settings;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;

/** The dashboard's settings, validated. docs/REPLAY.md and {@link DashboardMain#USAGE} document them. */
record DashboardOptions(String bootstrap, String topic, String host, int port, int maxReports, Properties consumerProps) {
    static final String BOOTSTRAP = "bootstrap";
    static final String TOPIC = "topic";
    static final String HOST = "host";
    static final String PORT = "port";
    static final String MAX_REPORTS = "max-reports";
    static final String CONSUMER_PROP = "consumer-prop";

    static DashboardOptions from(Settings s, Properties extraConsumerProps) {
        return new DashboardOptions(
                s.string(BOOTSTRAP, defaultBootstrap()),
                s.string(TOPIC, TopicNames.DRIFT_METRICS),
                s.string(HOST, "127.0.0.1"),
                s.intInRange(PORT, 8088, 0, 65_535),
                s.intInRange(MAX_REPORTS, 2_000, 1, 1_000_000),
                extraConsumerProps);
    }

    /** Bootstrap servers, then the user's consumer properties over them. */
    Properties clientProps() {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.putAll(consumerProps);
        return p;
    }

    static String defaultBootstrap() {
        String env = System.getenv("MARQUEE_BOOTSTRAP");
        return env == null || env.isBlank() ? "localhost:9092" : env.trim();
    }
}

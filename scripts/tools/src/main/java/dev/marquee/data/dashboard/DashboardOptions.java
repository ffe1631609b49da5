package dev.marquee.data.dashboard;

import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;

/** The dashboard's settings, checked by {@link DashboardCommand}, which documents them. */
record DashboardOptions(String bootstrap, String topic, String modelName, String host, int port, int maxReports,
                        Properties consumerProps) {

    /** Bootstrap servers, then the user's consumer properties over them. */
    Properties clientProps() {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.putAll(consumerProps);
        return p;
    }
}

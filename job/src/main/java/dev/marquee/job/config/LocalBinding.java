package dev.marquee.job.config;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.TaskManagerOptions;

/**
 * Where a job run in this JVM (scripts/marquee score and trigger, scripts/run-local) listens: loopback only. Its
 * mini-cluster's REST API can cancel jobs and its blob server hands out job code, so neither is for the network.
 * A cluster takes its addresses from its own configuration (infra/flink/), where this changes nothing. Flink's
 * Prometheus reporter cannot be bound to an address (it listens on every interface): docs/RELIABILITY.md.
 */
public final class LocalBinding {
    public static final String LOOPBACK = "127.0.0.1";

    private LocalBinding() {}

    /** {@code conf} with the REST endpoint, the blob server and the RPC/data ports on loopback. */
    public static Configuration loopback(Configuration conf) {
        conf.set(RestOptions.BIND_ADDRESS, LOOPBACK);
        conf.set(RestOptions.ADDRESS, LOOPBACK);
        conf.set(JobManagerOptions.BIND_HOST, LOOPBACK); // the blob server binds here too
        conf.set(JobManagerOptions.ADDRESS, LOOPBACK);
        conf.set(TaskManagerOptions.BIND_HOST, LOOPBACK);
        conf.set(TaskManagerOptions.HOST, LOOPBACK);
        return conf;
    }
}

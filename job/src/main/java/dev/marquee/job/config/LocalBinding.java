package dev.marquee.job.config;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.streaming.api.environment.LocalStreamEnvironment;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Where a job run in this JVM (scripts/marquee score and trigger, scripts/run-local) listens: loopback only. Its
 * mini-cluster's REST API can cancel jobs and its blob server hands out job code, so neither is for the network.
 * A job submitted to a cluster ({@code flink run}) takes its addresses from the cluster's configuration: {@link
 * #environment} leaves that environment alone (layered over it, loopback addresses would send the client to
 * 127.0.0.1 instead of {@code -m}/{@code rest.address}). Flink's
 * Prometheus reporter cannot be bound to an address (it listens on every interface): docs/RELIABILITY.md.
 */
public final class LocalBinding {
    public static final String LOOPBACK = "127.0.0.1";

    private LocalBinding() {}

    /**
     * The environment a job's {@code main} runs in: under {@code flink run} (or a test's mini-cluster) the context
     * environment exactly as the client configured it; otherwise a local mini-cluster with {@code localConfiguration}.
     */
    public static StreamExecutionEnvironment environment(Configuration localConfiguration) {
        StreamExecutionEnvironment context = StreamExecutionEnvironment.getExecutionEnvironment();
        return context instanceof LocalStreamEnvironment
                ? StreamExecutionEnvironment.getExecutionEnvironment(localConfiguration)
                : context;
    }

    /**
     * Whether a job's main runs its own mini-cluster here (so a refused setting may end the process) rather than
     * under a Flink client or inside a JobManager (web UI or REST submission, application mode), where
     * {@code System.exit} would take the cluster's process down with it.
     */
    public static boolean runsItsOwnCluster() {
        return StreamExecutionEnvironment.getExecutionEnvironment() instanceof LocalStreamEnvironment;
    }

    /**
     * Refuses a model registry given relative, or as a URI, to a job submitted to a cluster: each TaskManager would
     * resolve it against its own working directory (and the submitting host's $MARQUEE_REGISTRY fixed it already).
     */
    public static void requireSharedRegistry(String registry) {
        requireSharedRegistry(StreamExecutionEnvironment.getExecutionEnvironment(), registry);
    }

    static void requireSharedRegistry(StreamExecutionEnvironment env, String registry) {
        if (env instanceof LocalStreamEnvironment) return;
        if (registry.contains("://") || !java.nio.file.Path.of(registry).isAbsolute()) {
            throw new dev.marquee.data.config.SettingException("model.registry must be an absolute path, mounted at the same"
                    + " place on every TaskManager, for a job submitted to a cluster; got '" + registry + "'"
                    + " (docs/OPERATIONS.md, \"Your own Flink and Kafka clusters\")");
        }
    }

    /**
     * A run in this JVM: loopback addresses and Flink's Prometheus reporter on {@code prometheusPorts} (a port or a
     * range; {@code off}: none). A cluster takes both from its own configuration (infra/flink/).
     */
    public static Configuration localRun(String prometheusPorts) {
        Configuration conf = loopback(new Configuration());
        if (prometheusPorts.equals("off")) return conf;
        conf.setString("metrics.reporter.prom.factory.class", "org.apache.flink.metrics.prometheus.PrometheusReporterFactory");
        conf.setString("metrics.reporter.prom.port", prometheusPorts);
        return conf;
    }

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

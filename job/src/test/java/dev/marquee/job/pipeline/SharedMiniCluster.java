package dev.marquee.job.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.flink.api.common.JobID;
import org.apache.flink.api.java.tuple.Tuple3;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.streaming.util.TestStreamEnvironment;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One Flink MiniCluster for every test class of the JVM (1 task manager, 4 slots, metrics kept in memory), started
 * by the first class that registers it and stopped when the JVM's test run ends. While a class runs,
 * {@code StreamExecutionEnvironment.getExecutionEnvironment()} submits to it.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final SharedMiniCluster FLINK = new SharedMiniCluster();
 * }</pre>
 */
public final class SharedMiniCluster implements BeforeAllCallback, AfterAllCallback {
    /** Enough for the scoring job and the trigger job side by side at parallelism 2. */
    public static final int SLOTS = 4;

    private static final InMemoryReporter METRICS = InMemoryReporter.createWithRetainedMetrics();

    /** Every job's metrics, kept after the job ends; look a job's up by its id. */
    public static InMemoryReporter metrics() {
        return METRICS;
    }

    /** Sums a counter (over subtasks) or reads a gauge of the job, by the metric's name; fails if none has it. */
    public static long metricSum(JobID job, String name) {
        long total = 0;
        int found = 0;
        for (Tuple3<MetricGroup, String, Metric> m : METRICS.findJobMetricGroups(job, ".*")) {
            if (!m.f1.equals(name)) continue;
            found++;
            if (m.f2 instanceof Counter c) total += c.getCount();
            else if (m.f2 instanceof Gauge<?> g) total += ((Number) g.getValue()).longValue();
        }
        assertThat(found).as("metric %s of the job", name).isPositive();
        return total;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        Running running = context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
                .getOrComputeIfAbsent(Running.class, k -> Running.start(), Running.class);
        TestStreamEnvironment.setAsContext(running.cluster, SLOTS);
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        TestStreamEnvironment.unsetAsContext();
        // A test that failed before its own cleanup must not leave a job holding slots (and restarting against a
        // broker already stopped) for the classes after it.
        Running running = context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL).get(Running.class, Running.class);
        if (running == null) return;
        for (var job : running.cluster.listJobs().get(60, java.util.concurrent.TimeUnit.SECONDS)) {
            if (!job.getJobState().isGloballyTerminalState()) {
                System.out.println("SharedMiniCluster: cancelling job " + job.getJobId() + " (" + job.getJobName()
                        + ") left running by " + context.getDisplayName());
                try {
                    running.cluster.cancelJob(job.getJobId()).get(60, java.util.concurrent.TimeUnit.SECONDS);
                } catch (java.util.concurrent.ExecutionException ended) {
                    // it finished between the listing and the cancel: nothing left to stop
                }
            }
        }
    }

    /** The cluster, closed by JUnit with the root context (the end of the JVM's test run). */
    private static final class Running implements ExtensionContext.Store.CloseableResource {
        final MiniCluster cluster;

        private Running(MiniCluster cluster) {
            this.cluster = cluster;
        }

        static Running start() {
            Configuration conf = METRICS.addToConfiguration(new Configuration());
            // Bounded for jobs that set no strategy of their own (Flink's default with checkpoints restarts for
            // ever): a job failing on every record fails its test instead of hanging the build.
            conf.set(org.apache.flink.configuration.RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
            conf.set(org.apache.flink.configuration.RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 10);
            conf.set(org.apache.flink.configuration.RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY,
                    java.time.Duration.ofSeconds(1));
            // On loopback and on free ports: Flink's REST default, 8081 on every interface, fails every test class
            // of this JVM when something else on the host (another build, a benchmark, a dev cluster) holds it.
            dev.marquee.job.config.LocalBinding.loopback(conf);
            MiniCluster cluster = new MiniCluster(new MiniClusterConfiguration.Builder()
                    .setConfiguration(conf).withRandomPorts()
                    .setNumTaskManagers(1).setNumSlotsPerTaskManager(SLOTS).build());
            try {
                cluster.start();
            } catch (Exception e) {
                throw new IllegalStateException("could not start the shared Flink MiniCluster", e);
            }
            return new Running(cluster);
        }

        @Override
        public void close() throws Exception {
            cluster.close();
        }
    }
}

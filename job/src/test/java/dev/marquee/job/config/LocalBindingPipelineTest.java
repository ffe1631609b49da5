package dev.marquee.job.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.client.program.StreamContextEnvironment;
import org.apache.flink.core.execution.DefaultExecutorServiceLoader;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;

/**
 * A local run's mini-cluster listens on loopback only: its REST API (which can cancel jobs) and its blob server
 * are checked against the kernel's table of listening sockets. The same check on Flink's defaults sees every
 * interface, which is what the test guards against.
 */
class LocalBindingPipelineTest {
    private static final Path TCP = Path.of("/proc/net/tcp");
    private static final Path TCP6 = Path.of("/proc/net/tcp6");

    @Test
    void theRestApiAndTheBlobServerListenOnLoopbackOnly() throws Exception {
        assumeTrue(Files.isReadable(TCP), "no /proc/net/tcp here: the listening addresses cannot be read");
        assertThat(listeningAddresses(new Configuration())).as("Flink's defaults: every interface")
                .anyMatch(a -> !a.equals("127.0.0.1"));
        assertThat(listeningAddresses(LocalBinding.loopback(new Configuration()))).containsOnly("127.0.0.1");
    }

    /**
     * Under {@code flink run -m jm.example:8081}, the client's context environment carries the cluster's address;
     * the job's main must not replace it with loopback (before, the submission went to 127.0.0.1).
     */
    @Test
    void aJobSubmittedToAClusterKeepsTheClustersAddresses() {
        Configuration cluster = new Configuration();
        cluster.set(RestOptions.ADDRESS, "jm.example");
        StreamContextEnvironment.setAsContext(new DefaultExecutorServiceLoader(), cluster,
                getClass().getClassLoader(), false, true);
        try {
            StreamExecutionEnvironment env = LocalBinding.environment(LocalBinding.loopback(new Configuration()));
            assertThat(env.getConfiguration().get(RestOptions.ADDRESS)).isEqualTo("jm.example");
        } finally {
            StreamContextEnvironment.unsetAsContext();
        }
        StreamExecutionEnvironment local = LocalBinding.environment(LocalBinding.loopback(new Configuration()));
        assertThat(local.getConfiguration().get(RestOptions.ADDRESS)).as("a run in this JVM").isEqualTo("127.0.0.1");
    }

    /** Each TaskManager would resolve a relative registry against its own working directory. */
    @Test
    void aJobSubmittedToAClusterNeedsAnAbsoluteRegistryPath() {
        StreamContextEnvironment.setAsContext(new DefaultExecutorServiceLoader(), new Configuration(),
                getClass().getClassLoader(), false, true);
        try {
            for (String bad : List.of(".marquee/registry", "file:///mnt/registry")) {
                org.assertj.core.api.Assertions.assertThatThrownBy(() -> LocalBinding.requireSharedRegistry(bad)).as(bad)
                        .isInstanceOf(dev.marquee.data.config.SettingException.class)
                        .hasMessageContaining("model.registry must be an absolute path");
            }
            LocalBinding.requireSharedRegistry("/mnt/registry");
        } finally {
            StreamContextEnvironment.unsetAsContext();
        }
        LocalBinding.requireSharedRegistry(".marquee/registry"); // a run in this JVM: its own directory
    }

    /** Under a Flink client or in a JobManager, a refused setting must fail the submission, not exit the process. */
    @Test
    void aJobsMainUnderAClusterFailsItsSubmissionInsteadOfExiting() {
        StreamContextEnvironment.setAsContext(new DefaultExecutorServiceLoader(), new Configuration(),
                getClass().getClassLoader(), false, true);
        try {
            assertThat(LocalBinding.runsItsOwnCluster()).isFalse();
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> dev.marquee.job.ScoringJob.main(
                    new String[] {"--kafka.bootstrap-servers", "127.0.0.1:1", "--model.registry", "relative/registry"}))
                    .isInstanceOf(dev.marquee.data.config.SettingException.class)
                    .hasMessageContaining("model.registry must be an absolute path");
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> dev.marquee.job.trigger.RetrainTriggerJob.main(
                    new String[] {"--kafka.bootstrap-servers", "127.0.0.1:1", "--model.registry", "relative/registry"}))
                    .isInstanceOf(dev.marquee.data.config.SettingException.class)
                    .hasMessageContaining("model.registry must be an absolute path");
        } finally {
            StreamContextEnvironment.unsetAsContext();
        }
        assertThat(LocalBinding.runsItsOwnCluster()).as("a run in this JVM").isTrue();
    }

    /** The local addresses the cluster's REST and blob ports listen on. */
    private static Set<String> listeningAddresses(Configuration conf) throws Exception {
        conf.set(RestOptions.BIND_PORT, "0");
        MiniClusterConfiguration mc = new MiniClusterConfiguration.Builder().setConfiguration(conf)
                .setNumTaskManagers(1).setNumSlotsPerTaskManager(1).build();
        try (MiniCluster cluster = new MiniCluster(mc)) {
            cluster.start();
            int rest = cluster.getRestAddress().get().getPort();
            int blob = cluster.getClusterInformation().getBlobServerPort();
            Set<String> out = new HashSet<>();
            out.addAll(listening(rest));
            out.addAll(listening(blob));
            assertThat(out).as("sockets found for ports " + rest + " and " + blob).isNotEmpty();
            return out;
        }
    }

    /** Addresses (dotted IPv4, or "::"-style for IPv6) with a LISTEN socket on {@code port}. */
    private static Set<String> listening(int port) throws IOException {
        Set<String> out = new HashSet<>();
        String hexPort = String.format(Locale.ROOT, ":%04X", port);
        for (Path table : List.of(TCP, TCP6)) {
            if (!Files.isReadable(table)) continue;
            for (String line : Files.readAllLines(table)) {
                String[] f = line.trim().split("\\s+");
                if (f.length < 4 || !f[1].endsWith(hexPort) || !f[3].equals("0A")) continue; // 0A: LISTEN
                out.add(address(f[1].substring(0, f[1].indexOf(':'))));
            }
        }
        return out;
    }

    private static String address(String hex) {
        if (hex.length() == 8) { // IPv4, little-endian
            long v = Long.parseLong(hex, 16);
            return (v & 0xff) + "." + ((v >> 8) & 0xff) + "." + ((v >> 16) & 0xff) + "." + ((v >> 24) & 0xff);
        }
        if (hex.equals("00000000000000000000000000000000")) return "::";
        if (hex.equals("0000000000000000FFFF00000100007F")) return "127.0.0.1";
        if (hex.equals("00000000000000000000000001000000")) return "::1";
        return "ipv6:" + hex;
    }
}

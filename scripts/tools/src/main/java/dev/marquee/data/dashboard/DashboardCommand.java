package dev.marquee.data.dashboard;

import dev.marquee.data.event.TopicNames;
import dev.marquee.tools.AtomicFiles;
import dev.marquee.tools.OptionRanges;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.common.KafkaException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code marquee dashboard}: serves a web page that plots the drift-metrics topic until the process is stopped.
 * See docs/REPLAY.md.
 */
@Command(name = "dashboard", mixinStandardHelpOptions = true, sortOptions = false,
        header = "serve a web page plotting the drift-metrics topic",
        description = "Serve a web page plotting the drift-metrics topic (drift metrics, thresholds, alerts, model version).")
public final class DashboardCommand implements Callable<Integer> {
    @Option(names = "--bootstrap", paramLabel = "HOST:PORT", defaultValue = "${env:MARQUEE_BOOTSTRAP:-localhost:9092}",
            description = "Kafka bootstrap servers (default: ${DEFAULT-VALUE}; from $MARQUEE_BOOTSTRAP when set)")
    String bootstrap;

    @Option(names = "--topic", paramLabel = "NAME", defaultValue = TopicNames.DRIFT_METRICS,
            description = "the drift report topic (default: ${DEFAULT-VALUE})")
    String topic;

    @Option(names = "--model-name", paramLabel = "NAME", defaultValue = "marquee",
            description = "the model whose reports to plot: another model's on the same topic are skipped (reports"
                    + " from jobs before session 25 name none and are plotted) (default: ${DEFAULT-VALUE})")
    String modelName;

    @Option(names = "--host", paramLabel = "ADDRESS", defaultValue = "127.0.0.1",
            description = "address to serve on (default: ${DEFAULT-VALUE}, this machine only; anything else shows "
                    + "the reports to whoever reaches it: there is no login)")
    String host;

    @Option(names = "--port", paramLabel = "N", defaultValue = "8088",
            description = "port to serve on; 0 picks a free one (default: ${DEFAULT-VALUE})")
    int port;

    @Option(names = "--max-reports", paramLabel = "N", defaultValue = "2000",
            description = "how many of the latest reports to keep in memory and plot (default: ${DEFAULT-VALUE})")
    int maxReports;

    @Option(names = "--consumer-prop", paramLabel = "K=V",
            description = "any Kafka consumer property, e.g. security.protocol=SASL_SSL (repeatable)")
    Map<String, String> consumerProps = new LinkedHashMap<>();

    @Option(names = "--url-file", paramLabel = "PATH",
            description = "once serving, write the page's URL to PATH (one line, never half-written); deleted on stop")
    Path urlFile;

    public DashboardCommand() {}

    /** The options asked for, checked. */
    DashboardOptions options() {
        Properties props = new Properties();
        consumerProps.forEach((k, v) -> props.put(k.trim(), v.trim()));
        return new DashboardOptions(bootstrap, topic, OptionRanges.modelName("--model-name", modelName), host, OptionRanges.between("--port", port, 0, 65_535),
                OptionRanges.between("--max-reports", maxReports, 1, 20_000), props);
    }

    /** Serves until the process is stopped (then 0), or the exit status of a failed start. */
    @Override
    public Integer call() {
        DashboardOptions options = options();
        DriftDashboard dashboard;
        int servingPort;
        try {
            dashboard = new DriftDashboard(options);
        } catch (KafkaException | IllegalArgumentException e) {
            System.err.println("dashboard: " + dev.marquee.data.config.Commands.causes(e));
            return 2;
        }
        try {
            servingPort = dashboard.start();
        } catch (IOException e) {
            dashboard.close();
            System.err.println("dashboard: cannot serve on " + options.host() + ":" + options.port() + ": " + e.getMessage());
            return 1;
        }
        String url = url(options.host(), servingPort);
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            stop(dashboard);
            stopped.countDown();
        }, "dashboard-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        System.out.printf("dashboard: %s (reading %s from %s)%n", url, options.topic(), options.bootstrap());
        if (!isLoopback(options.host())) {
            System.err.println("dashboard: warning: serving on " + options.host()
                    + ", which other machines may reach; the page has no login");
        }
        try {
            if (urlFile != null) AtomicFiles.writeLine(urlFile, url);
            stopped.await();
            return 0;
        } catch (IOException e) {
            System.err.println("dashboard: cannot write the URL to " + urlFile + ": " + e.getMessage());
            return 1;
        } catch (InterruptedException e) { // run in a thread (a test, a launcher of several commands): stop serving
            Thread.currentThread().interrupt();
            return 0;
        } finally {
            if (stopped.getCount() > 0) {
                Runtime.getRuntime().removeShutdownHook(hook);
                stop(dashboard);
            }
        }
    }

    private void stop(DriftDashboard dashboard) {
        deleteUrlFile();
        dashboard.close();
    }

    static String url(String host, int port) {
        return "http://" + hostForUrl(host) + ":" + port + "/";
    }

    private void deleteUrlFile() {
        if (urlFile == null) return;
        try {
            Files.deleteIfExists(urlFile);
        } catch (IOException e) {
            System.err.println("dashboard: could not delete " + urlFile + ": " + e.getMessage());
        }
    }

    private static boolean isLoopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static String hostForUrl(String host) {
        return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    }
}

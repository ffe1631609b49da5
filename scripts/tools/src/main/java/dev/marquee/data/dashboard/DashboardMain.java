package dev.marquee.data.dashboard;

import dev.marquee.data.config.CliArgs;
import dev.marquee.data.config.SettingException;
import java.io.IOException;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.common.KafkaException;

/** {@code scripts/marquee dashboard}: serves a web page that plots the drift-metrics topic. See docs/REPLAY.md. */
public final class DashboardMain {
    static final String USAGE = String.join("\n",
            "usage: marquee dashboard [options]",
            "  --bootstrap HOST:PORT   Kafka bootstrap servers (default: $MARQUEE_BOOTSTRAP or localhost:9092)",
            "  --topic NAME            the drift report topic (default: drift-metrics)",
            "  --host ADDRESS          address to serve on (default: 127.0.0.1, this machine only;",
            "                          anything else shows the reports to whoever reaches it: there is no login)",
            "  --port N                port to serve on; 0 picks a free one (default: 8088)",
            "  --max-reports N         how many of the latest reports to keep in memory and plot (default: 2000)",
            "  --consumer-prop K=V     any Kafka consumer property, e.g. security.protocol=SASL_SSL (repeatable)",
            "  --help                  this text");

    private static final CliArgs ARGS = new CliArgs(
            Set.of(DashboardOptions.BOOTSTRAP, DashboardOptions.TOPIC, DashboardOptions.HOST, DashboardOptions.PORT,
                    DashboardOptions.MAX_REPORTS, DashboardOptions.CONSUMER_PROP),
            Set.of("help"));

    private DashboardMain() {}

    public static void main(String[] args) {
        DashboardOptions options;
        try {
            options = parse(args);
        } catch (SettingException e) {
            System.err.println("dashboard: " + e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
            return;
        }
        if (options == null) {
            System.out.println(USAGE);
            return;
        }
        int failed = serve(options);
        if (failed != 0) System.exit(failed);
    }

    /** The options, or null when --help asked for the usage text. */
    static DashboardOptions parse(String[] args) {
        CliArgs.Parsed parsed = ARGS.parse(args);
        if (parsed.settings().bool("help", false)) return null;
        Properties consumerProps = parsed.properties(DashboardOptions.CONSUMER_PROP);
        return DashboardOptions.from(parsed.settings(), consumerProps);
    }

    /** Serves until the process is stopped (then returns 0), or returns the exit status of a failed start. */
    private static int serve(DashboardOptions options) {
        DriftDashboard dashboard;
        int port;
        try {
            dashboard = new DriftDashboard(options);
        } catch (KafkaException | IllegalArgumentException e) {
            System.err.println("dashboard: " + e.getMessage()
                    + (e.getCause() != null ? " (" + e.getCause().getMessage() + ")" : ""));
            return 2;
        }
        try {
            port = dashboard.start();
        } catch (IOException e) {
            dashboard.close();
            System.err.println("dashboard: cannot serve on " + options.host() + ":" + options.port() + ": " + e.getMessage());
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            dashboard.close();
            stopped.countDown();
        }, "dashboard-shutdown"));
        System.out.printf("dashboard: http://%s/ (reading %s from %s)%n",
                hostForUrl(options.host()) + ":" + port, options.topic(), options.bootstrap());
        if (!isLoopback(options.host())) {
            System.err.println("dashboard: warning: serving on " + options.host()
                    + ", which other machines may reach; the page has no login");
        }
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    private static boolean isLoopback(String host) {
        try {
            return java.net.InetAddress.getByName(host).isLoopbackAddress();
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    private static String hostForUrl(String host) {
        return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    }
}

package dev.marquee.data.dashboard;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The dashboard's HTTP side on the JDK's built-in server: the page and its script and style, {@code /api/reports}
 * and {@code /health}. Read-only: GET and HEAD only.
 */
final class DashboardServer implements AutoCloseable {
    private static final Pattern LOOPBACK_V4 = Pattern.compile("127(\\.\\d{1,3}){3}");
    private final InetSocketAddress address;
    private final ReportBuffer buffer;
    private final Supplier<ReaderStatus> status;
    private final String topic;
    private final Map<String, StaticResource> files;
    /** Changes when the dashboard restarts, so an open page knows its indexes no longer hold. */
    private final String instance = UUID.randomUUID().toString();
    private HttpServer server;

    /** The address it is bound to, as a URL (an IPv6 one in brackets). */
    private String ownUrl() {
        java.net.InetSocketAddress bound = server.getAddress();
        String host = bound.getAddress().getHostAddress();
        return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + bound.getPort() + "/";
    }
    private ExecutorService executor;

    /** Reports in one answer of /api/reports at most. */
    static final int PAGE = 500;

    DashboardServer(String host, int port, ReportBuffer buffer, Supplier<ReaderStatus> status, String topic) {
        this.address = new InetSocketAddress(host, port);
        if (address.isUnresolved()) throw new IllegalArgumentException("cannot resolve host '" + host + "'");
        this.buffer = buffer;
        this.status = status;
        this.topic = topic;
        StaticResource page = StaticResource.load("/", "index.html", "text/html; charset=utf-8");
        StaticResource script = StaticResource.load("/dashboard.js", "dashboard.js", "text/javascript; charset=utf-8");
        StaticResource style = StaticResource.load("/dashboard.css", "dashboard.css", "text/css; charset=utf-8");
        this.files = Map.of("/", page, "/index.html", page, script.path(), script, style.path(), style);
    }

    /** Binds and starts serving; returns the bound port (the chosen one when the port setting was 0). */
    synchronized int start() throws IOException {
        if (server != null) throw new IllegalStateException("already started");
        // The JDK's server waits for a request's headers and a response's reader without limit by default: two
        // connections that send half a request would hold every thread. Read by its configuration once, when the
        // first server is made.
        System.setProperty("sun.net.httpserver.maxReqTime", System.getProperty("sun.net.httpserver.maxReqTime", "30"));
        System.setProperty("sun.net.httpserver.maxRspTime", System.getProperty("sun.net.httpserver.maxRspTime", "60"));
        server = HttpServer.create(address, 16);
        executor = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "dashboard-http");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
        return server.getAddress().getPort();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            if (!method.equals("GET") && !method.equals("HEAD")) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                send(exchange, 405, "text/plain; charset=utf-8", bytes("method not allowed\n"));
                return;
            }
            if (!hostAllowed(exchange.getRequestHeaders().getFirst("Host"))) {
                send(exchange, 403, "text/plain; charset=utf-8", bytes("forbidden host: on a loopback address this"
                        + " dashboard answers only requests for localhost, 127.x.x.x or [::1] (a guard against DNS"
                        + " rebinding); open " + ownUrl() + " or start it with a --host address that is not loopback"
                        + " to serve other names\n"));
                return;
            }
            String path = exchange.getRequestURI().getPath();
            StaticResource file = files.get(path);
            if (file != null) {
                send(exchange, 200, file.contentType(), file.body());
            } else if (path.equals("/api/reports")) {
                Long after = QueryParams.afterIndex(exchange.getRequestURI().getRawQuery());
                if (after == null) {
                    send(exchange, 400, "text/plain; charset=utf-8", bytes("after must be a whole number >= -1\n"));
                } else {
                    // a page at a time: a full buffer (up to 20,000 reports) in one answer would outlast the page's
                    // fetch timeout over a slow tunnel; the page asks again at once while X-Marquee-More says so
                    List<ReportBuffer.Entry> entries = buffer.after(after);
                    boolean more = entries.size() > PAGE;
                    exchange.getResponseHeaders().set("X-Marquee-More", String.valueOf(more));
                    send(exchange, 200, "application/json", ReportsJson.reports(more ? entries.subList(0, PAGE) : entries));
                }
            } else if (path.equals("/health")) {
                // 503 while degraded: an HTTP probe (a load balancer's, Kubernetes') reads the code, not the body
                ReaderStatus now = status.get();
                send(exchange, ReportsJson.healthy(now) ? 200 : 503, "application/json",
                        ReportsJson.health(now, buffer, topic));
            } else {
                send(exchange, 404, "text/plain; charset=utf-8", bytes("not found\n"));
            }
        }
    }

    /**
     * On a loopback address only requests naming a loopback host are served, so a web page elsewhere cannot
     * read the dashboard through a DNS name rebound to 127.0.0.1.
     */
    private boolean hostAllowed(String hostHeader) {
        InetAddress bound = address.getAddress();
        if (bound == null || !bound.isLoopbackAddress()) return true;
        if (hostHeader == null) return false;
        String host = hostHeader.trim().toLowerCase(Locale.ROOT);
        if (host.startsWith("[")) {
            int end = host.indexOf(']');
            host = end < 0 ? host : host.substring(0, end + 1);
        } else if (host.indexOf(':') >= 0) {
            host = host.substring(0, host.indexOf(':'));
        }
        return host.equals("localhost") || host.equals("[::1]") || LOOPBACK_V4.matcher(host).matches();
    }

    private void send(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
        var headers = exchange.getResponseHeaders();
        headers.set("Content-Type", contentType);
        headers.set("Cache-Control", "no-store");
        headers.set("X-Content-Type-Options", "nosniff");
        headers.set("X-Frame-Options", "DENY");
        headers.set("Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'");
        headers.set("X-Marquee-Instance", instance);
        boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(status, head ? -1 : body.length);
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public synchronized void close() {
        if (server != null) {
            server.stop(0);
            executor.shutdownNow();
            server = null;
        }
    }
}

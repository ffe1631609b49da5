package dev.marquee.data.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.marquee.data.event.Alert;
import dev.marquee.data.event.DriftReport;
import dev.marquee.data.json.EventJson;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The HTTP side without Kafka or a browser: a filled buffer behind the real server on a free port. */
class DashboardServerTest {
    private final HttpClient http = HttpClient.newHttpClient();
    private final ReportBuffer buffer = new ReportBuffer(100);
    private DashboardServer server;
    private int port;

    @BeforeEach
    void start() throws IOException {
        for (int i = 0; i < 3; i++) {
            DriftReport r = ReportBufferTest.report(40 + i);
            r.modelVersion = 7;
            r.records = 1000 + i;
            r.metrics.put("user_id.oov_rate", 0.01 * (i + 1));
            r.metrics.put("latency.p99_ms", 12.5);
            r.thresholds.put("user_id.oov_rate", 0.025);
            if (i == 2) {
                r.alerts.add(new Alert("user_id.oov_rate", 0.03, 0.025, 1));
                r.drifted = true;
            }
            buffer.add(r);
        }
        server = new DashboardServer("127.0.0.1", 0, buffer, () -> new ReaderStatus("reading", 4, 1, "skipped x"), "dm");
        port = server.start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void reportsComeAsSnakeCaseJsonWithTheirIndex() throws Exception {
        HttpResponse<String> res = get("/api/reports");
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.headers().firstValue("Content-Type")).hasValue("application/json");
        JsonNode all = EventJson.mapper().readTree(res.body());
        assertThat(all.size()).isEqualTo(3);
        JsonNode last = all.get(2);
        assertThat(last.get("index").asLong()).isEqualTo(2);
        assertThat(last.get("sequence").asLong()).isEqualTo(42);
        assertThat(last.get("model_version").asLong()).isEqualTo(7);
        assertThat(last.get("window_end_ms").asLong()).isEqualTo(buffer.after(1).get(0).report().windowEndMs);
        assertThat(last.get("metrics").get("user_id.oov_rate").asDouble()).isEqualTo(0.03);
        assertThat(last.get("thresholds").get("user_id.oov_rate").asDouble()).isEqualTo(0.025);
        assertThat(last.get("alerts").get(0).get("metric").asText()).isEqualTo("user_id.oov_rate");
        assertThat(last.get("drifted").asBoolean()).isTrue();
    }

    @Test
    void afterGivesOnlyNewerReports() throws Exception {
        JsonNode newer = EventJson.mapper().readTree(get("/api/reports?after=1").body());
        assertThat(newer.size()).isEqualTo(1);
        assertThat(newer.get(0).get("index").asLong()).isEqualTo(2);
        assertThat(EventJson.mapper().readTree(get("/api/reports?after=2").body()).size()).isZero();
        assertThat(get("/api/reports?after=soon").statusCode()).isEqualTo(400);
    }

    /** A full buffer comes a page at a time, the header saying whether more follow: one answer would outlast a slow link. */
    @Test
    void reportsComeAPageAtATime() throws Exception {
        ReportBuffer big = new ReportBuffer(2_000);
        for (int i = 0; i < DashboardServer.PAGE + 20; i++) big.add(ReportBufferTest.report(i + 1));
        server.close();
        server = new DashboardServer("127.0.0.1", 0, big, () -> new ReaderStatus("reading", 0, 0, null), "dm");
        port = server.start();
        HttpResponse<String> first = get("/api/reports?after=-1");
        assertThat(first.headers().firstValue("X-Marquee-More")).hasValue("true");
        JsonNode page = EventJson.mapper().readTree(first.body());
        assertThat(page.size()).isEqualTo(DashboardServer.PAGE);
        HttpResponse<String> rest = get("/api/reports?after=" + page.get(page.size() - 1).get("index").asLong());
        assertThat(rest.headers().firstValue("X-Marquee-More")).hasValue("false");
        assertThat(EventJson.mapper().readTree(rest.body()).size()).isEqualTo(20);
    }

    /** A probe that reads only the status must see a reader that does not read (stopped, or refused by the brokers). */
    @Test
    void healthIsDegradedWhileTheReaderDoesNotRead() throws Exception {
        server.close();
        server = new DashboardServer("127.0.0.1", 0, buffer, () -> new ReaderStatus("not authorized", 0, 0, "denied"), "dm");
        port = server.start();
        HttpResponse<String> response = get("/health");
        assertThat(response.statusCode()).isEqualTo(503);
        JsonNode h = EventJson.mapper().readTree(response.body());
        assertThat(h.get("status").asText()).isEqualTo("degraded");
        assertThat(h.get("reader").asText()).isEqualTo("not authorized");
    }

    @Test
    void healthTellsWhatTheReaderDoes() throws Exception {
        HttpResponse<String> response = get("/health");
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode h = EventJson.mapper().readTree(response.body());
        assertThat(h.get("status").asText()).isEqualTo("ok");
        assertThat(h.get("topic").asText()).isEqualTo("dm");
        assertThat(h.get("reader").asText()).isEqualTo("reading");
        assertThat(h.get("records_read").asLong()).isEqualTo(4);
        assertThat(h.get("records_skipped").asLong()).isEqualTo(1);
        assertThat(h.get("reports_held").asLong()).isEqualTo(3);
        assertThat(h.get("max_reports").asLong()).isEqualTo(100);
    }

    @Test
    void servesThePageWithItsScriptAndStyleOnly() throws Exception {
        HttpResponse<String> page = get("/");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
        assertThat(page.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(v -> assertThat(v).contains("default-src 'self'"));
        assertThat(page.body()).contains("id=\"model-version\"", "dashboard.js", "dashboard.css");
        assertThat(get("/dashboard.js").body()).contains("api/reports?after=");
        assertThat(get("/dashboard.css").statusCode()).isEqualTo(200);
        assertThat(get("/../etc/passwd").statusCode()).isEqualTo(404);
        assertThat(get("/dashboard").statusCode()).isEqualTo(404);
    }

    @Test
    void isReadOnly() throws Exception {
        HttpResponse<String> res = http.send(HttpRequest.newBuilder(uri("/api/reports"))
                .POST(HttpRequest.BodyPublishers.ofString("[]")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(res.statusCode()).isEqualTo(405);
    }

    @Test
    void onLoopbackRefusesRequestsForOtherHostNames() throws IOException {
        assertThat(statusWithHost("evil.example:" + port)).isEqualTo(403);
        assertThat(responseWithHost("localhost.:" + port)).as("the refusal says why and where to go instead")
                .contains("forbidden host", "DNS rebinding", "http://127.0.0.1:" + port + "/", "--host address that is not loopback");
        assertThat(statusWithHost("127.evil.example")).isEqualTo(403);
        assertThat(statusWithHost("localhost:" + port)).isEqualTo(200);
        assertThat(statusWithHost("127.0.0.1:" + port)).isEqualTo(200);
    }

    private int statusWithHost(String host) throws IOException {
        String statusLine = responseWithHost(host).lines().findFirst().orElse("");
        return Integer.parseInt(statusLine.split(" ")[1]);
    }

    private String responseWithHost(String host) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            OutputStream out = s.getOutputStream();
            out.write(("GET /health HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }
}

package dev.marquee.data.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.marquee.data.event.Alert;
import dev.marquee.data.event.DriftReport;
import dev.marquee.data.event.Episode;
import dev.marquee.data.json.EventCodec;
import dev.marquee.infra.testing.KafkaBrokerExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Publishes drift reports to a real broker, starts the dashboard on a free port, loads the page in headless
 * Chromium and checks what it plotted against what was published.
 */
class DriftDashboardITCase {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    private static final int WINDOWS = 12;
    /** Enough virtual time for the page's first fetches and render; it polls every 2 s after that. */
    private static final int VIRTUAL_TIME_MS = 5_000;
    private static final EventCodec<DriftReport> CODEC = EventCodec.of(DriftReport.class);

    @Test
    void pagePlotsEveryPublishedMetricWithItsThresholdAndAlerts() throws Exception {
        HeadlessChromium chromium = HeadlessChromium.findOrAbort();
        String topic = KAFKA.createTopic("drift-metrics", 2);
        List<DriftReport> published = reports(new Random(System.nanoTime()));
        publish(topic, published, true);

        try (DriftDashboard dashboard = new DriftDashboard(options(topic))) {
            int port = dashboard.start();
            await().atMost(Duration.ofSeconds(30)).until(() -> dashboard.status().read() == WINDOWS + 2);
            assertThat(dashboard.reportsHeld()).isEqualTo(WINDOWS);
            assertThat(dashboard.status().skipped()).isEqualTo(2);

            String dom = chromium.dumpDom("http://127.0.0.1:" + port + "/", VIRTUAL_TIME_MS);

            List<Map<String, String>> charts = DomTags.tags(dom, "svg", Map.of("class", "chart"));
            assertThat(charts).extracting(c -> c.get("data-metric")).containsExactlyInAnyOrderElementsOf(metricNames(published));
            for (Map<String, String> chart : charts) {
                String metric = chart.get("data-metric");
                List<Double> expected = valuesByWindowEnd(published, metric);
                assertThat(chart.get("data-points")).as("points of %s", metric).isEqualTo(String.valueOf(expected.size()));
                Double threshold = published.get(WINDOWS - 1).thresholds.get(metric);
                if (threshold == null) {
                    assertThat(chart).as("chart of %s", metric).doesNotContainKey("data-threshold");
                } else {
                    assertThat(Double.parseDouble(chart.get("data-threshold"))).as("threshold of %s", metric).isEqualTo(threshold);
                }
                Map<String, String> line = single(DomTags.tags(dom, "polyline", Map.of("class", "series", "data-metric", metric)));
                assertThat(line.get("points").trim().split("\\s+")).as("polyline of %s", metric).hasSize(expected.size());
                // The exact values only the reports published to Kafka in this run carry, in window order.
                assertThat(parseDoubles(line.get("data-values"))).as("values of %s", metric).containsExactlyElementsOf(expected);
            }

            assertThat(DomTags.tags(dom, "li", Map.of())).filteredOn(li -> li.containsKey("data-metric"))
                    .extracting(li -> li.get("data-metric")).containsExactly("prediction.psi");
            assertThat(DomTags.textById(dom, "drift-status")).isEqualTo("DRIFTED");
            Map<String, String> steps = single(DomTags.tags(dom, "polyline", Map.of("class", "threshold threshold-steps")));
            assertThat(parseDoubles(steps.get("data-values"))).as("movie_title.js's threshold, window by window")
                    .containsExactlyElementsOf(published.stream().map(r -> r.thresholds.get("movie_title.js")).toList());
            // level across each window it judged (its start to its end), not sloped from one window's end to the next
            String[] corners = steps.get("points").trim().split("\\s+");
            assertThat(corners).hasSize(2 * WINDOWS);
            for (int i = 0; i < corners.length; i += 2) {
                assertThat(corners[i].split(",")[1]).as("step %d is level", i / 2).isEqualTo(corners[i + 1].split(",")[1]);
            }
            assertThat(DomTags.tags(dom, "p", Map.of("id", "episode"))).singleElement()
                    .satisfies(p -> assertThat(p).containsEntry("data-open", "true")
                            .containsEntry("data-episode-id", String.valueOf(WINDOWS - 2)));
            assertThat(DomTags.textById(dom, "episode")).contains("drift episode " + (WINDOWS - 2) + " open",
                    "prediction.psi", "Heat (1995)");
            assertThat(DomTags.textById(dom, "model-version")).isEqualTo("2");
            assertThat(DomTags.textById(dom, "unavailable")).isEqualTo("not measured: movie_title.linf, prediction.js "
                    + "(version 2 has no reference profile); labels.estimated_rmse (version 2 has no error model)");
            assertThat(DomTags.tags(dom, "rect", Map.of("class", "alert-band"))).as("alert windows of prediction.psi").hasSize(2);
            assertThat(DomTags.tags(dom, "span", Map.of("id", "reader-status")))
                    .singleElement().satisfies(s -> assertThat(s).containsEntry("data-skipped", "2"));
        }
    }

    @Test
    void pageOfADriftEpisodeRendersAsAScreenshot() throws Exception {
        HeadlessChromium chromium = HeadlessChromium.findOrAbort();
        String topic = KAFKA.createTopic("drift-metrics", 1);
        long start = System.currentTimeMillis() - 60 * 10_000L; // ending now: the page shows the episode as current
        List<DriftReport> episode = DriftEpisode.reports(60, start, 7);
        publish(topic, episode, false);
        Path png = Paths.get(System.getProperty("dashboard.screenshot", "target/dashboard.png"));

        try (DriftDashboard dashboard = new DriftDashboard(options(topic))) {
            int port = dashboard.start();
            await().atMost(Duration.ofSeconds(30)).until(() -> dashboard.reportsHeld() == episode.size());
            chromium.screenshot("http://127.0.0.1:" + port + "/", png, 1400, 1000, VIRTUAL_TIME_MS);
        }
        byte[] bytes = Files.readAllBytes(png);
        assertThat(Arrays.copyOf(bytes, 8)).isEqualTo(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        assertThat(bytes.length).as("a page with charts, not a blank one").isGreaterThan(50_000);
    }

    /** The job writes no report for a window without records: an old last window is not shown as current. */
    @Test
    void aLastWindowLongOverIsShownAsNoDataSinceThen() throws Exception {
        HeadlessChromium chromium = HeadlessChromium.findOrAbort();
        String topic = KAFKA.createTopic("drift-metrics", 1);
        // noon (UTC) thirty days ago: the same date in any time zone the browser has; the dashboard keeps a year
        long noon = java.time.LocalDate.now(java.time.ZoneOffset.UTC).minusDays(30).atTime(12, 0)
                .toInstant(java.time.ZoneOffset.UTC).toEpochMilli();
        List<DriftReport> episode = new ArrayList<>(DriftEpisode.reports(6, noon, 7));
        episode.addAll(DriftEpisode.reports(6, noon + 3_600_000L, 8)); // and an hour later: a gap between
        publish(topic, episode, false);
        try (DriftDashboard dashboard = new DriftDashboard(options(topic))) {
            int port = dashboard.start();
            await().atMost(Duration.ofSeconds(30)).until(() -> dashboard.reportsHeld() == episode.size());
            String dom = chromium.dumpDom("http://127.0.0.1:" + port + "/", VIRTUAL_TIME_MS);
            assertThat(DomTags.textById(dom, "drift-status")).startsWith("NO DATA since "
                    + java.time.Instant.ofEpochMilli(noon).atZone(java.time.ZoneOffset.UTC).toLocalDate());
            // the hour without reports is shaded in every chart, not drawn as if the line had data across it
            List<Map<String, String>> gaps = DomTags.tags(dom, "rect", Map.of("class", "gap"));
            assertThat(gaps).isNotEmpty().allSatisfy(g -> assertThat(Long.parseLong(g.get("data-to-ms"))
                    - Long.parseLong(g.get("data-from-ms"))).isGreaterThan(3_000_000L));
        }
    }

    /**
     * Reports kept coming for two minutes without one metric (too few requests to measure it, say): its chart marks
     * them as reports without it, not as the grey "no report" of a job that was down, which no chart shows here; so
     * does a chart whose metric the first or the last reports left out.
     */
    @Test
    void aMetricLeftOutOfSomeReportsIsNotShownAsTheJobDown() throws Exception {
        HeadlessChromium chromium = HeadlessChromium.findOrAbort();
        String topic = KAFKA.createTopic("drift-metrics", 1);
        List<DriftReport> reports = DriftEpisode.reports(20, System.currentTimeMillis() - 20 * 10_000L, 9);
        for (int w = 5; w < 17; w++) reports.get(w).metrics.remove("movie_title.js");
        for (int w = 17; w < 20; w++) reports.get(w).metrics.remove("movie_title.oov_rate"); // up to the last report
        // a per-code rate is written only in windows where that code occurred: 0 in the others, not missing
        reports.get(10).metrics.put("schema.invalid_rate.MALFORMED_JSON", 0.004);
        publish(topic, reports, false);
        try (DriftDashboard dashboard = new DriftDashboard(options(topic))) {
            int port = dashboard.start();
            await().atMost(Duration.ofSeconds(30)).until(() -> dashboard.reportsHeld() == reports.size());
            String dom = chromium.dumpDom("http://127.0.0.1:" + port + "/", VIRTUAL_TIME_MS);
            assertThat(DomTags.tags(dom, "rect", Map.of("class", "gap"))).as("no chart shows the job as down").isEmpty();
            assertThat(single(DomTags.tags(dom, "svg", Map.of("class", "chart", "data-metric",
                    "schema.invalid_rate.MALFORMED_JSON")))).containsEntry("data-points", "20");
            assertThat(DomTags.tags(dom, "rect", Map.of("class", "missing")))
                    .extracting(m -> m.get("data-from-ms") + "-" + m.get("data-to-ms")).containsExactlyInAnyOrder(
                            // movie_title.js: between the points around the reports without it
                            reports.get(4).windowEndMs + "-" + reports.get(17).windowEndMs,
                            // movie_title.oov_rate: from its last point to the last report
                            reports.get(16).windowEndMs + "-" + reports.get(19).windowEndMs,
                            // labels.rmse, which the episode's first three windows have none of: from the first window
                            reports.get(0).windowStartMs + "-" + reports.get(3).windowEndMs);
        }
    }

    @Test
    void waitsForATopicThatDoesNotExistYetWithoutCreatingIt() throws Exception {
        String topic = "drift-metrics-later-" + UUID.randomUUID().toString().substring(0, 8);
        try (DriftDashboard dashboard = new DriftDashboard(options(topic));
                Admin admin = Admin.create(Map.<String, Object>of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers()))) {
            dashboard.start();
            await().atMost(Duration.ofSeconds(30)).until(() -> dashboard.status().state().equals("waiting for topic"));
            assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).doesNotContain(topic);

            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
            List<DriftReport> published = reports(new Random(3));
            publish(topic, published, false);
            await().atMost(Duration.ofSeconds(30)).until(() -> dashboard.reportsHeld() == published.size());
            assertThat(dashboard.status().state()).isEqualTo("reading");

            // Deleted under the reader, then created again (a fresh broker's topic): read anew from its start.
            admin.deleteTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(30)).until(() -> dashboard.status().state().equals("waiting for topic"));
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
                admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
                return true;
            });
            List<DriftReport> again = reports(new Random(4)).subList(0, 3);
            for (DriftReport r : again) r.sequence += 100;
            publish(topic, again, false);
            await().atMost(Duration.ofSeconds(30)).until(() -> dashboard.reportsHeld() == published.size() + again.size());
        }
    }

    /** A topic holding more reports than the buffer keeps: only the latest are read, not the topic's whole history. */
    @Test
    void atStartOnlyTheLatestReportsTheBufferKeepsAreRead() throws Exception {
        String topic = KAFKA.createTopic("drift-metrics", 1);
        List<DriftReport> published = reports(new Random(5));
        publish(topic, published, false);
        DashboardOptions five = new DashboardOptions(KAFKA.bootstrapServers(), topic, "marquee", "127.0.0.1", 0, 5, new Properties());
        try (DriftDashboard dashboard = new DriftDashboard(five)) {
            dashboard.start();
            // the read counter moves record by record, after the buffer fills: wait on it, not on the buffer
            await().atMost(Duration.ofSeconds(30)).until(() -> dashboard.status().read() >= 10 && dashboard.reportsHeld() == 5);
            // twice the buffer in offsets (an exactly-once job's commit markers take one each), not the topic's 12
            assertThat(dashboard.status().read()).as("records read").isEqualTo(10);
        }
    }

    /**
     * Twelve windows: user and title metrics throughout, prediction.psi from the third window on and over its
     * threshold in the last three (alerting in the last two), schema.invalid_rate in every other window, latency
     * without a threshold; model version 1, then 2 from the seventh window.
     */
    private static List<DriftReport> reports(Random rnd) {
        List<DriftReport> out = new ArrayList<>();
        // the last window ends a minute ahead, so a slow run still shows it as current (NO DATA after a minute)
        long start = System.currentTimeMillis() - WINDOWS * 10_000L + 60_000L;
        for (int w = 0; w < WINDOWS; w++) {
            DriftReport r = new DriftReport();
            r.sequence = w;
            r.windowStartMs = start + w * 10_000L;
            r.windowEndMs = r.windowStartMs + 10_000L;
            r.modelVersion = w < 6 ? 1 : 2;
            r.records = 1_000 + rnd.nextInt(100);
            r.validCount = r.records;
            r.scoredCount = r.records;
            r.metrics.put("user_id.oov_rate", 0.01 + rnd.nextDouble() * 0.02);
            r.metrics.put("movie_title.js", 0.02 + rnd.nextDouble() * 0.03);
            r.metrics.put("latency.p99_ms", 20 + rnd.nextDouble() * 30);
            r.thresholds.put("user_id.oov_rate", 0.1);
            r.thresholds.put("movie_title.js", 0.1 + 0.005 * w); // calibrated: it follows each window's size
            r.thresholds.put("prediction.psi", 0.25);
            if (w >= 2) r.metrics.put("prediction.psi", w >= WINDOWS - 3 ? 0.3 + rnd.nextDouble() * 0.2 : rnd.nextDouble() * 0.1);
            if (w % 2 == 1) {
                r.metrics.put("schema.invalid_rate", rnd.nextDouble() * 0.01);
                r.thresholds.put("schema.invalid_rate", 0.02);
            }
            if (w >= WINDOWS - 2) {
                r.alerts.add(new Alert("prediction.psi", r.metrics.get("prediction.psi"), 0.25, w - (WINDOWS - 4)));
                r.drifted = true;
                Episode e = new Episode();
                e.id = WINDOWS - 2;
                e.event = w == WINDOWS - 2 ? Episode.OPENED : null;
                e.open = true;
                e.openedAtMs = start + (WINDOWS - 1) * 10_000L;
                e.windows = w - (WINDOWS - 3);
                e.movers.add(new Episode.Mover("prediction.psi", r.metrics.get("prediction.psi"), 0.25));
                e.titlesGrown.add(new Episode.CategoryShift("Heat (1995)", 0.04, 0.01));
                r.episode = e;
            }
            if (w == WINDOWS - 1) {
                r.unavailable.put("movie_title.linf", "version 2 has no reference profile");
                r.unavailable.put("prediction.js", "version 2 has no reference profile");
                r.unavailable.put("labels.estimated_rmse", "version 2 has no error model");
            }
            out.add(r);
        }
        return out;
    }

    /** Sends the reports keyed by sequence (so they spread over partitions), plus two records that are not reports. */
    private static void publish(String topic, List<DriftReport> reports, boolean withJunk) throws Exception {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(KAFKA.producerProps())) {
            if (withJunk) {
                producer.send(new ProducerRecord<>(topic, "junk", "{\"sequence\": not json")).get(30, TimeUnit.SECONDS);
                producer.send(new ProducerRecord<>(topic, "empty", "")).get(30, TimeUnit.SECONDS);
            }
            for (DriftReport r : reports) {
                producer.send(new ProducerRecord<>(topic, String.valueOf(r.sequence), CODEC.encodeToString(r)));
            }
            producer.flush();
        }
    }

    private static DashboardOptions options(String topic) {
        return new DashboardOptions(KAFKA.bootstrapServers(), topic, "marquee", "127.0.0.1", 0, 100, new Properties());
    }

    private static List<String> metricNames(List<DriftReport> reports) {
        Map<String, Boolean> names = new LinkedHashMap<>();
        reports.forEach(r -> r.metrics.keySet().forEach(k -> names.put(k, true)));
        return List.copyOf(names.keySet());
    }

    private static List<Double> valuesByWindowEnd(List<DriftReport> reports, String metric) {
        return reports.stream().sorted(Comparator.comparingLong(r -> r.windowEndMs))
                .filter(r -> r.metrics.containsKey(metric)).map(r -> r.metrics.get(metric)).toList();
    }

    private static List<Double> parseDoubles(String csv) {
        return Arrays.stream(csv.split(",")).map(Double::parseDouble).toList();
    }

    private static Map<String, String> single(List<Map<String, String>> tags) {
        assertThat(tags).hasSize(1);
        return tags.get(0);
    }
}

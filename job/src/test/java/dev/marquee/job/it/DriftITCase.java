package dev.marquee.job.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.data.event.Alert;
import dev.marquee.data.event.DriftReport;
import dev.marquee.data.event.Rating;
import dev.marquee.data.json.EventCodec;
import dev.marquee.data.movielens.MovieLens100K;
import dev.marquee.data.movielens.MovieLensDir;
import dev.marquee.data.movielens.Split;
import dev.marquee.data.movielens.Splits;
import dev.marquee.data.replay.RequestEncoder;
import dev.marquee.data.replay.drift.CatalogSwap;
import dev.marquee.data.replay.drift.DriftInjection;
import dev.marquee.data.replay.drift.DriftInjector;
import dev.marquee.data.testing.Prerequisites;
import dev.marquee.infra.testing.KafkaBrokerExtension;
import dev.marquee.job.ScoringJob;
import dev.marquee.job.config.JobSettings;
import dev.marquee.data.drift.DriftMetricNames;
import dev.marquee.job.pipeline.SharedMiniCluster;
import dev.marquee.job.score.KafkaModelUpdates;
import dev.marquee.job.sink.KafkaConnections;
import dev.marquee.job.source.RawRecord;
import dev.marquee.model.Architecture;
import dev.marquee.model.ModelRegistry;
import dev.marquee.model.Trainer;
import dev.marquee.model.TrainedModel;
import dev.marquee.model.TrainingConfig;
import dev.marquee.model.testing.TestModels;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Random;
import java.util.stream.Collectors;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Drift detection end to end on ML-100K with the time-split model, at the default (calibrated) thresholds:
 * stationary traffic drawn from the training distribution raises no alert, and each injected drift kind raises
 * an alert on the metric it should move, and opens one episode naming it, within 3 windows of its start; every
 * report estimates the RMSE without labels. One job run replays every episode in turn,
 * each drift episode followed by stationary traffic again. Windows are count-based here (2,000 requests)
 * so the episodes line up with them whatever the machine's speed.
 */
class DriftITCase {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @RegisterExtension
    static final SharedMiniCluster FLINK = new SharedMiniCluster();

    private static final int WINDOW = 2_000;
    private static final int STATIONARY_WINDOWS = 4;
    private static final int DRIFT_WINDOWS = 4;
    private static final Duration DEADLINE = Duration.ofSeconds(120);

    @TempDir
    static Path registryDir;
    private static Split split;

    /** One stretch of the replay: stationary, or one drift kind, and the metric it must raise. */
    private record Episode(String name, DriftInjection drift, String expectedMetric, int windows) {
        boolean stationary() {
            return expectedMetric == null;
        }
    }

    @BeforeAll
    static void trainTheTimeSplitModel() throws Exception {
        Optional<MovieLensDir> dir = MovieLensDir.findForTests();
        Prerequisites.assumeOrFailInCi(dir.isPresent(), MovieLensDir.testSkipMessage());
        split = Splits.referenceTime(new MovieLens100K(dir.get()).ratings());
        try (TrainedModel model = new Trainer(TrainingConfig.defaults(Architecture.DEFAULT), line -> { })
                .train(split.train(), split.validation())) {
            assertThat(new ModelRegistry(registryDir).publish(TestModels.NAME, model::exportSavedModel)).isEqualTo(1);
        }
    }

    @Test
    void stationaryTrafficRaisesNoAlertAndEveryDriftKindRaisesItsOwnWithinThreeWindows() throws Exception {
        List<Episode> episodes = List.of(
                stationary(2 * STATIONARY_WINDOWS),
                drift("new catalog", DriftInjection.builder().catalog(CatalogSwap.synthetic(1_000)), DriftMetricNames.TITLE_OOV),
                stationary(STATIONARY_WINDOWS),
                drift("unseen users", DriftInjection.builder().unseenUsers(), DriftMetricNames.USER_OOV),
                stationary(STATIONARY_WINDOWS),
                drift("type change", DriftInjection.builder().typeChange("timestamp"), DriftMetricNames.TYPE_CHANGE_RATE),
                stationary(STATIONARY_WINDOWS),
                drift("extra fields", DriftInjection.builder().extraFields(3), DriftMetricNames.UNEXPECTED_FIELD_RATE),
                stationary(STATIONARY_WINDOWS),
                drift("timestamp skew", DriftInjection.builder().timestampSkew(12 * 3_600), DriftMetricNames.SLICE_GAP),
                stationary(STATIONARY_WINDOWS));

        String requests = KAFKA.createTopic("requests", 1); // one partition keeps the episodes in order
        String drift = KAFKA.createTopic("drift", 1);
        int[] starts = send(requests, episodes);
        int total = starts[starts.length - 1];

        Map<String, String> values = new HashMap<>(Map.of(
                "drift.window.records", Integer.toString(WINDOW),
                "drift.window.ms", "600000",
                "drift.partial.records", "100",
                // The requests are all sent before the job starts: end-to-end latency here is backlog, not drift.
                "drift.threshold.latency.p99_ms", "off"));
        values.putAll(Map.of(
                JobSettings.BOOTSTRAP, KAFKA.bootstrapServers(),
                JobSettings.TOPIC_REQUESTS, requests,
                JobSettings.TOPIC_PREDICTIONS, KAFKA.createTopic("predictions", 2),
                JobSettings.TOPIC_DEAD_LETTERS, KAFKA.createTopic("dlq", 1),
                JobSettings.TOPIC_MODEL_UPDATES, KAFKA.createTopic("updates", 1),
                JobSettings.TOPIC_MODEL_STATUS, KAFKA.createTopic("status", 1),
                JobSettings.TOPIC_DRIFT, drift,
                JobSettings.MODEL_REGISTRY, registryDir.toString()));
        JobSettings settings = JobSettings.from(values);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        ScoringJob.configure(env, settings);
        DataStream<RawRecord> in = env.fromSource(KafkaConnections.requestSource(settings, true),
                WatermarkStrategy.noWatermarks(), "requests").uid("source-rating-requests");
        ScoringJob.buildToKafka(env, settings, in, KafkaModelUpdates.fromEarliest(settings));
        env.execute("drift");

        List<DriftReport> reports = readReports(drift, total);
        String timeline = timeline(reports);
        // The parse stage runs ahead of scoring (the requests are a backlog here), so a window's schema counts
        // and its prediction counts come from different requests. Each episode is located in the windows twice:
        // by the requests the parse stage counted, and by the predictions scored.
        long[] byRecords = new long[reports.size()];
        long[] byScored = new long[reports.size()];
        long records = 0;
        long scored = 0;
        for (int i = 0; i < reports.size(); i++) {
            byRecords[i] = records += reports.get(i).records;
            byScored[i] = scored += reports.get(i).scoredCount;
        }
        assertThat(records).as("every request counted once").isEqualTo(total);
        int[] validStarts = validStarts(episodes, starts);
        assertThat(scored).as("every valid request scored once").isEqualTo(validStarts[episodes.size()]);

        for (int e = 0; e < episodes.size(); e++) {
            Episode episode = episodes.get(e);
            int firstParsed = windowOf(byRecords, starts[e]);
            int lastParsed = windowOf(byRecords, starts[e + 1] - 1);
            boolean scoredEpisode = validStarts[e + 1] > validStarts[e];
            int firstScored = scoredEpisode ? windowOf(byScored, validStarts[e]) : firstParsed;
            int lastScored = scoredEpisode ? windowOf(byScored, validStarts[e + 1] - 1) : lastParsed;
            if (episode.stationary()) {
                // Windows holding only this episode's requests in both stages; after a drift episode, the
                // first of them may still alert (the hysteresis ends on the first clean window). After the type
                // change, the second too: its dead letters are counted on a channel of their own, whose summaries
                // may reach the window operator a window after the requests' (a CI run saw 100 of them there).
                boolean deadLettersBefore = e > 0 && DriftMetricNames.TYPE_CHANGE_RATE.equals(episodes.get(e - 1).expectedMetric());
                int from = Math.max(firstParsed, firstScored) + (e == 0 ? 0 : deadLettersBefore ? 2 : 1);
                int to = Math.min(lastParsed, lastScored);
                assertThat(to).as("stationary episode %d spans a clean window", e).isGreaterThanOrEqualTo(from);
                for (int w = from; w <= to; w++) {
                    assertThat(reports.get(w).alerts).as("stationary window #%d (episode %d)%n%s",
                            reports.get(w).sequence, e, timeline).isEmpty();
                }
            } else {
                // Schema metrics come from the parse stage, the others from the scored predictions.
                int first = episode.expectedMetric().startsWith("schema.") ? firstParsed : firstScored;
                boolean raised = false;
                for (int w = first; w <= Math.min(first + 2, reports.size() - 1) && !raised; w++) {
                    raised = reports.get(w).alerts.stream().anyMatch(a -> a.metric.equals(episode.expectedMetric()));
                }
                assertThat(raised).as("%s raised %s within 3 windows of window #%d%n%s", episode.name(),
                        episode.expectedMetric(), reports.get(first).sequence, timeline).isTrue();
                boolean opened = false;
                for (int w = first; w <= Math.min(first + 2, reports.size() - 1) && !opened; w++) {
                    var ep = reports.get(w).episode;
                    opened = ep != null && ep.open && ep.movers.stream().anyMatch(m -> m.metric.equals(episode.expectedMetric()));
                }
                assertThat(opened).as("%s: a drift episode naming %s within 3 windows%n%s", episode.name(),
                        episode.expectedMetric(), timeline).isTrue();
            }
        }
        assertThat(reports.get(0).modelVersion).isEqualTo(1);
        long episodesOpened = reports.stream().filter(r -> r.episode != null && "opened".equals(r.episode.event)).count();
        // Stationary windows raise no alert (above), so no episode opens there; two kinds may share an episode
        // when the windows between them happen to straddle both.
        assertThat(episodesOpened).as("an episode per drift kind at most%n%s", timeline)
                .isBetween(1L, episodes.stream().filter(e -> !e.stationary()).count());
        for (DriftReport r : reports) {
            if (r.scoredCount == 0) continue;
            assertThat(r.calibration).as("report #%d", r.sequence).isEqualTo("calibrated");
            assertThat(r.metrics).as("no labels flow here, yet report #%d estimates the RMSE", r.sequence)
                    .containsKey(DriftMetricNames.LABELS_ESTIMATED_RMSE).doesNotContainKey(DriftMetricNames.LABELS_RMSE);
        }
    }

    private static Episode stationary(int windows) {
        return new Episode("stationary", DriftInjection.none(), null, windows);
    }

    private static Episode drift(String name, DriftInjection.Builder drift, String metric) {
        return new Episode(name, drift.build(), metric, DRIFT_WINDOWS);
    }

    /** Sends every episode's requests in order; returns each episode's first request index, then the total. */
    private static int[] send(String topic, List<Episode> episodes) throws Exception {
        List<Rating> pool = new ArrayList<>(split.train());
        Random random = new Random(5);
        RequestEncoder encoder = new RequestEncoder();
        int[] starts = new int[episodes.size() + 1];
        int sent = 0;
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProps())) {
            for (int e = 0; e < episodes.size(); e++) {
                starts[e] = sent;
                int n = episodes.get(e).windows() * WINDOW;
                List<Rating> rows = new ArrayList<>(n);
                for (int i = 0; i < n; i++) rows.add(pool.get(random.nextInt(pool.size())));
                DriftInjector injector = episodes.get(e).drift().injector(rows);
                for (Rating r : rows) {
                    String id = "d-" + sent++;
                    producer.send(new ProducerRecord<>(topic, null, encoder.single(injector.next(id, r))));
                }
            }
            producer.flush();
        }
        starts[episodes.size()] = sent;
        return starts;
    }

    /** How many requests before each episode (and in all, last) are valid: all but the type-change ones. */
    private static int[] validStarts(List<Episode> episodes, int[] starts) {
        int[] valid = new int[episodes.size() + 1];
        for (int e = 0; e < episodes.size(); e++) {
            boolean invalid = DriftMetricNames.TYPE_CHANGE_RATE.equals(episodes.get(e).expectedMetric());
            valid[e + 1] = valid[e] + (invalid ? 0 : starts[e + 1] - starts[e]);
        }
        return valid;
    }

    private static int windowOf(long[] ends, long index) {
        for (int w = 0; w < ends.length; w++) {
            if (index < ends[w]) return w;
        }
        return ends.length - 1;
    }

    private static List<DriftReport> readReports(String topic, int total) throws Exception {
        EventCodec<DriftReport> codec = EventCodec.of(DriftReport.class);
        List<DriftReport> reports = new ArrayList<>();
        try (TopicReader reader = new TopicReader(KAFKA, topic)) {
            List<ConsumerRecord<byte[], byte[]>> read = reader.readUntil(all -> all.stream()
                    .mapToLong(rec -> codec.decode(rec.value()).records).sum() >= total, DEADLINE);
            for (ConsumerRecord<byte[], byte[]> rec : read) reports.add(codec.decode(rec.value()));
        }
        Collections.sort(reports, (a, b) -> Long.compare(a.sequence, b.sequence));
        return reports;
    }

    private static String timeline(List<DriftReport> reports) {
        return reports.stream().map(r -> String.format("#%d %d records, episode %s, alerts %s, user_oov %.3f title_oov %.3f "
                        + "user_top5 %.3f title_js %.3f hour_js %.3f day_js %.3f pred_psi %.3f type %.3f extra %.3f",
                r.sequence, r.records, r.episode == null ? "-" : r.episode.id + (r.episode.event == null ? "" : " " + r.episode.event),
                r.alerts.stream().map(Alert::toString).collect(Collectors.toList()),
                get(r, DriftMetricNames.USER_OOV), get(r, DriftMetricNames.TITLE_OOV), get(r, DriftMetricNames.USER_TOP5),
                get(r, DriftMetricNames.TITLE_JS), get(r, DriftMetricNames.HOUR_JS), get(r, DriftMetricNames.DAY_JS),
                get(r, DriftMetricNames.PREDICTION_PSI), get(r, DriftMetricNames.TYPE_CHANGE_RATE),
                get(r, DriftMetricNames.UNEXPECTED_FIELD_RATE))).collect(Collectors.joining("\n"));
    }

    private static double get(DriftReport r, String metric) {
        return r.metrics.getOrDefault(metric, Double.NaN);
    }

    private static Properties producerProps() {
        Properties p = KAFKA.producerProps();
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        return p;
    }
}

package dev.marquee.data.dashboard;

import dev.marquee.data.event.DriftReport;
import dev.marquee.data.json.EventCodec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the drift-metrics topic from the beginning into a {@link ReportBuffer} on its own thread. It assigns
 * the partitions itself (no consumer group, nothing committed), waits for a topic that does not exist yet,
 * picks up partitions added later, and skips and counts records that are not a drift report.
 */
final class DriftReportReader implements Runnable, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DriftReportReader.class);
    private static final Duration POLL = Duration.ofMillis(500);
    private static final long PARTITION_CHECK_MS = 10_000;

    private final String topic;
    private final ReportBuffer buffer;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final EventCodec<DriftReport> codec = EventCodec.of(DriftReport.class);
    private final Thread thread;
    private volatile boolean running = true;
    private volatile String state = "connecting";
    private boolean started;
    private volatile String lastError;
    private volatile long read;
    private volatile long skipped;
    private final String modelName;
    private volatile long otherModel;
    private volatile String otherModelName;

    /** @param clientProps bootstrap servers and any other consumer properties; deserializers are set here */
    DriftReportReader(Properties clientProps, String topic, String modelName, ReportBuffer buffer) {
        this.topic = topic;
        this.modelName = modelName;
        this.buffer = buffer;
        Properties props = new Properties();
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "marquee-dashboard");
        // A dashboard must not create the topic it watches by asking for it.
        props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        // A topic recreated under the reader: its position is past the new log's end; read the new log from its start.
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // Reports a transactional (exactly-once) job aborted are not plotted.
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        // While the broker is down, retry every few seconds rather than every second (and log as rarely).
        props.put(ConsumerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "10000");
        props.putAll(clientProps);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        this.consumer = new KafkaConsumer<>(props);
        this.thread = new Thread(this, "dashboard-reader-" + topic);
        thread.setDaemon(true);
    }

    synchronized void start() {
        if (!running) throw new IllegalStateException("reader already closed");
        started = true;
        thread.start();
    }

    ReaderStatus status() {
        return new ReaderStatus(state, read, skipped, lastError, otherModel, otherModelName);
    }

    @Override
    public void run() {
        List<TopicPartition> assigned = List.of();
        long nextPartitionCheck = 0;
        try {
            while (running) {
                if (System.currentTimeMillis() >= nextPartitionCheck) {
                    assigned = reassign(assigned);
                    nextPartitionCheck = System.currentTimeMillis() + (assigned.isEmpty() ? 1_000 : PARTITION_CHECK_MS);
                }
                if (assigned.isEmpty()) {
                    waitBeforeRetry();
                    continue;
                }
                pollOnce();
            }
        } catch (WakeupException e) {
            // close() woke us up
        } finally {
            state = "stopped";
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private void pollOnce() {
        try {
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL)) {
                read++;
                accept(r);
            }
            state = "reading";
        } catch (WakeupException e) {
            throw e;
        } catch (KafkaException e) {
            lastError = e.getMessage();
            String refused = refusal(e);
            if (refused != null) state = refused; // a grant revoked, credentials rotated: no longer reading
            LOG.warn("reading {} failed: {}", topic, e.getMessage());
            waitBeforeRetry();
        }
    }

    /** The state a refusal by the brokers shows as, or null for another failure. */
    private static String refusal(KafkaException e) {
        return e instanceof org.apache.kafka.common.errors.AuthenticationException ? "sign-in refused"
                : e instanceof org.apache.kafka.common.errors.AuthorizationException ? "not authorized" : null;
    }

    void accept(ConsumerRecord<byte[], byte[]> r) {
        if (r.value() == null || r.value().length == 0) {
            skipped++;
            return;
        }
        if (r.value().length > MAX_REPORT_BYTES) { // the job's reports are a few KB (clipped); held by the thousand
            skipped++;
            lastError = "skipped " + r.topic() + "-" + r.partition() + "@" + r.offset() + ": " + r.value().length
                    + " bytes, more than a drift report's " + MAX_REPORT_BYTES;
            return;
        }
        try {
            DriftReport report = codec.decode(r.value());
            // JSON that is no drift report ({} decodes to one of all zeros), a window in 1970 or ahead of now (plotted,
            // it would stretch every chart's time axis over decades, or stand as the newest for hours and hide every
            // real report behind it), or more metrics than a page can draw
            String problem = report == null ? "not a drift report" : windowProblem(report, System.currentTimeMillis());
            if (problem == null && tooManyEntries(report)) problem = "more than " + MAX_REPORT_ENTRIES + " metrics";
            if (problem != null) {
                skipped++;
                lastError = "skipped " + r.topic() + "-" + r.partition() + "@" + r.offset() + ": " + problem;
                return;
            }
            if (!ofModel(report, modelName)) { // not malformed: another model's, which the page names
                otherModel++;
                otherModelName = report.modelName;
                return;
            }
            withoutNullElements(report);
            buffer.add(report);
        } catch (RuntimeException e) { // an EventCodecException, or anything else a bad record provokes
            skipped++;
            lastError = "skipped " + r.topic() + "-" + r.partition() + "@" + r.offset() + ": not a drift report";
            LOG.warn("{}: {}", lastError, e.getMessage());
        }
    }

    /**
     * Null elements of a report's lists (`"alerts":[null]` from another writer) are dropped: the page reads a field of
     * every element, and one null would blank every chart while the report stays in the buffer.
     */
    static void withoutNullElements(DriftReport report) {
        if (report.alerts != null) report.alerts.removeIf(java.util.Objects::isNull);
        if (report.episode != null) {
            if (report.episode.movers != null) report.episode.movers.removeIf(java.util.Objects::isNull);
            if (report.episode.titlesGrown != null) report.episode.titlesGrown.removeIf(java.util.Objects::isNull);
        }
    }

    /** Larger records are no report of the job's, whose reports are clipped to a few KB. */
    static final int MAX_REPORT_BYTES = 256 * 1024;
    /** Metrics, thresholds and unavailable entries a report may hold: each metric is a chart of the page. */
    static final int MAX_REPORT_ENTRIES = 5_000;
    /** How far ahead of this clock a window may end: the job's clock and this one may differ by a little. */
    static final long MAX_AHEAD_MS = 5 * 60_000L;
    /** The longest window a job counts (drift.window.ms at most a day), and the oldest window kept (a year). */
    static final long MAX_WINDOW_MS = 86_400_000L;
    static final long MAX_AGE_MS = 366 * 86_400_000L;

    /**
     * Whether the report has a window a job could have counted: a start, an end not before it, at most a day long,
     * not ahead of now (by more than clocks differ), not older than a year.
     */
    static boolean aWindow(DriftReport report, long nowMs) {
        return windowProblem(report, nowMs) == null;
    }

    /** Why the report's window is none a job could have counted, or null. */
    static String windowProblem(DriftReport report, long nowMs) {
        if (report.windowStartMs <= 0 || report.windowEndMs < report.windowStartMs) {
            return "not a drift report's window (no start, or an end before it)";
        }
        // a window closes a little after its length (timers fire late), so a day's window may be a day and a moment
        if (report.windowEndMs - report.windowStartMs > MAX_WINDOW_MS + MAX_AHEAD_MS) {
            return "a window longer than a day (drift.window.ms is a day at most)";
        }
        if (report.windowEndMs > nowMs + MAX_AHEAD_MS) {
            return "its window ends " + (report.windowEndMs - nowMs) / 1000 + " s ahead of this host's clock: are the"
                    + " job's and the dashboard's clocks in step?";
        }
        if (report.windowEndMs < nowMs - MAX_AGE_MS) return "its window ended over a year ago";
        return null;
    }

    static boolean tooManyEntries(DriftReport report) {
        long n = (report.metrics == null ? 0 : report.metrics.size())
                + (report.thresholds == null ? 0 : report.thresholds.size())
                + (report.unavailable == null ? 0 : report.unavailable.size());
        return n > MAX_REPORT_ENTRIES;
    }

    /** Whether {@code report} is {@code modelName}'s: another model's may share the topic; one naming none is anyone's. */
    static boolean ofModel(DriftReport report, String modelName) {
        return report.modelName == null || modelName == null || modelName.equals(report.modelName);
    }

    /** Assigns every partition of the topic, reading new ones from the beginning; keeps positions of old ones. */
    private List<TopicPartition> reassign(List<TopicPartition> assigned) {
        List<PartitionInfo> infos;
        try {
            infos = consumer.partitionsFor(topic, Duration.ofSeconds(5));
        } catch (WakeupException e) {
            throw e;
        } catch (KafkaException e) {
            lastError = "cannot list the partitions of " + topic + ": " + e.getMessage();
            // a refusal is not a topic still to come: say which (the last problem has the brokers' words)
            if (assigned.isEmpty()) state = refusal(e) != null ? refusal(e) : "waiting for topic";
            return assigned;
        }
        if (infos == null || infos.isEmpty()) {
            // Deleted under the reader: drop its partitions, so a topic of that name created later is read anew.
            if (!assigned.isEmpty()) consumer.assign(List.of());
            state = "waiting for topic";
            return List.of();
        }
        List<TopicPartition> all = new ArrayList<>();
        for (PartitionInfo p : infos) all.add(new TopicPartition(topic, p.partition()));
        if (all.size() == assigned.size()) return assigned;
        List<TopicPartition> added = new ArrayList<>(all);
        added.removeAll(assigned);
        // Only the last reports the buffer can hold: a month of a real topic would be read (and plotted) otherwise.
        // Offsets, not reports: an exactly-once job writes a commit marker after each, so twice the capacity.
        Map<TopicPartition, Long> begin;
        Map<TopicPartition, Long> end;
        try {
            begin = consumer.beginningOffsets(added, Duration.ofSeconds(5));
            end = consumer.endOffsets(added, Duration.ofSeconds(5));
        } catch (WakeupException e) {
            throw e;
        } catch (KafkaException e) { // a slow or restarting broker: the next check tries again
            lastError = "cannot read the offsets of " + topic + ": " + e.getMessage();
            if (assigned.isEmpty()) state = "waiting for topic";
            return assigned;
        }
        consumer.assign(all);
        for (TopicPartition tp : added) {
            consumer.seek(tp, Math.max(begin.getOrDefault(tp, 0L), end.getOrDefault(tp, 0L) - 2L * buffer.capacity()));
        }
        state = "reading";
        lastError = null;
        return all;
    }

    private void waitBeforeRetry() {
        try {
            Thread.sleep(500);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    @Override
    public synchronized void close() {
        if (!running) return;
        running = false;
        if (!started) {
            consumer.close(Duration.ofSeconds(5)); // never started
            state = "stopped";
            return;
        }
        consumer.wakeup();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

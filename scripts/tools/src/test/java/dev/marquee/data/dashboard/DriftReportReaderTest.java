package dev.marquee.data.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.data.event.DriftReport;
import dev.marquee.data.json.EventCodec;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** Another model's report is not a malformed one: the page says which model it left out. */
class DriftReportReaderTest {
    @Test
    void anotherModelsReportsAreCountedApartFromUnreadableRecords() {
        ReportBuffer buffer = new ReportBuffer(10);
        Properties props = new Properties();
        props.put("bootstrap.servers", "127.0.0.1:1"); // never polled here
        try (DriftReportReader reader = new DriftReportReader(props, "drift-metrics", "marquee", buffer)) {
            reader.accept(record(report("movies")));
            reader.accept(record(report("marquee")));
            reader.accept(record("not json".getBytes(StandardCharsets.UTF_8)));

            ReaderStatus status = reader.status();
            assertThat(status.otherModel()).isEqualTo(1);
            assertThat(status.otherModelName()).isEqualTo("movies");
            assertThat(status.skipped()).as("the unreadable record only").isEqualTo(1);
            assertThat(buffer.size()).isEqualTo(1);
        }
    }

    /** JSON that is no drift report decodes to one of all zeros: plotted, it would stretch every chart over decades. */
    @Test
    void jsonThatIsNoReportsWindowIsSkippedNotPlotted() {
        ReportBuffer buffer = new ReportBuffer(10);
        Properties props = new Properties();
        props.put("bootstrap.servers", "127.0.0.1:1");
        try (DriftReportReader reader = new DriftReportReader(props, "drift-metrics", null, buffer)) {
            reader.accept(record("{}".getBytes(StandardCharsets.UTF_8)));
            DriftReport ahead = new DriftReport();
            ahead.windowStartMs = System.currentTimeMillis() + 10L * 86_400_000L;
            ahead.windowEndMs = ahead.windowStartMs + 5_000;
            reader.accept(record(EventCodec.of(DriftReport.class).encode(ahead)));
            reader.accept(record(report("marquee")));

            assertThat(reader.status().skipped()).isEqualTo(2);
            assertThat(buffer.size()).isEqualTo(1);
        }
    }

    /**
     * Records no job could have written, which would take the page over: a window ending hours ahead (it would stand as
     * the newest for hours, its OK badge hiding every real report, which the buffer would also take for repeats), one
     * starting in 1970 (every chart squashed into its last pixel), a record too large or with too many metrics to draw.
     */
    @Test
    void recordsThatWouldTakeThePageOverAreSkipped() {
        ReportBuffer buffer = new ReportBuffer(10);
        Properties props = new Properties();
        props.put("bootstrap.servers", "127.0.0.1:1");
        long now = System.currentTimeMillis();
        try (DriftReportReader reader = new DriftReportReader(props, "drift-metrics", null, buffer)) {
            DriftReport forged = new DriftReport();
            forged.runStartedAtMs = 1;
            forged.sequence = Long.MAX_VALUE;
            forged.windowStartMs = now;
            forged.windowEndMs = now + 23 * 3_600_000L;
            reader.accept(record(EventCodec.of(DriftReport.class).encode(forged)));
            assertThat(reader.status().lastError()).contains("ahead of this host's clock").contains("clocks in step");
            DriftReport epoch = new DriftReport();
            epoch.windowStartMs = 1;
            epoch.windowEndMs = now;
            reader.accept(record(EventCodec.of(DriftReport.class).encode(epoch)));
            DriftReport wide = new DriftReport();
            wide.windowEndMs = now;
            wide.windowStartMs = now - 10_000;
            for (int i = 0; i <= DriftReportReader.MAX_REPORT_ENTRIES; i++) wide.metrics.put("m" + i, 0.0);
            reader.accept(record(EventCodec.of(DriftReport.class).encode(wide)));
            reader.accept(record(new byte[DriftReportReader.MAX_REPORT_BYTES + 1]));
            assertThat(buffer.size()).as("none of them held").isZero();
            assertThat(reader.status().skipped()).isEqualTo(4);

            DriftReport real = new DriftReport();
            real.runStartedAtMs = 1;
            real.sequence = 5;
            real.windowEndMs = now + 60_000; // the job's clock a minute ahead of this one
            real.windowStartMs = now - 10_000;
            reader.accept(record(EventCodec.of(DriftReport.class).encode(real)));
            assertThat(buffer.size()).as("a real report after them is still taken").isEqualTo(1);

            DriftReport day = new DriftReport(); // drift.window.ms at its largest, closed by a timer a moment late
            day.windowEndMs = now;
            day.windowStartMs = now - 86_400_000L - 1;
            reader.accept(record(EventCodec.of(DriftReport.class).encode(day)));
            assertThat(buffer.size()).as("a day's window is a report").isEqualTo(2);
        }
    }

    /** A null in a report's lists would blank every chart on the page, which reads a field of each element. */
    @Test
    void nullElementsOfAReportsListsAreDropped() {
        ReportBuffer buffer = new ReportBuffer(10);
        Properties props = new Properties();
        props.put("bootstrap.servers", "127.0.0.1:1");
        try (DriftReportReader reader = new DriftReportReader(props, "drift-metrics", null, buffer)) {
            long now = System.currentTimeMillis();
            reader.accept(record(("{\"window_start_ms\":" + (now - 10_000) + ",\"window_end_ms\":" + now
                    + ",\"alerts\":[null,{\"metric\":\"m\","
                    + "\"value\":1.0,\"threshold\":0.5,\"windows\":2}],\"episode\":{\"id\":1,\"movers\":[null],"
                    + "\"titles_grown\":[null]}}").getBytes(StandardCharsets.UTF_8)));
            assertThat(buffer.size()).isEqualTo(1);
            DriftReport kept = buffer.after(-1).get(0).report();
            assertThat(kept.alerts).singleElement().satisfies(a -> assertThat(a.metric).isEqualTo("m"));
            assertThat(kept.episode.movers).isEmpty();
            assertThat(kept.episode.titlesGrown).isEmpty();
        }
    }

    private static byte[] report(String model) {
        DriftReport r = new DriftReport();
        r.modelName = model;
        r.windowEndMs = System.currentTimeMillis();
        r.windowStartMs = r.windowEndMs - 10_000;
        return EventCodec.of(DriftReport.class).encode(r);
    }

    private static ConsumerRecord<byte[], byte[]> record(byte[] value) {
        return new ConsumerRecord<>("drift-metrics", 0, 0, null, value);
    }
}

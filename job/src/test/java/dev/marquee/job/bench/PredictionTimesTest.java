package dev.marquee.job.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.data.event.Prediction;
import dev.marquee.data.event.SourcePosition;
import dev.marquee.data.json.EventCodec;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The latency reader's three fields must be what decoding the whole prediction gives. */
class PredictionTimesTest {
    private final EventCodec<Prediction> codec = EventCodec.of(Prediction.class);
    private final PredictionTimes times = new PredictionTimes();

    @Test
    void readsWhatTheJobWroteAsDatabindDecodesIt() throws Exception {
        Prediction p = prediction("bench-7-\"quoted\"", new SourcePosition("in", 1, 99, 1_700_000_000_000L), 1_700_000_000_017L);
        p.movieTitle = "Taxi Driver (1976) {\"source\":{\"timestamp\":5}}";
        p.output3 = new float[] {3.2f};

        assertThat(times.read(codec.encode(p))).isTrue();

        Prediction decoded = codec.decode(codec.encode(p));
        assertThat(times.requestId).isEqualTo(decoded.requestId).isEqualTo("bench-7-\"quoted\"");
        assertThat(times.sentMs).isEqualTo(decoded.source.timestamp).isEqualTo(1_700_000_000_000L);
        assertThat(times.scoredAtMs).isEqualTo(decoded.scoredAtMs).isEqualTo(1_700_000_000_017L);
    }

    @Test
    void missingTimesReadAsMinusOneAndTheReaderForgetsTheLastRecord() throws Exception {
        times.read(codec.encode(prediction("a", new SourcePosition("in", 0, 1, 5L), 6L)));

        assertThat(times.read(codec.encode(prediction("b", null, 0L)))).isTrue();

        assertThat(times.requestId).isEqualTo("b");
        assertThat(times.sentMs).isEqualTo(-1);
        assertThat(times.scoredAtMs).isEqualTo(-1);
    }

    @Test
    void notAnObjectIsRefused() throws Exception {
        assertThat(times.read("[1,2]".getBytes(StandardCharsets.UTF_8))).isFalse();
        assertThat(times.requestId).isNull();
    }

    private static Prediction prediction(String requestId, SourcePosition source, long scoredAtMs) {
        Prediction p = new Prediction();
        p.requestId = requestId;
        p.userId = "196";
        p.movieTitle = "Kolya (1996)";
        p.timestamp = 881_250_949L;
        p.predictedRating = 3.5f;
        p.modelVersion = 1;
        p.source = source;
        p.scoredAtMs = scoredAtMs;
        return p;
    }
}

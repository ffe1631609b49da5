package dev.marquee.job.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.marquee.data.event.Prediction;
import dev.marquee.data.event.Rating;
import dev.marquee.data.event.SourcePosition;
import dev.marquee.data.json.EventCodec;
import dev.marquee.data.synth.SyntheticRatings;
import dev.marquee.infra.EmbeddedKafka;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/**
 * The latency harness against a real broker, with an echo in place of the scoring job: every request comes back
 * as a prediction, and the echo stalls once for 300 ms. Every measured request is read once, and the stall
 * shows in the latency from the due time.
 */
class SteadyRateLatencyITCase {
    private static final int RATE = 2_000;

    @Test
    void readsEveryMeasuredPredictionAndSeesAStall() throws Exception {
        List<Rating> rows = new SyntheticRatings(1).users(20).movies(30).ratingsPerUser(10).generate().ratings();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Throwable> echoFailure = new AtomicReference<>();
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            String bootstrap = kafka.bootstrapServers();
            ScoringBenchmark.createTopic(bootstrap, "in", 2);
            ScoringBenchmark.createTopic(bootstrap, "out", 2);
            Thread echo = new Thread(() -> echo(bootstrap, stop, echoFailure), "echo");
            echo.start();
            SteadyRateLatency.Result result;
            try {
                result = SteadyRateLatency.measure(bootstrap, "in", "out", rows, RATE, 1, 2);
            } finally {
                stop.set(true);
                echo.join();
            }

            assertThat(echoFailure.get()).isNull();
            assertThat(result.measuredSent()).isEqualTo(2L * RATE);
            assertThat(result.fromDue().count()).isEqualTo(2L * RATE);
            assertThat(result.fromSend().count()).isEqualTo(2L * RATE);
            assertThat(result.fromDue().maxMs()).isGreaterThanOrEqualTo(300);
            assertThat(result.fromDue().p50Ms()).isPositive();
        }
    }

    /** Reads requests and writes each back as a prediction with its id and source; stalls once, after the warm-up. */
    private static void echo(String bootstrap, AtomicBoolean stop, AtomicReference<Throwable> failure) {
        ObjectMapper json = new ObjectMapper();
        EventCodec<Prediction> codec = EventCodec.of(Prediction.class);
        boolean stalled = false;
        try (KafkaConsumer<byte[], byte[]> in = new KafkaConsumer<>(ScoringBenchmark.consumerProps(bootstrap));
             KafkaProducer<byte[], byte[]> out = new KafkaProducer<>(ScoringBenchmark.producerProps(bootstrap, "0"))) {
            in.subscribe(List.of("in"));
            while (!stop.get()) {
                for (ConsumerRecord<byte[], byte[]> r : in.poll(Duration.ofMillis(50))) {
                    Prediction p = new Prediction();
                    p.requestId = json.readTree(r.value()).path("request_id").asText();
                    p.source = new SourcePosition(r.topic(), r.partition(), r.offset(), r.timestamp());
                    if (!stalled && p.requestId.startsWith("l-")) {
                        stalled = true;
                        Thread.sleep(300); // the stall under measurement, not synchronisation
                    }
                    out.send(new ProducerRecord<>("out", r.key(), codec.encode(p)));
                }
            }
        } catch (Throwable t) {
            failure.set(t);
        }
    }
}

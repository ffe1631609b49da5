package dev.marquee.model.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.marquee.data.event.ModelUpdate;
import dev.marquee.data.json.EventCodec;
import dev.marquee.infra.testing.KafkaBrokerExtension;
import dev.marquee.model.ModelRegistry;
import dev.marquee.model.ServingState;
import dev.marquee.model.stats.PairedUserComparison;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The promoter's thread on a real broker, with faults it meets in operation: a PINNED file edited by hand into
 * something that is no version, then a serving.json that does not parse. Each error is logged and the thread
 * carries on: once the file is fixed, the pointer's target is announced.
 */
class ShadowLoopITCase {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    private static final String NAME = "marquee";
    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final EventCodec<ModelUpdate> UPDATES = EventCodec.of(ModelUpdate.class);

    @TempDir
    Path tmp;

    @Test
    void aBadPinOrPointerFileIsLoggedAndThePromoterCarriesOnOnceItIsFixed() throws Exception {
        String labeled = KAFKA.createTopic("labeled-predictions", 1);
        String updates = KAFKA.createTopic("model-updates", 1);
        ModelRegistry registry = new ModelRegistry(tmp.resolve("registry"));
        for (int i = 0; i < 2; i++) {
            registry.publish(NAME, dir -> Files.writeString(dir.resolve(ModelRegistry.SAVED_MODEL_FILE), "pb"));
        }
        registry.writeState(NAME, ServingState.serving(1, "the test", 0));
        Path pin = registry.modelDir(NAME).resolve(ModelRegistry.PIN_FILE);
        Files.writeString(pin, "version two\n");

        List<String> log = new CopyOnWriteArrayList<>();
        KafkaClients kafka = new KafkaClients(KAFKA.bootstrapServers(), new Properties());
        GatePolicy gate = GatePolicy.defaults();
        try (KafkaProducer<String, byte[]> producer = kafka.producer();
                ShadowLoop loop = new ShadowLoop(kafka, new EventWriter(producer), labeled, updates,
                        new ShadowPromoter(registry, NAME, PromotionSettings.defaults(), PairedUserComparison::compare,
                                gate.margin(), log::add), log::add)) {
            Thread thread = new Thread(loop, "test-promoter");
            thread.start();
            try {
                await("the bad pin logged").atMost(DEADLINE)
                        .until(() -> log.stream().anyMatch(l -> l.contains("bad pin file") && l.contains("trying again")));
                assertThat(TopicContents.readAll(KAFKA, updates, UPDATES)).as("nothing announced yet").isEmpty();

                Files.writeString(pin, "2\n"); // fixed by hand
                await("the pin announced").atMost(DEADLINE).until(() -> TopicContents.readAll(KAFKA, updates, UPDATES)
                        .stream().anyMatch(u -> u.version == 2 && u.shadowVersion == 0));
                assertThat(thread.isAlive()).as(String.join("\n", log)).isTrue();

                Files.delete(pin);
                Path pointer = registry.modelDir(NAME).resolve(ModelRegistry.SERVING_FILE);
                Files.writeString(pointer, "{\"serving\": 1, ");
                await("the bad pointer logged").atMost(DEADLINE)
                        .until(() -> log.stream().anyMatch(l -> l.contains("bad serving pointer")));
                registry.writeState(NAME, ServingState.serving(1, "fixed by the test", 0));
                await("the pointer announced").atMost(DEADLINE).until(() -> {
                    List<ModelUpdate> all = TopicContents.readAll(KAFKA, updates, UPDATES);
                    return all.size() == 2 && all.get(1).version == 1;
                });
                assertThat(thread.isAlive()).isTrue();
            } finally {
                loop.stop();
                thread.join(DEADLINE.toMillis());
            }
            assertThat(thread.isAlive()).as("the thread ends on stop()").isFalse();
            assertThat(log).noneMatch(l -> l.contains("stopped on an error"));
        }
    }
}

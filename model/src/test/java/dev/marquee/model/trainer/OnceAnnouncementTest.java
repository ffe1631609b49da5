package dev.marquee.model.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.data.event.ModelUpdate;
import dev.marquee.model.ModelRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A --once worker (no promoter to correct it) announces a retrain's target only while the registry still names it:
 * a person's promote or rollback between the retrain's pointer write and its announcement wins.
 */
class OnceAnnouncementTest {
    @TempDir
    Path base;

    private static void fakeModel(Path dir) throws IOException {
        Files.writeString(dir.resolve("saved_model.pb"), "pb");
    }

    /** Three versions; a retrain's pointer write: serve 2, candidate 3 in shadow. */
    private ModelRegistry retrainedIntoShadow() throws IOException {
        ModelRegistry registry = new ModelRegistry(base);
        for (int i = 0; i < 3; i++) registry.publish("m", OnceAnnouncementTest::fakeModel);
        registry.updateState("m", s -> s.with(2, 3, dev.marquee.model.ServingState.CANDIDATE, "retrained", 1L));
        return registry;
    }

    /** The retrain's announcement of that target. */
    private ModelUpdate retrainedUpdate() {
        ModelUpdate retrained = new ModelUpdate("m", 2, base.resolve("m/2").toString(), 1L);
        retrained.shadowVersion = 3;
        return retrained;
    }

    @Test
    void theRetrainsTargetIsAnnouncedOnlyWhileThePointerOrPinNamesIt() throws IOException {
        ModelRegistry registry = retrainedIntoShadow();
        ModelUpdate retrained = retrainedUpdate();

        assertThat(TrainerWorker.pointerMovedFrom(registry, "m", retrained)).isNull();

        registry.serve("m", 1, "promoted by hand"); // a person's promote in between
        assertThat(TrainerWorker.pointerMovedFrom(registry, "m", retrained)).isEqualTo("serve v1");

        ModelUpdate servesOne = new ModelUpdate("m", 1, base.resolve("m/1").toString(), 1L);
        assertThat(TrainerWorker.pointerMovedFrom(registry, "m", servesOne)).isNull();
        registry.pin("m", 2); // a rollback's pin beats the pointer
        assertThat(TrainerWorker.pointerMovedFrom(registry, "m", servesOne)).isEqualTo("pinned v2");
        ModelUpdate servesTwo = new ModelUpdate("m", 2, base.resolve("m/2").toString(), 1L);
        assertThat(TrainerWorker.pointerMovedFrom(registry, "m", servesTwo)).isNull();
    }

    @Test
    void aMovedPointerIsNotAnnouncedOverAndAnUnreadableOneIsAnnouncedAsTheRetrainLeftIt() throws IOException {
        ModelRegistry registry = retrainedIntoShadow();
        ModelUpdate retrained = retrainedUpdate();
        java.util.List<ModelUpdate> written = new java.util.ArrayList<>();
        java.util.List<String> said = new java.util.ArrayList<>();

        TrainerWorker.announceOnce(registry, "m", retrained, written::add, said::add);
        assertThat(written).containsExactly(retrained);
        assertThat(said).isEmpty();

        registry.serve("m", 1, "promoted by hand"); // a person's promote between the retrain and its announcement
        TrainerWorker.announceOnce(registry, "m", retrained, written::add, said::add);
        assertThat(written).as("not written over the person's announcement").hasSize(1);
        assertThat(said).singleElement().asString().contains("not announcing serve v2, shadow v3")
                .contains("moved on since (serve v1)");

        Files.writeString(base.resolve("m/serving.json"), "{\"serving\": 2,");
        TrainerWorker.announceOnce(registry, "m", retrained, written::add, said::add);
        assertThat(written).as("a pointer that cannot be read: announced as the retrain left it").hasSize(2);
        assertThat(said.get(1)).contains("cannot read the serving pointer");
    }
}

package dev.marquee.model.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.model.ModelImporter;
import dev.marquee.model.ModelRegistry;
import dev.marquee.model.TinySavedModels;
import dev.marquee.model.TinySavedModels.Kind;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** promote and rollback refuse what a scoring slot would refuse, and nothing a slot serves. */
class ServingMoveCheckTest {
    @TempDir
    Path tmp;

    @Test
    void importedVersionsTheJobServesPassAndOneThatDoesNotLoadIsRefused() throws Exception {
        ModelRegistry registry = new ModelRegistry(tmp.resolve("registry"));
        ModelImporter importer = new ModelImporter(registry, "m", line -> { });
        // ratings around 882 (another scale than the ratings'), served by the job as they are
        long otherScale = importer.importModel(new ModelImporter.Request(
                TinySavedModels.export(tmp.resolve("int64"), Kind.INT64_IDS_RENAMED_VECTOR_OUTPUT), "serving_default",
                "uid", "title", "ts", "rating", null), null);
        // NaN only for timestamps before 1995, which no probe of the job's sends
        long nanWhenEarly = importer.importModel(new ModelImporter.Request(
                TinySavedModels.export(tmp.resolve("early"), Kind.NAN_FOR_EARLY_TIMESTAMPS), "serving_default",
                "user_id", "movie_title", "timestamp", "output_3", null), null);

        assertThat(ServingMoveCommand.check(registry.versionDir("m", otherScale))).isNull();
        assertThat(ServingMoveCommand.check(registry.versionDir("m", nanWhenEarly))).isNull();

        // one that answers NaN, as a slot's probe would find it (published as it is: an import refuses it)
        long nan = registry.publish("m", dir -> {
            Path exported = TinySavedModels.export(tmp.resolve("nan"), Kind.NAN);
            try (var files = Files.walk(exported)) {
                for (Path f : (Iterable<Path>) files::iterator) {
                    Path to = dir.resolve(exported.relativize(f).toString());
                    if (Files.isDirectory(f)) Files.createDirectories(to);
                    else Files.copy(f, to);
                }
            }
            // the contract of the same names, as an import writes it
            Files.copy(registry.versionDir("m", nanWhenEarly).resolve("marquee_contract.json"),
                    dir.resolve("marquee_contract.json"));
        });
        assertThat(ServingMoveCommand.check(registry.versionDir("m", nan))).contains("NaN in a probe of");

        Files.delete(registry.versionDir("m", otherScale).resolve(ModelRegistry.SAVED_MODEL_FILE));
        assertThat(ServingMoveCommand.check(registry.versionDir("m", otherScale))).startsWith("it does not load: ");
    }
}

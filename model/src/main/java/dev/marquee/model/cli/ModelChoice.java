package dev.marquee.model.cli;

import dev.marquee.data.config.SettingException;
import dev.marquee.model.ModelRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The model a command reads (a picocli mixin): {@code --model-dir DIR}, else {@code --version N} of the
 * registry's model, else its serving version (pinned, else latest).
 */
public final class ModelChoice {
    @Mixin
    RegistryOptions registry;

    @Option(names = "--version", paramLabel = "N",
            description = "a published version (default: the serving one: pinned, else the serving pointer's, else latest)")
    Long version;

    @Option(names = "--model-dir", paramLabel = "DIR", description = "a SavedModel directory instead of the registry")
    String modelDir;

    /** A model folder and how to name it in messages. */
    record ModelLocation(Path dir, String description) {}

    ModelLocation locate(Console console) throws IOException {
        if (modelDir != null) {
            if (version != null) {
                throw new SettingException("give --model-dir or --version, not both");
            }
            Path dir = console.resolve(modelDir);
            if (!Files.isRegularFile(dir.resolve(ModelRegistry.SAVED_MODEL_FILE))) {
                throw CliException.failure("no model at " + dir + ": " + ModelRegistry.SAVED_MODEL_FILE
                        + " is missing");
            }
            return new ModelLocation(dir, dir.toString());
        }
        OpenedRegistry r = registry.open(console);
        long chosen;
        if (version != null) {
            chosen = r.existingVersion(OptionRange.check("--version", version, 1, Long.MAX_VALUE));
        } else {
            r.existingVersions();
            OptionalLong serving = r.registry.serving(r.name);
            chosen = r.existingVersion(serving.orElseThrow());
        }
        Path dir = r.registry.versionDir(r.name, chosen);
        return new ModelLocation(dir, r.name + " version " + chosen + " (" + dir + ")");
    }
}

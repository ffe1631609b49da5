package dev.marquee.model.cli;

import dev.marquee.data.config.SettingException;
import dev.marquee.data.config.Settings;
import dev.marquee.model.ModelRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;

/**
 * Which registry and model name a command works on: {@code --registry} (default {@code $MARQUEE_REGISTRY},
 * else {@value #DEFAULT_BASE} under the working directory) and {@code --name} (default {@value #DEFAULT_NAME}).
 */
final class RegistryOptions {
    static final String REGISTRY = "registry";
    static final String NAME = "name";
    static final String VERSION = "version";
    static final String MODEL_DIR = "model-dir";
    static final String ENV = "MARQUEE_REGISTRY";
    static final String DEFAULT_BASE = ".marquee/registry";
    static final String DEFAULT_NAME = "marquee";

    static final String USAGE_LINES = String.join("\n",
            "  --registry DIR         model registry base (default: $" + ENV + ", else ./" + DEFAULT_BASE + ")",
            "  --name NAME            model name in the registry (default: " + DEFAULT_NAME + ")");
    static final String VERSION_USAGE_LINES = String.join("\n",
            "  --version N            a published version (default: the serving one: pinned, else latest)",
            "  --model-dir DIR        a SavedModel directory instead of the registry");

    final ModelRegistry registry;
    final String name;

    private RegistryOptions(ModelRegistry registry, String name) {
        this.registry = registry;
        this.name = name;
    }

    static RegistryOptions of(Settings settings, Console console) {
        String env = console.env().get(ENV);
        String base = settings.string(REGISTRY, env == null || env.isBlank() ? DEFAULT_BASE : env.trim());
        String name = settings.string(NAME, DEFAULT_NAME);
        ModelRegistry registry;
        try {
            registry = new ModelRegistry(console.resolve(base));
        } catch (IllegalArgumentException e) {
            throw CliException.failure(e.getMessage()); // the path exists and is a file
        }
        try {
            registry.modelDir(name);
        } catch (IllegalArgumentException e) {
            throw new SettingException(e.getMessage());
        }
        return new RegistryOptions(registry, name);
    }

    Path base() {
        return registry.base();
    }

    /** The model's folder, created if needed; fails before any work is done when it cannot be written. */
    Path writableModelDir() {
        Path dir = registry.modelDir(name);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw CliException.failure("cannot create the model registry at " + dir + ": " + ModelMain.describe(e));
        }
        if (!Files.isWritable(dir)) {
            throw CliException.failure("cannot write to the model registry at " + dir + ": permission denied");
        }
        return dir;
    }

    /** Published versions, ascending; fails when the registry or the model does not exist. */
    List<Long> existingVersions() throws IOException {
        if (!Files.isDirectory(base())) {
            throw CliException.failure("no model registry at " + base() + " (give --registry DIR or set " + ENV
                    + "; `marquee train` creates one)");
        }
        List<Long> versions = registry.versions(name);
        if (versions.isEmpty()) {
            List<String> models = registry.models();
            throw CliException.failure("no published versions of '" + name + "' in " + base()
                    + (models.isEmpty() ? "" : " (models there: " + String.join(", ", models) + ")"));
        }
        return versions;
    }

    /** A published version, checked. */
    long existingVersion(long version) throws IOException {
        List<Long> versions = existingVersions();
        if (!versions.contains(version)) {
            throw CliException.failure("version " + version + " of '" + name + "' is not published in " + base()
                    + " (have " + versions + ")");
        }
        return version;
    }

    /**
     * The model a command reads: {@code --model-dir DIR}, else {@code --version N} of the registry's model,
     * else its serving version (pinned, else latest).
     */
    static ModelLocation locate(Settings settings, Console console) throws IOException {
        if (settings.has(MODEL_DIR)) {
            if (settings.has(VERSION)) {
                throw new SettingException("give --model-dir or --version, not both");
            }
            Path dir = console.resolve(settings.string(MODEL_DIR, null));
            if (!Files.isRegularFile(dir.resolve(ModelRegistry.SAVED_MODEL_FILE))) {
                throw CliException.failure("no model at " + dir + ": " + ModelRegistry.SAVED_MODEL_FILE
                        + " is missing");
            }
            return new ModelLocation(dir, dir.toString());
        }
        RegistryOptions r = of(settings, console);
        long version;
        if (settings.has(VERSION)) {
            version = r.existingVersion(settings.longInRange(VERSION, 0, 1, Long.MAX_VALUE));
        } else {
            r.existingVersions();
            OptionalLong serving = r.registry.serving(r.name);
            version = r.existingVersion(serving.orElseThrow());
        }
        Path dir = r.registry.versionDir(r.name, version);
        return new ModelLocation(dir, r.name + " version " + version + " (" + dir + ")");
    }

    /** A model folder and how to name it in messages. */
    record ModelLocation(Path dir, String description) {}
}

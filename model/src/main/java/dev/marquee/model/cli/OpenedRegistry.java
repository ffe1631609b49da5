package dev.marquee.model.cli;

import dev.marquee.data.config.Commands;
import dev.marquee.model.ModelRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** A registry and the model name a command works on, with the checks every command makes before its work. */
final class OpenedRegistry {
    final ModelRegistry registry;
    final String name;

    OpenedRegistry(ModelRegistry registry, String name) {
        this.registry = registry;
        this.name = name;
    }

    Path base() {
        return registry.base();
    }

    /** The model's folder, created if needed; fails before any work is done when it cannot be written. */
    Path writableModelDir() {
        Path dir = registry.modelDir(name);
        try {
            registry.createModelDir(name);
        } catch (IOException e) {
            throw CliException.failure("cannot create the model registry at " + dir + ": " + Commands.describe(e));
        }
        if (!Files.isWritable(dir)) {
            throw CliException.failure("cannot write to the model registry at " + dir + ": permission denied");
        }
        return dir;
    }

    /** Published versions, ascending; fails when the registry or the model does not exist. */
    List<Long> existingVersions() throws IOException {
        if (!Files.isDirectory(base())) {
            throw CliException.failure("no model registry at " + base() + " (give --registry DIR or set "
                    + RegistryOptions.ENV + "; `marquee train` creates one)");
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
}

package dev.marquee.model.cli;

import dev.marquee.data.config.SettingException;
import dev.marquee.model.ModelRegistry;
import picocli.CommandLine.Option;

/**
 * Which registry and model name a command works on (a picocli mixin): {@code --registry} (default
 * {@code $MARQUEE_REGISTRY}, else {@value #DEFAULT_BASE} under the working directory) and {@code --name}.
 * The environment is read from the command's {@link Console}, so in-process runs choose their own.
 */
public final class RegistryOptions {
    static final String ENV = "MARQUEE_REGISTRY";
    static final String DEFAULT_BASE = ".marquee/registry";

    @Option(names = "--registry", paramLabel = "DIR",
            description = "model registry base (default: $" + ENV + ", else ./" + DEFAULT_BASE + ")")
    String base;

    @Option(names = {"--name", "--model-name"}, paramLabel = "NAME", defaultValue = "marquee",
            description = "model name in the registry (default: ${DEFAULT-VALUE})")
    String name = "marquee";

    /** The registry these options name, checked: a file where the registry should be is a failure. */
    OpenedRegistry open(Console console) {
        if (base != null && base.isBlank()) {
            // --registry "$REG" with REG unset: the working directory would become the registry, silently
            throw new SettingException("--registry needs a folder; got an empty value");
        }
        String env = console.env().get(ENV);
        String chosen = base != null ? base : env == null || env.isBlank() ? DEFAULT_BASE : env.trim();
        java.nio.file.Path where;
        try {
            where = console.workingDir().resolve(ModelRegistry.baseOf(chosen));
        } catch (IllegalArgumentException e) {
            throw new SettingException(e.getMessage()); // a URI, not a directory
        }
        ModelRegistry registry;
        try {
            registry = new ModelRegistry(where);
        } catch (IllegalArgumentException e) {
            throw CliException.failure(e.getMessage()); // the path exists and is a file
        }
        try {
            registry.modelDir(name);
        } catch (IllegalArgumentException e) {
            throw new SettingException(e.getMessage());
        }
        return new OpenedRegistry(registry, name);
    }
}

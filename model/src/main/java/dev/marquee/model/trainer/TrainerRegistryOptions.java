package dev.marquee.model.trainer;

import dev.marquee.data.config.SettingException;
import dev.marquee.model.ModelRegistry;
import dev.marquee.model.cli.Console;
import picocli.CommandLine.Option;

/**
 * The registry and model the trainer's commands work on (a picocli mixin): {@code --registry} (default
 * {@code $MARQUEE_REGISTRY}, read from the command's {@link Console}, else ./.marquee/registry) and
 * {@code --model-name}.
 */
public final class TrainerRegistryOptions {
    static final String REGISTRY_ENV = "MARQUEE_REGISTRY";
    static final String DEFAULT_REGISTRY = ".marquee/registry";

    @Option(names = "--registry", paramLabel = "DIR",
            description = "model registry base (default: $" + REGISTRY_ENV + ", else ./" + DEFAULT_REGISTRY + ")")
    String base;

    @Option(names = {"--model-name", "--name"}, paramLabel = "NAME", defaultValue = "marquee",
            description = "model name in the registry (default: ${DEFAULT-VALUE})")
    String name = "marquee";

    /** The registry, checked: a file where it should be, or a name that is not a folder name, is a usage error. */
    ModelRegistry registry(Console console) {
        if (base != null && base.isBlank()) {
            // --registry "$REG" with REG unset: the working directory would become the registry, silently
            throw new SettingException("--registry needs a folder; got an empty value");
        }
        try {
            ModelRegistry registry = new ModelRegistry(console.workingDir().resolve(ModelRegistry.baseOf(
                    base != null ? base : KafkaOptions.env(console, REGISTRY_ENV, DEFAULT_REGISTRY))));
            registry.modelDir(name);
            return registry;
        } catch (IllegalArgumentException e) {
            throw new SettingException(e.getMessage());
        }
    }
}

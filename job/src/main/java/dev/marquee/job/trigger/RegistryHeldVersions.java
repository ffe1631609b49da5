package dev.marquee.job.trigger;

import dev.marquee.model.ModelRegistry;
import dev.marquee.model.ServingState;
import java.io.IOException;
import java.nio.file.Path;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Reads {@code held} from the registry's serving pointer ({@code <registry>/<name>/serving.json}) at each question. */
public final class RegistryHeldVersions implements HeldVersions {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(RegistryHeldVersions.class);

    private final String registryBase;
    private final String modelName;

    public RegistryHeldVersions(String registryBase, String modelName) {
        this.registryBase = registryBase;
        this.modelName = modelName;
    }

    /**
     * The registry, or an IOException when its folder is not there: on a TaskManager where it is not mounted, it is a
     * pointer that cannot be read (asked again later), not an empty registry that names nothing watched or in shadow
     * once and for all.
     */
    private ModelRegistry open() throws IOException {
        Path base = Path.of(registryBase);
        if (java.nio.file.Files.notExists(base)) {
            throw new IOException("the registry folder " + base + " does not exist on this TaskManager (is it mounted at"
                    + " the same path on every TaskManager?)");
        }
        return new ModelRegistry(base);
    }

    @Override
    public OptionalLong watched() {
        return shadowIn(ServingState.WATCH);
    }

    @Override
    public OptionalLong candidate() {
        return shadowIn(ServingState.CANDIDATE);
    }

    private OptionalLong shadowIn(String role) {
        try {
            ModelRegistry registry = open();
            if (registry.pinned(modelName).isPresent()) return OptionalLong.of(0); // a pin serves: no shadow runs
            ServingState s = registry.state(modelName);
            return OptionalLong.of(s.hasShadow() && role.equals(s.shadowRole) ? s.shadow : 0);
        } catch (IOException | RuntimeException e) {
            LOG.warn("cannot read the serving pointer of model '{}' in {}: {}", modelName, registryBase, e.toString());
            return OptionalLong.empty();
        }
    }

    @Override
    public java.util.Optional<String> registryId() {
        try {
            return new ModelRegistry(Path.of(registryBase)).id();
        } catch (RuntimeException e) {
            return java.util.Optional.empty();
        }
    }

    @Override
    public java.util.Optional<Pointer> pointer() {
        try {
            ModelRegistry registry = open();
            ServingState s = registry.state(modelName);
            return java.util.Optional.of(new Pointer(s.serving,
                    s.hasShadow() && ServingState.CANDIDATE.equals(s.shadowRole) ? s.shadow : 0,
                    registry.pinned(modelName).orElse(0)));
        } catch (IOException | RuntimeException e) {
            LOG.warn("cannot read the serving pointer of model '{}' in {}: {}", modelName, registryBase, e.toString());
            return java.util.Optional.of(Pointer.UNKNOWN);
        }
    }

    @Override
    public boolean held(long version) {
        return heldIfKnown(version).orElse(false);
    }

    @Override
    public java.util.Optional<Boolean> heldIfKnown(long version) {
        try {
            return java.util.Optional.of(open().state(modelName).held.containsKey(version));
        } catch (IOException | RuntimeException e) {
            LOG.warn("cannot read the serving pointer of model '{}' in {}: {}", modelName, registryBase, e.toString());
            return java.util.Optional.empty();
        }
    }
}

package dev.marquee.job.trigger;

import java.io.Serializable;

/**
 * Whether a model version is held in the registry's serving pointer: a candidate retired on live labels, or a version
 * rolled back. Automation never serves a held version (docs/RETRAINING.md).
 */
@FunctionalInterface
public interface HeldVersions extends Serializable {
    /** False when the version is not held, or when the registry cannot be read. */
    boolean held(long version);

    /** Whether the version is held; empty when the registry cannot be read (ask again later). */
    default java.util.Optional<Boolean> heldIfKnown(long version) {
        return java.util.Optional.of(held(version));
    }

    /**
     * The version the registry's pointer watches in shadow beside a newer serving one, 0 for none; empty when the
     * registry cannot be read (ask again later).
     */
    default java.util.OptionalLong watched() {
        return java.util.OptionalLong.of(0);
    }

    /**
     * The candidate the registry's pointer runs in shadow (a retrain's, or an import's, awaiting the promoter's
     * verdict), 0 for none; empty when the registry cannot be read (ask again later).
     */
    default java.util.OptionalLong candidate() {
        return java.util.OptionalLong.of(0);
    }

    /**
     * The registry's pointer as the trainer placed versions: its serving version and its candidate in shadow (0 for
     * none), a pin or not. Empty without a registry; {@link Pointer#UNKNOWN} when it cannot be read.
     */
    default java.util.Optional<Pointer> pointer() {
        return java.util.Optional.empty();
    }

    /**
     * A pointer's serving version, its candidate in shadow and the pinned version (0 for none); -1 in all when it
     * could not be read.
     */
    record Pointer(long serving, long candidate, long pinned) implements Serializable {
        public static final Pointer UNKNOWN = new Pointer(-1, -1, -1);

        public boolean unknown() {
            return serving < 0;
        }
    }

    /** The registry's id ({@code ModelRegistry#id}); empty without a registry, or when it has none it can tell. */
    default java.util.Optional<String> registryId() {
        return java.util.Optional.empty();
    }

    /** For a trigger without a registry: nothing is ever held. */
    static HeldVersions none() {
        return version -> false;
    }
}

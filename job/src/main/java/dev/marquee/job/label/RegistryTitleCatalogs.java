package dev.marquee.job.label;

import dev.marquee.data.title.TitleCatalog;
import dev.marquee.job.score.SharedResults;
import dev.marquee.model.ModelRegistry;
import dev.marquee.model.TrainedModel;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A version's title catalog read from its registry folder ({@code assets/titles.txt}), as the scorer builds it;
 * built once per JVM and version and shared by every operator instance that asks.
 */
public final class RegistryTitleCatalogs implements TitleCatalogSource {
    private static final long serialVersionUID = 1L;

    private record Key(Path registry, String model, long version) { }

    /**
     * Per JVM: built by a scoring slot's loader thread before the version serves ({@link LabelPreparation}), so the
     * online adaptation's task thread, which every prediction passes when labels are on, does not build it when
     * the version's first prediction arrives (on this machine 70–250 ms for MovieLens 100K's 1,682 titles, about
     * 2.5 s for a catalog of 87,000). {@link TitleCatalog} is read-only once built, so one copy serves every thread.
     */
    static final SharedResults<Key, Optional<TitleCatalog>> BUILT = new SharedResults<>(4, "the title catalog");

    private final String registryBase;
    private final String modelName;

    public RegistryTitleCatalogs(String registryBase, String modelName) {
        this.registryBase = registryBase;
        this.modelName = modelName;
    }

    @Override
    public Optional<TitleCatalog> load(long version) throws IOException {
        return BUILT.get(key(version),
                () -> TrainedModel.titleCatalog(new ModelRegistry(Path.of(registryBase)).versionDir(modelName, version)));
    }

    @Override
    public OptionalLong serving() throws IOException {
        return new ModelRegistry(Path.of(registryBase)).serving(modelName);
    }

    /** Whether this JVM holds the version's catalog, built. */
    boolean holds(long version) {
        return BUILT.holds(key(version));
    }

    private Key key(long version) {
        return new Key(Path.of(registryBase).toAbsolutePath().normalize(), modelName, version);
    }
}

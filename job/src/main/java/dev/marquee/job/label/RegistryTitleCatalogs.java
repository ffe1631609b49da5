package dev.marquee.job.label;

import dev.marquee.data.title.TitleCatalog;
import dev.marquee.model.ModelRegistry;
import dev.marquee.model.TrainedModel;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalLong;

/** A version's title catalog read from its registry folder ({@code assets/titles.txt}), as the scorer builds it. */
public final class RegistryTitleCatalogs implements TitleCatalogSource {
    private static final long serialVersionUID = 1L;

    private final String registryBase;
    private final String modelName;

    public RegistryTitleCatalogs(String registryBase, String modelName) {
        this.registryBase = registryBase;
        this.modelName = modelName;
    }

    @Override
    public Optional<TitleCatalog> load(long version) throws IOException {
        return TrainedModel.titleCatalog(new ModelRegistry(Path.of(registryBase)).versionDir(modelName, version));
    }

    @Override
    public OptionalLong serving() throws IOException {
        return new ModelRegistry(Path.of(registryBase)).serving(modelName);
    }
}

package dev.marquee.job.label;

import dev.marquee.job.score.VersionPreparation;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * What the labels' operator needs of a version, made on the scoring slot's loader thread before the version
 * serves, so the operator in the same TaskManager finds it ready when the version's first prediction reaches it:
 * the version's title catalog (labels are resolved as the scorer resolved the request) and, when online adaptation
 * is on, its title embeddings. Both are kept per JVM ({@link RegistryTitleCatalogs}, {@link RegistryTitleEmbeddings}).
 */
public final class LabelPreparation implements VersionPreparation {
    private static final long serialVersionUID = 1L;

    private final RegistryTitleCatalogs catalogs;
    private final RegistryTitleEmbeddings embeddings;

    /** @param embeddings null when online adaptation is off */
    public LabelPreparation(RegistryTitleCatalogs catalogs, RegistryTitleEmbeddings embeddings) {
        this.catalogs = catalogs;
        this.embeddings = embeddings;
    }

    @Override
    public void prepare(long version) {
        try {
            catalogs.load(version);
        } catch (IOException e) {
            throw new UncheckedIOException("title catalog of version " + version + ": " + e.getMessage(), e);
        }
        if (embeddings == null) return;
        try {
            embeddings.load(version);
        } catch (IOException e) {
            throw new UncheckedIOException("title embeddings of version " + version + ": " + e.getMessage(), e);
        }
    }
}

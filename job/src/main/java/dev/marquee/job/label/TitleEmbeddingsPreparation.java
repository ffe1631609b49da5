package dev.marquee.job.label;

import dev.marquee.job.score.VersionPreparation;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Computes a version's title embeddings on the scoring slot's loader thread, into {@link SharedTitleEmbeddings},
 * before the version serves: the online adaptation in the same TaskManager then finds them ready.
 */
public final class TitleEmbeddingsPreparation implements VersionPreparation {
    private static final long serialVersionUID = 1L;

    private final RegistryTitleEmbeddings source;

    public TitleEmbeddingsPreparation(RegistryTitleEmbeddings source) {
        this.source = source;
    }

    @Override
    public void prepare(long version) {
        try {
            source.load(version);
        } catch (IOException e) {
            throw new UncheckedIOException("title embeddings of version " + version + ": " + e.getMessage(), e);
        }
    }
}

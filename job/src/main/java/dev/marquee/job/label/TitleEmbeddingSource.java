package dev.marquee.job.label;

import java.io.IOException;
import java.io.Serializable;
import java.util.Optional;

/** Where a model version's title embeddings come from; empty when the version has none (then the bias serves). */
@FunctionalInterface
public interface TitleEmbeddingSource extends Serializable {
    Optional<TitleEmbeddings> load(long version) throws IOException;
}

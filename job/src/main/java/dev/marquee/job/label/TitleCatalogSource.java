package dev.marquee.job.label;

import dev.marquee.data.title.TitleCatalog;
import java.io.IOException;
import java.io.Serializable;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Where a model version's title catalog (its title vocabulary) comes from, so labels are resolved as the scorer
 * resolves requests; empty when the version has none (imported without training data).
 */
public interface TitleCatalogSource extends Serializable {
    Optional<TitleCatalog> load(long version) throws IOException;

    /** The version serving now, for a label that arrives before this instance saw any prediction. */
    OptionalLong serving() throws IOException;
}

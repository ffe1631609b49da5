package dev.marquee.job.label;

import dev.marquee.data.title.TitleCatalog;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Resolves a label's title against the title catalog of the version serving this operator instance (the
 * version of the latest prediction it saw, else the registry's serving version), so a label spelt as another
 * catalog would spell it ("Se7en (1995)") joins the prediction the scorer made for its catalog title. Catalogs
 * of the last two versions are kept; one that fails to load is tried again a minute later, the title kept as
 * sent meanwhile.
 */
final class LabelTitles {
    private static final Logger LOG = LoggerFactory.getLogger(LabelTitles.class);
    private static final int VERSIONS = 2;
    private static final long RETRY_MS = 60_000;

    private final TitleCatalogSource source;
    private final Map<Long, Optional<TitleCatalog>> catalogs = new LinkedHashMap<>(4, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Optional<TitleCatalog>> eldest) {
            return size() > VERSIONS;
        }
    };
    private long latestVersion;
    /** The registry's serving version as last read, for labels before the first prediction; re-read every 10 s. */
    private long registryServing;
    private long registryReadAtMs = -1;
    private long retryAtMs;

    LabelTitles(TitleCatalogSource source) {
        this.source = source;
    }

    /** A prediction of {@code version} went by: labels now resolve against its catalog. */
    void served(long version) {
        if (version > 0) latestVersion = version;
    }

    /** The catalog's spelling of {@code title}, or the title as sent when no catalog matches it. */
    String resolve(String title) {
        TitleCatalog catalog = catalog();
        return catalog == null ? title : catalog.resolve(title);
    }

    private TitleCatalog catalog() {
        if (source == null) return null;
        long now = System.currentTimeMillis();
        if (now < retryAtMs) return cached(latestVersion);
        long version = latestVersion;
        try {
            if (version <= 0) {
                if (registryReadAtMs < 0 || now - registryReadAtMs > 10_000) {
                    OptionalLong serving = source.serving();
                    registryServing = serving.isPresent() ? serving.getAsLong() : 0;
                    registryReadAtMs = now;
                }
                version = registryServing;
                if (version <= 0) return null;
            }
            Optional<TitleCatalog> c = catalogs.get(version);
            if (c == null) {
                c = source.load(version);
                catalogs.put(version, c);
            }
            return c.orElse(null);
        } catch (Exception e) {
            retryAtMs = now + RETRY_MS;
            LOG.warn("labels: cannot load the title catalog of {} (trying again in {} s); label titles are "
                    + "matched as sent meanwhile", version > 0 ? "version " + version : "the registry's serving version",
                    RETRY_MS / 1000, e);
            return null;
        }
    }

    private TitleCatalog cached(long version) {
        Optional<TitleCatalog> c = catalogs.get(version);
        return c == null ? null : c.orElse(null);
    }
}

package dev.marquee.job.label;

import dev.marquee.data.title.TitleCatalog;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One model version's title embeddings, projected ({@link EmbeddingProjection}): the vectors user factors are
 * learned against. A title is resolved as the scorer resolves it (the version's title catalog: exact spelling,
 * else the one title with the same canonical key); a title the version does not know gets the model's own
 * out-of-vocabulary embedding.
 */
public final class TitleEmbeddings {
    private final long version;
    private final TitleCatalog catalog;
    private final Map<String, float[]> vectors;
    private final float[] unknown;
    private final int dimensions;

    private TitleEmbeddings(long version, TitleCatalog catalog, Map<String, float[]> vectors, float[] unknown,
                            int dimensions) {
        this.version = version;
        this.catalog = catalog;
        this.vectors = vectors;
        this.unknown = unknown;
        this.dimensions = dimensions;
    }

    /**
     * @param titles the version's title vocabulary
     * @param raw the model's embedding of each title, in order
     * @param unknownRaw the model's embedding of a title it does not know
     * @param maxDimensions at most this many directions are kept
     */
    public static TitleEmbeddings project(long version, List<String> titles, float[][] raw, float[] unknownRaw,
                                          int maxDimensions) {
        if (titles.size() != raw.length) {
            throw new IllegalArgumentException(titles.size() + " titles but " + raw.length + " embeddings");
        }
        // A row with a NaN or an infinity (an imported model's padding or never-trained title) would make the whole
        // projection NaN and leave no direction: such titles are left out, and take the unknown title's vector.
        java.util.List<float[]> finite = new java.util.ArrayList<>(raw.length);
        for (float[] row : raw) if (finite(row)) finite.add(row);
        EmbeddingProjection projection = EmbeddingProjection.fit(finite.toArray(float[][]::new), maxDimensions);
        Map<String, float[]> vectors = new HashMap<>(titles.size() * 2);
        for (int i = 0; i < raw.length; i++) {
            if (finite(raw[i])) vectors.put(titles.get(i), projection.apply(raw[i]));
        }
        float[] unknown = finite(unknownRaw) ? projection.apply(unknownRaw) : new float[projection.dimensions()];
        return new TitleEmbeddings(version, TitleCatalog.of(titles), vectors, unknown, projection.dimensions());
    }

    static boolean finite(float[] row) {
        for (float v : row) if (!Float.isFinite(v)) return false;
        return true;
    }

    public long version() {
        return version;
    }

    public int dimensions() {
        return dimensions;
    }

    /** The projected embedding the model gives {@code rawTitle}. */
    public float[] of(String rawTitle) {
        float[] v = rawTitle == null ? null : vectors.get(catalog.resolve(rawTitle));
        return v != null ? v : unknown;
    }

    public int size() {
        return vectors.size();
    }
}

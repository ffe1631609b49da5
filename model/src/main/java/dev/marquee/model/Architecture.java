package dev.marquee.model;

import java.util.Locale;

/** Which network {@link RatingGraph} builds. */
public enum Architecture {
    /**
     * Ours: global mean + user bias + title bias + a small user·title embedding dot product, per-row L2.
     * The exported user/title vectors are {@code [bias, factors..., 0...]}, 32 wide.
     */
    DEFAULT,
    /**
     * The reference series' model: 32-dim user and title embeddings, concatenated, Dense 256 relu, Dense 64
     * relu, Dense 1, MSE.
     */
    REFERENCE,
    /**
     * {@link #DEFAULT} (component A) blended with SVD++ (component B) and an item-based autoencoder (I-AutoRec,
     * component C) for rows whose user and title were both in training: {@code w0 + wA·A + wB·B + wC·C} with
     * weights fitted by least squares on the known validation rows; any other row gets A alone. The exported
     * vectors are A's.
     */
    BLEND;

    /** "default", "reference" or "blend", any case. */
    public static Architecture parse(String name) {
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown architecture '" + name + "': use default, reference or blend");
        }
    }

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Whether this network can be built for {@code users} and {@code titles} known in training: {@link #BLEND} feeds
     * users × titles matrices, built for up to {@value BlendGraph#MAX_CELLS} cells; the others have no such limit.
     */
    public boolean fits(long users, long titles) {
        return this != BLEND || (users + 1) * (titles + 1) <= BlendGraph.MAX_CELLS;
    }
}

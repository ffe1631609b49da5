package dev.marquee.model;

import dev.marquee.data.title.TitleCatalog;

/**
 * Scores for a batch of rows, in request order.
 *
 * @param ratings predicted ratings ({@code output_3})
 * @param userOov per row: the user id is not in the model's vocabulary (it got the OOV bucket); null when the
 *     version has no vocabularies (imported without training data), so nobody can tell
 * @param titleOov per row: the title, after canonical resolution, is not in the vocabulary; null as above
 * @param userVectors {@code output_1} per row, or null when not requested
 * @param titleVectors {@code output_2} per row, or null when not requested
 * @param titleMatches per row: how the title was matched to the version's catalog (docs/TITLES.md); null when the
 *     version has no vocabularies, so no catalog to match against
 * @param catalogTitles per row: the catalog title scored, null for a row whose title matched none; the array is
 *     null as {@code titleMatches} is
 */
public record ScoredBatch(float[] ratings, boolean[] userOov, boolean[] titleOov, float[][] userVectors,
        float[][] titleVectors, TitleCatalog.Match[] titleMatches, String[] catalogTitles) {

    public ScoredBatch(float[] ratings, boolean[] userOov, boolean[] titleOov, float[][] userVectors,
            float[][] titleVectors) {
        this(ratings, userOov, titleOov, userVectors, titleVectors, null, null);
    }

    public int size() {
        return ratings.length;
    }

    /** False when the version has no vocabularies (unknown is not counted as new). */
    public boolean anyOov(int row) {
        return hasOovFlags() && (userOov[row] || titleOov[row]);
    }

    public boolean hasOovFlags() {
        return userOov != null && titleOov != null;
    }

    /** False when the version has no catalog: a row's title match is then unknown. */
    public boolean hasTitleMatches() {
        return titleMatches != null;
    }

    ScoredBatch withTitles(TitleCatalog.Match[] matches, String[] titles) {
        return new ScoredBatch(ratings, userOov, titleOov, userVectors, titleVectors, matches, titles);
    }
}

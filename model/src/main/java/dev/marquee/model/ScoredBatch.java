package dev.marquee.model;

/**
 * Scores for a batch of rows, in request order.
 *
 * @param ratings predicted ratings ({@code output_3})
 * @param userOov per row: the user id is not in the model's vocabulary (it got the OOV bucket); null when the
 *     version has no vocabularies (imported without training data), so nobody can tell
 * @param titleOov per row: the title, after canonical resolution, is not in the vocabulary; null as above
 * @param userVectors {@code output_1} per row, or null when not requested
 * @param titleVectors {@code output_2} per row, or null when not requested
 */
public record ScoredBatch(float[] ratings, boolean[] userOov, boolean[] titleOov, float[][] userVectors,
        float[][] titleVectors) {

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
}

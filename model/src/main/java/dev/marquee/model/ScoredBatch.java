package dev.marquee.model;

/**
 * Scores for a batch of rows, in request order.
 *
 * @param ratings predicted ratings ({@code output_3})
 * @param userOov per row: the user id is not in the model's vocabulary (it got the OOV bucket)
 * @param titleOov per row: the title, after canonical resolution, is not in the vocabulary
 * @param userVectors {@code output_1} per row, or null when not requested
 * @param titleVectors {@code output_2} per row, or null when not requested
 */
public record ScoredBatch(float[] ratings, boolean[] userOov, boolean[] titleOov, float[][] userVectors,
        float[][] titleVectors) {

    public int size() {
        return ratings.length;
    }

    public boolean anyOov(int row) {
        return userOov[row] || titleOov[row];
    }
}

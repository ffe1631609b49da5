package dev.marquee.model;

import dev.marquee.data.event.Rating;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The rows a model is fitted on and the rows every choice is made on (early stopping, the baseline's
 * regularisation): the split's validation part, or when it has none a seeded {@value #HOLDOUT_PERCENT}% of its
 * training rows, held out and not fitted on. The same seed always holds out the same rows, so the trainer,
 * the tuned baseline and {@code evaluate} see the same cut.
 *
 * @param fit the rows fitted on
 * @param validation the rows choices are made on
 * @param heldOut true when {@code validation} was cut out of the training rows
 */
public record TrainingRows(List<Rating> fit, List<Rating> validation, boolean heldOut) {
    public static final int HOLDOUT_PERCENT = 5;

    public static TrainingRows of(List<Rating> train, List<Rating> validation, long seed) {
        if (!validation.isEmpty()) {
            return new TrainingRows(train, validation, false);
        }
        List<Rating> fit = new ArrayList<>(train.size());
        List<Rating> holdout = new ArrayList<>();
        Random r = new Random(seed ^ 0x9E3779B97F4A7C15L);
        for (Rating rating : train) {
            (r.nextInt(100) < HOLDOUT_PERCENT ? holdout : fit).add(rating);
        }
        return new TrainingRows(fit, holdout, true);
    }

    /**
     * What a refit trains on: the split's training rows and its validation part, or when it has none all of the
     * training rows (the hold-out included), in their order.
     */
    public static List<Rating> refitRows(List<Rating> train, List<Rating> validation) {
        if (validation.isEmpty()) {
            return train;
        }
        List<Rating> all = new ArrayList<>(train.size() + validation.size());
        all.addAll(train);
        all.addAll(validation);
        return all;
    }

    /** Where the validation rows come from, for reports and model cards. */
    public String validationSource() {
        return heldOut ? "training hold-out" : "validation";
    }
}

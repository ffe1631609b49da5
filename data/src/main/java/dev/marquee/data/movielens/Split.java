package dev.marquee.data.movielens;

import dev.marquee.data.event.Rating;
import java.util.List;
import java.util.Objects;

/**
 * A dataset cut into training, validation (possibly empty) and test ratings.
 *
 * @param name what produced it, e.g. "time-60/20/20" or "u1"
 */
public record Split(String name, List<Rating> train, List<Rating> validation, List<Rating> test) {
    public Split {
        Objects.requireNonNull(name, "name");
        train = List.copyOf(train);
        validation = List.copyOf(validation);
        test = List.copyOf(test);
    }

    public boolean hasValidation() {
        return !validation.isEmpty();
    }

    public int size() {
        return train.size() + validation.size() + test.size();
    }

    /** Sizes only: printing every rating is never what anyone wants. */
    @Override
    public String toString() {
        return name + ": train " + train.size() + ", validation " + validation.size() + ", test " + test.size();
    }
}

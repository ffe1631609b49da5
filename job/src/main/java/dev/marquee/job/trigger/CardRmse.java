package dev.marquee.job.trigger;

import java.io.Serializable;
import java.util.OptionalDouble;

/**
 * The test RMSE a model version's card reports (its validation RMSE when the test part was not scored), the
 * yardstick of the online RMSE rule.
 */
@FunctionalInterface
public interface CardRmse extends Serializable {
    /** Empty when the version, its card or the number is missing. */
    OptionalDouble testRmse(long version);
}

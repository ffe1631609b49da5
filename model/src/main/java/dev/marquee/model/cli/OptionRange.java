package dev.marquee.model.cli;

import dev.marquee.data.config.SettingException;

/** Range checks picocli's types cannot express; a value outside is a usage error naming the option. */
public final class OptionRange {
    private OptionRange() {}

    public static long check(String option, long value, long min, long max) {
        if (value < min || value > max) {
            throw new SettingException(option + " must be between " + min + " and " + max + ", got " + value);
        }
        return value;
    }

    public static int check(String option, int value, int min, int max) {
        return (int) check(option, (long) value, min, max);
    }

    public static double check(String option, double value, double min, double max) {
        if (!(value >= min && value <= max)) {
            throw new SettingException(option + " must be between " + min + " and " + max + ", got " + value);
        }
        return value;
    }
}

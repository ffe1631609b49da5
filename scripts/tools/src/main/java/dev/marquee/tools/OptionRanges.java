package dev.marquee.tools;

import dev.marquee.data.config.SettingException;

/** Range checks of typed command-line values, failing with the one-line message a usage error shows. */
public final class OptionRanges {
    private OptionRanges() {}

    public static long between(String option, long value, long min, long max) {
        if (value < min || value > max) {
            throw new SettingException(option + " must be between " + min + " and " + max + ", got " + value);
        }
        return value;
    }

    public static int between(String option, int value, int min, int max) {
        return (int) between(option, (long) value, min, max);
    }

    /** A model name as the registry and the jobs take it (the scoring job's model.name). */
    public static String modelName(String option, String value) {
        if (value == null || !value.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
            throw new SettingException(option + " must be a model name (letters, digits, '.', '_' and '-', starting with"
                    + " a letter or digit), got '" + value + "'");
        }
        return value;
    }

    public static double between(String option, double value, double min, double max) {
        if (!(value >= min && value <= max)) {
            throw new SettingException(option + " must be between " + min + " and " + max + ", got " + value);
        }
        return value;
    }
}

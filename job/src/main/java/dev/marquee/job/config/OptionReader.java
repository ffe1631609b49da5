package dev.marquee.job.config;

import dev.marquee.data.config.SettingException;
import dev.marquee.data.config.Settings;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;

/**
 * Reads the jobs' {@link ConfigOption}s from a Flink {@link Configuration}: each value typed by its option, its
 * option's default when absent, checked against the bounds the caller gives, a failure naming the key.
 * The text is converted by {@link Settings}, not by Flink: the settings have always been trimmed and taken
 * {@code 1_000} and {@code yes}/{@code no}, and its messages say what range a key takes.
 */
public final class OptionReader {
    private final Settings values;

    public OptionReader(Configuration conf) {
        this.values = new Settings(conf.toMap());
    }

    public static OptionReader of(Map<String, String> settings) {
        return new OptionReader(Configuration.fromMap(settings));
    }

    /** The values as given, as {@link Settings} (for the {@code data} module's settings, which have no Flink). */
    public Settings settings() {
        return values;
    }

    public String string(ConfigOption<String> option) {
        return string(option, option.defaultValue());
    }

    /** With a default other than the option's (one taken from the environment, say). */
    public String string(ConfigOption<String> option, String defaultValue) {
        return values.string(option.key(), defaultValue);
    }

    public int intIn(ConfigOption<Integer> option, int min, int max) {
        return values.intInRange(option.key(), option.defaultValue(), min, max);
    }

    public long longIn(ConfigOption<Long> option, long min, long max) {
        return longIn(option, option.defaultValue(), min, max);
    }

    /** With a default other than the option's (one that depends on another key). */
    public long longIn(ConfigOption<Long> option, long defaultValue, long min, long max) {
        return values.longInRange(option.key(), defaultValue, min, max);
    }

    public double doubleIn(ConfigOption<Double> option, double min, double max) {
        return values.doubleInRange(option.key(), option.defaultValue(), min, max);
    }

    /** A number in the bounds, or NaN for {@code off} (the option's default may be NaN: off). */
    public double doubleOrOff(ConfigOption<Double> option, double min, double max) {
        String raw = values.asMap().get(option.key());
        if (raw != null && raw.trim().equalsIgnoreCase("off")) return Double.NaN;
        try {
            return values.doubleInRange(option.key(), option.defaultValue(), min, max);
        } catch (SettingException e) {
            throw new SettingException(e.getMessage() + " (or 'off')");
        }
    }

    public boolean bool(ConfigOption<Boolean> option) {
        return values.bool(option.key(), option.defaultValue());
    }

    /** The keys under {@code prefix}, without it. */
    public Map<String, String> withPrefix(String prefix) {
        Map<String, String> out = new LinkedHashMap<>();
        values.asMap().forEach((k, v) -> {
            if (k.startsWith(prefix)) out.put(k.substring(prefix.length()), v);
        });
        return out;
    }
}

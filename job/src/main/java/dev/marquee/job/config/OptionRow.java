package dev.marquee.job.config;

import java.util.Locale;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.description.BlockElement;
import org.apache.flink.configuration.description.TextElement;

/**
 * One row of docs/CONFIGURATION.md: a {@link ConfigOption}, or a family of keys under one prefix
 * ({@code kafka.property.<name>}) that the settings read by prefix.
 */
public final class OptionRow {
    private final ConfigOption<?> option;
    private final String key;
    private final String type;
    private final String defaultText;
    private final String description;
    /** For a family: the prefix its keys share; null for an option. */
    private final String prefix;

    private OptionRow(ConfigOption<?> option, String key, String type, String defaultText, String description) {
        this(option, key, type, defaultText, description, null);
    }

    private OptionRow(ConfigOption<?> option, String key, String type, String defaultText, String description,
                      String prefix) {
        this.prefix = prefix;
        this.option = option;
        this.key = key;
        this.type = type;
        this.defaultText = defaultText;
        this.description = description;
    }

    /** The option, its default written out. */
    public static OptionRow of(ConfigOption<?> option) {
        return of(option, defaultText(option));
    }

    /** The option, with its default described instead (one that depends on the environment or another key). */
    public static OptionRow of(ConfigOption<?> option, String defaultText) {
        if (!option.hasDefaultValue()) throw new IllegalArgumentException(option.key() + " needs a default");
        return new OptionRow(option, option.key(), typeName(option.defaultValue()), defaultText, text(option));
    }

    /** Keys {@code prefix<placeholder>}: documented once, read by prefix. */
    public static OptionRow family(String prefix, String placeholder, String type, String defaultText, String description) {
        return new OptionRow(null, prefix + placeholder, type, defaultText, description, prefix);
    }

    /** The prefix of a family's keys ({@code kafka.property.}); null for an option. */
    public String familyPrefix() {
        return prefix;
    }

    /** The option; null for a family of keys. */
    public ConfigOption<?> option() {
        return option;
    }

    public String key() {
        return key;
    }

    public String type() {
        return type;
    }

    public String defaultText() {
        return defaultText;
    }

    public String description() {
        return description;
    }

    private static String typeName(Object defaultValue) {
        if (defaultValue instanceof Integer) return "int";
        return defaultValue.getClass().getSimpleName().toLowerCase(Locale.ROOT);
    }

    /** `value`, with the duration spelled out for a {@code -ms} key ({@code `1800000` (30 min)}). */
    static String defaultText(ConfigOption<?> option) {
        Object value = option.defaultValue();
        String text = "`" + format(value) + "`";
        if (option.key().endsWith("-ms") && value instanceof Long) {
            String duration = duration((Long) value);
            if (duration != null) text += " (" + duration + ")";
        }
        return text;
    }

    /** A value as written in a setting: 3 rather than 3.0. */
    static String format(Object value) {
        if (value instanceof Double) {
            double d = (Double) value;
            if (d == Math.rint(d) && Math.abs(d) < 1e15) return String.valueOf((long) d);
        }
        return String.valueOf(value);
    }

    private static String duration(long ms) {
        long[] units = {86_400_000L, 3_600_000L, 60_000L};
        String[] names = {" days", " h", " min"};
        for (int i = 0; i < units.length; i++) {
            if (ms >= units[i] && ms % units[i] == 0) {
                long n = ms / units[i];
                return n + (i == 0 && n == 1 ? " day" : names[i]);
            }
        }
        return null;
    }

    private static String text(ConfigOption<?> option) {
        StringBuilder b = new StringBuilder();
        for (BlockElement block : option.description().getBlocks()) {
            if (!(block instanceof TextElement)) {
                throw new IllegalArgumentException(option.key() + ": only plain-text descriptions are documented");
            }
            b.append(((TextElement) block).getFormat());
        }
        return b.toString();
    }
}

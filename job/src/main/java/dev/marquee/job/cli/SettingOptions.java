package dev.marquee.job.cli;

import dev.marquee.job.config.OptionRow;
import dev.marquee.job.config.OptionSection;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * A job's settings as picocli options, generated from the rows of docs/CONFIGURATION.md ({@link OptionRow}): one
 * {@code --<key>} per option with its description and default, and the families ({@code kafka.property.<name>})
 * taken from the arguments picocli leaves unmatched. The values are kept as given (the job's settings classes read
 * and check them, with the defaults that depend on the environment or on other keys); the options only check that
 * a value has the option's type, so a typo in a number is a usage error before anything starts.
 */
final class SettingOptions {
    private static final Pattern MARKDOWN_LINK = Pattern.compile("\\[([^]]+)]\\([^)]+\\)");

    private static final int WIDTH = 110;

    private SettingOptions() {}

    /** Adds an option per row that has one, in the rows' order, and lists the families in the footer. */
    static CommandSpec addTo(CommandSpec spec, List<OptionRow> rows) {
        List<String> families = new ArrayList<>();
        for (OptionRow row : rows) {
            if (row.option() == null) {
                families.add("  --" + row.key() + " <" + row.type() + ">");
                families.addAll(wrapped(described(row), "      ", WIDTH - 6));
                continue;
            }
            spec.addOption(option(row));
        }
        // A setting given twice: the last one counts, as with Flink's --key value pairs (a wrapper script's
        // default followed by the user's choice).
        spec.parser().overwrittenOptionsAllowed(true);
        // A family's value may start with a dash (a password "-hX7q"): not read as -h clustered with more, which
        // printed the help and exited 0 without starting anything. A value of exactly -h or -V needs the = form.
        spec.parser().posixClusteredShortOptionsAllowed(false);
        spec.usageMessage().sortOptions(false).abbreviateSynopsis(true).width(WIDTH).longOptionsMaxWidth(42);
        if (!families.isEmpty()) {
            spec.usageMessage().footerHeading("%nFamilies of settings (any key under the prefix):%n")
                    .footer(families.toArray(String[]::new));
        }
        return spec;
    }

    /** The rows of {@code sections}, in order. */
    static List<OptionRow> rows(List<OptionSection> sections) {
        List<OptionRow> rows = new ArrayList<>();
        sections.forEach(s -> rows.addAll(s.rows()));
        return rows;
    }

    /**
     * The settings given on the command line, by key: the generated options that were given, then the families'
     * keys from {@code unmatched} ({@code --prefix.name value} or {@code --prefix.name=value}). Anything else left
     * unmatched is an unknown option.
     */
    static Map<String, String> given(CommandSpec spec, List<OptionRow> rows, List<String> unmatched) {
        Map<String, String> values = new LinkedHashMap<>();
        for (OptionRow row : rows) {
            if (row.option() == null) continue;
            OptionSpec option = spec.findOption("--" + row.key());
            Object value = option == null ? null : option.getValue();
            if (value != null) values.put(row.key(), value.toString());
        }
        List<String> prefixes = rows.stream().map(OptionRow::familyPrefix).filter(p -> p != null).toList();
        for (int i = 0; i < unmatched.size(); i++) {
            String arg = unmatched.get(i);
            String key = arg.startsWith("--") ? arg.substring(2) : "";
            int eq = key.indexOf('=');
            String name = eq >= 0 ? key.substring(0, eq) : key;
            if (prefixes.stream().noneMatch(p -> name.startsWith(p) && name.length() > p.length())) {
                throw new CommandLine.UnmatchedArgumentException(spec.commandLine(), List.of(arg));
            }
            if (eq >= 0) {
                values.put(name, key.substring(eq + 1));
            } else if (i + 1 < unmatched.size()) {
                values.put(name, unmatched.get(++i));
            } else {
                throw new CommandLine.ParameterException(spec.commandLine(), "Missing value for option '" + arg + "'");
            }
        }
        return values;
    }

    private static OptionSpec option(OptionRow row) {
        Class<?> type = row.option().defaultValue().getClass();
        OptionSpec.Builder b = OptionSpec.builder("--" + row.key())
                .type(String.class)
                .paramLabel("<" + row.type() + ">")
                .description(described(row))
                .converters(converter(type));
        // Booleans take a value as they always have (--drift.enabled false); given alone, they mean true.
        if (type == Boolean.class) b.arity("0..1").fallbackValue("true");
        else b.arity("1");
        return b.build();
    }

    /** Checks the text has the option's type (as the settings read it: 1_000, yes/no, off) and keeps it as given. */
    private static CommandLine.ITypeConverter<String> converter(Class<?> type) {
        return value -> {
            String v = value.trim();
            String problem = null;
            if (type == Integer.class || type == Long.class) {
                try {
                    long n = Long.parseLong(v.replace("_", ""));
                    if (type == Integer.class && (n < Integer.MIN_VALUE || n > Integer.MAX_VALUE)) problem = "is too large";
                } catch (NumberFormatException e) {
                    problem = "is not a whole number";
                }
            } else if (type == Double.class) {
                if (!v.equalsIgnoreCase("off")) {
                    try {
                        Double.parseDouble(v);
                    } catch (NumberFormatException e) {
                        problem = "is not a number";
                    }
                }
            } else if (type == Boolean.class) {
                if (!Set.of("true", "yes", "on", "1", "false", "no", "off", "0").contains(v.toLowerCase(Locale.ROOT))) {
                    problem = "is not true or false";
                }
            }
            if (problem != null) throw new CommandLine.TypeConversionException("'" + value + "' " + problem);
            return value;
        };
    }

    /** {@code text} in lines of at most {@code width} characters (words longer stay whole), each indented. */
    static List<String> wrapped(String text, String indent, int width) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String word : text.split(" ")) {
            if (line.length() > 0 && line.length() + 1 + word.length() > width) {
                lines.add(indent + line);
                line.setLength(0);
            }
            if (line.length() > 0) line.append(' ');
            line.append(word);
        }
        if (line.length() > 0) lines.add(indent + line);
        return lines;
    }

    /** The row's description and default, as sentences. */
    private static String described(OptionRow row) {
        String description = text(row.description());
        return description + (description.endsWith(".") ? " " : ". ") + "Default: " + text(row.defaultText()) + ".";
    }

    /** Markdown written for docs/CONFIGURATION.md as terminal text; % escaped for picocli's formatting. */
    static String text(String markdown) {
        String plain = MARKDOWN_LINK.matcher(markdown).replaceAll("$1").replace("`", "");
        return plain.replace("%", "%%");
    }
}

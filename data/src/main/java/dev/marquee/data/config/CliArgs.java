package dev.marquee.data.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Parses {@code --key value} and {@code --flag} command-line arguments into {@link Settings}, refusing keys the
 * command does not know with a message that lists the ones it does.
 */
public final class CliArgs {
    private final Set<String> valueKeys;
    private final Set<String> flagKeys;

    /**
     * @param valueKeys keys that take a value ({@code --rate 100}); a key may repeat to give a list
     * @param flagKeys  keys that take none ({@code --with-ratings}), read as "true"
     */
    public CliArgs(Set<String> valueKeys, Set<String> flagKeys) {
        this.valueKeys = valueKeys;
        this.flagKeys = flagKeys;
    }

    /** The parsed settings, or a {@link SettingException} whose message names the problem. */
    public Parsed parse(String[] args) {
        Map<String, String> values = new LinkedHashMap<>();
        Map<String, List<String>> repeated = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--") || arg.length() == 2) {
                throw new SettingException("unexpected argument " + echo(arg));
            }
            String key = arg.substring(2);
            String inline = null;
            int eq = key.indexOf('=');
            if (eq > 0) {
                inline = key.substring(eq + 1);
                key = key.substring(0, eq);
            }
            if (flagKeys.contains(key)) {
                values.put(key, inline == null ? "true" : inline);
            } else if (valueKeys.contains(key)) {
                String value = inline;
                if (value == null) {
                    if (i + 1 >= args.length) throw new SettingException("--" + key + " needs a value");
                    value = args[++i];
                }
                values.put(key, value);
                repeated.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
            } else {
                throw new SettingException("unknown option --" + key + "; known: " + known());
            }
        }
        return new Parsed(new Settings(values), repeated);
    }

    /** An argument quoted for an error message, unless it looks like a secret (a password after a forgotten '='). */
    private static String echo(String arg) {
        return SecretMasking.looksSecret(arg) ? "(hidden: it looks like a secret)" : "'" + arg + "'";
    }

    private String known() {
        List<String> all = new ArrayList<>();
        valueKeys.stream().sorted().forEach(k -> all.add("--" + k));
        flagKeys.stream().sorted().forEach(k -> all.add("--" + k));
        return String.join(" ", all);
    }

    /** Parsed arguments: the last value of each key, and every value of keys that were repeated. */
    public static final class Parsed {
        private final Settings settings;
        private final Map<String, List<String>> all;

        Parsed(Settings settings, Map<String, List<String>> all) {
            this.settings = settings;
            this.all = all;
        }

        public Settings settings() {
            return settings;
        }

        public List<String> all(String key) {
            return all.getOrDefault(key, List.of());
        }

        /** The repeated {@code --key K=V} values as properties (e.g. Kafka client properties). */
        public java.util.Properties properties(String key) {
            java.util.Properties p = new java.util.Properties();
            for (String kv : all(key)) {
                int eq = kv.indexOf('=');
                if (eq <= 0) throw new SettingException("--" + key + " takes KEY=VALUE, got " + echo(kv));
                p.put(kv.substring(0, eq).trim(), kv.substring(eq + 1).trim());
            }
            return p;
        }
    }
}

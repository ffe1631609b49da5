package dev.marquee.job.config;

import dev.marquee.data.config.SettingException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A job jar's arguments ({@code flink run job.jar ...}): {@code --key value} or {@code --key=value}, as {@code marquee
 * score} and {@code trigger} take them. Read here rather than by Flink's ParameterTool, which took a value starting
 * with {@code -} (a password, say) for the next key, handed on the marker {@code __NO_VALUE_KEY} as the value of a key
 * without one (a registry folder of that name, when {@code --model.registry $REG} met an empty variable), and quoted
 * every argument in its errors, secrets included. Messages here name keys and positions, never values.
 */
public final class JobArguments {
    private JobArguments() {}

    public static Map<String, String> parse(String[] args) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("-") || a.equals("-") || a.equals("--")) {
                throw new SettingException("argument " + (i + 1) + " is not a --key (a value with spaces must be quoted"
                        + " as one argument; arguments are --key value or --key=value)");
            }
            String key = a.startsWith("--") ? a.substring(2) : a.substring(1);
            String value;
            int eq = key.indexOf('=');
            if (eq >= 0) {
                value = key.substring(eq + 1);
                key = key.substring(0, eq);
            } else if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
                value = args[++i];
            } else {
                throw new SettingException("--" + key + " needs a value (--" + key + " VALUE)");
            }
            if (key.isEmpty()) throw new SettingException("argument " + (i + 1) + " has no key before its '='");
            map.put(key, value); // the last one given wins, as for marquee score and trigger (decision 0010)
        }
        return map;
    }
}

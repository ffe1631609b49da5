package dev.marquee.job.config;

import dev.marquee.data.config.SettingException;
import java.util.Map;
import org.apache.flink.util.ParameterTool;

/**
 * A job jar's {@code --key value} arguments ({@code flink run job.jar ...}), read as Flink's ParameterTool reads
 * them, except that a key without a value is refused: ParameterTool would hand on the marker {@code __NO_VALUE_KEY}
 * as its value (a registry folder of that name, say, when {@code --model.registry $REG} met an empty variable).
 * {@code --key=value} is read as {@code --key value}, as {@code marquee score} and {@code trigger} read it.
 */
public final class JobArguments {
    static final String NO_VALUE = "__NO_VALUE_KEY";

    private JobArguments() {}

    public static Map<String, String> parse(String[] args) {
        Map<String, String> map;
        try {
            map = ParameterTool.fromArgs(splitEquals(args)).toMap();
        } catch (IllegalArgumentException e) {
            throw new SettingException(e.getMessage());
        }
        for (Map.Entry<String, String> e : map.entrySet()) {
            if (NO_VALUE.equals(e.getValue())) {
                throw new SettingException("--" + e.getKey() + " needs a value (--" + e.getKey() + " VALUE)");
            }
        }
        return map;
    }

    /** {@code --key=value} as the two arguments {@code --key value}; a value's own '=' stays in it. */
    private static String[] splitEquals(String[] args) {
        java.util.List<String> out = new java.util.ArrayList<>(args.length + 4);
        for (String a : args) {
            int eq = a.startsWith("--") ? a.indexOf('=') : -1;
            if (eq > 2) {
                out.add(a.substring(0, eq));
                out.add(a.substring(eq + 1));
            } else {
                out.add(a);
            }
        }
        return out.toArray(new String[0]);
    }
}

package dev.marquee.job.config;

import dev.marquee.data.config.SettingException;
import java.util.Map;
import org.apache.flink.util.ParameterTool;

/**
 * A job jar's {@code --key value} arguments ({@code flink run job.jar ...}), read as Flink's ParameterTool reads
 * them, except that a key without a value is refused: ParameterTool would hand on the marker {@code __NO_VALUE_KEY}
 * as its value (a registry folder of that name, say, when {@code --model.registry $REG} met an empty variable).
 */
public final class JobArguments {
    static final String NO_VALUE = "__NO_VALUE_KEY";

    private JobArguments() {}

    public static Map<String, String> parse(String[] args) {
        Map<String, String> map;
        try {
            map = ParameterTool.fromArgs(args).toMap();
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
}

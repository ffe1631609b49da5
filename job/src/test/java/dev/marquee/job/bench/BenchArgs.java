package dev.marquee.job.bench;

import dev.marquee.data.config.SettingException;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** A benchmark's {@code --key value} arguments, every key one of those it knows. */
final class BenchArgs {
    private BenchArgs() {}

    /** The arguments as key (without "--") to value; a SettingException names the first one that is not a known {@code --key value}. */
    static Map<String, String> parse(String[] args, Set<String> keys) {
        Map<String, String> opts = new HashMap<>();
        for (int i = 0; i < args.length; i += 2) {
            if (!args[i].startsWith("--")) throw new SettingException("expected --key value, got " + args[i]);
            String key = args[i].substring(2);
            if (!keys.contains(key)) throw new SettingException("unknown option " + args[i] + "; known: " + new TreeSet<>(keys));
            if (i + 1 >= args.length) throw new SettingException(args[i] + " needs a value");
            opts.put(key, args[i + 1]);
        }
        return opts;
    }
}

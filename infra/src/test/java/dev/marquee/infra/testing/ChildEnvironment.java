package dev.marquee.infra.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What a test's child process must not inherit from the shell that ran the build: the settings the README and docs
 * tell users to export (MARQUEE_*, create-topics' TOPIC_* and friends) would change what a script or tool does, and
 * JAVA_TOOL_OPTIONS makes every child JVM print a "Picked up" line first. The build's own MARQUEE_TEST_* stay.
 */
public final class ChildEnvironment {
    private static final List<String> JVM_OPTION_VARIABLES = List.of("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "_JAVA_OPTIONS");
    private static final List<String> CREATE_TOPICS_VARIABLES = List.of("REPLICATION", "COMMAND_CONFIG", "KAFKA_TOPICS");
    private static final List<String> JAVACPP_CACHE_PROPERTIES = List.of("org.bytedeco.javacpp.cachedir",
            "org.bytedeco.javacpp.cacheDir");

    private ChildEnvironment() {}

    /** Removes the user's settings from {@code environment} (a ProcessBuilder's), in place. */
    public static Map<String, String> scrub(Map<String, String> environment) {
        environment.keySet().removeIf(name -> (name.startsWith("MARQUEE_") && !name.startsWith("MARQUEE_TEST_"))
                || name.startsWith("TOPIC_") || CREATE_TOPICS_VARIABLES.contains(name)
                || JVM_OPTION_VARIABLES.contains(name));
        return environment;
    }

    /**
     * The -D options that keep a child JVM's TensorFlow libraries where this JVM keeps its own (a cache moved off a
     * small home with -DargLine or JAVA_TOOL_OPTIONS), so a child does not unpack hundreds of MB into ~/.javacpp.
     */
    public static List<String> javacppCacheOptions() {
        List<String> options = new ArrayList<>();
        for (String property : JAVACPP_CACHE_PROPERTIES) {
            String value = System.getProperty(property);
            if (value != null) options.add("-D" + property + "=" + value);
        }
        return options;
    }
}

package dev.marquee.infra;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Optional;

/** The command line of {@link LocalKafkaMain}. */
record LocalKafkaOptions(int port, int partitions, Optional<Path> dataDir, Optional<Path> bootstrapFile,
                         boolean createTopics, boolean help) {

    static final int DEFAULT_PORT = 9092;

    static final String USAGE = String.join(System.lineSeparator(),
            "usage: LocalKafkaMain [--port N] [--partitions N] [--data-dir DIR] [--bootstrap-file FILE] [--no-topics] [--help]",
            "  --port N               port on " + EmbeddedKafka.HOST + " (default " + DEFAULT_PORT + "; 0 picks a free one)",
            "  --partitions N         partitions of the data topics " + dataTopics() + " (default "
                    + Topics.Role.RATING_REQUESTS.defaultPartitions() + "); the others get 1",
            "  --data-dir DIR         keep the broker's data in DIR (absent or empty; kept after stop);",
            "                         default: a temporary directory, deleted on stop",
            "  --bootstrap-file FILE  write the bootstrap address to FILE once the broker is up; deleted on stop",
            "  --no-topics            do not create marquee's topics",
            "  --help                 print this help");

    /**
     * Accepts {@code --option value} and {@code --option=value}.
     *
     * @throws IllegalArgumentException with a one-line message for anything it does not accept
     */
    static LocalKafkaOptions parse(String... args) {
        int port = DEFAULT_PORT;
        Integer partitions = null;
        Path dataDir = null;
        Path bootstrapFile = null;
        boolean createTopics = true;
        boolean help = false;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String name = arg;
            String inlineValue = null;
            int equals = arg.indexOf('=');
            if (arg.startsWith("--") && equals > 0) {
                name = arg.substring(0, equals);
                inlineValue = arg.substring(equals + 1);
            }
            switch (name) {
                case "--help", "-h" -> help = true;
                case "--no-topics" -> createTopics = false;
                case "--port", "--partitions", "--data-dir", "--bootstrap-file" -> {
                    String value = inlineValue;
                    if (value == null) {
                        if (i + 1 >= args.length) {
                            throw new IllegalArgumentException(name + " needs a value");
                        }
                        value = args[++i];
                    }
                    switch (name) {
                        case "--port" -> port = parseInt(name, value, 0, 65_535);
                        case "--partitions" -> partitions = parseInt(name, value, 1, Topics.MAX_PARTITIONS);
                        case "--data-dir" -> dataDir = parsePath(name, value);
                        default -> bootstrapFile = parsePath(name, value);
                    }
                }
                default -> throw new IllegalArgumentException(arg.startsWith("-")
                        ? "unknown option " + name
                        : "unexpected argument '" + arg + "'");
            }
        }
        if (partitions != null && !createTopics) {
            throw new IllegalArgumentException("--partitions has no effect with --no-topics");
        }
        return new LocalKafkaOptions(port,
                partitions == null ? Topics.Role.RATING_REQUESTS.defaultPartitions() : partitions,
                Optional.ofNullable(dataDir), Optional.ofNullable(bootstrapFile), createTopics, help);
    }

    Topics topics() {
        return Topics.defaults().withDataPartitions(partitions);
    }

    private static int parseInt(String option, String value, int min, int max) {
        try {
            int parsed = Integer.parseInt(value.trim());
            if (parsed >= min && parsed <= max) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(option + " must be an integer from " + min + " to " + max
                + ", got '" + value + "'");
    }

    private static Path parsePath(String option, String value) {
        if (value.isBlank()) {
            throw new IllegalArgumentException(option + " needs a non-empty path");
        }
        try {
            return Path.of(value);
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException(option + " is not a valid path: '" + value + "'");
        }
    }

    private static String dataTopics() {
        StringBuilder names = new StringBuilder();
        for (Topics.Role role : Topics.Role.values()) {
            if (role.isDataTopic()) {
                names.append(names.length() == 0 ? "" : ", ").append(role.defaultName());
            }
        }
        return names.toString();
    }
}

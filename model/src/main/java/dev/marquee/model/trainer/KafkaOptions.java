package dev.marquee.model.trainer;

import dev.marquee.model.cli.Console;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import picocli.CommandLine.Option;

/**
 * Where the trainer's commands find Kafka (a picocli mixin): {@code --bootstrap} (default
 * {@code $MARQUEE_BOOTSTRAP}, read from the command's {@link Console}, else localhost:9092) and any client
 * property.
 */
public final class KafkaOptions {
    static final String BOOTSTRAP_ENV = "MARQUEE_BOOTSTRAP";
    static final String DEFAULT_BOOTSTRAP = "localhost:9092";

    @Option(names = "--bootstrap", paramLabel = "HOST:PORT",
            description = "Kafka bootstrap servers (default: $" + BOOTSTRAP_ENV + ", else " + DEFAULT_BOOTSTRAP + ")")
    String bootstrap;

    @Option(names = "--kafka-prop", paramLabel = "K=V",
            description = "any Kafka client property, e.g. security.protocol=SSL (repeatable), except bootstrap.servers"
                    + " (--bootstrap), transactional.id and, for the trainer, group.id (--group) and max.poll.records")
    Map<String, String> properties = new LinkedHashMap<>();

    /** Client keys the commands set themselves: a --kafka-prop would override them behind the options' back. */
    private static final Map<String, String> FIRST_CLASS = Map.of(
            "bootstrap.servers", "give --bootstrap (or $" + BOOTSTRAP_ENV + ")",
            "transactional.id", "the trainer's producers are not transactional, and one id given to several clients"
                    + " fences all but one");
    /** Refused where the command has --group (the trainer); elsewhere only producers take these properties. */
    private static final String GROUP_ID = "group.id";
    /** The trainer's request consumer reads one record per poll (KafkaClients): "the request in hand" depends on it. */
    private static final String MAX_POLL_RECORDS = "max.poll.records";

    /** The clients of a command that writes only (promote, rollback). */
    KafkaClients clients(Console console) {
        return clients(console, false);
    }

    /** The clients of the trainer, whose request consumer's group is {@code --group}. */
    KafkaClients clientsWithGroup(Console console) {
        return clients(console, true);
    }

    private KafkaClients clients(Console console, boolean groupOption) {
        Properties props = new Properties();
        properties.forEach((k, v) -> props.put(k.trim(), v.trim()));
        for (Map.Entry<String, String> e : FIRST_CLASS.entrySet()) {
            if (props.containsKey(e.getKey())) {
                throw new dev.marquee.data.config.SettingException("--kafka-prop " + e.getKey() + " is not taken: "
                        + e.getValue());
            }
        }
        if (groupOption && props.containsKey(GROUP_ID)) {
            throw new dev.marquee.data.config.SettingException("--kafka-prop group.id is not taken: give --group (the"
                    + " request consumer's; the trainer's other readers are in no group), so that its log and two"
                    + " models' trainers name the group they are in");
        }
        if (groupOption && props.containsKey(MAX_POLL_RECORDS)) {
            throw new dev.marquee.data.config.SettingException("--kafka-prop max.poll.records is not taken: the trainer"
                    + " reads one request at a time, so that a stop or a lost place in the group leaves no request"
                    + " trained after it (max.poll.interval.ms is the setting for long trainings)");
        }
        return new KafkaClients(bootstrap != null ? bootstrap : env(console, BOOTSTRAP_ENV, DEFAULT_BOOTSTRAP), props);
    }

    static String env(Console console, String key, String fallback) {
        String v = console.env().get(key);
        return v == null || v.isBlank() ? fallback : v.trim();
    }
}

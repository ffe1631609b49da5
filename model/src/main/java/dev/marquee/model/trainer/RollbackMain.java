package dev.marquee.model.trainer;

import dev.marquee.data.event.TopicNames;
import com.fasterxml.jackson.databind.JsonNode;
import dev.marquee.data.config.CliArgs;
import dev.marquee.data.config.SettingException;
import dev.marquee.data.config.Settings;
import dev.marquee.data.event.ModelUpdate;
import dev.marquee.data.event.Rating;
import dev.marquee.model.ModelCard;
import dev.marquee.model.ModelRegistry;
import dev.marquee.model.ServingState;
import dev.marquee.model.TrainedModel;
import dev.marquee.model.cli.Console;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.KafkaException;

/**
 * {@code scripts/marquee rollback --version N}: checks that version N is published and loads and answers in
 * the scoring runtime, pins it in the registry (so a restarted job serves it too), and writes a
 * {@link ModelUpdate} for it to {@code model-updates} so a running scoring job swaps back now. Exit codes:
 * 0 done, 1 failed, 2 bad usage.
 */
public final class RollbackMain {
    static final String VERSION = "version";
    private static final CliArgs ARGS = new CliArgs(Set.of(TrainerSettings.BOOTSTRAP, TrainerSettings.KAFKA_PROP,
            TrainerSettings.UPDATES_TOPIC, TrainerSettings.REGISTRY, TrainerSettings.MODEL_NAME, VERSION),
            Set.of("help"));
    static final String USAGE = String.join("\n",
            "usage: marquee rollback --version N [options]",
            "Checks that version N is published and loads and answers a probe batch, pins it in the registry, and",
            "sends a model update for it, so a running scoring job swaps back to it. `marquee models --unpin`",
            "undoes the pin (no retrain removes it). See docs/RETRAINING.md.",
            "  --version N                the version to serve (required)",
            "  --bootstrap HOST:PORT      Kafka bootstrap servers (default: $MARQUEE_BOOTSTRAP, else localhost:9092)",
            "  --kafka-prop K=V           any Kafka client property (repeatable)",
            "  --topic.model-updates NAME (default: model-updates)",
            "  --registry DIR             model registry base (default: $MARQUEE_REGISTRY, else ./.marquee/registry)",
            "  --model-name NAME          model name in the registry (default: marquee)",
            "  --help                     this text");

    private RollbackMain() {}

    /** What the command does with the version it checked. */
    enum Mode {
        /** Pin it (beats every automatic move) and hold the version it replaces from automatic promotion. */
        ROLLBACK("rollback"),
        /** Move the serving pointer to it (a person's promotion; automation may move it again). */
        PROMOTE("promote");

        final String command;

        Mode(String command) {
            this.command = command;
        }
    }

    public static void main(String[] args) {
        int code = run(args, Console.system());
        System.out.flush();
        System.exit(code);
    }

    public static int run(String[] args, Console console) {
        return run(args, console, Mode.ROLLBACK);
    }

    static int run(String[] args, Console console, Mode mode) {
        String cmd = mode.command;
        if (Arrays.asList(args).contains("--help") || Arrays.asList(args).contains("-h")) {
            console.out().println(mode == Mode.ROLLBACK ? USAGE : PromoteMain.USAGE);
            return 0;
        }
        Settings s;
        ModelRegistry registry;
        String name;
        long version;
        KafkaClients kafka;
        String topic;
        try {
            CliArgs.Parsed parsed = ARGS.parse(args);
            s = parsed.settings();
            if (!s.has(VERSION)) {
                throw new SettingException("--version is required");
            }
            version = s.longInRange(VERSION, 0, 1, Long.MAX_VALUE);
            String envRegistry = console.env().get(TrainerSettings.REGISTRY_ENV);
            registry = new ModelRegistry(console.resolve(s.string(TrainerSettings.REGISTRY,
                    envRegistry == null || envRegistry.isBlank() ? TrainerSettings.DEFAULT_REGISTRY : envRegistry.trim())));
            name = s.string(TrainerSettings.MODEL_NAME, TrainerSettings.DEFAULT_MODEL_NAME);
            registry.modelDir(name);
            String envBootstrap = console.env().get(TrainerSettings.BOOTSTRAP_ENV);
            kafka = new KafkaClients(s.string(TrainerSettings.BOOTSTRAP,
                    envBootstrap == null || envBootstrap.isBlank() ? "localhost:9092" : envBootstrap.trim()),
                    parsed.properties(TrainerSettings.KAFKA_PROP));
            topic = s.string(TrainerSettings.UPDATES_TOPIC, TopicNames.MODEL_UPDATES);
        } catch (IllegalArgumentException e) { // SettingException included
            console.err().println(cmd + ": " + e.getMessage());
            console.err().println("see: marquee " + cmd + " --help");
            return 2;
        }
        try {
            List<Long> versions = registry.versions(name);
            if (!versions.contains(version)) {
                console.err().println(cmd + ": version " + version + " of '" + name + "' is not published in "
                        + registry.base() + " (have " + versions + ")");
                return 1;
            }
            Path dir = RegistryPaths.requireInside(registry.base(), registry.versionDir(name, version));
            String failure = check(dir);
            if (failure != null) {
                console.err().println(cmd + ": version " + version + " does not serve: " + failure);
                return 1;
            }
            OptionalLong pin = registry.pinned(name);
            ServingState state = registry.state(name);
            long now = System.currentTimeMillis();
            if (mode == Mode.ROLLBACK) {
                OptionalLong was = registry.serving(name);
                ServingState next = state.with(version, 0, null, "rolled back by hand to version " + version, now);
                if (was.isPresent() && was.getAsLong() != version) {
                    next.hold(was.getAsLong(), "rolled back by hand to version " + version);
                }
                next.held.remove(version);
                registry.writeState(name, next);
                registry.pin(name, version);
                console.out().println(cmd + ": pinned " + name + " to version " + version + " (" + dir + ")"
                        + (was.isPresent() && was.getAsLong() != version
                                ? "; version " + was.getAsLong() + " is held from automatic promotion" : ""));
            } else {
                if (pin.isPresent() && pin.getAsLong() != version) {
                    console.err().println(cmd + ": version " + pin.getAsLong() + " is pinned, and a pin beats the serving "
                            + "pointer: `marquee rollback --version " + version + "` moves the pin, `marquee models --unpin` removes it");
                    return 1;
                }
                ServingState next = state.with(version, 0, null, "promoted by hand", now);
                next.held.remove(version);
                registry.writeState(name, next);
                console.out().println(cmd + ": the serving pointer of " + name + " is version " + version + " (" + dir + ")");
            }
            ModelUpdate update = new ModelUpdate(name, version, dir.toString(), now);
            update.reason = mode == Mode.ROLLBACK ? "rolled-back" : "promoted";
            update.metrics = cardMetrics(dir);
            try (KafkaProducer<String, byte[]> producer = kafka.producer()) {
                new EventWriter(producer).write(topic, update);
            }
            console.out().println(cmd + ": sent a model update for version " + version + " to " + topic + " at "
                    + kafka.bootstrap() + "; running scoring jobs swap to it");
            return 0;
        } catch (KafkaException e) {
            console.err().println(cmd + ": the registry is updated, but Kafka failed, so running jobs were not told: "
                    + e.getMessage() + " (run the command again once Kafka is back)");
            return 1;
        } catch (IOException e) {
            console.err().println(cmd + ": " + e);
            return 1;
        }
    }

    /** Loads the version like the scoring job and probes it; null when it answers well. */
    private static String check(Path dir) {
        try (LoadedVersion loaded = LoadedVersion.open(dir)) {
            return loaded.probe(knownRows(dir));
        } catch (Exception e) {
            return "it does not load: " + e;
        }
    }

    /** A row made of the first user and title in the version's vocabularies (none when they cannot be read). */
    private static List<Rating> knownRows(Path dir) {
        List<Rating> rows = new ArrayList<>();
        try {
            Path assets = dir.resolve(TrainedModel.ASSETS);
            List<String> users = Files.readAllLines(assets.resolve(TrainedModel.USERS_FILE), StandardCharsets.UTF_8);
            List<String> titles = Files.readAllLines(assets.resolve(TrainedModel.TITLES_FILE), StandardCharsets.UTF_8);
            if (!users.isEmpty() && !titles.isEmpty()) {
                rows.add(new Rating(users.get(0), titles.get(0), 3f, 0L));
            }
        } catch (IOException e) {
            // the load itself reports unreadable vocabularies
        }
        return rows;
    }

    /** The card's model metrics, flattened: e.g. {@code test_rmse}, {@code validation_mae}. */
    private static Map<String, Double> cardMetrics(Path dir) {
        Map<String, Double> out = new LinkedHashMap<>();
        try {
            JsonNode card = ModelCard.read(dir);
            JsonNode model = card.path("metrics").path(card.path("architecture").asText(""));
            for (Iterator<Map.Entry<String, JsonNode>> parts = model.fields(); parts.hasNext(); ) {
                Map.Entry<String, JsonNode> part = parts.next();
                for (Iterator<Map.Entry<String, JsonNode>> m = part.getValue().fields(); m.hasNext(); ) {
                    Map.Entry<String, JsonNode> metric = m.next();
                    if (metric.getValue().isNumber()) {
                        out.put(part.getKey() + "_" + metric.getKey(), metric.getValue().asDouble());
                    }
                }
            }
        } catch (IOException e) {
            // no card: an update without metrics
        }
        return out;
    }
}

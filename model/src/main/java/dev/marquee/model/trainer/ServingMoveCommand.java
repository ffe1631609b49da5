package dev.marquee.model.trainer;

import dev.marquee.data.event.TopicNames;
import com.fasterxml.jackson.databind.JsonNode;
import dev.marquee.data.event.ModelUpdate;
import dev.marquee.model.BatchScorer;
import dev.marquee.model.ModelCard;
import dev.marquee.model.ModelRegistry;
import dev.marquee.model.ScorerThreads;
import dev.marquee.model.ServingProbe;
import dev.marquee.model.ServingState;
import dev.marquee.model.cli.CliException;
import dev.marquee.model.cli.Console;
import dev.marquee.model.cli.ConsoleCommand;
import dev.marquee.model.cli.OptionRange;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.KafkaException;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * What {@code marquee rollback} and {@code marquee promote} share: check that version N is published and loads
 * and answers in the scoring runtime, move the registry to it (a subclass says how), and write a
 * {@link ModelUpdate} for it to {@code model-updates} so running scoring jobs swap now. Exit codes: 0 done, 1
 * failed, 2 bad usage.
 */
abstract class ServingMoveCommand extends ConsoleCommand {
    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    boolean help;

    @Option(names = "--version", paramLabel = "N", required = true, description = "the version to serve (required)")
    long version;

    @Mixin
    KafkaOptions kafkaOptions;

    @Option(names = "--topic.model-updates", paramLabel = "NAME", defaultValue = TopicNames.MODEL_UPDATES,
            description = "(default: ${DEFAULT-VALUE})")
    String topic;

    @Mixin
    TrainerRegistryOptions registryOptions;

    ServingMoveCommand() {}

    ServingMoveCommand(Console console) {
        super(console);
    }

    /** What the command does with the version it checked. */
    enum Mode {
        /** Pin it (beats every automatic move) and hold the version it replaces from automatic promotion. */
        ROLLBACK,
        /** Move the serving pointer to it (a person's promotion; automation may move it again). */
        PROMOTE
    }

    abstract Mode mode();

    @Override
    protected int run() throws Exception {
        Console console = console();
        Mode mode = mode();
        String cmd = mode == Mode.ROLLBACK ? "rollback" : "promote";
        long version = OptionRange.check("--version", this.version, 1, Long.MAX_VALUE);
        ModelRegistry registry = registryOptions.registry(console);
        String name = registryOptions.name;
        KafkaClients kafka = kafkaOptions.clients(console);
        KafkaProducer<String, byte[]> producer;
        try {
            // before the registry changes: settings the client refuses (--bootstrap localhost, a bad --kafka-prop)
            // are a usage error that must leave the registry as it was
            producer = kafka.producer();
        } catch (KafkaException e) {
            throw new dev.marquee.data.config.SettingException("the Kafka client refuses the settings (--bootstrap, "
                    + "--kafka-prop): " + causes(e));
        }
        try (producer) {
            // a mistyped topic: the producer's write would create it, unread by any job, and report success (before the
            // registry changes, so that a rerun with the right name starts from where it was)
            String topicProblem = kafka.topicProblem(topic, java.time.Duration.ofSeconds(15));
            if (topicProblem == null) topicProblem = kafka.writeRefused(topic, java.time.Duration.ofSeconds(15));
            if (topicProblem != null) {
                boolean typo = topicProblem.startsWith("does not exist") || topicProblem.startsWith("is not a valid");
                throw CliException.failure("topic " + topic + " " + topicProblem + " at " + kafka.bootstrap() + (typo
                        ? " (a typo in --topic.model-updates? the scoring jobs read model-updates by default)" : "")
                        + "; nothing changed");
            }
            // the version's own folder, not a listing, which a network volume's client may cache for a minute
            if (!java.nio.file.Files.isDirectory(registry.versionDir(name, version))) {
                throw CliException.failure("version " + version + " of '" + name + "' is not published in "
                        + registry.base() + " (have " + registry.versions(name) + ")");
            }
            Path dir = RegistryPaths.requireInside(registry.base(), registry.versionDir(name, version));
            String failure = check(dir);
            if (failure != null) {
                throw CliException.failure("version " + version + " does not serve: " + failure);
            }
            long now = System.currentTimeMillis();
            ModelUpdate update = new ModelUpdate(name, version, dir.toString(), now);
            update.reason = mode == Mode.ROLLBACK ? "rolled-back" : "promoted";
            update.registryId = registry.idOrMake().orElse(null);
            update.metrics = cardMetrics(dir);
            // Under the registry's lock, the announcement included: the trainer's promoter or a retrain may move the
            // pointer meanwhile, and its announcement must not land before this one and be overwritten by it
            registry.locked(name, () -> {
                move(console, registry, name, mode, version, dir, now);
                kafka.writer(producer).write(topic, update);
                return null;
            });
            console.out().println(cmd + ": sent a model update for version " + version + " to " + topic + " at "
                    + kafka.bootstrap() + "; running scoring jobs swap to it");
            return 0;
        } catch (KafkaException e) {
            boolean refused = false;
            for (Throwable c = e; c != null && !refused; c = c.getCause()) {
                refused = c instanceof org.apache.kafka.common.errors.AuthorizationException;
            }
            throw CliException.failure("the registry is updated, but Kafka failed, so running jobs were not told: "
                    + causes(e) + (refused ? " (grant this principal WRITE on " + topic + ", docs/OPERATIONS.md#kafka-acls,"
                    + " then run the command again)" : " (run the command again once Kafka is back)"));
        }
    }

    /** The exception's message and its causes', which carry what went wrong (Kafka wraps them). */
    private static String causes(Throwable e) {
        StringBuilder out = new StringBuilder(String.valueOf(e.getMessage()));
        for (Throwable c = e.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
            if (c.getMessage() != null && !out.toString().contains(c.getMessage())) out.append(": ").append(c.getMessage());
        }
        return out.toString();
    }

    /** Moves the pointer (and for a rollback, the pin); the caller holds the registry's lock. */
    private static Void move(Console console, ModelRegistry registry, String name, Mode mode, long version, Path dir,
            long now) throws IOException {
        OptionalLong pin = registry.pinned(name);
        ServingState state = registry.state(name);
        if (mode == Mode.ROLLBACK) {
            // a rerun after a rollback whose pointer write failed finds its own pin: what it replaced is the pointer's
            OptionalLong was = pin.isPresent() && pin.getAsLong() == version && state.serving > 0
                    ? OptionalLong.of(state.serving) : registry.serving(name);
            ServingState next = state.with(version, 0, null, "rolled back by hand to version " + version, now);
            if (was.isPresent() && was.getAsLong() != version) {
                next.hold(was.getAsLong(), "rolled back by hand to version " + version);
            }
            holdDroppedCandidate(console, state, next, version, "rollback");
            next.held.remove(version);
            // the pin first: alone it already serves the version, and a failure between the two writes must not
            // leave the pointer moved without the pin that keeps automation from promoting over the rollback
            registry.pin(name, version);
            try {
                registry.writeState(name, next);
            } catch (IOException e) {
                throw new IOException("pinned " + name + " to version " + version + " (a scoring job that starts serves it;"
                        + " running ones keep theirs), but the serving pointer was not moved and nothing was announced: run"
                        + " the rollback again (" + e.getMessage() + ")", e);
            }
            console.out().println("rollback: pinned " + name + " to version " + version + " (" + dir + ")"
                    + (was.isPresent() && was.getAsLong() != version
                            ? "; version " + was.getAsLong() + " is held from automatic promotion" : ""));
        } else {
            if (pin.isPresent() && pin.getAsLong() != version) {
                throw CliException.failure("version " + pin.getAsLong() + " is pinned, and a pin beats the serving "
                        + "pointer: `marquee rollback --version " + version + "` moves the pin, `marquee models --unpin` removes it");
            }
            ServingState next = state.with(version, 0, null, "promoted by hand", now);
            holdDroppedCandidate(console, state, next, version, "promote");
            next.held.remove(version);
            registry.writeState(name, next);
            console.out().println("promote: the serving pointer of " + name + " is version " + version + " (" + dir + ")");
        }
        return null;
    }

    /**
     * A candidate in shadow that the move drops is held, as one the promoter retires: the retraining trigger then
     * knows its drift episode was not answered (else it waits for the candidate's verdict until its in-flight timeout),
     * and no automation serves it later; {@code marquee promote --version N} still can.
     */
    private static void holdDroppedCandidate(Console console, ServingState before, ServingState next, long version,
            String cmd) {
        long dropped = before.candidateDroppedBy(next);
        if (dropped == 0) return;
        next.hold(dropped, "the candidate in shadow was ended by hand (`marquee " + cmd + " --version " + version + "`)");
        console.out().println(cmd + ": version " + dropped + ", the candidate in shadow, is ended and held from "
                + "automatic promotion (`marquee promote --version " + dropped + "` still serves it)");
    }

    /**
     * Loads the version like the scoring job and runs the probe a scoring slot runs first ({@link ServingProbe}; not
     * the slot's warm-up batch); null when it answers. An imported version on another scale than the ratings' is
     * served by the job, so it is promoted and rolled back to alike.
     */
    static String check(Path dir) {
        try (BatchScorer scorer = BatchScorer.open(dir, ScorerThreads.callerThread())) {
            return ServingProbe.problem(scorer);
        } catch (Exception e) {
            return "it does not load: " + e;
        }
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

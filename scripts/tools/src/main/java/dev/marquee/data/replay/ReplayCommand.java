package dev.marquee.data.replay;

import dev.marquee.data.event.TopicNames;
import dev.marquee.data.movielens.DataFileException;
import dev.marquee.data.movielens.MovieLensNotFoundException;
import dev.marquee.data.replay.drift.DriftInjection;
import dev.marquee.data.replay.drift.DriftOptions;
import dev.marquee.tools.ExistingTopics;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.KafkaException;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code marquee replay}: sends a dataset to Kafka as rating requests. See docs/REPLAY.md. */
@Command(name = "replay", mixinStandardHelpOptions = true, sortOptions = false,
        header = "send MovieLens (or a ratings file, or generated rows) to Kafka as rating requests",
        description = "Send MovieLens 100K (or a ratings file, or generated rows) to Kafka as rating requests.")
public final class ReplayCommand implements Callable<Integer> {

    @Option(names = "--bootstrap", paramLabel = "HOST:PORT", defaultValue = "${env:MARQUEE_BOOTSTRAP:-localhost:9092}",
            description = "Kafka bootstrap servers (default: ${DEFAULT-VALUE}; from $MARQUEE_BOOTSTRAP when set)")
    String bootstrap;

    @Option(names = "--data", paramLabel = "PATH",
            description = {"MovieLens 100K directory, MovieLens ml-latest-format directory (ratings.csv + movies.csv) "
                    + "or its ratings.csv, a ratings .csv/.jsonl file with user_id and movie_title, or synthetic[:N] "
                    + "for generated rows (default: $MOVIELENS_DIR or ../shared/data/ml-100k)"})
    String data;

    @Option(names = "--split", paramLabel = "all|time|u1|random",
            description = "which split (default: all, the whole dataset)")
    String split;

    @Option(names = "--part", paramLabel = "train|validation|test|all",
            description = "which part of the split (default: test; all with --split all)")
    String part;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "" + RatingSelection.DEFAULT_SEED,
            description = "seed of the random split (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "" + Integer.MAX_VALUE, showDefaultValue =
            picocli.CommandLine.Help.Visibility.NEVER, description = "only the first N rows in time order")
    int limit;

    @Option(names = "--rate", paramLabel = "R", defaultValue = "" + ReplayOptions.DEFAULT_RATE,
            description = "requests per second; 0 = as fast as possible (default: ${DEFAULT-VALUE})")
    double rate;

    @Option(names = "--with-ratings", description = "send each true rating to the ratings topic right after its request")
    boolean withRatings;

    @Option(names = "--ratings-only", description = "send only the true ratings, not the requests: the late labels of "
            + "an earlier replay of the same rows (they name no request and join by user, title and timestamp; only "
            + "predictions whose timestamps lie within labels.join-ttl-ms of that replay's last are still waiting)")
    boolean ratingsOnly;

    @Option(names = "--envelope-size", paramLabel = "N", defaultValue = "" + ReplayOptions.DEFAULT_ENVELOPE_SIZE,
            description = "requests per record; above 1 sends TF-Serving envelopes (default: ${DEFAULT-VALUE})")
    int envelopeSize;

    @Option(names = "--topic", paramLabel = "NAME", defaultValue = TopicNames.RATING_REQUESTS,
            description = "request topic (default: ${DEFAULT-VALUE})")
    String topic;

    @Option(names = "--ratings-topic", paramLabel = "NAME", defaultValue = TopicNames.RATINGS,
            description = "label topic (default: ${DEFAULT-VALUE})")
    String ratingsTopic;

    @Option(names = "--request-id-prefix", paramLabel = "P", defaultValue = ReplayOptions.DEFAULT_REQUEST_ID_PREFIX,
            description = "request ids are P + row number (default: ${DEFAULT-VALUE})")
    String requestIdPrefix;

    @Option(names = "--progress-seconds", paramLabel = "S", defaultValue = "" + ReplayOptions.DEFAULT_PROGRESS_SECONDS,
            description = "seconds between progress lines (default: ${DEFAULT-VALUE})")
    double progressSeconds;

    @Option(names = "--producer-prop", paramLabel = "K=V",
            description = "any Kafka producer property, e.g. security.protocol=SASL_SSL (repeatable)")
    Map<String, String> producerProps = new LinkedHashMap<>();

    @ArgGroup(exclusive = false, validate = false, heading = "drift injection (any combination; see docs/REPLAY.md):%n")
    DriftOptions drift;

    public ReplayCommand() {}

    /** The replay settings asked for, checked (also for tests that check what a command line becomes). */
    public ReplayOptions options() {
        return new ReplayOptions(bootstrap, topic, ratingsTopic, withRatings, ratingsOnly, rate, envelopeSize, requestIdPrefix,
                progressSeconds, producerProperties(), drift == null ? DriftInjection.none() : drift.injection());
    }

    RatingSelection selection() {
        return new RatingSelection(data, split, part, seed, limit);
    }

    @Override
    public Integer call() {
        ReplayOptions options = options();
        try {
            RatingSelection.Selected selected = selection().load();
            System.out.printf(Locale.ROOT, "replay: %,d rows from %s to %s at %s%s%n", selected.rows.size(),
                    selected.description, options.sendsRequests() ? options.topic : options.ratingsTopic + " (ratings only)",
                    options.bootstrap,
                    options.rate > 0 ? String.format(Locale.ROOT, ", %,.0f requests/s", options.rate) : ", as fast as possible");
            if (!options.drift.isNone()) System.out.println("replay: drift: " + options.drift.describe());
            Properties client = new Properties();
            client.putAll(options.producerProperties);
            client.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, options.bootstrap);
            List<String> topics = new ArrayList<>();
            if (options.sendsRequests()) topics.add(options.topic);
            if (options.sendsRatings()) topics.add(options.ratingsTopic);
            ExistingTopics.require(client, topics);
            ReplayProducer producer = new ReplayProducer(options, System.out::println);
            // Ctrl-C stops before the next record and still prints what the brokers acknowledged: a user who
            // interrupts a long replay learns how far it got (and which request ids went out)
            CountDownLatch finished = new CountDownLatch(1);
            AtomicBoolean interrupted = new AtomicBoolean();
            Thread hook = new Thread(() -> {
                interrupted.set(true);
                producer.stop();
                try {
                    finished.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException ignored) {
                    Thread.currentThread().interrupt();
                }
            }, "replay-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            try {
                ReplaySummary summary = producer.replay(selected.rows, selected.catalog);
                System.out.println("replay: " + (interrupted.get() ? "interrupted: " : "done: ") + summary.describe());
                return summary.errors == 0 && !interrupted.get() ? 0 : 1;
            } finally {
                finished.countDown();
                removeShutdownHook(hook);
            }
        } catch (MovieLensNotFoundException | DataFileException e) {
            System.err.println("replay: " + e.getMessage());
            return 2;
        } catch (ExistingTopics.MissingTopicException e) {
            System.err.println("replay: " + e.getMessage());
            return 1;
        } catch (KafkaException e) {
            Throwable refusal = dev.marquee.data.config.Commands.kafkaSettingsRefusal(e);
            if (refusal != null) { // a bad command line (--bootstrap, --producer-prop), not a Kafka that failed
                System.err.println("replay: " + dev.marquee.data.config.Commands.kafkaSettingsMessage(refusal));
                return dev.marquee.data.config.Commands.USAGE;
            }
            System.err.println("replay: Kafka failed: " + dev.marquee.data.config.Commands.causes(e));
            return 1;
        }
    }

    private static void removeShutdownHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running: it ends when it sees the replay finished
        }
    }

    private Properties producerProperties() {
        Properties p = new Properties();
        // Fail in seconds, not the client's default minute, when no broker answers.
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "15000");
        producerProps.forEach((k, v) -> p.put(k.trim(), v.trim()));
        return p;
    }
}

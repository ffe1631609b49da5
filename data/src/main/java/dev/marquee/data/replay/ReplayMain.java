package dev.marquee.data.replay;

import dev.marquee.data.config.CliArgs;
import dev.marquee.data.config.SettingException;
import dev.marquee.data.movielens.DataFileException;
import dev.marquee.data.movielens.MovieLensNotFoundException;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.KafkaException;

/** {@code scripts/marquee replay}: sends a dataset to Kafka as rating requests. See docs/REPLAY.md. */
public final class ReplayMain {
    static final String USAGE = String.join("\n",
            "usage: marquee replay [options]",
            "  --bootstrap HOST:PORT    Kafka bootstrap servers (default: $MARQUEE_BOOTSTRAP or localhost:9092)",
            "  --data PATH              MovieLens 100K directory, a ratings .csv/.jsonl file, or synthetic[:N] for generated rows",
            "                           (default: $MOVIELENS_DIR or ../shared/data/ml-100k)",
            "  --split all|time|u1|random  which split (default: all, the whole dataset)",
            "  --part train|validation|test|all  which part of the split (default: test)",
            "  --seed N                 seed of the random split (default: 42)",
            "  --limit N                only the first N rows in time order",
            "  --rate R                 requests per second; 0 = as fast as possible (default: 0)",
            "  --with-ratings           send each true rating to the ratings topic right after its request",
            "  --envelope-size N        requests per record; above 1 sends TF-Serving envelopes (default: 1)",
            "  --topic NAME             request topic (default: rating-requests)",
            "  --ratings-topic NAME     label topic (default: ratings)",
            "  --request-id-prefix P    request ids are P + row number (default: replay-)",
            "  --progress-seconds S     seconds between progress lines (default: 2)",
            "  --producer-prop K=V      any Kafka producer property, e.g. security.protocol=SASL_SSL (repeatable)",
            "  --help                   this text");

    private static final CliArgs ARGS = new CliArgs(
            Set.of(ReplayOptions.BOOTSTRAP, ReplayOptions.TOPIC, ReplayOptions.RATINGS_TOPIC, ReplayOptions.RATE,
                    ReplayOptions.ENVELOPE_SIZE, ReplayOptions.REQUEST_ID_PREFIX, ReplayOptions.PROGRESS_SECONDS,
                    RatingSelection.DATA, RatingSelection.SPLIT, RatingSelection.PART, RatingSelection.SEED,
                    RatingSelection.LIMIT, "producer-prop"),
            Set.of(ReplayOptions.WITH_RATINGS, "help"));

    private ReplayMain() {}

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String[] args) {
        try {
            CliArgs.Parsed parsed = ARGS.parse(args);
            if (parsed.settings().bool("help", false)) {
                System.out.println(USAGE);
                return 0;
            }
            ReplayOptions options = new ReplayOptions(parsed.settings(), producerProps(parsed));
            RatingSelection.Selected selected = new RatingSelection(parsed.settings()).load();
            System.out.printf(Locale.ROOT, "replay: %,d rows from %s to %s at %s%s%n", selected.rows.size(),
                    selected.description, options.topic, options.bootstrap,
                    options.rate > 0 ? String.format(Locale.ROOT, ", %,.0f requests/s", options.rate) : ", as fast as possible");
            ReplaySummary summary = new ReplayProducer(options, System.out::println).replay(selected.rows);
            System.out.println("replay: done: " + summary.describe());
            return summary.errors == 0 ? 0 : 1;
        } catch (SettingException e) {
            System.err.println("replay: " + e.getMessage());
            System.err.println(USAGE);
            return 2;
        } catch (MovieLensNotFoundException | DataFileException e) {
            System.err.println("replay: " + e.getMessage());
            return 2;
        } catch (KafkaException e) {
            System.err.println("replay: Kafka failed: " + e.getMessage()
                    + (e.getCause() != null ? " (" + e.getCause().getMessage() + ")" : ""));
            return 1;
        }
    }

    private static Properties producerProps(CliArgs.Parsed parsed) {
        Properties p = new Properties();
        // Fail in seconds, not the client's default minute, when no broker answers.
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "15000");
        p.putAll(parsed.properties("producer-prop"));
        return p;
    }
}

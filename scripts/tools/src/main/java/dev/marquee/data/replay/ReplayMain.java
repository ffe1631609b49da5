package dev.marquee.data.replay;

import dev.marquee.data.config.CliArgs;
import dev.marquee.data.config.SettingException;
import dev.marquee.data.movielens.DataFileException;
import dev.marquee.data.movielens.MovieLensNotFoundException;
import dev.marquee.data.replay.drift.DriftInjection;
import java.util.HashSet;
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
            "  --data PATH              MovieLens 100K directory, MovieLens ml-latest-format directory (ratings.csv +",
            "                           movies.csv) or its ratings.csv, a ratings .csv/.jsonl file with user_id and",
            "                           movie_title, or synthetic[:N] for generated rows",
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
            "drift injection (any combination; see docs/REPLAY.md):",
            "  --drift-titles newest[:F]   titles drawn from the newest fraction F of the catalog by release date (default F: 0.1)",
            "  --drift-catalog FILE|synthetic[:N]  titles drawn from another catalog: a file, one title per line, or N generated titles",
            "  --drift-unseen-users     user ids never seen in the data (new-<id>)",
            "  --drift-timestamp-skew S add S seconds to every timestamp (negative allowed)",
            "  --drift-type-change FIELD[:TYPE],...  send timestamp as string|object, user_id or movie_title as number|object",
            "  --drift-extra-fields N   add N fields the contract does not know (device, country, session_id, ...)",
            "  --drift-start N          send the first N requests unchanged (default: 0)",
            "  --drift-share P          probability that a later request is affected (default: 1.0)",
            "  --drift-seed N           seed of the drift's random draws (default: 42)",
            "  --help                   this text");

    private static final CliArgs ARGS = new CliArgs(
            union(Set.of(ReplayOptions.BOOTSTRAP, ReplayOptions.TOPIC, ReplayOptions.RATINGS_TOPIC, ReplayOptions.RATE,
                    ReplayOptions.ENVELOPE_SIZE, ReplayOptions.REQUEST_ID_PREFIX, ReplayOptions.PROGRESS_SECONDS,
                    RatingSelection.DATA, RatingSelection.SPLIT, RatingSelection.PART, RatingSelection.SEED,
                    RatingSelection.LIMIT, "producer-prop"), DriftInjection.VALUE_KEYS),
            union(Set.of(ReplayOptions.WITH_RATINGS, "help"), DriftInjection.FLAG_KEYS));

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
            if (!options.drift.isNone()) System.out.println("replay: drift: " + options.drift.describe());
            ReplaySummary summary = new ReplayProducer(options, System.out::println).replay(selected.rows, selected.catalog);
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

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new HashSet<>(a);
        all.addAll(b);
        return all;
    }

    private static Properties producerProps(CliArgs.Parsed parsed) {
        Properties p = new Properties();
        // Fail in seconds, not the client's default minute, when no broker answers.
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "15000");
        p.putAll(parsed.properties("producer-prop"));
        return p;
    }
}

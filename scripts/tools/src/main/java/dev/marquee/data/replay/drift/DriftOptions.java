package dev.marquee.data.replay.drift;

import picocli.CommandLine.Option;

/** The {@code --drift-*} options of {@code marquee replay} (a picocli mixin); see docs/REPLAY.md. */
public final class DriftOptions {
    @Option(names = "--" + DriftInjection.TITLES, paramLabel = "newest[:F]",
            description = "titles drawn from the newest fraction F of the catalog by release date (default F: 0.1)")
    String titles;

    @Option(names = "--" + DriftInjection.CATALOG, paramLabel = "FILE|synthetic[:N]",
            description = "titles drawn from another catalog: a file, one title per line, or N generated titles")
    String catalog;

    @Option(names = "--" + DriftInjection.UNSEEN_USERS, description = "user ids never seen in the data (new-<id>)")
    boolean unseenUsers;

    @Option(names = "--" + DriftInjection.TIMESTAMP_SKEW, paramLabel = "S",
            description = "add S seconds to every timestamp (negative allowed)")
    Long timestampSkew;

    @Option(names = "--" + DriftInjection.TYPE_CHANGE, paramLabel = "FIELD[:TYPE],...",
            description = "send timestamp as string|object, user_id or movie_title as number|object")
    String typeChange;

    @Option(names = "--" + DriftInjection.EXTRA_FIELDS, paramLabel = "N",
            description = "add N fields the contract does not know (device, country, session_id, ...)")
    Integer extraFields;

    @Option(names = "--" + DriftInjection.START, paramLabel = "N",
            description = "send the first N requests unchanged (default: 0)")
    Long start;

    @Option(names = "--" + DriftInjection.SHARE, paramLabel = "P",
            description = "probability that a later request is affected (default: 1.0)")
    Double share;

    @Option(names = "--" + DriftInjection.SEED, paramLabel = "N",
            description = "seed of the drift's random draws (default: " + DriftInjection.DEFAULT_SEED + ")")
    Long seed;

    /** The drift asked for; {@link DriftInjection#none()} when no drift option was given. */
    public DriftInjection injection() {
        return DriftInjection.of(titles, catalog, unseenUsers, timestampSkew, typeChange, extraFields, start, share, seed);
    }
}

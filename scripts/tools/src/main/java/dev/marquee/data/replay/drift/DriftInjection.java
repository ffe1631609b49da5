package dev.marquee.data.replay.drift;

import dev.marquee.data.config.SettingException;
import dev.marquee.data.config.Settings;
import dev.marquee.data.event.Rating;
import dev.marquee.data.movielens.Movie;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which drift a replay injects so that the scoring job's drift detection has something to find: zero or more
 * {@link DriftKind}s, from which request on ({@code start}), in what share of the later requests, with what
 * seed. Immutable; {@link #injector} applies it to one replay. Kinds apply in a fixed order whatever order they
 * were given in: the title (newest titles or another catalog), the user id, the timestamp skew, then type
 * changes, then extra fields, so a skewed timestamp sent as a string carries the skew.
 *
 * <pre>{@code
 * DriftInjection drift = DriftInjection.builder().unseenUsers().extraFields(3).start(1_000).share(0.5).build();
 * DriftInjector injector = drift.injector(rows, catalog);
 * byte[] json = new RequestEncoder().single(injector.next("r-1", rows.get(0)));
 * }</pre>
 */
public final class DriftInjection {
    public static final String TITLES = "drift-titles";
    public static final String CATALOG = "drift-catalog";
    public static final String UNSEEN_USERS = "drift-unseen-users";
    public static final String TIMESTAMP_SKEW = "drift-timestamp-skew";
    public static final String TYPE_CHANGE = "drift-type-change";
    public static final String EXTRA_FIELDS = "drift-extra-fields";
    public static final String START = "drift-start";
    public static final String SHARE = "drift-share";
    public static final String SEED = "drift-seed";
    /** The settings that take a value ({@code --drift-titles newest}). */
    public static final Set<String> VALUE_KEYS = Set.of(TITLES, CATALOG, TIMESTAMP_SKEW, TYPE_CHANGE, EXTRA_FIELDS, START, SHARE, SEED);
    /** The settings that are flags ({@code --drift-unseen-users}). */
    public static final Set<String> FLAG_KEYS = Set.of(UNSEEN_USERS);
    public static final long DEFAULT_SEED = 42;

    private static final DriftInjection NONE = new DriftInjection(List.of(), 0, 1.0, DEFAULT_SEED);
    private static final long SELECTION_SALT = 0;

    private final List<DriftKind> kinds;
    private final long start;
    private final double share;
    private final long seed;

    private DriftInjection(List<DriftKind> kinds, long start, double share, long seed) {
        this.kinds = List.copyOf(kinds);
        this.start = start;
        this.share = share;
        this.seed = seed;
    }

    /** No drift: every request is sent as it is. */
    public static DriftInjection none() {
        return NONE;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Reads the {@code drift-*} settings (see docs/REPLAY.md); none of them set gives {@link #none()}. Bad
     * values fail with a {@link SettingException} that names the flag.
     */
    public static DriftInjection fromSettings(Settings s) {
        return of(s.string(TITLES, null), s.string(CATALOG, null), s.bool(UNSEEN_USERS, false),
                s.has(TIMESTAMP_SKEW) ? s.longInRange(TIMESTAMP_SKEW, 0, Long.MIN_VALUE, Long.MAX_VALUE) : null,
                s.string(TYPE_CHANGE, null),
                s.has(EXTRA_FIELDS) ? s.intInRange(EXTRA_FIELDS, 1, Integer.MIN_VALUE, Integer.MAX_VALUE) : null,
                s.has(START) ? s.longInRange(START, 0, Long.MIN_VALUE, Long.MAX_VALUE) : null,
                s.has(SHARE) ? s.doubleInRange(SHARE, 1, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY) : null,
                s.has(SEED) ? s.longInRange(SEED, DEFAULT_SEED, Long.MIN_VALUE, Long.MAX_VALUE) : null);
    }

    /**
     * The drift the {@code --drift-*} options ask for, each null when not given; none given is {@link #none()}.
     * Bad values and combinations fail with a {@link SettingException} that names the option.
     */
    public static DriftInjection of(String titles, String catalog, boolean unseenUsers, Long timestampSkew,
                                    String typeChange, Integer extraFields, Long start, Double share, Long seed) {
        Builder b = builder();
        if (titles != null && catalog != null) {
            throw new SettingException("--" + TITLES + " and --" + CATALOG + " both replace movie_title; choose one");
        }
        if (titles != null) b.newestTitles(newestFraction(titles));
        if (catalog != null) b.catalog(catalog(catalog));
        if (unseenUsers) b.unseenUsers();
        if (timestampSkew != null) {
            b.timestampSkew(between(TIMESTAMP_SKEW, timestampSkew, -TimestampSkew.MAX_SECONDS, TimestampSkew.MAX_SECONDS));
        }
        if (typeChange != null) typeChanges(typeChange).forEach(b::typeChange);
        if (extraFields != null) b.extraFields((int) between(EXTRA_FIELDS, extraFields, 1, ExtraFields.MAX));
        if (start != null) b.start(between(START, start, 0, Long.MAX_VALUE));
        if (share != null) {
            if (!(share >= 0.0 && share <= 1.0)) {
                throw new SettingException("--" + SHARE + " must be between 0.0 and 1.0, got " + share);
            }
            b.share(share);
        }
        if (seed != null) b.seed(seed);
        if (b.kinds().isEmpty() && (start != null || share != null || seed != null)) {
            throw new SettingException("--" + START + ", --" + SHARE + " and --" + SEED + " need a drift kind: --" + TITLES
                    + ", --" + CATALOG + ", --" + UNSEEN_USERS + ", --" + TIMESTAMP_SKEW + ", --" + TYPE_CHANGE
                    + " or --" + EXTRA_FIELDS);
        }
        return b.build();
    }

    private static long between(String key, long value, long min, long max) {
        if (value < min || value > max) {
            throw new SettingException("--" + key + " must be between " + min + " and " + max + ", got " + value);
        }
        return value;
    }

    private static double newestFraction(String value) {
        String v = value.trim();
        String problem = "--" + TITLES + " takes newest or newest:FRACTION with 0 < FRACTION <= 1, got '" + value + "'";
        if (v.equals("newest")) return NewestTitles.DEFAULT_FRACTION;
        if (!v.startsWith("newest:")) throw new SettingException(problem);
        try {
            double f = Double.parseDouble(v.substring("newest:".length()).trim());
            if (!(f > 0 && f <= 1)) throw new SettingException(problem);
            return f;
        } catch (NumberFormatException e) {
            throw new SettingException(problem);
        }
    }

    private static CatalogSwap catalog(String value) {
        String v = value.trim();
        if (v.equals("synthetic") || v.startsWith("synthetic:")) {
            int n = CatalogSwap.DEFAULT_SYNTHETIC_TITLES;
            if (!v.equals("synthetic")) {
                try {
                    n = Integer.parseInt(v.substring("synthetic:".length()).trim());
                } catch (NumberFormatException e) {
                    n = -1;
                }
                if (n < 1) throw new SettingException("--" + CATALOG + " synthetic:N needs a whole number N >= 1, got '" + value + "'");
            }
            return CatalogSwap.synthetic(n);
        }
        Path file = Path.of(v);
        if (!Files.isRegularFile(file)) {
            throw new SettingException("--" + CATALOG + " takes a file of titles (one per line, UTF-8) or synthetic[:N]; "
                    + file + " is not a file");
        }
        try {
            return CatalogSwap.fromFile(file);
        } catch (IllegalArgumentException e) {
            throw new SettingException("--" + CATALOG + ": " + e.getMessage());
        }
    }

    private static List<TypeChange> typeChanges(String value) {
        List<TypeChange> out = new ArrayList<>();
        Set<String> fields = new HashSet<>();
        for (String part : value.split(",")) {
            String item = part.trim();
            int colon = item.indexOf(':');
            String field = colon < 0 ? item : item.substring(0, colon).trim();
            String type = colon < 0 ? null : item.substring(colon + 1).trim();
            String usage = "--" + TYPE_CHANGE + " takes FIELD[:TYPE],... with FIELD timestamp (as string or object), "
                    + "user_id or movie_title (as number or object), got '" + value + "'";
            TypeChange.JsonType jsonType;
            try {
                TypeChange.contractType(field);
                jsonType = type == null ? null : TypeChange.JsonType.valueOf(type.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new SettingException(usage);
            }
            try {
                out.add(jsonType == null ? TypeChange.of(field) : new TypeChange(field, jsonType));
            } catch (IllegalArgumentException e) {
                throw new SettingException("--" + TYPE_CHANGE + ": " + e.getMessage());
            }
            if (!fields.add(field)) throw new SettingException("--" + TYPE_CHANGE + " names " + field + " twice");
        }
        return out;
    }

    public List<DriftKind> kinds() {
        return kinds;
    }

    public boolean isNone() {
        return kinds.isEmpty();
    }

    /** Requests sent unchanged before the drift begins. */
    public long start() {
        return start;
    }

    /** Probability that a request from {@link #start} on is affected. */
    public double share() {
        return share;
    }

    public long seed() {
        return seed;
    }

    /** A fresh injector for one replay of {@code rows} (in replay order) from {@code catalog} (may be empty). */
    public DriftInjector injector(List<Rating> rows, Collection<Movie> catalog) {
        if (isNone()) return new DriftInjector(0, 1.0, null, List.of());
        DriftContext context = new DriftContext(rows, List.copyOf(catalog));
        List<RequestDrift> drifts = new ArrayList<>(kinds.size());
        for (DriftKind k : kinds) drifts.add(k.start(context, seed));
        return new DriftInjector(start, share, Seeds.derive(seed, SELECTION_SALT), drifts);
    }

    /** An injector for rows without a catalog. */
    public DriftInjector injector(List<Rating> rows) {
        return injector(rows, List.of());
    }

    /** One line, e.g. "unseen user ids, 3 extra fields; from request 1,000 on, share 0.5, seed 42", or "none". */
    public String describe() {
        if (isNone()) return "none";
        String what = kinds.stream().map(DriftKind::describe).collect(Collectors.joining(", "));
        return String.format(Locale.ROOT, "%s; from request %,d on, share %s, seed %d", what, start, share, seed);
    }

    @Override
    public String toString() {
        return "DriftInjection{" + describe() + "}";
    }

    /** Builds a {@link DriftInjection}; each kind at most once (type changes once per field). */
    public static final class Builder {
        private DriftKind title;
        private UnseenUsers users;
        private TimestampSkew skew;
        private final List<TypeChange> typeChanges = new ArrayList<>();
        private ExtraFields extras;
        private long start;
        private double share = 1.0;
        private long seed = DEFAULT_SEED;

        private Builder() {}

        /** Titles drawn from the newest {@code fraction} of the catalog (or of the rows' titles). */
        public Builder newestTitles(double fraction) {
            return title(new NewestTitles(fraction));
        }

        public Builder newestTitles() {
            return newestTitles(NewestTitles.DEFAULT_FRACTION);
        }

        /** Titles drawn from another catalog. */
        public Builder catalog(CatalogSwap catalog) {
            return title(catalog);
        }

        private Builder title(DriftKind kind) {
            if (title != null) throw new IllegalArgumentException("one title drift only: newest titles or another catalog");
            title = kind;
            return this;
        }

        public Builder unseenUsers() {
            users = new UnseenUsers();
            return this;
        }

        public Builder timestampSkew(long seconds) {
            skew = new TimestampSkew(seconds);
            return this;
        }

        public Builder typeChange(TypeChange change) {
            if (typeChanges.stream().anyMatch(t -> t.field().equals(change.field()))) {
                throw new IllegalArgumentException("one type change per field; " + change.field() + " has one already");
            }
            typeChanges.add(change);
            return this;
        }

        /** The field sent as its default wrong type (timestamp as a string, the ids as numbers). */
        public Builder typeChange(String field) {
            return typeChange(TypeChange.of(field));
        }

        public Builder extraFields(int count) {
            extras = new ExtraFields(count);
            return this;
        }

        /** Requests sent unchanged before the drift begins (default 0). */
        public Builder start(long requests) {
            if (requests < 0) throw new IllegalArgumentException("start must not be negative, got " + requests);
            start = requests;
            return this;
        }

        /** Probability that a request from the start on is affected (default 1). */
        public Builder share(double probability) {
            if (!(probability >= 0 && probability <= 1)) {
                throw new IllegalArgumentException("share must be between 0 and 1, got " + probability);
            }
            share = probability;
            return this;
        }

        public Builder seed(long value) {
            seed = value;
            return this;
        }

        List<DriftKind> kinds() {
            List<DriftKind> kinds = new ArrayList<>();
            if (title != null) kinds.add(title);
            if (users != null) kinds.add(users);
            if (skew != null) kinds.add(skew);
            kinds.addAll(typeChanges);
            if (extras != null) kinds.add(extras);
            return kinds;
        }

        public DriftInjection build() {
            return new DriftInjection(kinds(), start, share, seed);
        }
    }
}

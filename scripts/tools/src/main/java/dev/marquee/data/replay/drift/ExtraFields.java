package dev.marquee.data.replay.drift;

import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.IntStream;

/**
 * Adds {@code count} fields the contract does not know, as a producer that started sending more context would:
 * {@code device}, {@code country}, {@code session_id}, {@code app_version}, {@code locale}, {@code platform},
 * {@code referrer}, {@code experiment}, {@code network}, {@code screen_width}, then {@code extra_11},
 * {@code extra_12}, ... Values are drawn at random (seeded); only the names matter to schema drift.
 */
public final class ExtraFields implements DriftKind {
    public static final int MAX = 1_000;
    private static final long SALT = 5;

    private record Field(String name, Function<Random, Object> value) {}

    private static final List<Field> FIELDS = List.of(
            new Field("device", r -> pick(r, "ios", "android", "web", "tv")),
            new Field("country", r -> pick(r, "US", "DE", "FR", "IN", "BR", "JP")),
            new Field("session_id", r -> String.format(Locale.ROOT, "s-%08x", r.nextInt())),
            new Field("app_version", r -> "4." + r.nextInt(10) + "." + r.nextInt(10)),
            new Field("locale", r -> pick(r, "en-US", "de-DE", "fr-FR", "pt-BR", "ja-JP")),
            new Field("platform", r -> pick(r, "mobile", "desktop", "tv")),
            new Field("referrer", r -> pick(r, "home", "search", "email", "push")),
            new Field("experiment", r -> "exp-" + r.nextInt(100)),
            new Field("network", r -> pick(r, "wifi", "4g", "5g")),
            new Field("screen_width", r -> (long) List.of(360, 390, 768, 1280, 1920).get(r.nextInt(5))));

    private final int count;

    public ExtraFields(int count) {
        if (count < 1 || count > MAX) throw new IllegalArgumentException("extra fields must be between 1 and " + MAX + ", got " + count);
        this.count = count;
    }

    public int count() {
        return count;
    }

    /** The names added, in order. */
    public List<String> names() {
        return IntStream.range(0, count).mapToObj(ExtraFields::name).toList();
    }

    @Override
    public String describe() {
        return count + " extra field" + (count == 1 ? "" : "s");
    }

    @Override
    public RequestDrift start(DriftContext context, long seed) {
        Random random = Seeds.derive(seed, SALT);
        return request -> {
            for (int i = 0; i < count; i++) {
                request.addExtra(name(i), i < FIELDS.size() ? FIELDS.get(i).value().apply(random) : (long) random.nextInt(1000));
            }
        };
    }

    private static String name(int i) {
        return i < FIELDS.size() ? FIELDS.get(i).name() : "extra_" + (i + 1);
    }

    private static Object pick(Random r, String... values) {
        return values[r.nextInt(values.length)];
    }
}

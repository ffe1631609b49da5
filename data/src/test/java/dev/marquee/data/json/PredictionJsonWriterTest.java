package dev.marquee.data.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.ObjectWriter;
import dev.marquee.data.event.Prediction;
import dev.marquee.data.event.SourcePosition;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** The streaming writer must write exactly the bytes databind writes with the shared mapper. */
class PredictionJsonWriterTest {
    private static final ObjectWriter DATABIND = EventJson.mapper().writerFor(Prediction.class);
    private static final String[] PIECES = {
        "Heat (1995)", "\"", "\\", "/", "\n", "\t", "\r", "\u0000", "\u0001", "\u001f", "\u007f", "\u00e9", "\u2028",
        "\u4e2d\u6587", "\ud83d\ude00", "\ud83c\udfac", "\ud800", "\udc00", "</script>", " ", "", "null", "a'b"
    };
    private static final float[] FLOATS = {
        0f, -0f, 1f, 3.5f, 0.1f, 1e-7f, 4.9999995f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY,
        Float.MIN_VALUE, Float.MIN_NORMAL, Float.MAX_VALUE, -Float.MAX_VALUE, 1e10f, 123456789f
    };
    private static final long[] LONGS = {0, -1, 1, Long.MIN_VALUE, Long.MAX_VALUE, Integer.MIN_VALUE, 880_000_000_000L};

    private final PredictionJsonWriter writer = new PredictionJsonWriter();

    @Test
    void aFullyPopulatedPredictionIsWrittenAsDatabindWritesIt() throws Exception {
        Prediction p = new Prediction();
        p.requestId = "predictions-0-42";
        p.userId = "196";
        p.movieTitle = "Kolya (1996)";
        p.timestamp = 881_250_949_000L;
        p.predictedRating = 3.52f;
        p.output3 = new float[] {3.47f};
        p.adjustment = 0.05f;
        p.modelVersion = 7;
        p.shadowVersion = 8;
        p.shadowRating = 3.61f;
        p.oovUserId = false;
        p.oovMovieTitle = true;
        p.catalogTitle = "Kolya (1996)";
        p.titleMatch = "exact";
        p.source = new SourcePosition("requests", 2, 12345, 1_700_000_000_000L);
        p.instanceIndex = 3;
        p.scoredAtMs = 1_700_000_000_123L;

        assertSameBytes(p);
        assertThat(new String(writer.write(p), StandardCharsets.UTF_8)).contains("\"instance_index\":3,");
        assertThat(new String(writer.write(p), StandardCharsets.UTF_8))
                .startsWith("{\"request_id\":\"predictions-0-42\",")
                .contains("\"output_3\":[3.47]", "\"source\":{\"topic\":\"requests\",\"partition\":2,");
    }

    @Test
    void nullsAreLeftOutExceptTheFieldsThatAreAlwaysWritten() throws Exception {
        Prediction p = new Prediction();
        p.oovUserId = null;
        p.oovMovieTitle = null;

        assertSameBytes(p);
        assertThat(new String(writer.write(p), StandardCharsets.UTF_8)).isEqualTo("{\"timestamp\":0,\"predicted_rating\":0.0,"
                + "\"adjustment\":0.0,\"model_version\":0,\"shadow_version\":0,\"shadow_rating\":0.0,\"oov_user_id\":null,"
                + "\"oov_movie_title\":null,\"catalog_title\":null,\"title_match\":null,\"scored_at_ms\":0}");
        p.output3 = new float[] {Float.NaN};
        assertThat(new String(writer.write(p), StandardCharsets.UTF_8)).endsWith("\"scored_at_ms\":0,\"output_3\":[\"NaN\"]}");
        assertSameBytes(p);

        p.source = new SourcePosition(); // null topic, default timestamp -1
        p.output3 = new float[0];
        assertSameBytes(p);
        assertSameBytes(new Prediction()); // the defaults: oov flags false
    }

    @Test
    void randomPredictionsWithHostileStringsAndExtremeNumbersMatchDatabind() throws Exception {
        Random rnd = new Random(20261204L);
        for (int i = 0; i < 500; i++) {
            assertSameBytes(randomPrediction(rnd)); // one writer throughout: its reused buffers must not leak state
        }
    }

    /** Fails when a field is added to Prediction or SourcePosition and not to the writer. */
    @Test
    void everyFieldSetToANonDefaultValueIsWritten() throws Exception {
        Prediction p = everyFieldSet(Prediction.class);
        assertThat(p.source).isNotNull();
        assertSameBytes(p);
    }

    @Test
    void theCodecUsesTheFastPathWithTheSameBytesOnEveryThreadAndStillDecodes() throws Exception {
        EventCodec<Prediction> codec = EventCodec.of(Prediction.class);
        Random rnd = new Random(7);
        List<Prediction> predictions = new ArrayList<>();
        for (int i = 0; i < 200; i++) predictions.add(randomPrediction(rnd));

        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Void>> done = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                Callable<Void> task = () -> {
                    for (int round = 0; round < 5; round++) {
                        for (Prediction p : predictions) assertThat(codec.encode(p)).isEqualTo(DATABIND.writeValueAsBytes(p));
                    }
                    return null;
                };
                done.add(pool.submit(task));
            }
            for (Future<Void> f : done) f.get();
        } finally {
            pool.shutdownNow();
        }

        Prediction p = everyFieldSet(Prediction.class);
        Prediction back = codec.decode(codec.encode(p));
        assertThat(back).usingRecursiveComparison().isEqualTo(p);
    }

    private void assertSameBytes(Prediction p) throws Exception {
        byte[] expected = DATABIND.writeValueAsBytes(p);
        byte[] actual = writer.write(p);
        assertThat(new String(actual, StandardCharsets.UTF_8)).isEqualTo(new String(expected, StandardCharsets.UTF_8));
        assertThat(actual).isEqualTo(expected);
    }

    private static Prediction randomPrediction(Random rnd) {
        Prediction p = new Prediction();
        p.requestId = maybe(rnd, randomString(rnd));
        p.userId = maybe(rnd, randomString(rnd));
        p.movieTitle = maybe(rnd, randomString(rnd));
        p.timestamp = randomLong(rnd);
        p.predictedRating = randomFloat(rnd);
        if (rnd.nextInt(4) > 0) {
            p.output3 = new float[rnd.nextInt(4)];
            for (int i = 0; i < p.output3.length; i++) p.output3[i] = randomFloat(rnd);
        }
        p.adjustment = randomFloat(rnd);
        p.modelVersion = randomLong(rnd);
        p.shadowVersion = randomLong(rnd);
        p.shadowRating = randomFloat(rnd);
        p.oovUserId = randomBoolean(rnd);
        p.oovMovieTitle = randomBoolean(rnd);
        p.catalogTitle = maybe(rnd, randomString(rnd));
        p.titleMatch = maybe(rnd, randomString(rnd));
        if (rnd.nextBoolean()) {
            p.source = new SourcePosition(maybe(rnd, randomString(rnd)), rnd.nextInt(), randomLong(rnd), randomLong(rnd));
        }
        if (rnd.nextBoolean()) p.instanceIndex = rnd.nextInt(10_000);
        p.scoredAtMs = randomLong(rnd);
        return p;
    }

    private static <T> T maybe(Random rnd, T value) {
        return rnd.nextInt(5) == 0 ? null : value;
    }

    private static Boolean randomBoolean(Random rnd) {
        int k = rnd.nextInt(3);
        return k == 0 ? null : k == 1;
    }

    private static String randomString(Random rnd) {
        StringBuilder s = new StringBuilder();
        int n = rnd.nextInt(8);
        for (int i = 0; i < n; i++) {
            if (rnd.nextInt(4) == 0) s.append((char) rnd.nextInt(0x800)); // any char up to two UTF-8 bytes
            else s.append(PIECES[rnd.nextInt(PIECES.length)]);
        }
        if (rnd.nextInt(20) == 0) s.append("x".repeat(rnd.nextInt(20_000))); // longer than the generator's buffer
        return s.toString();
    }

    private static float randomFloat(Random rnd) {
        return switch (rnd.nextInt(3)) {
            case 0 -> FLOATS[rnd.nextInt(FLOATS.length)];
            case 1 -> Float.intBitsToFloat(rnd.nextInt());
            default -> 0.5f + 4.5f * rnd.nextFloat();
        };
    }

    private static long randomLong(Random rnd) {
        return rnd.nextBoolean() ? LONGS[rnd.nextInt(LONGS.length)] : rnd.nextLong();
    }

    /** An instance with every instance field set, by reflection, to a value no constructor or default gives it. */
    private static <T> T everyFieldSet(Class<T> type) throws Exception {
        T instance = type.getDeclaredConstructor().newInstance();
        int n = 0;
        for (Field f : type.getDeclaredFields()) {
            if (Modifier.isStatic(f.getModifiers())) continue;
            n++;
            Class<?> t = f.getType();
            Object value;
            if (t == String.class) value = "v-" + f.getName();
            else if (t == long.class) value = 1_000_000_000_000L + n;
            else if (t == int.class || t == Integer.class) value = 100 + n;
            else if (t == float.class) value = 0.25f + n;
            else if (t == Boolean.class) value = !Boolean.FALSE.equals(f.get(instance)) ? Boolean.FALSE : Boolean.TRUE;
            else if (t == float[].class) value = new float[] {n, 0.5f + n};
            else if (t == SourcePosition.class) value = everyFieldSet(SourcePosition.class);
            else {
                fail("no test value for " + type.getSimpleName() + "." + f.getName() + " of type " + t.getName()
                        + ": add one here and write the field in PredictionJsonWriter");
                return null;
            }
            f.set(instance, value);
        }
        return instance;
    }
}

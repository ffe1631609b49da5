package dev.marquee.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.data.event.Rating;
import dev.marquee.data.movielens.Split;
import dev.marquee.infra.testing.ChildEnvironment;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The export contract seen from outside: a new JVM that knows nothing of this code but the TF loader finds
 * {@code serving_default} with the three inputs and outputs, and computes bit for bit what the trained
 * model computed in-process before export, unknown users and titles included.
 */
class FreshJvmLoadTest {
    private static final long DEADLINE_SECONDS = 180;

    @ParameterizedTest
    @EnumSource(Architecture.class)
    void aFreshJvmReproducesThePredictionsExactly(Architecture arch, @TempDir Path tmp) throws Exception {
        Split split = SmallData.split(31);
        List<Rating> rows = new ArrayList<>(split.test());
        rows.add(new Rating("unknown-user", rows.get(0).movieTitle, 0, rows.get(0).timestamp));
        rows.add(new Rating(rows.get(0).userId, "Unknown Movie (2099)", 0, rows.get(0).timestamp));
        rows.add(new Rating("unknown-user", "Unknown Movie (2099)", 0, 4_000_000_000L));
        Path dir = tmp.resolve("model");
        ScoredBatch before;
        try (TrainedModel model = SmallData.train(arch, split)) {
            before = model.score(SmallData.users(rows), SmallData.titles(rows), SmallData.timestamps(rows), true);
            model.exportSavedModel(dir);
        }
        int n = rows.size();
        assertThat(before.userOov()[n - 3]).isTrue();
        assertThat(before.titleOov()[n - 2]).isTrue();

        Path input = tmp.resolve("rows.tsv");
        List<String> lines = new ArrayList<>();
        for (Rating r : rows) {
            lines.add(r.userId + "\t" + r.movieTitle + "\t" + r.timestamp);
        }
        Files.write(input, lines, StandardCharsets.UTF_8);
        Path output = tmp.resolve("outputs.txt");
        Path log = tmp.resolve("jvm.log");
        List<String> command = new ArrayList<>(List.of(javaBinary()));
        command.addAll(ChildEnvironment.javacppCacheOptions());
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), FreshJvmPredictMain.class.getName(),
                dir.toString(), input.toString(), output.toString()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        ChildEnvironment.scrub(builder.environment());
        // Training predicts with one intra-op thread; TF's default pool size comes from this variable. With
        // several threads a MatMul may sum in another order, and the reference MLP then differs in the last
        // bit on some rows: the same arithmetic, not a different model. The loader call itself stays plain.
        builder.environment().put("TF_NUM_INTRAOP_THREADS", "1");
        Process p = builder.start();
        boolean exited = p.waitFor(DEADLINE_SECONDS, TimeUnit.SECONDS);
        if (!exited) {
            p.destroyForcibly();
        }
        assertThat(exited).as("the fresh JVM finished within %d s", DEADLINE_SECONDS).isTrue();
        assertThat(p.exitValue()).as(Files.readString(log)).isZero();

        Map<String, String> outputs = new LinkedHashMap<>();
        for (String line : Files.readAllLines(output, StandardCharsets.UTF_8)) {
            int space = line.indexOf(' ');
            outputs.put(line.substring(0, space), line.substring(space + 1));
        }
        assertThat(outputs.get("inputs"))
                .isEqualTo("movie_title:DT_STRING:[-1] timestamp:DT_INT64:[-1] user_id:DT_STRING:[-1]");
        assertThat(outputs.get("outputs"))
                .isEqualTo("output_1:DT_FLOAT:[-1, 32] output_2:DT_FLOAT:[-1, 32] output_3:DT_FLOAT:[-1, 1]");
        assertThat(outputs.get("output_3")).isEqualTo("[" + n + ", 1] " + FreshJvmPredictMain.hexBits(before.ratings()));
        assertThat(outputs.get("output_1")).isEqualTo("[" + n + ", 32] " + FreshJvmPredictMain.hexBits(flat(before.userVectors())));
        assertThat(outputs.get("output_2")).isEqualTo("[" + n + ", 32] " + FreshJvmPredictMain.hexBits(flat(before.titleVectors())));
        for (int i = n - 3; i < n; i++) {
            assertThat(Float.isFinite(before.ratings()[i])).isTrue();
        }
    }

    private static float[] flat(float[][] rows) {
        float[] out = new float[rows.length * rows[0].length];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, out, i * rows[i].length, rows[i].length);
        }
        return out;
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java" + (File.separatorChar == '\\' ? ".exe" : ""))
                .toString();
    }
}

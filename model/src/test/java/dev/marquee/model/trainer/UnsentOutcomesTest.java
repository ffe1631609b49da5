package dev.marquee.model.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.data.event.ModelUpdate;
import dev.marquee.data.event.RetrainOutcome;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UnsentOutcomesTest {
    @TempDir
    Path modelDir;

    private final List<String> log = new ArrayList<>();

    @Test
    void whatOneWorkerKeptTheNextSendsInTheOrderTheyWereSettledUntilEachIsAcknowledged() throws IOException {
        Retrainer.Result published = result("r-1", RetrainOutcome.PUBLISHED, 2_000,
                new ModelUpdate("marquee", 1, "/registry/marquee/1", 1_500));
        published.update().shadowVersion = 2;
        Retrainer.Result rejected = result("r-2", RetrainOutcome.REJECTED, 1_000, null);
        rejected.outcome().metrics.put("mse_diff_low", Double.NaN);
        UnsentOutcomes stopped = new UnsentOutcomes(modelDir, log::add);
        assertThat(stopped.keep(List.of(published, rejected))).containsExactly(published, rejected);
        stopped.sent(rejected); // acknowledged before the worker stopped: its file is gone
        assertThat(jsonFiles()).hasSize(1);

        UnsentOutcomes next = new UnsentOutcomes(modelDir, log::add);
        List<Retrainer.Result> pending = next.pending();
        assertThat(pending).singleElement().satisfies(r -> {
            assertThat(r.outcome().requestId).isEqualTo("r-1");
            assertThat(r.outcome().outcome).isEqualTo(RetrainOutcome.PUBLISHED);
            assertThat(r.outcome().version).isEqualTo(2);
            assertThat(r.update().version).isEqualTo(1);
            assertThat(r.update().shadowVersion).isEqualTo(2);
        });
        next.sent(pending.get(0));
        assertThat(jsonFiles()).isEmpty();
        assertThat(new UnsentOutcomes(modelDir, log::add).pending()).isEmpty();

        UnsentOutcomes order = new UnsentOutcomes(modelDir, log::add);
        order.keep(List.of(result("late", RetrainOutcome.REJECTED, 9_000, null), result("early", RetrainOutcome.REJECTED, 8_000, null)));
        assertThat(new UnsentOutcomes(modelDir, log::add).pending()).extracting(r -> r.outcome().requestId)
                .containsExactly("early", "late");
        assertThat(log).isEmpty();
    }

    @Test
    void aDamagedFileIsMovedAsideAndNamedNotSentAndNotReadAgain() throws IOException {
        Path dir = Files.createDirectories(modelDir.resolve(UnsentOutcomes.DIR));
        Files.writeString(dir.resolve("0000000001000-000000.json"), "{\"outcome\": {\"request_id\": ");
        Files.writeString(dir.resolve("0000000002000-000000.json"), "{\"update\": null}");
        assertThat(new UnsentOutcomes(modelDir, log::add).pending()).isEmpty();
        assertThat(log).hasSize(2).allMatch(l -> l.contains("is not a settled outcome") && l.contains("moved aside, not sent"));
        assertThat(dir.resolve("0000000001000-000000.json.unreadable")).isRegularFile();
        assertThat(jsonFiles()).isEmpty();
    }

    @Test
    void anOutcomeThatCannotBeKeptIsStillReturnedToBeSentAndTheLogSaysWhatIsAtStake() throws IOException {
        Files.writeString(modelDir.resolve(UnsentOutcomes.DIR), "a file where the folder goes");
        Retrainer.Result r = result("r-9", RetrainOutcome.REJECTED, 1_000, null);
        UnsentOutcomes unsent = new UnsentOutcomes(modelDir, log::add);
        assertThat(unsent.keep(List.of(r))).containsExactly(r);
        assertThat(log).singleElement().asString().contains("could not keep the outcome of request r-9 (REJECTED)")
                .contains("if its write fails too, it is lost");
        unsent.sent(r); // nothing kept: nothing to delete, no error
        assertThat(log).hasSize(1);
    }

    private static Retrainer.Result result(String id, String outcome, long finishedAtMs, ModelUpdate update) {
        RetrainOutcome o = new RetrainOutcome();
        o.requestId = id;
        o.modelName = "marquee";
        o.outcome = outcome;
        o.version = RetrainOutcome.PUBLISHED.equals(outcome) ? 2 : -1;
        o.finishedAtMs = finishedAtMs;
        o.metrics = new java.util.LinkedHashMap<>(Map.of("deferred_judgements", 2.0));
        return new Retrainer.Result(o, update);
    }

    private List<Path> jsonFiles() throws IOException {
        Path dir = modelDir.resolve(UnsentOutcomes.DIR);
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".json")).toList();
        }
    }
}

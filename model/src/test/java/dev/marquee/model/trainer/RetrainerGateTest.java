package dev.marquee.model.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.marquee.data.event.Rating;
import dev.marquee.data.event.RetrainOutcome;
import dev.marquee.data.event.RetrainRequest;
import dev.marquee.data.synth.SyntheticRatings;
import dev.marquee.model.Architecture;
import dev.marquee.model.Folders;
import dev.marquee.model.ModelCard;
import dev.marquee.model.ModelRegistry;
import dev.marquee.model.TrainingConfig;
import dev.marquee.model.cli.Console;
import dev.marquee.model.cli.ModelMain;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gate's three answers on real SavedModels, without Kafka: version 1 trained on generated rows, candidates
 * trained by the {@link Retrainer} on labels given directly. A clearly better candidate is published, a clearly
 * worse one rejected, and one the held-out labels cannot judge (half its users much better served by it, half
 * much worse) is deferred; later labels settle it (published), or its deferral expires (rejected). Every
 * outcome carries its interval.
 */
class RetrainerGateTest {
    private static final double MARGIN = GatePolicy.DEFAULT_MARGIN;

    @TempDir
    static Path shared;
    private static Path v1Registry;

    @TempDir
    Path tmp;
    private final StringBuilder log = new StringBuilder();

    @BeforeAll
    static void trainVersionOne() {
        v1Registry = shared.resolve("registry");
        Console console = console(shared, new ByteArrayOutputStream());
        int code = ModelMain.run(new String[] {"train", "--data", "synthetic:2000", "--registry", v1Registry.toString(),
                "--epochs", "10", "--batch", "64", "--patience", "10"}, console);
        assertThat(code).isZero();
    }

    @AfterEach
    void printTheTrainersLines() {
        System.out.println(log); // into the surefire report's -output.txt
    }

    @Test
    void aClearlyBetterCandidateIsPublishedWithItsInterval() throws Exception {
        Retrainer.Result r = retrainer(settings()).handle(request("r-better"), LabelReader.Labels.of(shiftedLabels()));
        RetrainOutcome o = r.outcome();
        assertThat(o.outcome).as(log.toString()).isEqualTo(RetrainOutcome.PUBLISHED);
        assertThat(o.version).isEqualTo(2);
        assertThat(o.metrics.get("mse_diff_high")).isLessThan(MARGIN);
        assertThat(o.metrics.get("mse_diff_low")).isLessThan(o.metrics.get("mse_diff"));
        assertThat(o.metrics).containsEntry("gate_decision", 1.0).containsEntry("gate_margin", MARGIN)
                .containsEntry("gate_confidence", 0.95).containsEntry("holdout_rows", 600.0)
                .containsEntry("holdout_users", 100.0);
        assertThat(r.update().metrics).containsEntry("mse_diff_high", o.metrics.get("mse_diff_high"));

        JsonNode gate = ModelCard.read(registry().versionDir("marquee", 2)).at("/retrain/gate");
        assertThat(gate.path("decision").asText()).isEqualTo("PUBLISH");
        assertThat(gate.path("interval_high").asDouble()).isEqualTo(o.metrics.get("mse_diff_high"));
        assertThat(gate.path("interval_low").asDouble()).isEqualTo(o.metrics.get("mse_diff_low"));
        assertThat(gate.path("users").asInt()).isEqualTo(100);
        assertThat(gate.path("labels").asInt()).isEqualTo(600);
        assertThat(gate.path("margin").asDouble()).isEqualTo(MARGIN);
        assertThat(gate.path("confidence").asDouble()).isEqualTo(0.95);

        // evaluate on the original data says the retrained version learned from it and from labels (it said "not on
        // these rows", as for a model trained elsewhere)
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(ModelMain.run(new String[] {"evaluate", "--registry", registry().base().toString(), "--version", "2",
                "--data", "synthetic:2000"}, console(tmp, out))).as(out.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8))
                .contains("retrained on its original data's training rows + live labels")
                .doesNotContain("not on these rows");
    }

    /**
     * As {@code marquee train} refuses it, a retrain whose seeded hold-out takes no row (so early stopping saw no RMSE
     * and chose no epoch) fails and publishes nothing: before, it published the last epoch's weights.
     */
    @Test
    void aRetrainThatChoseNoEpochFailsAndPublishesNothing() throws Exception {
        Path data = tmp.resolve("small.csv");
        Files.writeString(data, csvRows(300));
        Path small = tmp.resolve("small-registry");
        int code = ModelMain.run(new String[] {"train", "--data", data.toString(), "--registry", small.toString(),
                "--epochs", "2", "--seed", "42"}, console(tmp, new ByteArrayOutputStream()));
        assertThat(code).isZero();
        // the original data shrinks to 24 rows, of which seed 42's 5% hold-out draws none
        Files.writeString(data, csvRows(24));
        TrainerSettings small2 = TrainerSettings.parse(new String[] {"--registry", small.toString(), "--bootstrap",
                "127.0.0.1:1"}, console(tmp, new ByteArrayOutputStream()));
        Retrainer.Result r = new Retrainer(small2, new OriginalData(small2.data(), Map.of(), tmp), this::log)
                .handle(request("r-no-epoch"), LabelReader.Labels.of(List.of()));

        assertThat(r.outcome().outcome).as(log.toString()).isEqualTo(RetrainOutcome.FAILED);
        assertThat(r.outcome().reason).contains("the run chose no epoch").contains("nothing published");
        assertThat(r.update()).isNull();
        assertThat(small.resolve("marquee/2")).doesNotExist();
        assertThat(new ModelRegistry(small).serving("marquee")).hasValue(1);
    }

    private static String csvRows(int n) {
        StringBuilder rows = new StringBuilder("user_id,movie_title,rating,timestamp\n");
        for (int i = 0; i < n; i++) {
            rows.append(i % 20).append(",Movie ").append(i % 15).append(" (1999),").append(1 + i % 5).append(',')
                    .append(1000 + i).append('\n');
        }
        return rows.toString();
    }

    /** Published but neither serving nor in shadow: the outcome says so and how to serve it (a pin, manual mode). */
    @Test
    void aVersionPublishedUnderAPinOrInManualModeSaysWhyItDoesNotServe() throws Exception {
        TrainerSettings shadow = settings();
        registry().pin("marquee", 1);
        RetrainOutcome pinned = retrainer(shadow).handle(request("r-pinned"), LabelReader.Labels.of(shiftedLabels()))
                .outcome();
        assertThat(pinned.outcome).as(log.toString()).isEqualTo(RetrainOutcome.PUBLISHED);
        assertThat(pinned.reason).contains("version 1 is pinned").contains("marquee rollback --version 2");
        registry().unpin("marquee");

        RetrainOutcome manual = retrainer(settings("--trainer.promotion", "manual"))
                .handle(request("r-manual"), LabelReader.Labels.of(shiftedLabels())).outcome();
        assertThat(manual.outcome).as(log.toString()).isEqualTo(RetrainOutcome.PUBLISHED);
        assertThat(manual.reason).contains("trainer.promotion is manual").contains("marquee promote --version 3");
        assertThat(registry().state("marquee").serving).isEqualTo(1);
        assertThat(registry().state("marquee").hasShadow()).isFalse();
    }

    /**
     * Someone imported a model and put it in shadow to be judged on live labels; a retrain meanwhile was judged against
     * the serving version only: it is published beside them, and the import keeps its place. The retrain of an
     * imported serving version says it trains marquee's default architecture in its place.
     */
    @Test
    void aRetrainLeavesAnImportInShadowToItsVerdict() throws Exception {
        TrainerSettings settings = settings();
        ModelRegistry registry = registry();
        Path imported = registry.versionDir("marquee", 2);
        Folders.copyRecursively(registry.versionDir("marquee", 1), imported);
        com.fasterxml.jackson.databind.node.ObjectNode card = (com.fasterxml.jackson.databind.node.ObjectNode) ModelCard.read(imported);
        card.put("origin", "imported").put("architecture", "imported");
        Files.writeString(imported.resolve(ModelCard.FILE_NAME), card.toString());
        registry.writeState("marquee", dev.marquee.model.ServingState.serving(1, "test", 1L)
                .with(1, 2, dev.marquee.model.ServingState.CANDIDATE, "imported in shadow", 2L));

        RetrainOutcome o = retrainer(settings).handle(request("r-beside-import"), LabelReader.Labels.of(shiftedLabels()))
                .outcome();
        assertThat(o.outcome).as(log.toString()).isEqualTo(RetrainOutcome.PUBLISHED);
        assertThat(o.version).isEqualTo(3);
        assertThat(o.reason).contains("version 2 (imported) is in shadow").contains("marquee promote --version 3");
        dev.marquee.model.ServingState after = registry.state("marquee");
        assertThat(after.serving).isEqualTo(1);
        assertThat(after.shadow).isEqualTo(2);
        assertThat(after.held).isEmpty();

        RetrainOutcome immediate = retrainer(settings("--trainer.promotion", "immediate"))
                .handle(request("r-immediate"), LabelReader.Labels.of(shiftedLabels())).outcome();
        assertThat(immediate.outcome).as(log.toString()).isEqualTo(RetrainOutcome.PUBLISHED);
        dev.marquee.model.ServingState served = registry.state("marquee");
        assertThat(served.serving).as("immediate: it serves at once, as the mode says").isEqualTo(immediate.version);
        assertThat(served.held).containsKey(2L);

        assertThat(CardConfig.from(card, "version 2's model card").source())
                .contains("imported version").contains("default architecture is trained in its place");
    }

    /**
     * The serving version is judged only on labels it did not train on: a retrain with a larger hold-out share than
     * the one that made the serving version trains on the labels it trained on instead of holding them out.
     */
    @Test
    void labelsTheServingVersionTrainedOnAreTrainedOnNotHeldOut() throws Exception {
        List<Rating> labels = shiftedLabels();
        RetrainOutcome first = retrainer(settings("--trainer.promotion", "immediate"))
                .handle(request("r-first"), LabelReader.Labels.of(labels)).outcome();
        assertThat(first.outcome).as(log.toString()).isEqualTo(RetrainOutcome.PUBLISHED);
        assertThat(registry().serving("marquee")).hasValue(first.version);
        long trainedThrough = DeferredCandidates.trainedThrough(ModelCard.read(registry().versionDir("marquee",
                first.version)));
        long notTrainedOn = labels.stream().filter(r -> r.timestamp > trainedThrough).count();
        assertThat(notTrainedOn).as("the first retrain held the newest 20% out").isBetween(1L, 700L);

        log.setLength(0);
        RetrainOutcome second = retrainer(settings("--trainer.promotion", "immediate", "--trainer.holdout-share", "0.5"))
                .handle(request("r-wider"), LabelReader.Labels.of(labels)).outcome();
        assertThat(second.outcome).as(log.toString()).isNotEqualTo(RetrainOutcome.FAILED);
        assertThat(second.metrics.get("holdout_rows")).as("only labels after version %d's cut", first.version)
                .isLessThanOrEqualTo(notTrainedOn).isPositive();
        assertThat(second.metrics.get("labels_trained_on")).isGreaterThanOrEqualTo(labels.size() - notTrainedOn);
        assertThat(log.toString()).contains("of the newest share trained on instead");
    }

    @Test
    void aClearlyWorseCandidateIsRejectedWithItsInterval() throws Exception {
        TrainerSettings worse = settings("--trainer.epochs", "1", "--trainer.learning-rate", "1e-7");
        RetrainOutcome o = retrainer(worse).handle(request("r-worse"), LabelReader.Labels.of(stationaryLabels())).outcome();
        assertThat(o.outcome).as(log.toString()).isEqualTo(RetrainOutcome.REJECTED);
        assertThat(o.metrics.get("mse_diff_low")).isGreaterThan(MARGIN);
        assertThat(o.metrics).containsEntry("gate_decision", -1.0).containsKeys("mse_diff", "mse_diff_high");
        assertThat(o.reason).contains("worse").contains("interval");
        assertThat(registry().versions("marquee")).containsExactly(1L);
        JsonNode report = GateReport.read(Path.of(o.rejectedLocation));
        assertThat(report.at("/gate/decision").asText()).isEqualTo("REJECT");
        assertThat(report.at("/gate/interval_low").asDouble()).isEqualTo(o.metrics.get("mse_diff_low"));
    }

    @Test
    void aCandidateTheLabelsCannotJudgeIsDeferredThenPublishedWhenLaterLabelsSettleIt() throws Exception {
        TrainerSettings settings = settings();
        Retrainer retrainer = retrainer(settings);
        RetrainOutcome o = retrainer.handle(request("r-split"), LabelReader.Labels.of(splitVerdictLabels(false)))
                .outcome();
        assertThat(o.outcome).as(log.toString()).isEqualTo(RetrainOutcome.DEFERRED);
        assertThat(o.version).isEqualTo(-1);
        assertThat(o.reason).contains("cannot tell");
        assertThat(o.metrics.get("mse_diff_low")).isLessThan(MARGIN);
        assertThat(o.metrics.get("mse_diff_high")).isGreaterThan(MARGIN);
        assertThat(o.metrics).containsEntry("gate_decision", 0.0).containsEntry("holdout_rows", 240.0)
                .containsEntry("holdout_users", 12.0);
        assertThat(registry().versions("marquee")).containsExactly(1L);
        Path waiting = Path.of(o.deferredLocation);
        assertThat(waiting).isEqualTo(registry().modelDir("marquee").resolve("deferred/r-split").toRealPath());
        assertThat(waiting.resolve(ModelRegistry.SAVED_MODEL_FILE)).isRegularFile();
        assertThat(GateReport.read(waiting).at("/gate/decision").asText()).isEqualTo("DEFER");
        // a redelivery (a training past max.poll.interval.ms, a worker killed before its commit) is answered, not trained
        assertThat(new AnsweredRequests(registry(), "marquee").find("r-split")).as("a redelivery is answered DEFERRED")
                .hasValueSatisfying(a -> {
                    assertThat(a.outcome).isEqualTo(RetrainOutcome.DEFERRED);
                    assertThat(a.deferredLocation).isEqualTo(waiting.toString());
                });

        DeferredCandidates deferred = new DeferredCandidates(settings, retrainer, this::log, System::currentTimeMillis);
        // Judged again on the same labels: still undecided, still waiting.
        assertThat(deferred.judge(LabelReader.Labels.of(splitVerdictLabels(false)))).isEmpty();
        assertThat(GateReport.read(waiting).path(DeferredCandidates.JUDGEMENTS).asInt()).isEqualTo(2);

        // Later labels: every one of the 20 shifted users rates as the candidate learned.
        List<Retrainer.Result> settled = deferred.judge(LabelReader.Labels.of(splitVerdictLabels(true)));
        assertThat(settled).hasSize(1);
        RetrainOutcome later = settled.get(0).outcome();
        assertThat(later.requestId).isEqualTo("r-split");
        assertThat(later.outcome).as(log.toString()).isEqualTo(RetrainOutcome.PUBLISHED);
        assertThat(later.version).isEqualTo(2);
        assertThat(later.metrics.get("mse_diff_high")).isLessThan(MARGIN);
        assertThat(later.metrics).containsEntry("holdout_rows", 640.0).containsEntry("deferred_judgements", 3.0);
        // published is not serving: version 1 keeps serving, version 2 runs in shadow (trainer.promotion shadow)
        assertThat(settled.get(0).update().version).isEqualTo(1);
        assertThat(settled.get(0).update().shadowVersion).isEqualTo(2);
        assertThat(registry().versions("marquee")).containsExactly(1L, 2L);
        assertThat(waiting).doesNotExist();
        JsonNode card = ModelCard.read(registry().versionDir("marquee", 2));
        assertThat(card.at("/retrain/gate/decision").asText()).isEqualTo("PUBLISH");
        assertThat(card.at("/retrain/gate/interval_high").asDouble()).isEqualTo(later.metrics.get("mse_diff_high"));
        assertThat(card.at("/retrain/deferred/judgements").asInt()).isEqualTo(3);
        assertThat(registry().versionDir("marquee", 2).resolve(GateReport.FILE_NAME)).doesNotExist();
    }

    /** Later labels shifted against what the candidate learned: rejected, a second outcome under the same request. */
    @Test
    void aDeferredCandidateIsRejectedWhenLaterLabelsGoAgainstIt() throws Exception {
        TrainerSettings settings = settings();
        Retrainer retrainer = retrainer(settings);
        RetrainOutcome o = retrainer.handle(request("r-split"), LabelReader.Labels.of(splitVerdictLabels(false)))
                .outcome();
        assertThat(o.outcome).as(log.toString()).isEqualTo(RetrainOutcome.DEFERRED);
        Path waiting = Path.of(o.deferredLocation);

        List<Retrainer.Result> settled = new DeferredCandidates(settings, retrainer, this::log, System::currentTimeMillis)
                .judge(LabelReader.Labels.of(splitVerdictLabels(true, user -> -trainedShift(user))));
        assertThat(settled).as(log.toString()).hasSize(1);
        assertThat(settled.get(0).update()).as("nothing to announce").isNull();
        RetrainOutcome later = settled.get(0).outcome();
        assertThat(later.requestId).isEqualTo("r-split");
        assertThat(later.outcome).as(log.toString()).isEqualTo(RetrainOutcome.REJECTED);
        assertThat(later.metrics.get("mse_diff_low")).isGreaterThan(MARGIN);
        assertThat(later.metrics).containsEntry("holdout_rows", 640.0).containsEntry("deferred_judgements", 2.0)
                .doesNotContainKey("deferred_expired");
        assertThat(registry().versions("marquee")).containsExactly(1L);
        assertThat(registry().serving("marquee")).hasValue(1L);
        assertThat(waiting).doesNotExist();
        Path rejected = Path.of(later.rejectedLocation);
        assertThat(rejected).isEqualTo(registry().modelDir("marquee").resolve("rejected/r-split").toRealPath());
        assertThat(GateReport.read(rejected).at("/gate/decision").asText()).isEqualTo("REJECT");
        assertThat(new AnsweredRequests(registry(), "marquee").find("r-split")).as("a redelivery is answered REJECTED")
                .hasValueSatisfying(a -> assertThat(a.outcome).isEqualTo(RetrainOutcome.REJECTED));
    }

    /**
     * More labels after a deferred candidate's cut than the reader holds: its hold-out would slide from one look to
     * the next (optional stopping on fresh windows), so it is retired, not judged on the newest labels alone.
     */
    @Test
    void aDeferredCandidateWhoseHoldoutNoLongerFitsTheLabelsReadIsRetiredNotJudgedOnTheNewestAlone() throws Exception {
        TrainerSettings settings = settings();
        Retrainer retrainer = retrainer(settings);
        RetrainOutcome o = retrainer.handle(request("r-split"), LabelReader.Labels.of(splitVerdictLabels(false)))
                .outcome();
        assertThat(o.outcome).as(log.toString()).isEqualTo(RetrainOutcome.DEFERRED);
        long cut = GateReport.read(Path.of(o.deferredLocation)).path(DeferredCandidates.TRAINED_THROUGH).asLong();
        List<Rating> newest = splitVerdictLabels(true).stream().filter(r -> r.timestamp >= 900_200_000L).toList();
        assertThat(newest.get(0).timestamp).isGreaterThan(cut);
        DeferredCandidates deferred = new DeferredCandidates(settings, retrainer, this::log, System::currentTimeMillis);

        List<Retrainer.Result> settled = deferred.judge(new LabelReader.Labels(newest, newest.size() + 5_000L, 0, 0, 5_000));
        assertThat(settled).singleElement().satisfies(r -> {
            assertThat(r.outcome().outcome).as(log.toString()).isEqualTo(RetrainOutcome.REJECTED);
            assertThat(r.outcome().reason).contains("trainer.labels.max-count").contains("slide");
            assertThat(r.outcome().metrics).containsEntry("deferred_holdout_overflow", 1.0);
        });
        assertThat(registry().versions("marquee")).containsExactly(1L);
    }

    /** A re-judgement never holds out the labels the serving version trained on, whatever cut the candidate recorded. */
    @Test
    void aReJudgementHoldsOutOnlyLabelsAfterTheServingVersionsOwnCutToo(@TempDir Path base) throws Exception {
        Files.writeString(base.resolve(dev.marquee.model.ModelCard.FILE_NAME), "{\"retrain\":{\"trained_through\":599}}");
        assertThat(DeferredCandidates.judgedAfter(Long.MIN_VALUE, base)).isEqualTo(599);
        assertThat(DeferredCandidates.judgedAfter(700, base)).isEqualTo(700);
        Files.writeString(base.resolve(dev.marquee.model.ModelCard.FILE_NAME), "{}");
        assertThat(DeferredCandidates.judgedAfter(Long.MIN_VALUE, base)).as("a base trained on no labels")
                .isEqualTo(Long.MIN_VALUE);
        Files.writeString(base.resolve(dev.marquee.model.ModelCard.FILE_NAME), "{\"retrain\":");
        assertThatThrownBy(() -> DeferredCandidates.judgedAfter(700, base)).as("a card that cannot be read: no verdict")
                .isInstanceOf(java.io.IOException.class);
        Files.delete(base.resolve(dev.marquee.model.ModelCard.FILE_NAME));
        assertThat(DeferredCandidates.judgedAfter(700, base)).as("no card at all").isEqualTo(700);
    }

    /** Labels left out that are all older than the cut take nothing from the hold-out: judged as before. */
    @Test
    void labelsLeftOutBeforeTheCutDoNotOverflowTheHoldout() {
        List<Rating> all = splitVerdictLabels(true);
        long cut = all.get(all.size() / 2).timestamp;
        assertThat(DeferredCandidates.holdoutOverflowed(new LabelReader.Labels(all, all.size() + 10L, 0, 10, 0), cut)).isFalse();
        assertThat(DeferredCandidates.holdoutOverflowed(LabelReader.Labels.of(all.subList(all.size() - 5, all.size())), cut))
                .as("nothing left out").isFalse();
        assertThat(DeferredCandidates.holdoutOverflowed(new LabelReader.Labels(all.subList(all.size() - 5, all.size()),
                all.size(), 0, all.size() - 5L, 0), cut)).isTrue();
    }

    /** A title catalog that cannot be read now (a network volume's hiccup) is no verdict: the candidate stays deferred. */
    @Test
    void aDeferredCandidateWhoseBaseTitlesCannotBeReadNowStaysDeferred() throws Exception {
        TrainerSettings settings = settings();
        Retrainer retrainer = retrainer(settings);
        RetrainOutcome o = retrainer.handle(request("r-split"), LabelReader.Labels.of(splitVerdictLabels(false)))
                .outcome();
        assertThat(o.outcome).as(log.toString()).isEqualTo(RetrainOutcome.DEFERRED);
        Path waiting = Path.of(o.deferredLocation);
        Path titles = registry().versionDir("marquee", 1).resolve("assets/titles.txt");
        Path kept = titles.resolveSibling("titles.txt.kept");
        Files.move(titles, kept);
        Files.createSymbolicLink(titles, titles.getFileName()); // a loop: cannot be read, nor said to be absent
        DeferredCandidates deferred = new DeferredCandidates(settings, retrainer, this::log, System::currentTimeMillis);
        try {
            assertThat(deferred.judge(LabelReader.Labels.of(splitVerdictLabels(true)))).as(log.toString()).isEmpty();
        } finally {
            Files.delete(titles);
            Files.move(kept, titles);
        }
        assertThat(waiting.resolve(ModelRegistry.SAVED_MODEL_FILE)).isRegularFile();
        assertThat(registry().modelDir("marquee").resolve("rejected")).doesNotExist();
        assertThat(log.toString()).contains("judged again next round");
        List<Retrainer.Result> settled = deferred.judge(LabelReader.Labels.of(splitVerdictLabels(true)));
        assertThat(settled).hasSize(1);
        assertThat(settled.get(0).outcome().outcome).as(log.toString()).isEqualTo(RetrainOutcome.PUBLISHED);
    }

    /** A title catalog unreadable until the deferral expires: the candidate is retired then, as an unresolved one is. */
    @Test
    void aDeferredCandidateWhoseTitlesStayUnreadablePastItsExpiryIsRetired() throws Exception {
        TrainerSettings settings = settings();
        Retrainer retrainer = retrainer(settings);
        RetrainOutcome o = retrainer.handle(request("r-split"), LabelReader.Labels.of(splitVerdictLabels(false)))
                .outcome();
        assertThat(o.outcome).as(log.toString()).isEqualTo(RetrainOutcome.DEFERRED);
        Path titles = registry().versionDir("marquee", 1).resolve("assets/titles.txt");
        Files.delete(titles);
        Files.createSymbolicLink(titles, titles.getFileName());
        DeferredCandidates deferred = new DeferredCandidates(settings, retrainer, this::log,
                () -> System.currentTimeMillis() + settings.deferExpiryMs() + 1_000);
        List<Retrainer.Result> settled = deferred.judge(LabelReader.Labels.of(splitVerdictLabels(true)));
        assertThat(settled).as(log.toString()).hasSize(1);
        assertThat(settled.get(0).outcome().outcome).isEqualTo(RetrainOutcome.REJECTED);
        assertThat(settled.get(0).outcome().metrics).containsEntry("deferred_expired", 1.0);
        assertThat(settled.get(0).outcome().reason).contains("title catalog cannot be read");
    }

    /** A deferral whose report cannot be written leaves nothing in deferred/: never a candidate without its report. */
    @Test
    void aDeferralThatCannotWriteItsReportLeavesNothingDeferred() throws Exception {
        Retrainer retrainer = retrainer(settings());
        Path candidate = Files.createDirectories(registry().modelDir("marquee").resolve(".candidate-test"));
        Files.writeString(candidate.resolve(ModelRegistry.SAVED_MODEL_FILE), "a model");
        RetrainOutcome outcome = new RetrainOutcome();
        outcome.requestId = "r-unwritten";
        Map<String, Object> report = new java.util.LinkedHashMap<>();
        report.put("not json", new Object()); // Jackson cannot write it
        assertThatThrownBy(() -> retrainer.defer(candidate, new ModelCard().put("architecture", "default"), report,
                Map.of(), outcome, "cannot tell")).isInstanceOf(IOException.class);
        assertThat(retrainer.folders().deferred()).as("deferred/").isEmpty();
        assertThat(candidate.resolve(ModelRegistry.SAVED_MODEL_FILE)).as("left for the caller to delete").isRegularFile();
    }

    /**
     * Judged again and still undecided, a candidate whose report cannot be rewritten (a full or read-only volume) stays
     * deferred: the bookkeeping failed, not the candidate.
     */
    @Test
    void aDeferredCandidateWhoseReportCannotBeRewrittenStaysDeferred() throws Exception {
        TrainerSettings settings = settings();
        Retrainer retrainer = retrainer(settings);
        RetrainOutcome o = retrainer.handle(request("r-split"), LabelReader.Labels.of(splitVerdictLabels(false)))
                .outcome();
        assertThat(o.outcome).as(log.toString()).isEqualTo(RetrainOutcome.DEFERRED);
        Path waiting = Path.of(o.deferredLocation);
        Path report = waiting.resolve("gate_report.json");
        assertThat(report).isRegularFile();
        DeferredCandidates deferred = new DeferredCandidates(settings, retrainer, this::log, System::currentTimeMillis);
        List<Retrainer.Result> settled;
        try (var frozen = dev.marquee.model.testing.Undeletable.make(report)) { // renaming over it fails
            settled = deferred.judge(LabelReader.Labels.of(splitVerdictLabels(false)));
        } finally {
            // where the file ended if it was moved: released there too, or the temporary folder outlives the test
            Path moved = registry().modelDir("marquee").resolve("rejected/r-split/gate_report.json");
            if (Files.exists(moved)) dev.marquee.model.testing.Undeletable.release(moved);
        }
        assertThat(settled).as(log.toString()).isEmpty();
        assertThat(waiting.resolve(ModelRegistry.SAVED_MODEL_FILE)).isRegularFile();
        assertThat(registry().modelDir("marquee").resolve("rejected")).doesNotExist();
        assertThat(log.toString()).contains("could not update the gate report");
    }

    /** A registry error while publishing a candidate that passed is no verdict: it stays deferred, whole. */
    @Test
    void aDeferredCandidateThatCannotBePublishedStaysDeferredWhole() throws Exception {
        TrainerSettings settings = settings();
        Retrainer retrainer = retrainer(settings);
        RetrainOutcome o = retrainer.handle(request("r-split"), LabelReader.Labels.of(splitVerdictLabels(false)))
                .outcome();
        assertThat(o.outcome).as(log.toString()).isEqualTo(RetrainOutcome.DEFERRED);
        Path waiting = Path.of(o.deferredLocation);
        try (Stream<Path> files = Files.list(waiting)) {
            assertThat(files.count()).isGreaterThan(2);
        }
        List<String> before = tree(waiting);

        // The registry's lock cannot be taken: its file is a folder.
        Path lock = registry().modelDir("marquee").resolve(".lock");
        Files.deleteIfExists(lock);
        Files.createDirectory(lock);
        DeferredCandidates deferred = new DeferredCandidates(settings, retrainer, this::log, System::currentTimeMillis);
        assertThat(deferred.judge(LabelReader.Labels.of(splitVerdictLabels(true)))).as(log.toString()).isEmpty();
        assertThat(log.toString()).contains("passed but could not be published");
        assertThat(waiting.resolve(ModelRegistry.SAVED_MODEL_FILE)).isRegularFile();
        assertThat(tree(waiting)).containsExactlyInAnyOrderElementsOf(before);
        assertThat(GateReport.read(waiting).path(DeferredCandidates.JUDGEMENTS).asInt()).isEqualTo(2);
        assertThat(registry().modelDir("marquee").resolve("rejected")).doesNotExist();
        assertThat(registry().versions("marquee")).containsExactly(1L);
        try (Stream<Path> left = Files.list(registry().modelDir("marquee"))) {
            assertThat(left.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith(".publishing-"));
        }

        // The lock back: judged again, it is published.
        Files.delete(lock);
        List<Retrainer.Result> settled = deferred.judge(LabelReader.Labels.of(splitVerdictLabels(true)));
        assertThat(settled).hasSize(1);
        assertThat(settled.get(0).outcome().outcome).as(log.toString()).isEqualTo(RetrainOutcome.PUBLISHED);
        assertThat(settled.get(0).outcome().metrics).containsEntry("deferred_judgements", 3.0);
        assertThat(registry().versionDir("marquee", 2).resolve(ModelRegistry.SAVED_MODEL_FILE)).isRegularFile();
        assertThat(waiting).doesNotExist();
    }

    /** A version published whose pointer then cannot be moved is published (it exists), not rejected. */
    @Test
    void aDeferredCandidatePublishedWhosePointerCannotMoveIsReportedPublished() throws Exception {
        TrainerSettings settings = settings("--trainer.promotion", "manual");
        // the pointer's change fails inside the registry's lock, after the version is published
        Retrainer retrainer = new Retrainer(settings, new OriginalData(settings.data(), Map.of(), tmp), line -> {
            log(line);
            if (line.contains("trainer.promotion is manual")) throw new IllegalStateException("pointer write failed");
        });
        RetrainOutcome o = retrainer.handle(request("r-split"), LabelReader.Labels.of(splitVerdictLabels(false)))
                .outcome();
        assertThat(o.outcome).as(log.toString()).isEqualTo(RetrainOutcome.DEFERRED);
        Path waiting = Path.of(o.deferredLocation);

        List<Retrainer.Result> settled = new DeferredCandidates(settings, retrainer, this::log,
                System::currentTimeMillis).judge(LabelReader.Labels.of(splitVerdictLabels(true)));
        assertThat(settled).hasSize(1);
        RetrainOutcome later = settled.get(0).outcome();
        assertThat(later.outcome).as(log.toString()).isEqualTo(RetrainOutcome.PUBLISHED);
        assertThat(later.version).isEqualTo(2);
        assertThat(later.reason).contains("serving pointer could not be moved").contains("pointer write failed")
                .contains("marquee promote --version 2");
        assertThat(settled.get(0).update()).isNull();
        assertThat(registry().versionDir("marquee", 2).resolve(ModelRegistry.SAVED_MODEL_FILE)).isRegularFile();
        assertThat(registry().state("marquee").serving).isEqualTo(1);
        assertThat(waiting).doesNotExist();
        assertThat(registry().modelDir("marquee").resolve("rejected")).doesNotExist();
    }

    private static List<String> tree(Path dir) throws java.io.IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile).map(p -> dir.relativize(p).toString())
                    .filter(n -> !n.equals(GateReport.FILE_NAME)).toList();
        }
    }

    @Test
    void aDeferredCandidateStillUnresolvedWhenItsDeferralExpiresIsRetired() throws Exception {
        TrainerSettings settings = settings("--trainer.gate.defer-expiry-seconds", "3600", "--trainer.keep-rejected", "1");
        Retrainer retrainer = retrainer(settings);
        RetrainOutcome o = retrainer.handle(request("r-split"), LabelReader.Labels.of(splitVerdictLabels(false)))
                .outcome();
        assertThat(o.outcome).as(log.toString()).isEqualTo(RetrainOutcome.DEFERRED);

        // from the time the retrainer stamped, not this thread's clock: a stall after handle() must not count
        long deferredAt = GateReport.read(Path.of(o.deferredLocation)).path(DeferredCandidates.DEFERRED_AT).asLong(-1);
        assertThat(deferredAt).isPositive();
        AtomicLong clock = new AtomicLong(deferredAt + 3_599_000);
        DeferredCandidates deferred = new DeferredCandidates(settings, retrainer, this::log, clock::get);
        assertThat(deferred.judge(LabelReader.Labels.of(splitVerdictLabels(false)))).isEmpty(); // not yet
        clock.addAndGet(2_000);
        List<Retrainer.Result> settled = deferred.judge(LabelReader.Labels.of(splitVerdictLabels(false)));
        assertThat(settled).hasSize(1);
        RetrainOutcome retired = settled.get(0).outcome();
        assertThat(retired.requestId).isEqualTo("r-split");
        assertThat(retired.outcome).isEqualTo(RetrainOutcome.REJECTED);
        assertThat(retired.reason).contains("still unresolved").contains("expiry 3600 s");
        assertThat(retired.metrics).containsEntry("deferred_expired", 1.0).containsKeys("mse_diff_low", "mse_diff_high");
        assertThat(Path.of(retired.rejectedLocation)).isEqualTo(
                registry().modelDir("marquee").resolve("rejected/r-split").toRealPath());
        assertThat(deferred.any()).isFalse();
        assertThat(registry().versions("marquee")).containsExactly(1L);

        // A second rejection: only the most recent one is kept (trainer.keep-rejected 1).
        Retrainer worse = retrainer(settings("--trainer.epochs", "1", "--trainer.learning-rate", "1e-7",
                "--trainer.keep-rejected", "1"));
        Files.setLastModifiedTime(Path.of(retired.rejectedLocation),
                java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() - 60_000));
        RetrainOutcome second = worse.handle(request("r-worse"), LabelReader.Labels.of(stationaryLabels())).outcome();
        assertThat(second.outcome).isEqualTo(RetrainOutcome.REJECTED);
        try (Stream<Path> left = Files.list(registry().modelDir("marquee").resolve("rejected"))) {
            assertThat(left.map(p -> p.getFileName().toString())).containsExactly("r-worse");
        }
    }

    /**
     * A worker stopped in the middle of a deferred candidate's publish left the version on disk, its deferred folder
     * empty and the pointer unmoved: the next judgement finishes the publish (in shadow) instead of retiring, as
     * REJECTED, a candidate it can no longer judge.
     */
    @Test
    void aDeferredCandidateWhosePublishWasCutShortIsPublishedNotRetired() throws Exception {
        TrainerSettings settings = settings();
        Retrainer retrainer = retrainer(settings);
        RetrainOutcome o = retrainer.handle(request("r-split"), LabelReader.Labels.of(splitVerdictLabels(false))).outcome();
        assertThat(o.outcome).as(log.toString()).isEqualTo(RetrainOutcome.DEFERRED);
        Path waiting = Path.of(o.deferredLocation);
        // what the stopped worker did: the report deleted, the files moved into version 2 with a card naming the request
        Files.delete(waiting.resolve(GateReport.FILE_NAME));
        long v2 = registry().publish("marquee", dir -> {
            try (Stream<Path> files = Files.list(waiting)) {
                for (Path f : files.toList()) Files.move(f, dir.resolve(f.getFileName().toString()));
            }
            Files.writeString(dir.resolve(ModelCard.FILE_NAME), "{\"" + Retrainer.PUBLISHED_AT_MS + "\":"
                    + System.currentTimeMillis() + ",\"retrain\":{\"request_id\":\"r-split\",\"base_version\":1}}");
        });
        assertThat(registry().state("marquee").shadow).isZero();

        List<Retrainer.Result> settled = new DeferredCandidates(settings, retrainer, this::log, System::currentTimeMillis)
                .judge(LabelReader.Labels.of(splitVerdictLabels(true)));

        assertThat(settled).as(log.toString()).hasSize(1);
        assertThat(settled.get(0).outcome().outcome).isEqualTo(RetrainOutcome.PUBLISHED);
        assertThat(settled.get(0).outcome().version).isEqualTo(v2);
        assertThat(settled.get(0).update().shadowVersion).isEqualTo(v2);
        assertThat(registry().state("marquee").shadow).isEqualTo(v2);
        assertThat(waiting).doesNotExist();
        assertThat(settled.get(0).outcome().metrics).as("its first outcome").doesNotContainKey(AnsweredRequests.REDELIVERED);

        // the emptied folder left behind (it could not be deleted), seen by the next worker: the pointer names version 2
        // already, so its update is sent again, and the outcome says it was answered before
        Files.createDirectories(waiting);
        List<Retrainer.Result> again = new DeferredCandidates(settings, retrainer, this::log, System::currentTimeMillis)
                .judge(LabelReader.Labels.of(splitVerdictLabels(true)));
        assertThat(again).as(log.toString()).hasSize(1);
        assertThat(again.get(0).update().shadowVersion).isEqualTo(v2);
        assertThat(again.get(0).outcome().metrics).containsEntry(AnsweredRequests.REDELIVERED, 1.0);
    }

    /**
     * The registry cannot be read when a deferred candidate is judged again (a network volume's hiccup; here its
     * serving pointer is a folder): no verdict on the candidate, which stays deferred and is judged once it can be.
     */
    @Test
    void aDeferredCandidateIsNotRetiredWhenTheRegistryCannotBeRead() throws Exception {
        TrainerSettings settings = settings();
        Retrainer retrainer = retrainer(settings);
        RetrainOutcome o = retrainer.handle(request("r-split"), LabelReader.Labels.of(splitVerdictLabels(false))).outcome();
        assertThat(o.outcome).as(log.toString()).isEqualTo(RetrainOutcome.DEFERRED);
        Path waiting = Path.of(o.deferredLocation);
        Path pointer = registry().modelDir("marquee").resolve(ModelRegistry.SERVING_FILE);
        Path aside = tmp.resolve("serving.json.aside");
        Files.move(pointer, aside);
        Files.createDirectory(pointer);
        DeferredCandidates deferred = new DeferredCandidates(settings, retrainer, this::log, System::currentTimeMillis);

        assertThat(deferred.judge(LabelReader.Labels.of(splitVerdictLabels(true)))).as(log.toString()).isEmpty();
        assertThat(waiting.resolve(GateReport.FILE_NAME)).as("still deferred, with its report").isRegularFile();
        assertThat(log).contains("judged again next round");

        Files.delete(pointer);
        Files.move(aside, pointer);
        List<Retrainer.Result> settled = deferred.judge(LabelReader.Labels.of(splitVerdictLabels(true)));
        assertThat(settled).as(log.toString()).hasSize(1);
        assertThat(settled.get(0).outcome().outcome).isEqualTo(RetrainOutcome.PUBLISHED);
        assertThat(waiting).as("emptied by the publish, report and all").doesNotExist();
    }

    /**
     * A candidate a newer deferral supersedes, whose retirement fails (here rejected/ cannot be made), is retried and
     * never judged: judged, it could be published over the newer one.
     */
    @Test
    void aSupersededCandidateThatCouldNotBeRetiredIsNeverJudgedAgain() throws Exception {
        TrainerSettings settings = settings();
        Retrainer retrainer = retrainer(settings);
        DeferredCandidates deferred = new DeferredCandidates(settings, retrainer, this::log, System::currentTimeMillis);
        RetrainOutcome older = retrainer.handle(request("r-older"), LabelReader.Labels.of(splitVerdictLabels(false))).outcome();
        assertThat(older.outcome).as(log.toString()).isEqualTo(RetrainOutcome.DEFERRED);
        Path rejectedDir = registry().modelDir("marquee").resolve(CandidateFolders.REJECTED_DIR);
        Files.writeString(rejectedDir, "in the way"); // a file where the folder must be made: every move there fails
        RetrainOutcome newer = retrainer.handle(request("r-newer"), LabelReader.Labels.of(splitVerdictLabels(false))).outcome();
        assertThat(newer.outcome).as(log.toString()).isEqualTo(RetrainOutcome.DEFERRED);

        assertThat(deferred.supersede(Path.of(newer.deferredLocation), "r-newer")).as("the retirement failed").isEmpty();
        // the worker restarts: what it knew in memory is gone
        deferred = new DeferredCandidates(settings, retrainer, this::log, System::currentTimeMillis);
        List<Retrainer.Result> settled = deferred.judge(LabelReader.Labels.of(splitVerdictLabels(true)));
        assertThat(settled).extracting(r -> r.outcome().requestId).as(log.toString()).containsExactly("r-newer");
        assertThat(settled.get(0).outcome().outcome).isEqualTo(RetrainOutcome.PUBLISHED);
        assertThat(registry().versions("marquee")).as("only the newer candidate published").containsExactly(1L, 2L);
        assertThat(ModelCard.read(registry().versionDir("marquee", 2)).at("/retrain/request_id").asText()).isEqualTo("r-newer");

        Files.delete(rejectedDir);
        // retired by a later deferral's supersede this time: its mark goes with it
        Path deferredDir = registry().modelDir("marquee").resolve(CandidateFolders.DEFERRED_DIR);
        Path kept = Files.createDirectories(deferredDir.resolve("r-latest"));
        List<Retrainer.Result> retired = deferred.supersede(kept, "r-latest");
        assertThat(retired).extracting(r -> r.outcome().requestId).containsExactly("r-older");
        assertThat(retired.get(0).outcome().outcome).isEqualTo(RetrainOutcome.REJECTED);
        assertThat(retired.get(0).outcome().metrics).containsEntry("deferred_superseded", 1.0);
        // a redelivered request is answered from the report: with why it was retired, not its last verdict
        assertThat(GateReport.read(Path.of(retired.get(0).outcome().rejectedLocation)).path("reason").asText())
                .isEqualTo(retired.get(0).outcome().reason);
        try (Stream<Path> left = Files.list(deferredDir)) {
            assertThat(left.map(p -> p.getFileName().toString())).as("no mark left over").containsExactly("r-latest");
        }

        // a mark left over (a worker killed after the retirement) does not condemn a later candidate of that id
        Files.writeString(deferredDir.resolve("r-again.superseded"), "superseded long ago");
        Path candidate = Files.createDirectories(registry().modelDir("marquee").resolve(".candidate-again"));
        Files.writeString(candidate.resolve(ModelRegistry.SAVED_MODEL_FILE), "x");
        assertThat(new CandidateFolders(registry(), "marquee").moveAside(CandidateFolders.DEFERRED_DIR, "r-again", candidate)
                .getFileName().toString()).isEqualTo("r-again-2");
    }

    /**
     * A worker halted mid-publish, after the deferred candidate's files moved into the registry's temporary folder but
     * before it became a version: the next look moves them back and judges the candidate, instead of retiring it as
     * one that cannot be judged.
     */
    @Test
    void aDeferredCandidateCaughtInAnInterruptedPublishIsMovedBackAndJudged() throws Exception {
        candidateCaughtInAnInterruptedPublishIsMovedBackAndJudged("r-cut");
    }

    /** The same, for a request whose id is not a folder name as it is (its folder is named by the id made safe). */
    @Test
    void aDeferredCandidateWhoseFolderIsNotNamedAsItsRequestIsMovedBackToo() throws Exception {
        candidateCaughtInAnInterruptedPublishIsMovedBackAndJudged("drift episode 7/r:1");
    }

    private void candidateCaughtInAnInterruptedPublishIsMovedBackAndJudged(String requestId) throws Exception {
        TrainerSettings settings = settings();
        Retrainer retrainer = retrainer(settings);
        RetrainOutcome deferredOutcome = retrainer.handle(request(requestId), LabelReader.Labels.of(splitVerdictLabels(false))).outcome();
        assertThat(deferredOutcome.outcome).as(log.toString()).isEqualTo(RetrainOutcome.DEFERRED);
        Path candidate = Path.of(deferredOutcome.deferredLocation);
        if (!requestId.equals("r-cut")) assertThat(candidate.getFileName().toString()).isNotEqualTo(requestId);
        Path temp = Files.createDirectory(registry().modelDir("marquee").resolve(ModelRegistry.TEMP_FOLDER_PREFIX + "cut"));
        try (Stream<Path> files = Files.list(candidate)) {
            for (Path p : files.toList()) {
                if (!p.getFileName().toString().equals(GateReport.FILE_NAME)) Files.move(p, temp.resolve(p.getFileName()));
            }
        }
        List<Retrainer.Result> settled = new DeferredCandidates(settings, retrainer, this::log, System::currentTimeMillis)
                .judge(LabelReader.Labels.of(splitVerdictLabels(true)));
        assertThat(settled).singleElement().satisfies(r -> assertThat(r.outcome().outcome).as(log.toString())
                .isEqualTo(RetrainOutcome.PUBLISHED));
        assertThat(temp).doesNotExist();
        assertThat(log.toString()).contains("was in an interrupted publish");
    }

    /**
     * Cut midway: the card and some files moved, the model file still in the candidate's folder; and the worker down
     * for hours, so its start-up sweep of abandoned publish folders runs first. The candidate is moved back before the
     * sweep, and judged.
     */
    @Test
    void aDeferredCandidateCutMidwayIsMovedBackBeforeTheStartUpSweep() throws Exception {
        TrainerSettings settings = settings();
        Retrainer retrainer = retrainer(settings);
        RetrainOutcome deferredOutcome = retrainer.handle(request("r-half"), LabelReader.Labels.of(splitVerdictLabels(false))).outcome();
        assertThat(deferredOutcome.outcome).as(log.toString()).isEqualTo(RetrainOutcome.DEFERRED);
        Path candidate = Path.of(deferredOutcome.deferredLocation);
        Path temp = Files.createDirectory(registry().modelDir("marquee").resolve(ModelRegistry.TEMP_FOLDER_PREFIX + "half"));
        Files.move(candidate.resolve(ModelCard.FILE_NAME), temp.resolve(ModelCard.FILE_NAME)); // the card goes first
        Files.move(candidate.resolve("variables"), temp.resolve("variables"));
        assertThat(candidate.resolve(ModelRegistry.SAVED_MODEL_FILE)).isRegularFile();
        java.nio.file.attribute.FileTime hoursAgo = java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() - 3 * 3_600_000L);
        try (Stream<Path> all = Files.walk(temp)) {
            for (Path p : all.toList()) Files.setLastModifiedTime(p, hoursAgo);
        }

        DeferredCandidates deferred = new DeferredCandidates(settings, retrainer, this::log, System::currentTimeMillis);
        deferred.restoreInterruptedPublishes();
        registry().removeAbandoned("marquee", java.time.Duration.ofHours(1)); // the worker's start-up sweep
        assertThat(temp).doesNotExist();
        assertThat(candidate.resolve("variables")).isDirectory();
        List<Retrainer.Result> settled = deferred.judge(LabelReader.Labels.of(splitVerdictLabels(true)));
        assertThat(settled).singleElement().satisfies(r -> assertThat(r.outcome().outcome).as(log.toString())
                .isEqualTo(RetrainOutcome.PUBLISHED));
    }

    @Test
    void aDeferredCandidateIsRetiredWhenAnotherVersionServes() throws Exception {
        TrainerSettings settings = settings();
        Retrainer retrainer = retrainer(settings);
        assertThat(retrainer.handle(request("r-split"), LabelReader.Labels.of(splitVerdictLabels(false))).outcome().outcome)
                .isEqualTo(RetrainOutcome.DEFERRED);
        assertThat(retrainer.handle(request("r-better"), LabelReader.Labels.of(shiftedLabels())).outcome().outcome)
                .isEqualTo(RetrainOutcome.PUBLISHED);
        List<Retrainer.Result> settled = new DeferredCandidates(settings, retrainer, this::log,
                System::currentTimeMillis).judge(LabelReader.Labels.of(splitVerdictLabels(true)));
        assertThat(settled).hasSize(1);
        assertThat(settled.get(0).outcome().outcome).isEqualTo(RetrainOutcome.REJECTED);
        // Published is not serving: whichever the pointer names, a newer version than its base supersedes it.
        assertThat(settled.get(0).outcome().reason).contains("superseded").contains("latest 2");
        assertThat(registry().versions("marquee")).containsExactly(1L, 2L);
    }

    /**
     * A version that existed before the deferral (a candidate in shadow, or one retired and held) does not supersede
     * it: only one published after it does.
     */
    @Test
    void aVersionOlderThanTheDeferralDoesNotSupersedeIt() throws Exception {
        TrainerSettings settings = settings();
        Retrainer retrainer = retrainer(settings);
        assertThat(retrainer.handle(request("r-better"), LabelReader.Labels.of(shiftedLabels())).outcome().outcome)
                .isEqualTo(RetrainOutcome.PUBLISHED); // version 2, in shadow: version 1 serves
        assertThat(retrainer.handle(request("r-split"), LabelReader.Labels.of(splitVerdictLabels(false))).outcome().outcome)
                .isEqualTo(RetrainOutcome.DEFERRED);
        DeferredCandidates deferred = new DeferredCandidates(settings, retrainer, this::log, System::currentTimeMillis);
        assertThat(deferred.judge(LabelReader.Labels.of(splitVerdictLabels(false)))).as("still undecided").isEmpty();
        List<Retrainer.Result> settled = deferred.judge(LabelReader.Labels.of(splitVerdictLabels(true)));
        assertThat(settled).hasSize(1);
        assertThat(settled.get(0).outcome().outcome).as(log.toString()).isEqualTo(RetrainOutcome.PUBLISHED);
        assertThat(settled.get(0).outcome().metrics).doesNotContainKey("deferred_superseded");
    }

    /** A serving version that no longer loads is no reason to publish unjudged: the candidate waits, deferred. */
    @Test
    void aCandidateIsDeferredNotPublishedWhenTheServingVersionDoesNotLoad() throws Exception {
        TrainerSettings settings = settings();
        try (Stream<Path> files = Files.list(registry().versionDir("marquee", 1).resolve("variables"))) {
            for (Path data : files.filter(f -> f.getFileName().toString().startsWith("variables.data")).toList()) {
                Files.write(data, new byte[] {1, 2, 3}); // version 1's weights, truncated
            }
        }
        RetrainOutcome o = retrainer(settings).handle(request("r-broken-serving"), LabelReader.Labels.of(shiftedLabels()))
                .outcome();
        assertThat(o.outcome).as(log.toString()).isEqualTo(RetrainOutcome.DEFERRED);
        assertThat(o.reason).contains("serving version could not be measured").contains("does not load");
        assertThat(o.metrics).doesNotContainKey("current_rmse");
        assertThat(registry().versions("marquee")).containsExactly(1L);
        assertThat(Path.of(o.deferredLocation)).isDirectory();
    }

    /** Without the serving version's card a retrain would use default data and configuration: it fails instead. */
    @Test
    void aRequestFailsBeforeTrainingWhenTheServingVersionsCardIsMissingOrUnreadable() throws Exception {
        TrainerSettings settings = settings();
        Path card = registry().versionDir("marquee", 1).resolve(ModelCard.FILE_NAME);
        Files.writeString(card, "{\"architecture\": ");
        RetrainOutcome garbled = retrainer(settings).handle(request("r-garbled-card"),
                LabelReader.Labels.of(shiftedLabels())).outcome();
        assertThat(garbled.outcome).isEqualTo(RetrainOutcome.FAILED);
        assertThat(garbled.reason).contains("version 1's model card cannot be read").contains("nothing trained");

        Files.delete(card);
        RetrainOutcome missing = retrainer(settings).handle(request("r-no-card"), LabelReader.Labels.of(shiftedLabels()))
                .outcome();
        assertThat(missing.outcome).isEqualTo(RetrainOutcome.FAILED);
        assertThat(missing.requestId).isEqualTo("r-no-card");
        assertThat(missing.baseVersion).isEqualTo(1);
        assertThat(missing.reason).contains("version 1's model card is missing");
        assertThat(log.toString()).doesNotContain("epoch");
        assertThat(registry().versions("marquee")).containsExactly(1L);
    }

    /** A deferred candidate whose report no longer parses is retired under its folder's name, not kept forever. */
    @Test
    void aDeferredCandidateWithAnUnreadableReportIsRetired() throws Exception {
        TrainerSettings settings = settings();
        Path garbled = Files.createDirectories(registry().modelDir("marquee").resolve("deferred/r-garbled"));
        Files.writeString(garbled.resolve(GateReport.FILE_NAME), "{\"request_id\": \"r-gar");
        Files.writeString(garbled.resolve(ModelRegistry.SAVED_MODEL_FILE), "pb");
        DeferredCandidates deferred = new DeferredCandidates(settings, retrainer(settings), this::log,
                System::currentTimeMillis);
        List<Retrainer.Result> settled = deferred.judge(LabelReader.Labels.of(stationaryLabels()));
        assertThat(settled).hasSize(1);
        RetrainOutcome o = settled.get(0).outcome();
        assertThat(o.requestId).isEqualTo("r-garbled");
        assertThat(o.outcome).isEqualTo(RetrainOutcome.REJECTED);
        assertThat(o.reason).contains("cannot be judged again");
        assertThat(deferred.any()).isFalse();
        assertThat(GateReport.read(Path.of(o.rejectedLocation)).at("/gate/retired").asText()).contains("cannot be judged");
    }

    /**
     * A report that cannot be read (not garbled: the read itself fails, as on a network volume's hiccup) gives no
     * verdict and keeps the candidate; still unreadable past the deferral's expiry, it is retired.
     */
    @Test
    void aDeferredCandidateWhoseReportCannotBeReadIsKeptUntilItsExpiry() throws Exception {
        TrainerSettings settings = settings();
        Path unreadable = Files.createDirectories(registry().modelDir("marquee").resolve("deferred/r-unreadable"));
        Files.createDirectories(unreadable.resolve(GateReport.FILE_NAME)); // reading it fails: "Is a directory"
        Files.writeString(unreadable.resolve(ModelRegistry.SAVED_MODEL_FILE), "pb");
        long folderTime = Files.getLastModifiedTime(unreadable).toMillis();
        java.util.concurrent.atomic.AtomicLong clock = new java.util.concurrent.atomic.AtomicLong();
        DeferredCandidates deferred = new DeferredCandidates(settings, retrainer(settings), this::log, clock::get);
        clock.set(folderTime + settings.deferExpiryMs() / 2); // the first failure seen later: the folder's time bounds it
        assertKeptUntilExpiry(deferred, clock, folderTime, settings.deferExpiryMs(), "r-unreadable");
    }

    /** The same when the volume does not answer for the folder either: the first failure this worker saw bounds it. */
    @Test
    void aDeferredCandidateWhoseReportAndFolderCannotBeReadIsKeptUntilItsExpiry() throws Exception {
        TrainerSettings settings = settings();
        Path unreadable = Files.createDirectories(registry().modelDir("marquee").resolve("deferred/r-volume"));
        Files.createDirectories(unreadable.resolve(GateReport.FILE_NAME));
        Files.writeString(unreadable.resolve(ModelRegistry.SAVED_MODEL_FILE), "pb");
        long firstFailure = System.currentTimeMillis() + 86_400_000L; // a day after the folder's time: not used
        java.util.concurrent.atomic.AtomicLong clock = new java.util.concurrent.atomic.AtomicLong(firstFailure);
        DeferredCandidates deferred = new DeferredCandidates(settings, retrainer(settings), this::log, clock::get);
        deferred.folderTimes = dir -> {
            throw new java.io.IOException("Input/output error");
        };
        assertKeptUntilExpiry(deferred, clock, firstFailure, settings.deferExpiryMs(), "r-volume");
    }

    private static void assertKeptUntilExpiry(DeferredCandidates deferred, java.util.concurrent.atomic.AtomicLong clock,
            long since, long expiryMs, String requestId) throws Exception {
        assertThat(deferred.judge(LabelReader.Labels.of(stationaryLabels()))).as("no verdict on a hiccup").isEmpty();
        clock.set(since + expiryMs - 1);
        assertThat(deferred.judge(LabelReader.Labels.of(stationaryLabels()))).as("still within the expiry").isEmpty();
        assertThat(deferred.any()).isTrue();

        clock.set(since + expiryMs);
        List<Retrainer.Result> settled = deferred.judge(LabelReader.Labels.of(stationaryLabels()));
        assertThat(settled).singleElement().satisfies(r -> {
            assertThat(r.outcome().requestId).isEqualTo(requestId);
            assertThat(r.outcome().outcome).isEqualTo(RetrainOutcome.REJECTED);
            assertThat(r.outcome().reason).contains("cannot be judged again");
        });
        assertThat(deferred.any()).isFalse();
    }

    /** Labels after version 1's data, from the same latent users and movies, rated as version 1 learned. */
    static List<Rating> stationaryLabels() {
        return new SyntheticRatings(42).users(100).movies(200).ratingsPerUser(30).timeRange(893_300_000L, 895_000_000L)
                .generate().ratings();
    }

    /**
     * Labels after version 1's data, from the same latent users and movies, with users 1..50 rating two stars
     * higher than before (capped at 5): what version 1 learned about them is now wrong.
     */
    /**
     * Another version comes to serve while a request trains (a person's promote, say): the candidate was judged against
     * the version that served when it started, so it is published without moving the pointer, and says why.
     */
    @Test
    void aCandidateJudgedAgainstAVersionThatNoLongerServesDoesNotMoveThePointer() throws Exception {
        TrainerSettings s = settings("--trainer.promotion", "immediate");
        Path v1 = registry().versionDir("marquee", 1);
        long v2 = registry().publish("marquee", dir -> {
            try (Stream<Path> files = Files.list(v1)) {
                for (Path f : files.toList()) Folders.copyRecursively(f, dir.resolve(f.getFileName().toString()));
            }
        });
        registry().writeState("marquee", registry().state("marquee").with(1, 0, null, "v1 serves", System.currentTimeMillis()));
        Retrainer retrainer = new Retrainer(s, new OriginalData(s.data(), Map.of(), tmp), line -> {
            log(line);
            if (line.startsWith("trainer: training config from")) { // while it trains, v2 is promoted
                try {
                    registry().writeState("marquee", registry().state("marquee").with(v2, 0, null, "promoted by hand",
                            System.currentTimeMillis()));
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
        });
        Retrainer.Result r = retrainer.handle(request("r-moved"), LabelReader.Labels.of(shiftedLabels()));
        assertThat(r.outcome().outcome).as(log.toString()).isEqualTo(RetrainOutcome.PUBLISHED);
        assertThat(r.update()).as("no update: the pointer did not move").isNull();
        assertThat(r.outcome().reason).contains("judged against version 1").contains("version " + v2 + " serves now");
        assertThat(registry().state("marquee").serving).isEqualTo(v2);
        assertThat(registry().state("marquee").shadow).isZero();
    }

    /**
     * A serving version of architecture blend (decision 0011: the retrainer keeps it), whose labels bring more new users
     * and titles than blend's users x titles matrices are built for: the retrain trains architecture default instead
     * of failing every request.
     */
    @Test
    void labelsOutgrowingABlendServingVersionRetrainWithTheDefaultArchitecture() throws Exception {
        TrainerSettings s = settings("--trainer.epochs", "2");
        Path card = registry().versionDir("marquee", 1).resolve(ModelCard.FILE_NAME);
        com.fasterxml.jackson.databind.node.ObjectNode json =
                (com.fasterxml.jackson.databind.node.ObjectNode) dev.marquee.data.json.EventJson.mapper().readTree(card.toFile());
        json.put("architecture", "blend");
        Files.writeString(card, json.toString());
        List<Rating> labels = new ArrayList<>();
        for (int i = 0; i < 6_000; i++) { // 4,800 new users and titles trained on (the rest held out): over 20 M cells
            labels.add(new Rating("new-" + i, "New Title " + i + " (2001)", 1 + i % 5, 893_300_000L + i));
        }
        Retrainer.Result r = retrainer(s).handle(request("r-outgrown"), LabelReader.Labels.of(labels));
        assertThat(r.outcome().outcome).as(log.toString()).isNotEqualTo(RetrainOutcome.FAILED);
        assertThat(log).contains("architecture blend is built for fewer users x titles")
                .contains("architecture default instead");
        assertThat(Retrainer.outgrownBy(TrainingConfig.defaults(Architecture.BLEND), labels.subList(0, 100))).isNull();
    }

    static List<Rating> shiftedLabels() {
        List<Rating> out = new ArrayList<>();
        for (Rating r : new SyntheticRatings(42).users(100).movies(200).ratingsPerUser(30)
                .timeRange(893_300_000L, 895_000_000L).generate().ratings()) {
            float rating = Integer.parseInt(r.userId) <= 50 ? Math.min(5f, r.rating + 2f) : r.rating;
            out.add(new Rating(r.userId, r.movieTitle, rating, r.timestamp));
        }
        return out;
    }

    /**
     * Labels on which half the held-out users favour the candidate strongly and half the serving version.
     * Trained on (960): users 1..6 and 15..20 rate two stars higher (30 labels each), users 7..14 two stars lower
     * (60 each), users 21..32 as before (10 each). Held out (the newest 240, 20 each): users 1..6 still two stars
     * higher (the candidate learned it: far better for them), users 7..12 back to their old ratings (the
     * candidate learned them lower: far worse). With {@code later}, 400 more (20 each): users 1..20 rate as the
     * candidate was trained again.
     */
    static List<Rating> splitVerdictLabels(boolean later) {
        return splitVerdictLabels(later, RetrainerGateTest::trainedShift);
    }

    /** As above; the later labels rate {@code laterShift(user)} points from the generated ratings. */
    static List<Rating> splitVerdictLabels(boolean later, java.util.function.IntUnaryOperator laterShift) {
        List<List<Rating>> byUser = new ArrayList<>();
        for (int u = 0; u <= 32; u++) byUser.add(new ArrayList<>());
        for (Rating r : new SyntheticRatings(42).users(100).movies(200).ratingsPerUser(100).generate().ratings()) {
            int u = Integer.parseInt(r.userId);
            if (u <= 32) byUser.get(u).add(r);
        }
        List<Rating> out = new ArrayList<>();
        long t = 900_000_000L;
        for (int u = 1; u <= 32; u++) {
            int n = u > 20 ? 10 : u >= 7 && u <= 14 ? 60 : 30;
            for (Rating r : byUser.get(u).subList(0, n)) out.add(at(r, trainedShift(u), t++));
        }
        t = 900_100_000L;
        for (int u = 1; u <= 12; u++) {
            for (Rating r : byUser.get(u).subList(60, 80)) out.add(at(r, u <= 6 ? 2 : 0, t++));
        }
        if (later) {
            t = 900_200_000L;
            for (int u = 1; u <= 20; u++) {
                for (Rating r : byUser.get(u).subList(80, 100)) out.add(at(r, laterShift.applyAsInt(u), t++));
            }
        }
        return out;
    }

    private static int trainedShift(int user) {
        return user > 20 ? 0 : user >= 7 && user <= 14 ? -2 : 2;
    }

    private static Rating at(Rating r, int shift, long timestamp) {
        return new Rating(r.userId, r.movieTitle, Math.max(1f, Math.min(5f, r.rating + shift)), timestamp);
    }

    private ModelRegistry registry() {
        return new ModelRegistry(tmp.resolve("registry"));
    }

    private TrainerSettings settings(String... extra) throws Exception {
        Path base = tmp.resolve("registry");
        if (!Files.exists(base)) {
            Folders.copyRecursively(v1Registry, base);
        }
        List<String> args = new ArrayList<>(List.of("--registry", base.toString(), "--bootstrap", "127.0.0.1:1"));
        args.addAll(List.of(extra));
        return TrainerSettings.parse(args.toArray(String[]::new), console(tmp, new ByteArrayOutputStream()));
    }

    private Retrainer retrainer(TrainerSettings settings) {
        return new Retrainer(settings, new OriginalData(settings.data(), Map.of(), tmp), this::log);
    }

    private void log(String line) {
        log.append(line).append('\n');
    }

    private static RetrainRequest request(String id) {
        return new RetrainRequest(id, "gate test", System.currentTimeMillis());
    }

    private static Console console(Path dir, ByteArrayOutputStream out) {
        PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
        return new Console(new ByteArrayInputStream(new byte[0]), print, print, Map.of(), dir);
    }
}

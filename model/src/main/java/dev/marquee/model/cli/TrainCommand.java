package dev.marquee.model.cli;

import dev.marquee.data.config.SettingException;
import dev.marquee.data.event.Rating;
import dev.marquee.data.movielens.Split;
import dev.marquee.model.EvaluationReport;
import dev.marquee.model.Metrics;
import dev.marquee.model.ModelCard;
import dev.marquee.model.RefitSchedule;
import dev.marquee.model.TrainedModel;
import dev.marquee.model.Trainer;
import dev.marquee.model.TrainingConfig;
import dev.marquee.model.TrainingRows;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code marquee train}: trains on a split, prints a progress line per epoch and the evaluation beside the
 * baselines, and publishes the model (SavedModel, vocabularies, reference profile, model card) as the next
 * version in the registry. With {@code --refit}, the published model is the same recipe trained again on train +
 * validation for the epochs (and with the blend weights) the first run chose on validation.
 */
@Command(name = "train",
        header = "train a model on MovieLens 100K, print it beside the baselines, publish it to the registry", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train a model, evaluate it beside the baselines, publish it to the registry.",
                "Prints a line per epoch, the validation RMSE and MAE beside the global-mean baseline and the"
                        + " user+item-bias baseline tuned on the same validation rows, and the published version,"
                        + " which becomes the serving pointer. The test part is scored only with --score-test, and"
                        + " each such scoring is appended to the test log (docs/MODEL.md, Protocol)."},
        footer = {"Examples:", "  marquee train --split u1 --seed 1",
                "  marquee train --split time --seed 42 --score-test   (to report: test scored and logged)",
                "  marquee train --split time --seed 42 --refit --score-test   (refit on train + validation)"})
public final class TrainCommand extends ConsoleCommand {
    @Mixin
    DataOptions dataOptions;

    @Mixin
    TrainingOptions training;

    @Option(names = "--refit",
            description = "after the run, train the same recipe again from scratch (same seed) on train + validation"
                    + " (u1: all of u1.base) for the epochs the run chose on validation, keeping its blend weights,"
                    + " and publish that model; its validation metrics are the first run's, and the tuned bias"
                    + " baseline is also printed refit on the same rows (default: off)")
    boolean refit;

    @Mixin
    RegistryOptions registryOptions;

    @Mixin
    TestScoring testScoring;

    public TrainCommand() {}

    public TrainCommand(Console console) {
        super(console);
    }

    @Override
    protected int run() throws Exception {
        Console console = console();
        TrainingConfig config = training.config();
        OpenedRegistry registry = registryOptions.open(console);
        DataOptions.LoadedSplit data = dataOptions.load(console, config.seed());
        Path modelDir = registry.writableModelDir(); // fail before training, not after
        testScoring.checkLog(console);
        Split split = data.split();
        console.out().println("train: " + data.source() + ", split " + split);
        if (testScoring.requested() && split.test().isEmpty()) {
            // else --score-test would print the advice to give --score-test, log nothing, and exit 0
            throw new SettingException("--score-test: the split's test part is empty (" + split + "): nothing to score"
                    + " (a time split of ratings that all share one timestamp has no later part)");
        }
        console.out().println("train: " + TrainingOptions.describe(config));
        Trainer trainer = new Trainer(config, console.out()::println);
        if (refit) {
            return trainAndRefit(trainer, config, registry, modelDir, data);
        }
        try (TrainedModel model = trainer.train(split.train(), split.validation())) {
            console.out().printf(Locale.ROOT, "train: trained in %.1f s (best epoch %d of %d)%n",
                    model.trainingSeconds(), model.bestEpoch(), model.learningCurve().epochs().size());
            if (model.bestEpoch() < 1) {
                // early stopping never saw a finite validation RMSE: the weights are the last epoch's, chosen by nothing
                throw CliException.failure("the run chose no epoch (no finite validation RMSE: too few rows to hold"
                        + " some out, or the model diverged); nothing published");
            }
            EvaluationReport report = EvaluationReport.evaluate(model, split, config.seed(), testScoring.requested());
            publish(model, report, TrainingOptions.describe(config), null, registry, modelDir, data);
        }
        return 0;
    }

    private int trainAndRefit(Trainer trainer, TrainingConfig config, OpenedRegistry registry, Path modelDir,
            DataOptions.LoadedSplit data) throws Exception {
        Console console = console();
        Split split = data.split();
        TrainingRows rows = TrainingRows.of(split.train(), split.validation(), config.seed());
        Metrics firstValidation;
        RefitSchedule schedule;
        double firstSeconds;
        try (TrainedModel first = trainer.train(split.train(), split.validation())) {
            console.out().printf(Locale.ROOT, "train: trained in %.1f s (best epoch %d of %d)%n",
                    first.trainingSeconds(), first.bestEpoch(), first.learningCurve().epochs().size());
            firstValidation = Metrics.of(first, rows.validation());
            schedule = first.schedule();
            firstSeconds = first.trainingSeconds();
        }
        if (schedule.epochsA() < 1) {
            throw CliException.failure("--refit: the run chose no epoch (no finite validation RMSE); nothing to refit");
        }
        List<Rating> all = TrainingRows.refitRows(split.train(), split.validation());
        console.out().println("train: " + schedule.describe() + " (" + all.size() + " rows, nothing held out)");
        try (TrainedModel model = trainer.refit(all, rows.validation(), schedule)) {
            console.out().printf(Locale.ROOT, "train: refit in %.1f s (%d epochs)%n", model.trainingSeconds(),
                    model.learningCurve().epochs().size());
            EvaluationReport report = EvaluationReport.refit(model, firstValidation, split.name(), rows, all,
                    testScoring.requested() ? split.test() : List.of());
            publish(model, report, TrainingOptions.describe(config) + "; " + schedule.describe(), firstSeconds,
                    registry, modelDir, data);
        }
        return 0;
    }

    /** Prints the table, logs a test scoring, writes the card and publishes the model as the serving version. */
    private void publish(TrainedModel model, EvaluationReport report, String configuration, Double firstRunSeconds,
            OpenedRegistry registry, Path modelDir, DataOptions.LoadedSplit data) throws Exception {
        Console console = console();
        TrainingConfig config = model.config();
        report.lines().forEach(console.out()::println);
        testScoring.record(console, "train", report, new TestScoring.LogFields("train", data.source(),
                configuration, config.seed(), model.bestEpoch(), model.trainRows()));
        ModelCard card = ModelCard.of(model, data.source(), data.split(), report);
        if (firstRunSeconds != null) {
            @SuppressWarnings("unchecked")
            Map<String, Object> refit = (Map<String, Object>) card.fields().get("refit_schedule");
            refit.put("first_run_training_seconds", firstRunSeconds);
        }
        long version = registry.registry.publish(registry.name, dir -> {
            model.exportSavedModel(dir);
            card.write(dir);
        });
        console.out().println("train: published " + registry.name + " version " + version + " at "
                + modelDir.resolve(Long.toString(version)));
        // A person training by hand promotes what they trained: the pointer moves (a pin still wins).
        long ended;
        try {
            ended = dev.marquee.model.ModelRegistry.candidateEndedBy(
                    registry.registry.serve(registry.name, version, "trained by hand (marquee train)"), version);
        } catch (java.io.IOException e) {
            throw PointerNotMoved.after(registry.name, version, e);
        }
        if (ended > 0) {
            console.out().println("train: version " + ended + ", the candidate in shadow, is ended and held from automatic"
                    + " promotion (`marquee promote --version " + ended + "` still serves it)");
        }
        java.util.OptionalLong pin = registry.registry.pinned(registry.name);
        if (pin.isPresent()) {
            console.out().println("train: version " + version + " is the serving pointer, but version "
                    + pin.getAsLong() + " is pinned and serves while the pin holds (`marquee models --unpin` serves the"
                    + " pointer; `marquee rollback --version " + version + "` serves it now, pinned)");
        } else {
            console.out().println("train: version " + version + " is the serving pointer; jobs started now serve it; a"
                    + " running `marquee trainer` announces the move on model-updates within a second and running jobs"
                    + " switch to it (with no trainer running, `marquee promote --version " + version + "` tells them)");
        }
    }
}

package dev.marquee.model.cli;

import dev.marquee.data.movielens.Split;
import dev.marquee.model.EvaluationReport;
import dev.marquee.model.ModelCard;
import dev.marquee.model.TrainedModel;
import dev.marquee.model.Trainer;
import dev.marquee.model.TrainingConfig;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code marquee train}: trains on a split, prints a progress line per epoch and the evaluation beside the
 * baselines, and publishes the model (SavedModel, vocabularies, reference profile, model card) as the next
 * version in the registry.
 */
@Command(name = "train",
        header = "train a model on MovieLens 100K, print it beside the baselines, publish it to the registry", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train a model, evaluate it beside the baselines, publish it to the registry.",
                "Prints a line per epoch, the validation RMSE and MAE beside the global-mean baseline and the"
                        + " user+item-bias baseline tuned on the same validation rows, and the published version,"
                        + " which becomes the serving pointer. The test part is scored only with --score-test, and"
                        + " each such scoring is appended to the test log (docs/MODEL.md, Protocol)."},
        footer = {"Examples:", "  marquee train --split u1 --seed 1",
                "  marquee train --split time --seed 42 --score-test   (to report: test scored and logged)"})
public final class TrainCommand extends ConsoleCommand {
    @Mixin
    DataOptions dataOptions;

    @Mixin
    TrainingOptions training;

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
        console.out().println("train: " + TrainingOptions.describe(config));
        try (TrainedModel model = new Trainer(config, console.out()::println).train(split.train(), split.validation())) {
            console.out().printf(Locale.ROOT, "train: trained in %.1f s (best epoch %d of %d)%n",
                    model.trainingSeconds(), model.bestEpoch(), model.learningCurve().epochs().size());
            EvaluationReport report = EvaluationReport.evaluate(model, split, config.seed(), testScoring.requested());
            report.lines().forEach(console.out()::println);
            testScoring.record(console, "train", report, new TestScoring.LogFields("train", data.source(),
                    TrainingOptions.describe(config), config.seed(), model.bestEpoch(), model.trainRows()));
            ModelCard card = ModelCard.of(model, data.source(), split, report);
            long version = registry.registry.publish(registry.name, dir -> {
                model.exportSavedModel(dir);
                card.write(dir);
            });
            console.out().println("train: published " + registry.name + " version " + version + " at "
                    + modelDir.resolve(Long.toString(version)));
            // A person training by hand promotes what they trained: the pointer moves (a pin still wins).
            registry.registry.serve(registry.name, version, "trained by hand (marquee train)");
            console.out().println("train: version " + version + " is the serving pointer"
                    + (registry.registry.pinned(registry.name).isPresent() ? " (a pin overrides it: `marquee models --unpin`)" : "")
                    + "; jobs started now serve it, a running job switches on a model update (`marquee promote --version "
                    + version + "`)");
        }
        return 0;
    }
}

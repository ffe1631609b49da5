package dev.marquee.model.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.marquee.data.config.CliArgs;
import dev.marquee.data.config.Settings;
import dev.marquee.data.movielens.Split;
import dev.marquee.model.BatchScorer;
import dev.marquee.model.EvaluationReport;
import dev.marquee.model.ScorerThreads;
import java.util.Set;

/**
 * {@code marquee evaluate}: scores a published version (or a model folder) on a split, through the same
 * loader the scoring job uses, and prints RMSE/MAE beside the baselines fitted on that split's training part.
 */
final class EvaluateCommand implements Command {
    private static final CliArgs ARGS = new CliArgs(Set.of(DataOptions.DATA, DataOptions.SPLIT, DataOptions.SEED,
            RegistryOptions.REGISTRY, RegistryOptions.NAME, RegistryOptions.VERSION, RegistryOptions.MODEL_DIR),
            Set.of("help"));

    @Override
    public String name() {
        return "evaluate";
    }

    @Override
    public String summary() {
        return "evaluate a published version on a split, beside the baselines";
    }

    @Override
    public String usage() {
        return String.join("\n",
                "usage: marquee evaluate [options]",
                RegistryOptions.USAGE_LINES,
                RegistryOptions.VERSION_USAGE_LINES,
                DataOptions.USAGE_LINES,
                "  --seed N               seed of the random split (default: the model's training seed, else 42)",
                "Evaluate a model on the split it was trained with: its test part was never trained on. Example:",
                "  marquee evaluate --version 2 --split time");
    }

    @Override
    public int run(String[] args, Console console) throws Exception {
        Settings s = ARGS.parse(args).settings();
        RegistryOptions.ModelLocation location = RegistryOptions.locate(s, console);
        JsonNode card = CardFields.read(location.dir());
        long seed = TrainingOptions.seed(s, card.at("/parameters/seed").asLong(42));
        DataOptions.LoadedSplit data = DataOptions.load(s, console, seed);
        Split split = data.split();
        String architecture = card.path("architecture").asText("model");
        String trainedOn = card.at("/data/split").asText("");
        console.out().println("evaluate: " + location.description() + ", " + architecture + " architecture"
                + (trainedOn.isEmpty() ? "" : ", trained on " + trainedOn));
        console.out().println("evaluate: " + data.source() + ", split " + split);
        if (!trainedOn.isEmpty() && !trainedOn.equals(split.name())) {
            console.out().println("evaluate: note: the model was trained on " + trainedOn
                    + "; this split's test rows may include rows it trained on");
        }
        try (BatchScorer scorer = BatchScorer.open(location.dir(), ScorerThreads.callerThread())) {
            EvaluationReport report = EvaluationReport.evaluate(new ScorerPredictor(scorer, architecture), split);
            report.lines().forEach(console.out()::println);
        }
        return 0;
    }
}

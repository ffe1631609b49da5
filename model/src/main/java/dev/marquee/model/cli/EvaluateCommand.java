package dev.marquee.model.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.marquee.data.config.SettingException;
import dev.marquee.data.movielens.Split;
import dev.marquee.model.BatchScorer;
import dev.marquee.model.EvaluationReport;
import dev.marquee.model.ScorerThreads;
import dev.marquee.model.TestScoreLog;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code marquee evaluate}: scores a published version (or a model folder) on a split, through the same
 * loader the scoring job uses, and prints RMSE/MAE beside the baselines fitted on that split's training part.
 */
@Command(name = "evaluate",
        header = "evaluate a published model version on a split, beside the baselines", sortOptions = false,
        description = {"Evaluate a published version on a split, beside the baselines.",
                "Evaluate a model on the split it was trained with (the default here, whatever --split's own default"
                        + " says; without --split, a u1 model on data without u1 files gets the time split and a note):"
                        + " its test part was never trained on. The"
                        + " validation rows are scored (the split's validation part, else the seeded hold-out the"
                        + " trainer kept out); the test part only with --score-test, each time appended to the test log."},
        footer = {"Example:", "  marquee evaluate --version 2 --split time --score-test"})
public final class EvaluateCommand extends ConsoleCommand {
    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    boolean help;

    @Mixin
    ModelChoice model;

    @Mixin
    DataOptions dataOptions;

    @Option(names = "--seed", paramLabel = "N",
            description = "seed of the random split and the hold-out (default: the model's training seed, else 42)")
    Long seed;

    @Mixin
    TestScoring testScoring;

    public EvaluateCommand() {}

    public EvaluateCommand(Console console) {
        super(console);
    }

    /** The split kind a card's {@code data.split} names (u1, random-..., time-...); null for the default. */
    static DataOptions.SplitKind splitOf(String trainedOn) {
        if (trainedOn.equals("u1")) return DataOptions.SplitKind.u1;
        if (trainedOn.startsWith("random")) return DataOptions.SplitKind.random;
        if (trainedOn.startsWith("time")) return DataOptions.SplitKind.time;
        return null;
    }

    /** The rows of the part an imported model says it trained on ({@code data.part}). */
    private static int partSize(Split split, String part) {
        return switch (part) {
            case "validation" -> split.validation().size();
            case "test" -> split.test().size();
            case "all" -> split.train().size() + split.validation().size() + split.test().size();
            default -> split.train().size();
        };
    }

    @Override
    protected int run() throws Exception {
        Console console = console();
        ModelChoice.ModelLocation location = model.locate(console);
        JsonNode card = CardFields.read(location.dir());
        // a retrained version's data.split names the rows it was evaluated on (label-holdout, ...); its lineage's split
        // is retrain.original_split, as the trainer itself reads it (OriginalData)
        boolean retrained = card.has("retrain");
        String trainedOn = card.at("/retrain/original_split").asText(card.at("/data/split").asText(""));
        // an imported card has no parameters, but its random split's name carries the seed it was cut with
        java.util.regex.Matcher cutSeed = java.util.regex.Pattern.compile("random-80/10/10-seed(-?\\d+)").matcher(trainedOn);
        // the split's own seed first: a version retrained from an import carries a default parameters.seed, while its
        // lineage's rows were cut with the one its split's name gives (OriginalData cuts them so)
        // and generated rows name the seed they were made with (an import of synthetic:N --seed S has no parameters)
        java.util.regex.Matcher madeSeed = java.util.regex.Pattern.compile("generated data \\(synthetic(?::\\d+)?, seed (-?\\d+)\\)")
                .matcher(card.at("/data/source").asText(""));
        Long cardSeed = cutSeed.matches() ? Long.valueOf(cutSeed.group(1))
                : card.at("/parameters/seed").isIntegralNumber() ? Long.valueOf(card.at("/parameters/seed").asLong())
                : madeSeed.matches() ? Long.valueOf(madeSeed.group(1)) : null;
        long seed = this.seed != null ? this.seed : cardSeed != null ? cardSeed : 42;

        // an imported model says which part of its split it was trained on (train, validation, test or all)
        String trainedPart = card.at("/data/part").asText("train");
        // the split the model was trained with, unless --split says otherwise
        DataOptions.SplitKind kind = dataOptions.split != null ? dataOptions.split : splitOf(trainedOn);
        DataOptions.LoadedSplit data;
        try {
            data = DataOptions.load(dataOptions.data, kind, console, seed);
        } catch (SettingException | dev.marquee.data.movielens.MovieLensNotFoundException noU1) {
            if (dataOptions.split != null || kind != DataOptions.SplitKind.u1) throw noU1;
            // the model's own split cannot be cut from these rows (no u1 files): the default, with the note below
            data = DataOptions.load(dataOptions.data, null, console, seed);
        }
        Split split = data.split();
        // where the split has no validation part (u1, whose name stays "u1" whatever the seed) the seed draws the
        // validation rows from the training part: another seed's are mostly rows the model trained on (a random
        // split's name carries its seed, and the split check below refuses another)
        boolean otherSeed = this.seed != null && cardSeed != null && this.seed.longValue() != cardSeed.longValue()
                && split.validation().isEmpty();
        if (testScoring.requested() && otherSeed) {
            throw new SettingException("--score-test: --seed " + this.seed + " draws other validation rows than the"
                    + " model's own (seed " + cardSeed + "): its validation figures and the baseline's tuning would use"
                    + " rows it trained on; leave out --seed");
        }
        if (testScoring.requested() && split.test().isEmpty()) { // else it would advise --score-test and exit 0
            throw new SettingException("--score-test: the split's test part is empty (" + split + "): nothing to score");
        }
        testScoring.checkLog(console);
        String architecture = card.path("architecture").asText("model");
        String trainedSource = card.at("/data/source").asText("");
        // the same data elsewhere (another checkout, another host) has another path but the same split and sizes;
        // not for a random split, whose parts depend on the rows' order as well as their number
        // (nor for generated rows, whose seed the card may not give); an import names the part it trained on
        boolean generated = trainedSource.startsWith("generated data");
        boolean sameSizes = card.at("/data").has("part")
                ? card.at("/data/trained_rows").asInt(-1) == partSize(split, trainedPart)
                        && card.at("/data/test_rows").asInt(-1) == (trainedPart.equals("all") || trainedPart.equals("test")
                                ? 0 : split.test().size()) // such an import scored no test rows
                : card.at("/data/train_rows").asInt(-1) == split.train().size()
                        && card.at("/data/validation_rows").asInt(-1) == split.validation().size()
                        && card.at("/data/test_rows").asInt(-1) == split.test().size();
        boolean sameRows = trainedSource.isEmpty() || trainedSource.equals(data.source())
                || (kind != DataOptions.SplitKind.random && !generated && sameSizes);
        // an import without --data: nothing says which rows the model learned from
        boolean dataUnknown = card.at("/data").has("unknown");
        if (testScoring.requested() && dataUnknown) {
            throw new SettingException("--score-test: the model was imported without its training data (its card's"
                    + " data.unknown): its test rows may be rows it trained on, so no held-out score to log; import it"
                    + " again with --data, --split and --part as it was trained, or leave out --score-test");
        }
        if (testScoring.requested() && retrained) {
            throw new SettingException("--score-test: a retrained version also learned from live labels, which may be rows"
                    + " of any part of its split: no held-out test score to log");
        }
        if (testScoring.requested() && card.path("refit").asBoolean(false)) {
            throw new SettingException("--score-test: a refit version's test score is logged by `train --refit --score-test`"
                    + " beside the baseline refit on the same rows; evaluate compares with the baseline of the training part"
                    + " alone, which that log line must not be mixed with");
        }
        if (testScoring.requested() && (trainedPart.equals("test") || trainedPart.equals("all"))) {
            throw new SettingException("--score-test: the model was trained on the " + trainedPart + " part of its split"
                    + " (its card's data.part), so its test rows are rows it trained on: no held-out score to log");
        }
        if (testScoring.requested() && ((!trainedOn.isEmpty() && !trainedOn.equals(split.name())) || !sameRows)) {
            // its test rows may hold rows the model trained on: a logged test score would look clean and not be
            throw new SettingException("--score-test needs the rows and split the model was trained on (" + trainedSource
                    + ", split " + trainedOn + "), not " + data.source() + ", split " + split.name()
                    + ": give --data and --split as train had them, or leave out --score-test");
        }
        console.out().println("evaluate: " + location.description() + ", " + architecture + " architecture"
                + (trainedOn.isEmpty() ? "" : ", trained on " + trainedOn));
        console.out().println("evaluate: " + data.source() + ", split " + split);
        if (!trainedOn.isEmpty() && !trainedOn.equals(split.name())) {
            console.out().println("evaluate: note: the model was trained on " + trainedOn
                    + "; this split's test rows may include rows it trained on");
        }
        if (otherSeed) {
            console.out().println("evaluate: note: --seed " + this.seed + " draws other validation rows than the model's"
                    + " own (seed " + cardSeed + "): most of its validation rows below are rows it trained on");
        }
        if (retrained) {
            // its source names the original data + labels, never these rows alone: the note below would be wrong
            console.out().println("evaluate: note: the model was retrained on its original data's training rows"
                    + (card.at("/retrain/original_refit").asBoolean(false) ? " and validation rows (a refit version's"
                            + " retrain): its validation rows below are rows it trained on" : "")
                    + " + live labels, which may be rows of any part below (a replay's labels are): its figures here"
                    + " are not held-out scores");
        } else if (!trainedSource.isEmpty() && !trainedSource.equals(data.source()) && !sameRows) {
            console.out().println("evaluate: note: the model was trained on " + trainedSource + ", not on these rows:"
                    + " its numbers here are not the ones train printed (give that data with --data)");
        }
        if (dataUnknown) {
            console.out().println("evaluate: note: the model was imported without its training data: the rows below may"
                    + " be rows it trained on");
        }
        if (trainedPart.equals("validation") || trainedPart.equals("all") || trainedPart.equals("test")) {
            console.out().println("evaluate: note: the model was trained on the " + trainedPart + " part of its split;"
                    + " those rows below are rows it trained on");
        }
        if (card.path("refit").asBoolean(false)) {
            console.out().println("evaluate: note: the model was refit on train + validation; its validation rows"
                    + " below are rows it trained on (train printed the first run's validation metrics)");
        }
        // an import trained on the whole training part; where the split has no validation part (u1) the validation
        // rows below are a seeded hold-out of that part, so rows it trained on
        boolean imported = "imported".equals(card.path("origin").asText());
        boolean importedValidationTrained = imported && trainedPart.equals("train") && split.validation().isEmpty();
        if (importedValidationTrained) {
            console.out().println("evaluate: note: the model was imported as trained on all of the split's training"
                    + " rows; its validation rows below (a seeded hold-out of them) are rows it trained on");
        }
        try (BatchScorer scorer = BatchScorer.open(location.dir(), ScorerThreads.callerThread())) {
            EvaluationReport report = EvaluationReport.evaluate(new ScorerPredictor(scorer, architecture), split,
                    seed, testScoring.requested());
            report.lines().forEach(console.out()::println);
            // an import has no parameters, epochs or fitted-row count of ours: its contract and the rows it trained on
            String configuration = imported
                    ? "imported model" + (importedValidationTrained ? " (its validation figures are training rows)" : "")
                            + ", contract " + card.path("contract")
                    : architecture + " architecture" + (card.path("refit").asBoolean(false) ? ", refit on train +"
                            + " validation (its validation figures are training rows)" : "") + ", parameters "
                            + card.path("parameters");
            testScoring.record(console, "evaluate", report, new TestScoring.LogFields(
                    "evaluate " + location.description(), data.source(), configuration, seed,
                    imported ? TestScoreLog.NO_EPOCH : card.path("best_epoch").asInt(0),
                    imported ? card.at("/data/trained_rows").asInt(0) : card.at("/data/train_rows_fitted").asInt(0)));
        }
        return 0;
    }
}

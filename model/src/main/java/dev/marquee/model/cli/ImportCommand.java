package dev.marquee.model.cli;

import dev.marquee.data.config.CliArgs;
import dev.marquee.data.config.SettingException;
import dev.marquee.data.config.Settings;
import dev.marquee.data.event.Rating;
import dev.marquee.data.movielens.Split;
import dev.marquee.model.ContractCheck;
import dev.marquee.model.ModelContract;
import dev.marquee.model.ModelImporter;
import dev.marquee.model.ServingState;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;

/**
 * {@code marquee import}: checks a SavedModel made elsewhere against the request contract and publishes it as
 * the registry's next version with drift assets computed from the training data given (docs/MODEL.md,
 * "Importing a model").
 */
final class ImportCommand implements Command {
    static final String MODEL_DIR = "model-dir";
    static final String INPUT = "input";
    static final String OUTPUT = "output";
    static final String EMBEDDING_OUTPUT = "embedding-output";
    static final String SIGNATURE = "signature";
    static final String PART = "part";
    static final String SERVE = "serve";
    static final String SEED = "seed";
    private static final CliArgs ARGS = new CliArgs(Set.of(MODEL_DIR, INPUT, OUTPUT, EMBEDDING_OUTPUT, SIGNATURE, PART,
            SEED, DataOptions.DATA, DataOptions.SPLIT, RegistryOptions.REGISTRY, RegistryOptions.NAME), Set.of(SERVE, "help"));

    @Override
    public String name() {
        return "import";
    }

    @Override
    public String summary() {
        return "check a SavedModel made elsewhere and publish it with drift assets from its training data";
    }

    @Override
    public String usage() {
        return String.join("\n",
                "usage: marquee import --model-dir DIR [options]",
                "  --model-dir DIR        the SavedModel (saved_model.pb, variables/) to import",
                "  --signature KEY        its serving signature (default: serving_default)",
                "  --input FIELD=NAME     the signature input that takes a request's user_id, movie_title or timestamp",
                "                         (repeatable; default: the field's own name). user_id may be string, int64 or",
                "                         int32 (requests' ids must then parse as integers); timestamp int64 or int32",
                "  --output NAME          the rating output, [n] or [n,1] (default: output_3)",
                "  --embedding-output NAME  an output of title embeddings [n,d], for online learning (default: none)",
                "  --data PATH            the data the model was trained on: MovieLens 100K directory, a ratings",
                "                         .csv/.jsonl file, or synthetic[:N]. Without it (no default here) the version",
                "                         has no vocabularies, reference profile, calibration or error model: its OOV",
                "                         flags, drift against a reference and estimated RMSE say unknown",
                "  --split time|u1|random how --data is cut (default: time; see marquee train --help)",
                "  --part train|validation|test|all  the rows the model was trained on (default: train); the",
                "                         vocabularies, reference profile and drift calibration come from them, the",
                "                         error model from the split's validation part, the card's RMSE from its test part",
                RegistryOptions.USAGE_LINES,
                "  --serve                serve it at once (the serving pointer moves to it); without it, the first",
                "                         version serves and a later one becomes a candidate in shadow, promoted on",
                "                         live labels by the trainer (docs/RETRAINING.md)",
                "Refuses, with one line naming the problem and nothing published, a model that does not load, lacks",
                "the signature or a mapped input, has an input nothing maps to, a wrong dtype, or answers a probe",
                "batch with a non-finite rating. Example (the model ../shared/models/series-keras/1 was trained in",
                "Python on the time split's training part of MovieLens 100K):",
                "  marquee import --model-dir ../shared/models/series-keras/1 --data ../shared/data/ml-100k \\",
                "      --split time --part train --serve");
    }

    @Override
    public int run(String[] args, Console console) throws Exception {
        CliArgs.Parsed parsed = ARGS.parse(args);
        Settings s = parsed.settings();
        String modelDir = s.string(MODEL_DIR, null);
        if (modelDir == null) throw new SettingException("--model-dir is required (try --help)");
        Map<String, String> inputs = inputs(parsed.all(INPUT));
        String part = s.string(PART, "train");
        if (!List.of("train", "validation", "test", "all").contains(part)) {
            throw new SettingException("--part must be train, validation, test or all, got '" + part + "'");
        }
        boolean withData = s.string(DataOptions.DATA, null) != null;
        if (!withData) {
            for (String option : List.of(DataOptions.SPLIT, PART, SEED)) {
                if (s.string(option, null) != null) {
                    throw new SettingException("--" + option + " names rows of --data, which is not given: add --data PATH"
                            + " (the data the model was trained on), or leave --" + option + " out");
                }
            }
        }
        RegistryOptions registry = RegistryOptions.of(s, console);
        registry.writableModelDir();
        ModelImporter.Data rows = withData ? data(s, console, part) : null;
        ModelImporter.Request request = new ModelImporter.Request(console.resolve(modelDir),
                s.string(SIGNATURE, ModelContract.NATIVE.signature()), inputs.get("user_id"), inputs.get("movie_title"),
                inputs.get("timestamp"), s.string(OUTPUT, ModelContract.NATIVE.ratingOutput()),
                s.string(EMBEDDING_OUTPUT, null));
        ModelImporter importer = new ModelImporter(registry.registry, registry.name, console.out()::println);
        OptionalLong before = importer.serving();
        long version;
        try {
            version = importer.importModel(request, rows);
        } catch (ContractCheck.RefusedModelException e) {
            throw CliException.failure("import: refused: " + e.getMessage());
        }
        console.out().println("import: published " + registry.name + " version " + version + " at "
                + registry.registry.versionDir(registry.name, version));
        if (parsed.settings().bool(SERVE, false) || before.isEmpty()) {
            registry.registry.serve(registry.name, version, "imported with --serve");
            if (registry.registry.pinned(registry.name).isPresent()) registry.registry.pin(registry.name, version);
            console.out().println("import: version " + version + " is the serving pointer (jobs started now load it; a "
                    + "running job switches on a model update, e.g. `marquee promote --version " + version + "`)");
        } else {
            ServingState state = registry.registry.state(registry.name);
            long serving = before.getAsLong();
            registry.registry.writeState(registry.name, state.with(serving, version, ServingState.CANDIDATE,
                    "imported: a candidate in shadow beside version " + serving, System.currentTimeMillis()));
            console.out().println("import: version " + serving + " keeps serving; version " + version + " is a candidate "
                    + "in shadow: the trainer's promoter announces it and promotes it on live labels (docs/RETRAINING.md); "
                    + "serve it at once with `marquee promote --version " + version + "`");
        }
        return 0;
    }

    /** The rows {@code --data}, {@code --split} and {@code --part} name. */
    private static ModelImporter.Data data(Settings s, Console console, String part) {
        DataOptions.LoadedSplit data = DataOptions.load(s, console, s.longInRange(SEED, 42, Long.MIN_VALUE, Long.MAX_VALUE));
        Split split = data.split();
        return new ModelImporter.Data(data.source(), split.name(), part, rows(split, part),
                part.equals("train") ? split.validation() : List.of(),
                part.equals("all") || part.equals("test") ? List.of() : split.test());
    }

    /** {@code FIELD=NAME} pairs onto the three request fields; each defaults to its own name. */
    static Map<String, String> inputs(List<String> pairs) {
        Map<String, String> out = new TreeMap<>(Map.of("user_id", "user_id", "movie_title", "movie_title",
                "timestamp", "timestamp"));
        for (String pair : pairs) {
            int eq = pair.indexOf('=');
            String field = eq < 0 ? pair : pair.substring(0, eq).trim();
            if (eq <= 0 || eq == pair.length() - 1 || !out.containsKey(field)) {
                throw new SettingException("--input takes FIELD=NAME with FIELD user_id, movie_title or timestamp, got '"
                        + pair + "'");
            }
            out.put(field, pair.substring(eq + 1).trim());
        }
        return out;
    }

    private static List<Rating> rows(Split split, String part) {
        return switch (part) {
            case "validation" -> split.validation();
            case "test" -> split.test();
            case "all" -> {
                List<Rating> all = new java.util.ArrayList<>(split.train());
                all.addAll(split.validation());
                all.addAll(split.test());
                yield all;
            }
            default -> split.train();
        };
    }
}

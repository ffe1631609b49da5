package dev.marquee.model.cli;

import dev.marquee.data.config.SettingException;
import dev.marquee.data.event.Rating;
import dev.marquee.data.movielens.Split;
import dev.marquee.model.ContractCheck;
import dev.marquee.model.ModelContract;
import dev.marquee.model.ModelImporter;
import dev.marquee.model.ServingState;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code marquee import}: checks a SavedModel made elsewhere against the request contract and publishes it as
 * the registry's next version with drift assets computed from the training data given (docs/MODEL.md,
 * "Importing a model").
 */
@Command(name = "import",
        header = "check a SavedModel made elsewhere (e.g. Keras) and publish it with drift assets", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Check a SavedModel made elsewhere and publish it with drift assets from its training data.",
                "Refuses, with one line naming the problem and nothing published, a model that does not load, lacks"
                        + " the signature or a mapped input, has an input nothing maps to or two fields mapped to one"
                        + " input, a wrong dtype, answers a probe batch with a non-finite rating or fails on a row of"
                        + " --data; and --data with rows its inputs cannot take (e.g. non-integer user ids)."},
        footer = {"Example (the model ../shared/models/series-keras/1 was trained in Python on the time split's"
                + " training part of MovieLens 100K):",
                "  marquee import --model-dir ../shared/models/series-keras/1 \\",
                "      --data ../shared/data/ml-100k --split time --part train --serve"})
public final class ImportCommand extends ConsoleCommand {
    /** Which rows of the split the model was trained on; spelled as typed. */
    public enum Part { train, validation, test, all }

    @Option(names = "--model-dir", paramLabel = "DIR", required = true,
            description = "the SavedModel (saved_model.pb, variables/) to import")
    String modelDir;

    @Option(names = "--signature", paramLabel = "KEY", description = "its serving signature (default: serving_default)")
    String signature;

    @Option(names = "--input", paramLabel = "FIELD=NAME", description = {"the signature input that takes a request's"
            + " user_id, movie_title or timestamp (repeatable; default: the field's own name). user_id may be string,"
            + " int64 or int32 (requests' ids must then be integers in canonical form); timestamp int64, int32,"
            + " float32 or float64, or --input"
            + " timestamp= (empty) for a model that takes no timestamp"})
    List<String> inputs = new ArrayList<>();

    @Option(names = "--output", paramLabel = "NAME", description = "the rating output, float or double, [n] or [n,1]"
            + " (or left open by the signature: the probe batch decides) (default: output_3)")
    String output;

    @Option(names = "--embedding-output", paramLabel = "NAME",
            description = "an output of title embeddings [n,d], for online learning (default: none)")
    String embeddingOutput;

    @Option(names = "--data", paramLabel = "PATH", description = {"the data the model was trained on: a "
            + DataOptions.DATA_FORMATS + ". Without it (no default here) the version has"
            + " no vocabularies, reference profile, calibration or error model: its OOV flags, drift against a"
            + " reference and estimated RMSE say unknown"})
    String data;

    @Option(names = "--split", paramLabel = "time|u1|random", description = "how --data is cut: "
            + DataOptions.SPLIT_DESCRIPTION)
    DataOptions.SplitKind split;

    @Option(names = "--part", paramLabel = "train|validation|test|all", description = {"the rows the model was trained"
            + " on (default: train); the vocabularies, reference profile and drift calibration come from them, the"
            + " error model from the split's validation part (with --part train only, and a split that has one: none"
            + " otherwise, so the estimated RMSE says unknown), the card's RMSE from its test part"})
    Part part;

    @Option(names = "--seed", paramLabel = "N", description = "seed of the random split (default: 42)")
    Long seed;

    @Mixin
    RegistryOptions registryOptions;

    @Option(names = "--serve", description = {"serve it at once (the serving pointer moves to it); without it, the first"
            + " version serves and a later one becomes a candidate in shadow, promoted on live labels by the trainer"
            + " (docs/RETRAINING.md)"})
    boolean serve;

    public ImportCommand() {}

    public ImportCommand(Console console) {
        super(console);
    }

    @Override
    protected int run() throws Exception {
        Console console = console();
        Map<String, String> inputs = inputs(this.inputs);
        List<String> withoutData = data == null ? given("--split", split, "--part", part, "--seed", seed) : List.of();
        if (!withoutData.isEmpty()) {
            String option = withoutData.get(0);
            throw new SettingException(option + " names rows of --data, which is not given: add --data PATH (the data"
                    + " the model was trained on), or leave " + option + " out");
        }
        Part part = this.part == null ? Part.train : this.part;
        OpenedRegistry registry = registryOptions.open(console);
        registry.writableModelDir();
        ModelImporter.Data rows = data != null ? data(console, part) : null;
        ModelImporter.Request request = new ModelImporter.Request(console.resolve(modelDir),
                signature != null ? signature : ModelContract.NATIVE.signature(), inputs.get("user_id"),
                inputs.get("movie_title"), inputs.get("timestamp"),
                output != null ? output : ModelContract.NATIVE.ratingOutput(), embeddingOutput);
        ModelImporter importer = new ModelImporter(registry.registry, registry.name, console.out()::println);
        // A registry without a pointer serves its latest version: without one written now, the import would be it
        registry.registry.adoptLatest(registry.name);
        OptionalLong before = importer.serving();
        long version;
        try {
            version = importer.importModel(request, rows);
        } catch (ContractCheck.RefusedModelException e) {
            throw CliException.failure("refused: " + e.getMessage());
        }
        console.out().println("import: published " + registry.name + " version " + version + " at "
                + registry.registry.versionDir(registry.name, version));
        if (serve || before.isEmpty()) {
            long[] endedCandidate = {0};
            int[] written = {0}; // 1: the pointer; 2: the pin too (when there is one)
            try {
                registry.registry.locked(registry.name, () -> { // a pin set meanwhile by another writer moves too
                    endedCandidate[0] = dev.marquee.model.ModelRegistry.candidateEndedBy(
                            registry.registry.serve(registry.name, version, "imported with --serve"), version);
                    written[0] = 1;
                    if (registry.registry.pinned(registry.name).isPresent()) registry.registry.pin(registry.name, version);
                    written[0] = 2;
                    return null;
                });
            } catch (java.io.IOException e) {
                if (written[0] == 0) throw PointerNotMoved.after(registry.name, version, e);
                if (written[0] == 1) throw PointerNotMoved.pinNotMoved(registry.name, version, endedCandidate[0], e);
                // both written, the lock's release failed: done, and said
                console.err().println("import: warning: the registry's lock was not released cleanly (" + e.getMessage()
                        + "); the pointer is written");
            }
            long ended = endedCandidate[0];
            if (ended > 0) {
                console.out().println("import: version " + ended + ", the candidate in shadow, is ended and held from"
                        + " automatic promotion (`marquee promote --version " + ended + "` still serves it)");
            }
            console.out().println("import: version " + version + " is the serving pointer (jobs started now load it; a"
                    + " running `marquee trainer` announces the move on model-updates within a second and running jobs"
                    + " switch to it; with no trainer running, `marquee promote --version " + version + "` tells them)");
        } else {
            // the pointer as it is now: the promoter or a person may have moved it since `before` was read
            java.util.concurrent.atomic.AtomicLong displaced = new java.util.concurrent.atomic.AtomicLong();
            long serving;
            try {
                serving = registry.registry.updateState(registry.name, state -> {
                    long current = state.serving > 0 ? state.serving : before.getAsLong();
                    String ended = state.hasShadow() && ServingState.WATCH.equals(state.shadowRole)
                            ? "; the watch of version " + state.shadow + " ended without a verdict" : "";
                    ServingState next = state.with(current, version, ServingState.CANDIDATE,
                            "imported: a candidate in shadow beside version " + current + ended, System.currentTimeMillis());
                    long dropped = state.candidateDroppedBy(next);
                    if (dropped > 0) next.hold(dropped, "the candidate in shadow was ended by an import (version " + version + ")");
                    displaced.set(dropped);
                    return next;
                }).serving;
            } catch (java.io.IOException e) {
                throw PointerNotMoved.shadowNotSet(registry.name, version, e);
            }
            if (displaced.get() > 0) {
                console.out().println("import: version " + displaced.get() + ", the candidate it replaces in shadow, is held"
                        + " from automatic promotion (`marquee promote --version " + displaced.get() + "` still serves it)");
            }
            java.util.OptionalLong pin = registry.registry.pinned(registry.name);
            if (pin.isPresent()) { // a pin beats the pointer: no shadow is scored, nothing promoted, promote refused
                console.out().println("import: version " + pin.getAsLong() + " is pinned and serves; version " + version
                        + " waits as the pointer's candidate, neither scored in shadow nor promoted while the pin holds"
                        + " (`marquee models --unpin` lets the trainer's promoter judge it; `marquee rollback --version "
                        + version + "` serves it now, pinned in place of version " + pin.getAsLong() + ")");
            } else {
                console.out().println("import: version " + serving + " keeps serving; version " + version + " is a "
                        + "candidate in shadow: the trainer's promoter announces it and promotes it on live labels "
                        + "(docs/RETRAINING.md); serve it at once with `marquee promote --version " + version + "`");
            }
        }
        return 0;
    }

    /** The options among {@code nameValuePairs} that were given. */
    private static List<String> given(Object... nameValuePairs) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < nameValuePairs.length; i += 2) {
            if (nameValuePairs[i + 1] != null) out.add((String) nameValuePairs[i]);
        }
        return out;
    }

    /** The rows {@code --data}, {@code --split} and {@code --part} name. */
    private ModelImporter.Data data(Console console, Part part) {
        DataOptions.LoadedSplit loaded = DataOptions.load(data, split, console, seed != null ? seed : 42);
        Split cut = loaded.split();
        return new ModelImporter.Data(loaded.source(), cut.name(), part.name(), rows(cut, part),
                part == Part.train ? cut.validation() : List.of(),
                part == Part.all || part == Part.test ? List.of() : cut.test());
    }

    /**
     * {@code FIELD=NAME} pairs onto the three request fields; each defaults to its own name, and
     * {@code timestamp=} (no name) maps it to null: the model takes no timestamp.
     */
    static Map<String, String> inputs(List<String> pairs) {
        Map<String, String> out = new TreeMap<>(Map.of("user_id", "user_id", "movie_title", "movie_title",
                "timestamp", "timestamp"));
        for (String pair : pairs) {
            int eq = pair.indexOf('=');
            String field = eq < 0 ? pair : pair.substring(0, eq).trim();
            if (eq <= 0 || !out.containsKey(field)) {
                throw new SettingException("--input takes FIELD=NAME with FIELD user_id, movie_title or timestamp, got '"
                        + pair + "'");
            }
            String name = pair.substring(eq + 1).trim();
            if (name.isEmpty() && !field.equals("timestamp")) {
                throw new SettingException("--input " + field + "= names no input; only timestamp may be left empty"
                        + " (the model takes no timestamp), got '" + pair + "'");
            }
            out.put(field, name.isEmpty() ? null : name);
        }
        return out;
    }

    private static List<Rating> rows(Split split, Part part) {
        return switch (part) {
            case validation -> split.validation();
            case test -> split.test();
            case all -> {
                List<Rating> all = new ArrayList<>(split.train());
                all.addAll(split.validation());
                all.addAll(split.test());
                yield all;
            }
            case train -> split.train();
        };
    }
}

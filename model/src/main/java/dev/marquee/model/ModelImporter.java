package dev.marquee.model;

import dev.marquee.data.event.Rating;
import dev.marquee.data.json.JsonFiles;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.tensorflow.SavedModelBundle;

/**
 * Publishes a SavedModel made elsewhere (a data-science team's Keras export, say) as the registry's next version,
 * atomically, after checking it meets the contract ({@link ContractCheck}) and answers a probe batch with finite
 * ratings. The known-id vocabularies, the reference profile, the drift calibration and the error model come from
 * the training data given, never from the model's own files; without training data the version has none of them,
 * so OOV flags, drift and the label-free estimate say "unknown" rather than guess. The model card records the
 * origin, the mapping, the source and its fingerprint (docs/MODEL.md, "Importing a model").
 */
public final class ModelImporter {
    static final int PROBE_ROWS = 64;
    static final String ARCHITECTURE = "imported";
    /** The model card's {@code data.unknown} of a version imported without training data. */
    public static final String NO_DATA_REASON = "imported without training data (--data): the version has no "
            + "known-id vocabularies, reference profile, drift calibration or error model, so its OOV flags, the drift "
            + "metrics against a reference and labels.estimated_rmse are unknown";
    /**
     * What a version imported without training data is probed with: integer user ids (so an integer input takes
     * them), MovieLens titles and one made up, timestamps that fit int32.
     */
    static final List<Rating> PROBE_WITHOUT_DATA = List.of(
            new Rating("1", "Toy Story (1995)", 4f, 881_250_949L),
            new Rating("13", "Star Wars (1977)", 5f, 882_140_464L),
            new Rating("405", "Fargo (1996)", 3f, 885_409_515L),
            new Rating("999999", "marquee probe unknown title (2000)", 3f, 893_286_638L));
    /** The drift assets' and vocabularies' names: a copied SavedModel's own files by these names are not ours. */
    private static final List<String> DATA_ASSETS = List.of(TrainedModel.USERS_FILE, TrainedModel.TITLES_FILE,
            dev.marquee.data.profile.ReferenceProfile.FILE_NAME, dev.marquee.data.drift.DriftCalibration.FILE_NAME,
            dev.marquee.data.drift.ErrorModel.FILE_NAME);

    /** What to import and how its signature maps onto the request contract; a null timestampInput: none. */
    public record Request(Path source, String signature, String userInput, String titleInput, String timestampInput,
                          String ratingOutput, String embeddingOutput) {}

    /**
     * The rows it is judged by: those it was trained on, held-out ones like serving traffic, and test rows.
     *
     * @param source where they come from, as {@code marquee train} names its data in a model card ("MovieLens 100K
     *     at DIR", "ratings file F", "generated data (...)"), so a retrain finds the same data again
     * @param split the split's name, e.g. "time-60/20/20"
     * @param part which part the model was trained on
     */
    public record Data(String source, String split, String part, List<Rating> trained, List<Rating> heldOut,
                       List<Rating> test) {
        String description() {
            return source + ", split " + split + ", part " + part;
        }
    }

    /** Seeds the baseline's hold-out where the import has no held-out rows: the seed `train` defaults to. */
    static final long BASELINE_HOLDOUT_SEED = 42;

    private final ModelRegistry registry;
    private final String name;
    private final Consumer<String> progress;

    public ModelImporter(ModelRegistry registry, String name, Consumer<String> progress) {
        this.registry = registry;
        this.name = name;
        this.progress = progress;
    }

    /**
     * Checks, then publishes; returns the new version. Refused (nothing published) when any check fails.
     *
     * @param data the rows the model was trained on, or null when there are none to give ({@link #NO_DATA_REASON})
     */
    public long importModel(Request request, Data data) throws ContractCheck.RefusedModelException, IOException {
        Path given = request.source().toAbsolutePath().normalize();
        if (!Files.isDirectory(given) || !Files.isReadable(given)) {
            throw new ContractCheck.RefusedModelException("cannot read a directory at " + given);
        }
        if (!Files.isRegularFile(given.resolve(ModelRegistry.SAVED_MODEL_FILE))) {
            throw new ContractCheck.RefusedModelException("no " + ModelRegistry.SAVED_MODEL_FILE + " in " + given);
        }
        Path source = given.toRealPath(); // a link to a version folder ("current" -> 3) is that folder
        refusePrivateFilesBehindLinks(source);
        if (data != null && data.trained().isEmpty()) {
            throw new ContractCheck.RefusedModelException("no training rows in " + data.description());
        }
        ModelContract contract;
        TensorFlowHost.check();
        try (SavedModelBundle bundle = SavedModelBundle.loader(source.toString()).withTags("serve").load()) {
            refuseAssetsNamedAsOurs(bundle);
            contract = ContractCheck.check(bundle.metaGraphDef(), request.signature(), request.userInput(),
                    request.titleInput(), request.timestampInput(), request.ratingOutput(), request.embeddingOutput());
        } catch (org.tensorflow.exceptions.TensorFlowException e) {
            throw new ContractCheck.RefusedModelException("the SavedModel at " + source + " does not load with tag serve: "
                    + firstLine(e.getMessage()) + versions(source));
        }
        ModelContract found = contract;
        java.util.function.Function<String, String> column = input -> found.isColumn(input) ? " [n,1]" : "";
        progress.accept("import: " + source + ": signature '" + contract.signature() + "', user_id <- "
                + contract.userInput() + " (" + contract.userType() + column.apply(contract.userInput()) + "), movie_title <- "
                + contract.titleInput() + column.apply(contract.titleInput())
                + ", timestamp <- " + (contract.timestampInput() == null ? "(none: the model takes no timestamp)"
                        : contract.timestampInput() + " (" + contract.timestampType() + column.apply(contract.timestampInput())
                                + ")") + ", rating <- "
                + contract.ratingOutput() + switch (contract.ratingRank()) {
                    case 1 -> " [n]";
                    case 2 -> " [n,1]";
                    default -> " (shape open in the signature: the probe batch decides)";
                });
        if (data != null) refuseUnfitRows(contract, data);
        String fingerprint = fingerprint(source);
        final ModelContract mapped = contract;
        try {
            return registry.publish(name, dir -> write(dir, source, mapped, fingerprint, data));
        } catch (Refusal r) {
            throw new ContractCheck.RefusedModelException(r.getMessage());
        }
    }

    /**
     * A SavedModel's graph may read files of its own from {@code assets/} (a Keras {@code StringLookup} built from a
     * vocabulary file, say). One named as a file marquee writes there would be overwritten by ours, or deleted
     * without data, and the model would then answer other, still finite, ratings (or not load): refused instead.
     */
    private static void refuseAssetsNamedAsOurs(SavedModelBundle bundle) throws ContractCheck.RefusedModelException {
        List<String> clashing = bundle.metaGraphDef().getAssetFileDefList().stream()
                .map(org.tensorflow.proto.AssetFileDef::getFilename).filter(DATA_ASSETS::contains).sorted().toList();
        if (!clashing.isEmpty()) {
            throw new ContractCheck.RefusedModelException("the model's graph reads its own assets/"
                    + String.join(", assets/", clashing) + ", which marquee writes its vocabularies and drift assets as ("
                    + String.join(", ", DATA_ASSETS) + "): re-export the model with those files named otherwise");
        }
    }

    /**
     * Refuses data with rows the model's inputs cannot take (a user id that is not an integer, a timestamp beyond
     * int32): its drift assets and test RMSE would leave them out unseen, so the operator chooses the data instead.
     */
    private static void refuseUnfitRows(ModelContract contract, Data data) throws ContractCheck.RefusedModelException {
        if (contract.takesEveryRequest()) return;
        long unfit = 0;
        long all = 0;
        ModelContract.Unrepresentable first = null;
        for (List<Rating> rows : List.of(data.trained(), data.heldOut(), data.test())) {
            for (Rating r : rows) {
                all++;
                ModelContract.Unrepresentable misfit = contract.check(r.userId, r.timestamp);
                if (misfit == null) continue;
                unfit++;
                if (first == null) first = misfit;
            }
        }
        if (first != null) {
            throw new ContractCheck.RefusedModelException(unfit + " of " + all + " rows of " + data.description()
                    + " do not fit the model's inputs, the first: " + first.reason());
        }
    }

    /**
     * A link inside the model folder to a file or folder outside it that others may not read (a private key, a home
     * folder): the copy would publish it readable by every user of the registry (its files are made so). Refused,
     * naming it; a link to what others may read already (a shared variables/ folder) is copied as before.
     */
    static void refusePrivateFilesBehindLinks(Path source) throws IOException, ContractCheck.RefusedModelException {
        Path root = source.toRealPath();
        try (java.util.stream.Stream<Path> paths = Files.walk(root, java.nio.file.FileVisitOption.FOLLOW_LINKS)) {
            for (Path p : paths.toList()) {
                Path real = p.toRealPath();
                if (real.startsWith(root)) continue;
                java.util.Set<java.nio.file.attribute.PosixFilePermission> mode;
                try {
                    mode = Files.getPosixFilePermissions(real);
                } catch (UnsupportedOperationException notPosix) {
                    return;
                }
                boolean open = mode.contains(java.nio.file.attribute.PosixFilePermission.OTHERS_READ)
                        && (!Files.isDirectory(real) || mode.contains(java.nio.file.attribute.PosixFilePermission.OTHERS_EXECUTE))
                        && reachableByOthers(real, root);
                if (!open) {
                    throw new ContractCheck.RefusedModelException(root.relativize(p) + " in " + root + " leads to " + real
                            + ", outside the model folder, which other users may not read: imported, it would be readable"
                            + " by every user of the registry (copy it into the model folder, or make it readable, if it"
                            + " belongs to the model)");
                }
            }
        }
    }

    /**
     * Whether others may enter every folder between {@code real} and the folder it shares with the model (a file of
     * mode 644 in a private folder is private): what lies above that shared folder is as private as the model itself,
     * which its owner publishes anyway.
     */
    private static boolean reachableByOthers(Path real, Path root) throws IOException {
        Path common = root;
        while (common != null && !real.startsWith(common)) common = common.getParent();
        for (Path d = real.getParent(); d != null && !d.equals(common); d = d.getParent()) {
            if (!Files.getPosixFilePermissions(d).contains(java.nio.file.attribute.PosixFilePermission.OTHERS_EXECUTE)) {
                return false;
            }
        }
        return true;
    }

    private void write(Path dir, Path source, ModelContract contract, String fingerprint, Data data) throws IOException {
        Folders.copyRecursively(source, dir);
        // Files of the source's by our names are not the model's (refuseAssetsNamedAsOurs): a marquee version
        // imported again brings drift assets of other data, which this data may not replace (too few rows to calibrate).
        for (String asset : DATA_ASSETS) Files.deleteIfExists(dir.resolve(TrainedModel.ASSETS).resolve(asset));
        // The source's card and contract are written anew: deleted first, as a copy keeps the source's mode (a read-only
        // source, another team's registry mounted read-only, would make them unwritable here).
        Files.deleteIfExists(dir.resolve(ModelCard.FILE_NAME));
        Files.deleteIfExists(dir.resolve(ModelContract.FILE_NAME));
        contract.write(dir);
        if (data == null) {
            writeWithoutData(dir, source, contract, fingerprint);
            return;
        }
        Path assets = Files.createDirectories(dir.resolve(TrainedModel.ASSETS));
        Vocabulary.of(Vocabulary.byFrequency(data.trained().stream().map(r -> r.userId).toList()))
                .write(assets.resolve(TrainedModel.USERS_FILE));
        Vocabulary.ofTitles(Vocabulary.byFrequency(data.trained().stream().map(r -> r.movieTitle).toList()))
                .write(assets.resolve(TrainedModel.TITLES_FILE));
        Map<String, Object> metrics = new LinkedHashMap<>();
        try (BatchScorer scorer = BatchScorer.open(dir, ScorerThreads.callerThread())) {
            probe(scorer, data.trained().subList(0, Math.min(PROBE_ROWS, data.trained().size())));
            probeAsServed(scorer);
            progress.accept("import: scoring " + data.trained().size() + " training and " + data.heldOut().size()
                    + " held-out rows for the drift assets ...");
            DriftAssets.Scored trained;
            DriftAssets.Scored heldOut;
            float[] test;
            try {
                trained = scored(scorer, data.trained());
                heldOut = scored(scorer, data.heldOut());
                test = scorer.predict(data.test());
            } catch (RuntimeException e) {
                throw new Refusal("the model fails scoring the rows of " + data.description() + ": "
                        + firstLine(e.getMessage()));
            }
            refuseNonFinite(trained.rows(), trained.predictions(), "training", data);
            refuseNonFinite(heldOut.rows(), heldOut.predictions(), "held-out", data);
            refuseNonFinite(data.test(), test, "test", data);
            DriftAssets drift = DriftAssets.compute(trained, heldOut, "held-out rows of " + data.description(),
                    progress);
            drift.write(assets);
            if (!data.test().isEmpty()) metrics.put("test", Metrics.of(test, data.test()));
        }
        Map<String, Object> rows = new LinkedHashMap<>();
        rows.put(ARCHITECTURE, metrics);
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("source", data.source());
        d.put("split", data.split());
        d.put("part", data.part());
        d.put("trained_rows", data.trained().size());
        d.put("held_out_rows", data.heldOut().size());
        d.put("test_rows", data.test().size());
        if (!data.test().isEmpty()) rows.putAll(baselines(data, (Metrics) metrics.get("test"), d));
        writeCard(dir, source, contract, fingerprint, d, rows);
    }

    /**
     * The baselines beside the model, on the same test rows, as {@code train} prints them: a model on another scale
     * (trained on rating / 5, a sigmoid output) passes every check but this comparison, and the retraining trigger's
     * RMSE rule would take its RMSE as the card's.
     */
    private Map<String, Object> baselines(Data data, Metrics model, Map<String, Object> dataSection) {
        Metrics mean = Metrics.of(GlobalMeanBaseline.fit(data.trained()), data.test());
        BiasBaselineTuner.Tuned tuned = tunedBaseline(data);
        Metrics biases = Metrics.of(tuned.baseline(), data.test());
        progress.accept(String.format(Locale.ROOT, "import: test RMSE %.4f on %,d rows (%s %.4f, %s %.4f)",
                model.rmse(), model.count(), GlobalMeanBaseline.NAME, mean.rmse(), BiasBaseline.NAME, biases.rmse()));
        progress.accept("import: " + tuned.describe());
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("name", BiasBaseline.NAME);
        b.put("lambda_user", tuned.lambdaUser());
        b.put("lambda_item", tuned.lambdaItem());
        b.put("tuned", tuned.tuned());
        if (tuned.tuned()) {
            b.put("chosen_on", tuned.validationSource());
            b.put("validation_rmse", tuned.validationRmse());
        }
        dataSection.put("bias_baseline", b);
        if (model.rmse() > mean.rmse()) {
            progress.accept("import: WARNING: the model is worse than the global mean on these rows; check that it "
                    + "answers ratings on the data's scale and that --output names its rating");
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put(GlobalMeanBaseline.NAME, Map.of("test", mean));
        out.put(BiasBaseline.NAME, Map.of("test", biases));
        return out;
    }

    /**
     * The bias baseline with its lambdas chosen on held-out rows, as {@code train} chooses them: the import's
     * held-out rows, or where there are none (u1, whose split has no validation part) a seeded
     * {@value TrainingRows#HOLDOUT_PERCENT}% of the rows the model trained on, after which it is fitted again on all
     * of them with the lambdas chosen, since the model was. Untuned defaults would flatter the model by ~0.016 on u1.
     */
    private static BiasBaselineTuner.Tuned tunedBaseline(Data data) {
        if (!data.heldOut().isEmpty() || data.trained().isEmpty()) {
            return BiasBaselineTuner.tune(data.trained(), data.heldOut(), "held-out rows of " + data.description());
        }
        TrainingRows rows = TrainingRows.of(data.trained(), List.of(), BASELINE_HOLDOUT_SEED);
        BiasBaselineTuner.Tuned chosen = BiasBaselineTuner.tune(rows.fit(), rows.validation(), "seeded "
                + TrainingRows.HOLDOUT_PERCENT + "% hold-out of the trained rows (seed " + BASELINE_HOLDOUT_SEED
                + "; then fitted on all of them)");
        BiasBaseline all = BiasBaseline.fit(data.trained(), chosen.lambdaUser(), chosen.lambdaItem(),
                BiasBaseline.DEFAULT_ITERATIONS);
        return new BiasBaselineTuner.Tuned(all, chosen.lambdaUser(), chosen.lambdaItem(), chosen.validationRmse(),
                chosen.validationSource());
    }

    /** The SavedModel, its contract and its card alone: probed with {@link #PROBE_WITHOUT_DATA}. */
    private void writeWithoutData(Path dir, Path source, ModelContract contract, String fingerprint) throws IOException {
        progress.accept("import: no training data (--data): no vocabularies, reference profile, calibration or error "
                + "model; OOV flags, drift against a reference and the estimated RMSE will say unknown"
                + (contract.embeddingOutput() == null ? "" : "; and online factors need the title vocabulary, so '"
                        + contract.embeddingOutput() + "' goes unused: this version's users get the residual bias"));
        try (BatchScorer scorer = BatchScorer.open(dir, ScorerThreads.callerThread())) {
            probe(scorer, PROBE_WITHOUT_DATA);
            probeAsServed(scorer);
        }
        writeCard(dir, source, contract, fingerprint, Map.of("unknown", NO_DATA_REASON), Map.of(ARCHITECTURE, Map.of()));
    }

    private static void writeCard(Path dir, Path source, ModelContract contract, String fingerprint, Map<String, Object> data,
                                  Map<String, Object> metrics) throws IOException {
        Map<String, Object> card = new LinkedHashMap<>();
        card.put("architecture", ARCHITECTURE);
        card.put("origin", "imported");
        card.put("created", Instant.now().toString());
        card.put("source", source.toString());
        card.put("fingerprint", "sha256:" + fingerprint);
        card.put("contract", contract);
        card.put("data", data);
        card.put("metrics", metrics);
        JsonFiles.write(dir.resolve(ModelCard.FILE_NAME), card);
    }

    private static void probe(BatchScorer scorer, List<Rating> rows) {
        ScoredBatch probe;
        try {
            probe = score(scorer, rows);
        } catch (RuntimeException e) {
            throw new Refusal("the model fails on a probe batch of " + rows.size() + " rows: "
                    + explained(firstLine(e.getMessage())));
        }
        for (int i = 0; i < probe.size(); i++) {
            if (!Float.isFinite(probe.ratings()[i])) {
                Rating r = rows.get(i);
                throw new Refusal("the model answers " + probe.ratings()[i] + " for user_id " + r.userId + ", \""
                        + r.movieTitle + "\" (a probe of " + rows.size() + " rows): ratings must be finite");
            }
        }
    }

    /**
     * The scoring job's own probe ({@link ServingProbe}: an unknown user and title, and a batch of one row), which a
     * version must pass to serve: a model that fails it would be published, then refused by every slot.
     */
    private static void probeAsServed(BatchScorer scorer) {
        String problem;
        try {
            problem = ServingProbe.problem(scorer);
        } catch (RuntimeException e) {
            throw new Refusal("the model fails the scoring job's probe (an unknown user and title, and a batch of one"
                    + " row), which every version must pass to serve: " + explained(firstLine(e.getMessage())));
        }
        if (problem != null) {
            throw new Refusal("the model answers " + problem + " in the scoring job's probe, which every version must"
                    + " pass to serve: ratings must be finite, one per row");
        }
        String embeddings = scorer.contract().embeddingOutput();
        if (embeddings == null) return;
        try { // what online adaptation reads: one title vector per row
            scorer.score(ServingProbe.users(scorer.contract()), ServingProbe.TITLES,
                    new long[] {ServingProbe.TIMESTAMP, ServingProbe.TIMESTAMP}, true);
        } catch (RuntimeException e) {
            throw new Refusal("--embedding-output '" + embeddings + "' does not answer a float [n,d] per batch of n rows: "
                    + firstLine(e.getMessage()));
        }
    }

    /** A rating that is not finite on the data's rows: refused, naming the first (drift assets and RMSE need them). */
    private static void refuseNonFinite(List<Rating> rows, float[] ratings, String part, Data data) {
        int bad = 0;
        int first = -1;
        for (int i = 0; i < ratings.length; i++) {
            if (Float.isFinite(ratings[i])) continue;
            bad++;
            if (first < 0) first = i;
        }
        if (first < 0) return;
        Rating r = rows.get(first);
        throw new Refusal("the model answers " + ratings[first] + " for " + bad + " of the " + rows.size() + " " + part
                + " rows of " + data.description() + ", the first: user_id " + r.userId + ", \"" + r.movieTitle
                + "\", timestamp " + r.timestamp + ": ratings must be finite");
    }

    /**
     * TensorFlow's message, with what to do where the cause is known: a variable that loads but is not restored is
     * what Keras 3 exports through {@code tf.saved_model.save} of a plain {@code tf.Module} leave behind.
     */
    static String explained(String message) {
        if (message != null && message.contains("Could not find variable")) {
            return message + " (a variable the SavedModel does not restore: Keras 3 models saved with "
                    + "tf.saved_model.save of a tf.Module do this; export with keras.export.ExportArchive, docs/MODEL.md)";
        }
        return message;
    }

    private static DriftAssets.Scored scored(BatchScorer scorer, List<Rating> rows) {
        float[] p = new float[rows.size()];
        boolean[] u = new boolean[rows.size()];
        boolean[] t = new boolean[rows.size()];
        for (int from = 0; from < rows.size(); from += BatchScorer.PREDICT_CHUNK) {
            List<Rating> chunk = rows.subList(from, Math.min(rows.size(), from + BatchScorer.PREDICT_CHUNK));
            ScoredBatch b = score(scorer, chunk);
            System.arraycopy(b.ratings(), 0, p, from, b.size());
            System.arraycopy(b.userOov(), 0, u, from, b.size());
            System.arraycopy(b.titleOov(), 0, t, from, b.size());
        }
        return new DriftAssets.Scored(rows, p, u, t);
    }

    private static ScoredBatch score(BatchScorer scorer, List<Rating> rows) {
        String[] users = rows.stream().map(r -> r.userId).toArray(String[]::new);
        String[] titles = rows.stream().map(r -> r.movieTitle).toArray(String[]::new);
        long[] ts = rows.stream().mapToLong(r -> r.timestamp).toArray();
        return scorer.score(users, titles, ts);
    }

    /** SHA-256 over the SavedModel's files (paths and contents, in path order): which model this version is. */
    static String fingerprint(Path source) throws IOException {
        try (Stream<Path> files = Files.walk(source, java.nio.file.FileVisitOption.FOLLOW_LINKS)) {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            List<Path> sorted = new ArrayList<>(files.filter(Files::isRegularFile).sorted().toList());
            for (Path f : sorted) {
                sha.update(source.relativize(f).toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                try (InputStream in = Files.newInputStream(f)) {
                    byte[] buf = new byte[1 << 16];
                    for (int n; (n = in.read(buf)) > 0; ) sha.update(buf, 0, n);
                }
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The version the import made serve: the pin, else the newest; empty when the registry has none. */
    public OptionalLong serving() throws IOException {
        return registry.serving(name);
    }

    /**
     * The runtime's TensorFlow and the one that wrote the model, when its saved_model.pb says: an op a newer TensorFlow
     * added ("Op type not registered") is the usual reason a model from elsewhere does not load.
     */
    static String versions(Path source) {
        String writer = "";
        try (InputStream in = Files.newInputStream(source.resolve(ModelRegistry.SAVED_MODEL_FILE))) {
            org.tensorflow.proto.SavedModel saved = org.tensorflow.proto.SavedModel.parseFrom(in);
            writer = saved.getMetaGraphsList().stream().map(m -> m.getMetaInfoDef().getTensorflowVersion())
                    .filter(v -> !v.isEmpty()).findFirst().map(v -> "; it was written by TensorFlow " + v).orElse("");
        } catch (IOException | RuntimeException unreadable) {
            // said without it
        }
        return " (this runtime is TensorFlow " + org.tensorflow.TensorFlow.version() + writer + ")";
    }

    private static String firstLine(String s) {
        if (s == null) return "(no message)";
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    /** A check that failed while the version was being written: publishing stops and removes it. */
    private static final class Refusal extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Refusal(String message) {
            super(message);
        }
    }
}

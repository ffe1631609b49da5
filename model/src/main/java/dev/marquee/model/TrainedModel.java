package dev.marquee.model;

import dev.marquee.data.drift.DriftCalibration;
import dev.marquee.data.drift.ErrorModel;
import dev.marquee.data.event.Rating;
import dev.marquee.data.profile.ReferenceProfile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.tensorflow.Graph;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.SessionFunction;

/**
 * A trained model still in its training session: predicts through the same {@code serving_default}
 * function it exports, and exports itself as a SavedModel. Close it to free the graph and session.
 */
public final class TrainedModel implements AutoCloseable, RatingPredictor {
    public static final String ASSETS = "assets";
    public static final String USERS_FILE = "users.txt";
    public static final String TITLES_FILE = "titles.txt";

    /**
     * The title catalog of the version in {@code versionDir} (its title vocabulary, which the scorer resolves
     * requests against), or empty when it has none (imported without training data).
     */
    public static java.util.Optional<dev.marquee.data.title.TitleCatalog> titleCatalog(Path versionDir) throws IOException {
        Path file = versionDir.resolve(ASSETS).resolve(TITLES_FILE);
        // absent, not unreadable: an I/O error (a network file system's) throws, to be tried again, rather than read as
        // "no catalog" and remembered so for the life of the process
        if (Files.notExists(file)) return java.util.Optional.empty();
        return java.util.Optional.of(dev.marquee.data.title.TitleCatalog.of(Vocabulary.read(file, false).terms()));
    }
    static final int PREDICT_CHUNK = 8192;

    private final Graph graph;
    private final Session session;
    private final RatingGraph net;
    private final Vocabulary users;
    private final Vocabulary titles;
    private final InputEncoder encoder;
    private final SessionFunction serving;
    private final SessionFunction packed;
    private final TrainingConfig config;
    private final LearningCurve curve;
    private final int bestEpoch;
    private final double trainingSeconds;
    private final int trainRows;
    private final DriftAssets drift;
    private final RefitSchedule schedule;
    private final boolean refit;

    TrainedModel(Graph graph, Session session, RatingGraph net, Vocabulary users, Vocabulary titles,
            TrainingConfig config, LearningCurve curve, int bestEpoch, double trainingSeconds, int trainRows,
            DriftAssets drift, RefitSchedule schedule, boolean refit) {
        this.graph = graph;
        this.session = session;
        this.net = net;
        this.users = users;
        this.titles = titles;
        this.encoder = new InputEncoder(users, titles);
        this.serving = session.function(net.serving);
        this.packed = session.function(net.packed);
        this.config = config;
        this.curve = curve;
        this.bestEpoch = bestEpoch;
        this.trainingSeconds = trainingSeconds;
        this.trainRows = trainRows;
        this.drift = drift;
        this.schedule = schedule;
        this.refit = refit;
    }

    /** Predicted ratings through the string inputs of {@code serving_default}, in chunks. */
    @Override
    public float[] predict(List<Rating> rows) {
        float[] out = new float[rows.size()];
        for (int from = 0; from < rows.size(); from += PREDICT_CHUNK) {
            int to = Math.min(rows.size(), from + PREDICT_CHUNK);
            List<Rating> chunk = rows.subList(from, to);
            String[] u = new String[chunk.size()];
            String[] t = new String[chunk.size()];
            long[] ts = new long[chunk.size()];
            for (int i = 0; i < u.length; i++) {
                u[i] = chunk.get(i).userId;
                t[i] = chunk.get(i).movieTitle;
                ts[i] = chunk.get(i).timestamp;
            }
            System.arraycopy(score(u, t, ts, false).ratings(), 0, out, from, u.length);
        }
        return out;
    }

    /** Scores one batch of columns (titles canonically resolved first), with OOV flags. */
    public ScoredBatch score(String[] userIds, String[] titles, long[] timestamps, boolean withVectors) {
        return encoder.score(serving, packed, userIds, titles, timestamps, withVectors);
    }

    @Override
    public String name() {
        return config.architecture().id();
    }

    /**
     * Writes the SavedModel (tag "serve"; signatures {@code serving_default} and
     * {@code __saved_model_init_op}, which fills the vocabulary tables at load), the vocabularies and the
     * reference profile (for drift detection) under {@code assets/}, and the learning curve (CSV and PNG) into
     * {@code dir}, which must not exist yet or be empty.
     */
    public void exportSavedModel(Path dir) throws IOException {
        Files.createDirectories(dir);
        SavedModelBundle.exporter(dir.toString()).withTags("serve").withSession(session)
                .withSignatures(net.serving, net.packed, net.init).export();
        InitOpConvention.apply(dir, net.tablesInit.op().name());
        Path assets = Files.createDirectories(dir.resolve(ASSETS));
        users.write(assets.resolve(USERS_FILE));
        titles.write(assets.resolve(TITLES_FILE));
        drift.write(assets);
        curve.writeCsv(dir.resolve(LearningCurve.FILE_NAME));
        LearningCurvePlot.write(curve, dir.resolve(LearningCurvePlot.FILE_NAME));
    }

    public TrainingConfig config() {
        return config;
    }

    public LearningCurve learningCurve() {
        return curve;
    }

    /** The epoch whose weights the model holds (best validation RMSE; for a refit, the epochs it trained). */
    public int bestEpoch() {
        return bestEpoch;
    }

    /**
     * The epochs per component and the blend weights this model holds: what early stopping and the least-squares
     * fit chose on validation, or for a refit the schedule it followed.
     */
    public RefitSchedule schedule() {
        return schedule;
    }

    /** Whether this model was refit on train + validation ({@link Trainer#refit}). */
    public boolean refit() {
        return refit;
    }

    public double trainingSeconds() {
        return trainingSeconds;
    }

    /** Rows the weights were fitted on (excludes a validation hold-out; a refit's include the validation rows). */
    public int trainRows() {
        return trainRows;
    }

    /** The training data's profile, with this model's prediction histogram. */
    public ReferenceProfile referenceProfile() {
        return drift.profile();
    }

    /** The calibrated drift thresholds, or null when the reference was too small to calibrate. */
    public DriftCalibration driftCalibration() {
        return drift.calibration();
    }

    public ErrorModel errorModel() {
        return drift.errorModel();
    }

    public Vocabulary users() {
        return users;
    }

    public Vocabulary titles() {
        return titles;
    }

    @Override
    public void close() {
        session.close();
        graph.close();
    }
}

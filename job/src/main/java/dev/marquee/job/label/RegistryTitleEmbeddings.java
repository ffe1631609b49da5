package dev.marquee.job.label;

import dev.marquee.model.BatchScorer;
import dev.marquee.model.ModelContract;
import dev.marquee.model.ModelRegistry;
import dev.marquee.model.ScoredBatch;
import dev.marquee.model.ScorerThreads;
import dev.marquee.model.TrainedModel;
import dev.marquee.model.Vocabulary;
import dev.marquee.job.score.SharedResults;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * A version's title embeddings, computed by scoring its title vocabulary once per JVM: loads the SavedModel from
 * the registry on the calling thread, asks for the embedding output ({@code output_2} for our own models, the
 * contract's {@code embedding_output} for an imported one) for every title and for one title it cannot know,
 * and closes the model again. A version with no embedding output, or without a title vocabulary (imported
 * without training data), has none.
 */
public final class RegistryTitleEmbeddings implements TitleEmbeddingSource {
    private static final long serialVersionUID = 1L;
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(RegistryTitleEmbeddings.class);
    static final String UNKNOWN_TITLE = "marquee probe unknown title (2000)";

    private record Key(Path registry, String model, int dimensions, long version) { }

    /**
     * Per JVM: computed by a scoring slot's loader thread before the version serves ({@link LabelPreparation}), so
     * the online adaptation finds them ready instead of computing them on its task thread while predictions wait
     * (a SavedModel load and a pass over the title vocabulary: 0.4–0.6 s, 2.7 s as the JVM's first TensorFlow
     * work). {@link TitleEmbeddings} is read-only, so one copy serves every thread.
     */
    static final SharedResults<Key, Optional<TitleEmbeddings>> COMPUTED = new SharedResults<>(4, "the title embeddings");

    private final String registryBase;
    private final String modelName;
    private final int maxDimensions;

    public RegistryTitleEmbeddings(String registryBase, String modelName, int maxDimensions) {
        this.registryBase = registryBase;
        this.modelName = modelName;
        this.maxDimensions = maxDimensions;
    }

    /** Computed once per JVM and version ({@link #COMPUTED}); a caller may get another's result. */
    @Override
    public Optional<TitleEmbeddings> load(long version) throws IOException {
        return COMPUTED.get(key(version), () -> compute(version));
    }

    /** Whether this JVM holds the version's embeddings, computed. */
    boolean holds(long version) {
        return COMPUTED.holds(key(version));
    }

    private Key key(long version) {
        return new Key(Path.of(registryBase).toAbsolutePath().normalize(), modelName, maxDimensions, version);
    }

    private Optional<TitleEmbeddings> compute(long version) throws IOException {
        Path dir = new ModelRegistry(Path.of(registryBase)).versionDir(modelName, version);
        Path titlesFile = dir.resolve(TrainedModel.ASSETS).resolve(TrainedModel.TITLES_FILE);
        if (Files.notExists(titlesFile)) return Optional.empty(); // an unreadable one throws: tried again later
        try (BatchScorer scorer = BatchScorer.open(dir, ScorerThreads.callerThread())) {
            ModelContract contract = scorer.contract();
            if (contract.embeddingOutput() == null) return Optional.empty(); // ours name output_2 here
            List<String> titles = Vocabulary.read(titlesFile, true).terms();
            if (titles.isEmpty()) return Optional.empty();
            String anyUser = ModelContract.STRING.equals(contract.userType()) ? "" : "0";
            float[][] raw = new float[titles.size()][];
            for (int from = 0; from < titles.size(); from += BatchScorer.PREDICT_CHUNK) {
                int to = Math.min(titles.size(), from + BatchScorer.PREDICT_CHUNK);
                float[][] v = embeddings(scorer, anyUser, titles.subList(from, to).toArray(String[]::new));
                if (v == null) return Optional.empty();
                System.arraycopy(v, 0, raw, from, to - from);
            }
            float[][] unknown = embeddings(scorer, anyUser, new String[] {UNKNOWN_TITLE});
            if (Arrays.stream(raw).noneMatch(TitleEmbeddings::finite)) {
                LOG.warn("model {} version {}: every title embedding holds a NaN or an infinity; its users get the"
                        + " residual bias", modelName, version);
                return Optional.empty();
            }
            TitleEmbeddings projected = TitleEmbeddings.project(version, titles, raw, unknown[0], maxDimensions);
            if (projected.size() < titles.size()) {
                LOG.warn("model {} version {}: {} of {} title embeddings hold a NaN or an infinity; those titles take the"
                        + " unknown title's vector", modelName, version, titles.size() - projected.size(), titles.size());
            }
            return Optional.of(projected);
        }
    }

    private static float[][] embeddings(BatchScorer scorer, String user, String[] titles) {
        String[] users = new String[titles.length];
        Arrays.fill(users, user);
        ScoredBatch b = scorer.score(users, titles, new long[titles.length], true);
        return b.titleVectors();
    }
}

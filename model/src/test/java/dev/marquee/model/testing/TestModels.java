package dev.marquee.model.testing;

import dev.marquee.data.event.Rating;
import dev.marquee.data.synth.SyntheticRatings;
import dev.marquee.model.Architecture;
import dev.marquee.model.ModelRegistry;
import dev.marquee.model.TrainedModel;
import dev.marquee.model.Trainer;
import dev.marquee.model.TrainingConfig;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.Stream;

/** Real SavedModels, trained by our own code on small generated data, for the tests of the modules that load them (model test-jar). */
public final class TestModels {
    public static final String NAME = "marquee";

    private TestModels() {}

    public static List<Rating> data(long seed) {
        return new SyntheticRatings(seed).users(80).movies(60).ratingsPerUser(15).generate().ratings();
    }

    /** Trains a small model on {@code rows} and publishes it; returns the version. */
    public static long publish(ModelRegistry registry, List<Rating> rows, long seed) throws IOException {
        int cut = rows.size() * 9 / 10;
        TrainingConfig config = TrainingConfig.defaults(Architecture.DEFAULT).withEpochs(3).withSeed(seed);
        try (TrainedModel model = new Trainer(config, line -> { }).train(rows.subList(0, cut), rows.subList(cut, rows.size()))) {
            return registry.publish(NAME, model::exportSavedModel);
        }
    }

    /** Publishes a version that is not a model at all: a truncated saved_model.pb. */
    public static long publishCorrupt(ModelRegistry registry) throws IOException {
        return registry.publish(NAME, dir -> {
            Files.createDirectories(dir);
            Files.write(dir.resolve(ModelRegistry.SAVED_MODEL_FILE), new byte[] {0x0a, 0x05, 0x01});
        });
    }

    public static Path versionDir(ModelRegistry registry, long version) {
        return registry.versionDir(NAME, version);
    }

    /** Publishes a copy of {@code version}; {@code truncate} cuts its variables data file to half its size. */
    public static long publishCopy(ModelRegistry registry, Path version, boolean truncate) throws IOException {
        return registry.publish(TestModels.NAME, dir -> {
            copyTree(version, dir);
            if (truncate) {
                try (Stream<Path> files = Files.list(dir.resolve("variables"))) {
                    for (Path data : files.filter(f -> f.getFileName().toString().startsWith("variables.data")).toList()) {
                        try (FileChannel ch = FileChannel.open(data, StandardOpenOption.WRITE)) {
                            ch.truncate(ch.size() / 2);
                        }
                    }
                }
            }
        });
    }

    public static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : walk.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(target);
                else Files.copy(p, target);
            }
        }
    }
}

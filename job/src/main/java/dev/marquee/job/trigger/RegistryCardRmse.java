package dev.marquee.job.trigger;

import com.fasterxml.jackson.databind.JsonNode;
import dev.marquee.model.ModelCard;
import dev.marquee.model.ModelRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads {@code <registry>/<name>/<version>/model_card.json} and takes the test RMSE of the model's own row
 * ({@code metrics.<architecture>.test.rmse}, the row {@code marquee models} shows), or, for a version whose
 * test part was not scored ({@code marquee train} without {@code --score-test}), its validation RMSE. A
 * published version never changes, so a number once read is kept; a missing card is looked for again on the
 * next report.
 */
public final class RegistryCardRmse implements CardRmse {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(RegistryCardRmse.class);

    private final String registryBase;
    private final String modelName;
    private transient Map<Long, Double> known;
    private transient Set<Long> reportedMissing;

    public RegistryCardRmse(String registryBase, String modelName) {
        this.registryBase = registryBase;
        this.modelName = modelName;
    }

    /** How many versions' answers are kept: the rule asks about the serving version and the one or two before it. */
    static final int VERSIONS_KEPT = 16;

    /** The answers of the last {@value #VERSIONS_KEPT} versions asked about: one per swap would grow for ever. */
    private static <V> Map<Long, V> recent() {
        return new LinkedHashMap<>(VERSIONS_KEPT * 2, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Long, V> eldest) {
                return size() > VERSIONS_KEPT;
            }
        };
    }

    @Override
    public OptionalDouble testRmse(long version) {
        if (version < 1) return OptionalDouble.empty();
        if (known == null) {
            known = recent();
            reportedMissing = Collections.newSetFromMap(recent());
        }
        Double cached = known.get(version);
        if (cached != null) return OptionalDouble.of(cached);
        String problem;
        try {
            Path dir = new ModelRegistry(Path.of(registryBase)).versionDir(modelName, version);
            if (Files.isRegularFile(dir.resolve(ModelCard.FILE_NAME))) {
                JsonNode card = ModelCard.read(dir);
                JsonNode row = card.path("metrics").path(card.path("architecture").asText(""));
                for (String part : new String[] {"test", "validation"}) {
                    JsonNode rmse = row.path(part).path("rmse");
                    if (rmse.isNumber() && rmse.asDouble() > 0) {
                        known.put(version, rmse.asDouble());
                        return OptionalDouble.of(rmse.asDouble());
                    }
                }
                problem = "has no metrics.<architecture>.test.rmse (nor validation.rmse)";
            } else {
                problem = "is missing";
            }
            problem = dir.resolve(ModelCard.FILE_NAME) + " " + problem;
        } catch (IOException | RuntimeException e) {
            problem = "cannot read the model card of " + modelName + " version " + version + ": " + e.getMessage();
        }
        if (reportedMissing.add(version)) {
            LOG.warn("{}: the RMSE rule relative to the card (trigger.rmse-margin) cannot judge version {}", problem, version);
        }
        return OptionalDouble.empty();
    }
}

package dev.marquee.model.trainer;

import dev.marquee.data.config.SettingException;
import dev.marquee.model.ModelRegistry;
import dev.marquee.model.cli.Console;
import java.nio.file.Path;
import picocli.CommandLine;

/**
 * The trainer worker's settings, read and checked once at start-up from {@link TrainerOptions}. Documented in
 * docs/RETRAINING.md.
 */
record TrainerSettings(KafkaClients kafka, String group, String requestsTopic, String outcomesTopic,
        String updatesTopic, String ratingsTopic, ModelRegistry registry, String modelName, String data,
        long labelWindowSeconds, int labelMaxCount, double holdoutShare, GatePolicy gate, long deferExpiryMs,
        long recheckIntervalMs, int keepRejected, int epochs, double learningRate, boolean once,
        String labeledTopic, String statusTopic, PromotionSettings promotion, int maxRequestsPerHour,
        long requestExpiryMs, int keepVersions, dev.marquee.data.parse.ParserLimits parserLimits) {

    static final String MAX_REQUESTS_PER_HOUR = "trainer.max-requests-per-hour";

    /** The settings {@code args} give ({@code marquee trainer}'s options); a bad one is a {@link SettingException}. */
    static TrainerSettings parse(String[] args, Console console) {
        TrainerOptions options = new TrainerOptions();
        try {
            new CommandLine(options).parseArgs(args);
        } catch (CommandLine.ParameterException e) {
            throw new SettingException(e.getMessage());
        }
        return options.settings(console);
    }

    Path modelDir() {
        return registry.modelDir(modelName);
    }
}

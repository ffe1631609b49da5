package dev.marquee.job.cli;

import dev.marquee.job.ScoringJob;
import dev.marquee.job.config.JobSettings;
import dev.marquee.job.config.OptionRow;
import dev.marquee.job.config.ScoringJobOptions;
import dev.marquee.model.ModelRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.IModelTransformer;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code marquee score}: the scoring job in a local Flink mini-cluster. Its options are the settings of
 * docs/CONFIGURATION.md ({@link ScoringJobOptions}), generated, so {@code --help} lists every one; on a cluster
 * the job jar's {@link ScoringJob#main} takes the same keys.
 */
@Command(name = "score", mixinStandardHelpOptions = true, modelTransformer = ScoreCommand.Options.class,
        header = "run the scoring job in a local Flink mini-cluster against Kafka",
        description = {"For a cluster, submit the job jar instead: flink run -d job/target/marquee-job-<version>-shaded.jar"
                + " --key value ... (the same keys; docs/OPERATIONS.md, \"Your own Flink and Kafka clusters\").",
                "Settings, their defaults and what they do: docs/CONFIGURATION.md."})
public final class ScoreCommand extends SettingsCommand<JobSettings> {
    static final List<OptionRow> ROWS = SettingOptions.rows(ScoringJobOptions.SECTIONS);

    public ScoreCommand() {}

    /** Adds the generated options to the command's model. */
    public static final class Options implements IModelTransformer {
        @Override
        public CommandSpec transform(CommandSpec spec) {
            return SettingOptions.addTo(spec, ROWS);
        }
    }

    @Override
    List<OptionRow> rows() {
        return ROWS;
    }

    @Override
    JobSettings settingsFrom(Map<String, String> given) {
        return JobSettings.from(given);
    }

    @Override
    void run(JobSettings settings) throws Exception {
        requireAModel(settings);
        ScoringJob.run(settings);
    }

    /**
     * The local mini-cluster reads the registry from this machine: a registry without the version to serve fails
     * here in one line, before Flink starts and logs the task's failure with its stack traces (the job itself
     * checks it again in each slot, as it does on a cluster, where only the TaskManagers see the registry).
     */
    static void requireAModel(JobSettings settings) throws IOException {
        ModelRegistry registry = new ModelRegistry(Path.of(settings.modelRegistry));
        if (settings.modelVersion > 0) {
            if (!registry.versions(settings.modelName).contains(settings.modelVersion)) {
                throw new IOException("model '" + settings.modelName + "' has no version " + settings.modelVersion
                        + " in the registry at " + registry.base() + " (have " + registry.versions(settings.modelName) + ")");
            }
        } else if (registry.serving(settings.modelName).isEmpty()) {
            throw new IOException("no version of model '" + settings.modelName + "' in the registry at " + registry.base()
                    + ": train one with scripts/marquee train, or set model.registry");
        }
    }
}

package dev.marquee.job.cli;

import dev.marquee.job.ScoringJob;
import dev.marquee.job.config.JobSettings;
import dev.marquee.job.config.OptionRow;
import dev.marquee.job.config.ScoringJobOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.flink.runtime.client.JobExecutionException;
import picocli.CommandLine.Command;
import picocli.CommandLine.IModelTransformer;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/**
 * {@code marquee score}: the scoring job in a local Flink mini-cluster. Its options are the settings of
 * docs/CONFIGURATION.md ({@link ScoringJobOptions}), generated, so {@code --help} lists every one; on a cluster
 * the job jar's {@link ScoringJob#main} takes the same keys.
 */
@Command(name = "score", mixinStandardHelpOptions = true, modelTransformer = ScoreCommand.Options.class,
        header = "run the scoring job in a local Flink mini-cluster against Kafka",
        description = {"For a cluster, submit the job jar instead: flink run job.jar --key value ... (the same keys).",
                "Settings, their defaults and what they do: docs/CONFIGURATION.md."})
public final class ScoreCommand implements Callable<Integer> {
    static final List<OptionRow> ROWS = SettingOptions.rows(ScoringJobOptions.SECTIONS);

    @Spec
    CommandSpec spec;

    @Unmatched
    List<String> unmatched = new ArrayList<>();

    public ScoreCommand() {}

    /** Adds the generated options to the command's model. */
    public static final class Options implements IModelTransformer {
        @Override
        public CommandSpec transform(CommandSpec spec) {
            return SettingOptions.addTo(spec, ROWS);
        }
    }

    /** The settings given on the command line, by key, as the job's settings read them. */
    public Map<String, String> given() {
        return SettingOptions.given(spec, ROWS, unmatched);
    }

    /** The job's settings from the command line, checked (a bad one is a {@code SettingException}). */
    public JobSettings settings() {
        return JobSettings.from(given());
    }

    @Override
    public Integer call() throws Exception {
        var settings = settings();
        try {
            ScoringJob.run(settings);
        } catch (JobExecutionException e) {
            throw JobFailure.rootCause(e);
        }
        return 0;
    }
}

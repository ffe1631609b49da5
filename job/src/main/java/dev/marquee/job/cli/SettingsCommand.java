package dev.marquee.job.cli;

import dev.marquee.job.config.OptionRow;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.flink.runtime.client.JobExecutionException;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/**
 * A command that runs one of the Flink jobs locally, its options generated from the job's settings
 * ({@link SettingOptions}): what {@code marquee score} and {@code marquee trigger} share. Each subclass adds its
 * rows to the picocli model with a model transformer of its own (picocli creates those by class, so they cannot be
 * shared) and says how its settings are read and run.
 *
 * @param <S> the job's checked settings
 */
abstract class SettingsCommand<S> implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Unmatched
    List<String> unmatched = new ArrayList<>();

    /** The options this command takes, as its model transformer added them. */
    abstract List<OptionRow> rows();

    /** The job's settings from {@code given} (a bad one is a {@code SettingException}). */
    abstract S settingsFrom(Map<String, String> given);

    /** Runs the job until it ends. */
    abstract void run(S settings) throws Exception;

    /** The settings given on the command line, by key, as the job's settings read them. */
    public Map<String, String> given() {
        return SettingOptions.given(spec, rows(), unmatched);
    }

    /** The job's settings from the command line, checked (a bad one is a {@code SettingException}). */
    public S settings() {
        return settingsFrom(given());
    }

    @Override
    public Integer call() throws Exception {
        S settings = settings();
        try {
            run(settings);
        } catch (JobExecutionException e) {
            throw JobFailure.rootCause(e);
        }
        return 0;
    }
}

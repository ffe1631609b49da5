package dev.marquee.job.cli;

import dev.marquee.job.config.OptionRow;
import dev.marquee.job.config.OptionSection;
import dev.marquee.job.config.ScoringJobOptions;
import dev.marquee.job.config.TriggerJobOptions;
import dev.marquee.job.config.TriggerSettings;
import dev.marquee.job.trigger.RetrainTriggerJob;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.configuration.ConfigOption;
import picocli.CommandLine.Command;
import picocli.CommandLine.IModelTransformer;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code marquee trigger}: the retraining trigger job in a local Flink mini-cluster. Its options are generated from
 * {@link TriggerJobOptions} and the scoring job's options it shares ({@link TriggerJobOptions#SHARED}), with
 * the {@code kafka.property.<name>} family.
 */
@Command(name = "trigger", mixinStandardHelpOptions = true, modelTransformer = TriggerCommand.Options.class,
        header = "run the retraining trigger job (drift-metrics -> retrain-requests) locally",
        description = {"The policy: docs/RETRAINING.md. Settings, their defaults and what they do:"
                + " docs/CONFIGURATION.md (\"Retraining trigger\")."})
public final class TriggerCommand extends SettingsCommand<TriggerSettings> {
    static final List<OptionRow> ROWS = optionRows();

    public TriggerCommand() {}

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
    TriggerSettings settingsFrom(Map<String, String> given) {
        return TriggerSettings.from(given);
    }

    @Override
    void run(TriggerSettings settings) throws Exception {
        RetrainTriggerJob.run(settings);
    }

    /** The shared options (documented with the scoring job's defaults), the trigger's own, the Kafka properties. */
    private static List<OptionRow> optionRows() {
        Set<String> own = OptionSection.keys(TriggerJobOptions.SECTIONS);
        List<OptionRow> scoring = SettingOptions.rows(ScoringJobOptions.SECTIONS);
        List<OptionRow> rows = new ArrayList<>();
        for (ConfigOption<?> shared : TriggerJobOptions.SHARED) {
            if (own.contains(shared.key())) continue; // the trigger's own default
            rows.add(scoring.stream().filter(r -> shared.key().equals(r.key())).findFirst()
                    .orElseGet(() -> OptionRow.of(shared)));
        }
        rows.addAll(SettingOptions.rows(TriggerJobOptions.SECTIONS));
        rows.add(ScoringJobOptions.KAFKA_PROPERTIES);
        return rows;
    }
}

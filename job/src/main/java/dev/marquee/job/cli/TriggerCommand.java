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
import org.apache.flink.configuration.ConfigOptions;
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
    /** Shared keys whose scoring-job text says nothing true of the trigger: the same key and default, its own words. */
    private static final Map<String, OptionRow> IN_TRIGGER_WORDS = Map.of(
            ScoringJobOptions.TOPIC_MODEL_UPDATES.key(), OptionRow.of(ConfigOptions.key(
                    ScoringJobOptions.TOPIC_MODEL_UPDATES.key()).stringType()
                    .defaultValue(ScoringJobOptions.TOPIC_MODEL_UPDATES.defaultValue())
                    .withDescription("new model versions: a newer one answers the request in flight and starts the"
                            + " counts again; a watch or a candidate in shadow holds requests back")),
            ScoringJobOptions.CHECKPOINT_INTERVAL_MS.key(), OptionRow.of(ConfigOptions.key(
                    ScoringJobOptions.CHECKPOINT_INTERVAL_MS.key()).longType()
                    .defaultValue(ScoringJobOptions.CHECKPOINT_INTERVAL_MS.defaultValue())
                    .withDescription("checkpoint interval: the counts and the request in flight survive a restart from"
                            + " the last one; exactly-once: retrain requests become visible at each checkpoint"),
                    "`" + ScoringJobOptions.CHECKPOINT_INTERVAL_MS.defaultValue() + "` (1 min) at-least-once, `"
                            + ScoringJobOptions.EXACTLY_ONCE_CHECKPOINT_INTERVAL_MS + "` exactly-once"));
    private static final OptionRow KAFKA_PROPERTIES = OptionRow.family(ScoringJobOptions.KAFKA_PROPERTY_PREFIX, "<name>",
            "string", "none", "any Kafka client property, passed to the trigger's sources and its sink, e.g."
                    + " `kafka.property.security.protocol=SASL_SSL`; values of secret keys (passwords, JAAS configurations, tokens)"
                    + " are masked wherever settings are logged");

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
            OptionRow worded = IN_TRIGGER_WORDS.get(shared.key());
            rows.add(worded != null ? worded : scoring.stream().filter(r -> shared.key().equals(r.key())).findFirst()
                    .orElseGet(() -> OptionRow.of(shared)));
        }
        rows.addAll(SettingOptions.rows(TriggerJobOptions.SECTIONS));
        rows.add(KAFKA_PROPERTIES);
        return rows;
    }
}

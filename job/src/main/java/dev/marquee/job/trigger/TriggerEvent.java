package dev.marquee.job.trigger;

import dev.marquee.data.event.DriftReport;
import dev.marquee.data.event.ModelUpdate;
import dev.marquee.data.event.RetrainOutcome;

/** One input of the trigger: exactly one of the three fields is set. A Flink POJO, so the union needs no Kryo. */
public class TriggerEvent {
    public DriftReport report;
    public RetrainOutcome outcome;
    public ModelUpdate update;

    public TriggerEvent() {}

    public static TriggerEvent of(DriftReport report) {
        TriggerEvent e = new TriggerEvent();
        e.report = report;
        return e;
    }

    public static TriggerEvent of(RetrainOutcome outcome) {
        TriggerEvent e = new TriggerEvent();
        e.outcome = outcome;
        return e;
    }

    public static TriggerEvent of(ModelUpdate update) {
        TriggerEvent e = new TriggerEvent();
        e.update = update;
        return e;
    }

    @Override
    public String toString() {
        return report != null ? report.toString() : outcome != null ? outcome.toString() : "ModelUpdate{v" + (update == null ? "?" : update.version) + "}";
    }
}

package dev.marquee.job.label;

import dev.marquee.data.event.LabeledPrediction;
import org.apache.flink.api.common.functions.MapFunction;

/** A label join as the {@code labeled-predictions} record the trainer's promoter reads. */
public final class ToLabeledPrediction implements MapFunction<LabelJoin, LabeledPrediction> {
    private static final long serialVersionUID = 1L;
    private final String modelName;

    public ToLabeledPrediction(String modelName) {
        this.modelName = modelName;
    }

    @Override
    public LabeledPrediction map(LabelJoin j) {
        LabeledPrediction p = new LabeledPrediction();
        p.modelName = modelName;
        p.userId = j.userId;
        p.movieTitle = j.movieTitle;
        p.requestId = j.requestId;
        p.timestamp = j.timestamp;
        p.label = j.label;
        p.modelVersion = j.modelVersion;
        p.modelRating = j.model;
        p.servedRating = j.served;
        p.shadowVersion = j.shadowVersion;
        p.shadowRating = j.shadowModel;
        p.joinedAtMs = System.currentTimeMillis();
        return p;
    }
}

package dev.marquee.data.event;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A request to train a new model version. Topic {@code retrain-requests}. */
public class RetrainRequest {
    /** Rule codes in {@link #triggers}. */
    public static final String TRIGGER_DRIFT = "DRIFT";
    public static final String TRIGGER_RMSE = "RMSE";
    public static final String TRIGGER_SCHEDULE = "SCHEDULE";

    /** Deterministic from what triggered it, so a replay after a failover repeats the same id. */
    public String requestId;
    public String reason;
    public List<Alert> alerts = new ArrayList<>();
    public long requestedAtMs;
    /** The model the request is for. */
    public String modelName;
    /** The version serving when the request was made; -1 when not known. */
    public long modelVersion = -1;
    /** Which rules fired: {@link #TRIGGER_DRIFT}, {@link #TRIGGER_RMSE}, {@link #TRIGGER_SCHEDULE}. */
    public List<String> triggers = new ArrayList<>();
    /** The triggering drift report's metrics (empty for a scheduled request). */
    public Map<String, Double> metrics = new LinkedHashMap<>();

    public RetrainRequest() {}

    public RetrainRequest(String requestId, String reason, long requestedAtMs) {
        this.requestId = requestId;
        this.reason = reason;
        this.requestedAtMs = requestedAtMs;
    }

    @Override
    public String toString() {
        return "RetrainRequest{" + requestId + " " + triggers + " v" + modelVersion + ": " + reason + "}";
    }
}

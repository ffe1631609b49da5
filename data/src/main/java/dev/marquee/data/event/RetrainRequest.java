package dev.marquee.data.event;

import java.util.ArrayList;
import java.util.List;

/** A request to train a new model version. Topic {@code retrain-requests}. */
public class RetrainRequest {
    public String requestId;
    public String reason;
    public List<Alert> alerts = new ArrayList<>();
    public long requestedAtMs;

    public RetrainRequest() {}

    public RetrainRequest(String requestId, String reason, long requestedAtMs) {
        this.requestId = requestId;
        this.reason = reason;
        this.requestedAtMs = requestedAtMs;
    }
}

package dev.marquee.data.event;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One window's drift report. Topic {@code drift-metrics}. */
public class DriftReport {
    public long windowStartMs;
    public long windowEndMs;
    public long modelVersion;
    public long validCount;
    /** Invalid records in the window by error code. */
    public Map<String, Long> invalidByCode = new LinkedHashMap<>();
    /** Unexpected field name to how many records carried it. */
    public Map<String, Long> unexpectedFields = new LinkedHashMap<>();
    /** Known field name to how many records had it with the wrong type. */
    public Map<String, Long> typeChanges = new LinkedHashMap<>();
    /** Per feature: user_id, movie_title, timestamp, prediction. */
    public Map<String, FeatureDrift> features = new LinkedHashMap<>();
    public double latencyP50Ms;
    public double latencyP95Ms;
    public double latencyP99Ms;
    public double throughputPerSecond;
    /** Online accuracy where labels arrived in the window; NaN-free: null when no label arrived. */
    public Double onlineRmse;
    public Double onlineMae;
    public long labelCount;
    public List<Alert> alerts = new ArrayList<>();
    public boolean drifted;

    public DriftReport() {}
}

package dev.marquee.data.dashboard;

import dev.marquee.data.event.Alert;
import dev.marquee.data.event.DriftReport;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Realistic-looking drift reports for the dashboard's screenshot: 10-second windows of steady traffic in which a
 * retrained version 2 takes over from version 1; later new users arrive (user id out-of-vocabulary rate and
 * divergence rise, predictions shift) and the alerts fire after two windows over threshold, still active at the end.
 */
final class DriftEpisode {
    static final Map<String, Double> THRESHOLDS = new LinkedHashMap<>();

    static {
        THRESHOLDS.put("user_id.oov_rate", 0.10);
        THRESHOLDS.put("user_id.top5_share", 0.72);
        THRESHOLDS.put("prediction.mean_shift", 0.13);
        THRESHOLDS.put("movie_title.oov_rate", 0.10);
        THRESHOLDS.put("movie_title.js", 0.10);
        THRESHOLDS.put("timestamp.slice_gap_rate", 0.05);
        THRESHOLDS.put("prediction.psi", 0.25);
        THRESHOLDS.put("prediction.js", 0.10);
        THRESHOLDS.put("schema.invalid_rate", 0.05);
        THRESHOLDS.put("latency.p99_ms", 1_000.0);
    }

    private DriftEpisode() {}

    static List<DriftReport> reports(int windows, long firstWindowStartMs, long seed) {
        Random rnd = new Random(seed);
        int retrainAt = windows / 4, driftFrom = windows * 2 / 3;
        Map<String, Integer> streaks = new HashMap<>();
        List<DriftReport> out = new ArrayList<>();
        dev.marquee.data.drift.EpisodeTracker episodes = new dev.marquee.data.drift.EpisodeTracker();
        for (int w = 0; w < windows; w++) {
            DriftReport r = new DriftReport();
            r.sequence = w;
            r.windowStartMs = firstWindowStartMs + w * 10_000L;
            r.windowEndMs = r.windowStartMs + 10_000L;
            r.modelVersion = w < retrainAt ? 1 : 2;
            r.records = 9_500 + rnd.nextInt(1_000);
            r.invalidCount = (long) (r.records * (0.003 + rnd.nextDouble() * 0.004)) + (w == 12 ? 420 : 0);
            r.validCount = r.records - r.invalidCount;
            r.scoredCount = r.validCount;
            r.modelVersions.put(String.valueOf(r.modelVersion), r.scoredCount);
            // How far the traffic has moved away from the training data: ramps up, then the retrain absorbs it.
            double shift = w < driftFrom ? 0 : Math.min(1, (w - driftFrom + 1) / 4.0);
            Map<String, Double> m = r.metrics;
            m.put("user_id.oov_rate", noisy(rnd, 0.018 + 0.21 * shift, 0.004));
            m.put("user_id.top5_share", noisy(rnd, 0.31 + 0.05 * shift, 0.05));
            m.put("prediction.mean_shift", noisy(rnd, 0.03 + 0.02 * shift, 0.01));
            m.put("movie_title.oov_rate", noisy(rnd, 0.006, 0.002));
            m.put("movie_title.js", noisy(rnd, 0.042 + 0.02 * shift, 0.006));
            m.put("timestamp.slice_gap_rate", noisy(rnd, 0.004, 0.002));
            m.put("prediction.psi", noisy(rnd, 0.05 + 0.32 * shift, 0.015));
            m.put("prediction.mean", noisy(rnd, (w < retrainAt ? 3.49 : 3.53) - 0.25 * shift, 0.02));
            m.put("schema.invalid_rate", (double) r.invalidCount / r.records);
            m.put("latency.p50_ms", noisy(rnd, 38, 4));
            m.put("latency.p99_ms", noisy(rnd, 210 + (w == 12 ? 500 : 0), 25));
            m.put("throughput.per_second", r.records / 10.0);
            m.put("labels.estimated_rmse", noisy(rnd, 0.96 + 0.05 * shift, 0.005));
            if (w >= 3) m.put("labels.rmse", noisy(rnd, (w < retrainAt ? 1.02 : 0.97) + 0.2 * shift, 0.03));
            r.thresholds.putAll(THRESHOLDS);
            for (Map.Entry<String, Double> t : THRESHOLDS.entrySet()) {
                Double v = m.get(t.getKey());
                int streak = v != null && v > t.getValue() ? streaks.getOrDefault(t.getKey(), 0) + 1 : 0;
                streaks.put(t.getKey(), streak);
                if (streak >= 2) r.alerts.add(new Alert(t.getKey(), v, t.getValue(), streak));
            }
            r.drifted = !r.alerts.isEmpty();
            r.calibration = "calibrated";
            episodes.apply(r, 2, List.of());
            out.add(r);
        }
        return out;
    }

    private static double noisy(Random rnd, double mean, double sd) {
        return Math.max(0, mean + rnd.nextGaussian() * sd);
    }
}

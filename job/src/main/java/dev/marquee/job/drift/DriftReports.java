package dev.marquee.job.drift;

import static dev.marquee.job.drift.DriftMetricNames.*;

import dev.marquee.data.event.DriftReport;
import java.util.Map;
import java.util.TreeMap;

/** Turns one window's merged counts into a report's numbers: the distances, rates and percentiles. */
public final class DriftReports {
    private final DriftSettings settings;
    private final LogBuckets latencyBuckets;
    private final LogBuckets lagBuckets;

    public DriftReports(DriftSettings settings, LogBuckets latencyBuckets, LogBuckets lagBuckets) {
        this.settings = settings;
        this.latencyBuckets = latencyBuckets;
        this.lagBuckets = lagBuckets;
    }

    /**
     * The report of a window: {@code parsed} holds the parse stage's counts, {@code scored} the predictions'
     * counts of the window's main model version and {@code ref} that version's reference (either may be null).
     */
    public DriftReport report(long startMs, long endMs, DriftCounts parsed, DriftCounts scored, ReferenceBuckets ref,
                              Map<Long, Long> scoredByVersion) {
        return report(startMs, endMs, parsed, scored, ref, scoredByVersion, Map.of());
    }

    /** As above, with the window's label counts per model version (online accuracy). */
    public DriftReport report(long startMs, long endMs, DriftCounts parsed, DriftCounts scored, ReferenceBuckets ref,
                              Map<Long, Long> scoredByVersion, Map<Long, DriftCounts> labelsByVersion) {
        DriftReport r = new DriftReport();
        r.windowStartMs = startMs;
        r.windowEndMs = endMs;
        scoredByVersion.forEach((v, n) -> r.modelVersions.put(Long.toString(v), n));
        r.modelVersion = scored == null ? -1 : scored.modelVersion;
        r.validCount = parsed.valid;
        r.invalidCount = parsed.invalid;
        r.records = parsed.records();
        r.scoredCount = scoredByVersion.values().stream().mapToLong(Long::longValue).sum();
        r.invalidByCode.putAll(new TreeMap<>(parsed.invalidByCode));
        r.unexpectedFields.putAll(new TreeMap<>(parsed.unexpectedFields));
        r.typeChanges.putAll(new TreeMap<>(parsed.typeChanges));
        if (parsed.missingRequestId > 0) r.missingOptionalFields.put("request_id", parsed.missingRequestId);

        Map<String, Double> m = r.metrics;
        if (scored != null && ref != null && scored.scored >= settings.minRecords) {
            distributions(m, scored, ref);
        }
        if (scored != null && scored.scored > 0) {
            putIfFinite(m, LATENCY_P50, latencyBuckets.quantile(scored.latency, 0.50));
            putIfFinite(m, LATENCY_P95, latencyBuckets.quantile(scored.latency, 0.95));
            putIfFinite(m, LATENCY_P99, latencyBuckets.quantile(scored.latency, 0.99));
        }
        if (parsed.records() > 0) {
            m.put(INVALID_RATE, (double) parsed.invalid / parsed.records());
            for (Map.Entry<String, Long> e : r.invalidByCode.entrySet()) {
                m.put(INVALID_RATE_CODE_PREFIX + e.getKey(), (double) e.getValue() / parsed.records());
            }
            m.put(TYPE_CHANGE_RATE, (double) parsed.typeChangeRecords / parsed.records());
        }
        if (parsed.valid > 0) {
            m.put(UNEXPECTED_FIELD_RATE, (double) parsed.withUnexpectedFields / parsed.valid);
            m.put(MISSING_OPTIONAL_RATE, (double) parsed.missingRequestId / parsed.valid);
        }
        if (endMs > startMs) m.put(THROUGHPUT, parsed.records() * 1000.0 / (endMs - startMs));
        labels(r, labelsByVersion);
        for (String metric : m.keySet()) {
            double t = settings.thresholdOf(metric);
            if (!Double.isNaN(t)) r.thresholds.put(metric, t);
        }
        return r;
    }

    private static void labels(DriftReport r, Map<Long, DriftCounts> byVersion) {
        long n = 0;
        double se = 0;
        double ae = 0;
        double modelSe = 0;
        for (Map.Entry<Long, DriftCounts> e : byVersion.entrySet()) {
            DriftCounts c = e.getValue();
            if (c.labels == 0) continue;
            n += c.labels;
            se += c.labelSquaredError;
            ae += c.labelAbsoluteError;
            modelSe += c.labelModelSquaredError;
            r.onlineRmseByVersion.put(Long.toString(e.getKey()), Math.sqrt(c.labelSquaredError / c.labels));
        }
        if (n == 0) return;
        r.metrics.put(LABELS_RMSE, Math.sqrt(se / n));
        r.metrics.put(LABELS_MAE, ae / n);
        r.metrics.put(LABELS_MODEL_RMSE, Math.sqrt(modelSe / n));
        r.metrics.put(LABELS_COUNT, (double) n);
    }

    private void distributions(Map<String, Double> m, DriftCounts c, ReferenceBuckets ref) {
        double n = c.scored;
        double[] users = Distances.shares(c.userBuckets);
        m.put(USER_OOV, c.userOov / n);
        m.put(USER_LINF, Distances.linf(users, ref.userExpected));
        m.put(USER_JS, Distances.jensenShannon(users, ref.userExpected));
        double[] titles = Distances.shares(c.titleBuckets);
        m.put(TITLE_OOV, c.titleOov / n);
        m.put(TITLE_LINF, Distances.linf(titles, ref.titleExpected));
        m.put(TITLE_JS, Distances.jensenShannon(titles, ref.titleExpected));
        double[] hours = Distances.shares(c.hours);
        m.put(HOUR_JS, Distances.jensenShannon(hours, ref.hourExpected));
        m.put(HOUR_PSI, Distances.psi(hours, ref.hourExpected));
        double[] days = Distances.shares(c.days);
        m.put(DAY_JS, Distances.jensenShannon(days, ref.dayExpected));
        m.put(DAY_PSI, Distances.psi(days, ref.dayExpected));
        m.put(FUTURE_RATE, c.future / n);
        putIfFinite(m, LAG_P50, lagBuckets.quantile(c.lag, 0.50));
        putIfFinite(m, LAG_P95, lagBuckets.quantile(c.lag, 0.95));
        putIfFinite(m, LAG_P99, lagBuckets.quantile(c.lag, 0.99));
        if (ref.predictionExpected != null) {
            double[] predictions = Distances.shares(c.predictionSlots);
            m.put(PREDICTION_PSI, Distances.psi(predictions, ref.predictionExpected));
            m.put(PREDICTION_JS, Distances.jensenShannon(predictions, ref.predictionExpected));
        }
        m.put(PREDICTION_MEAN, c.predictionSum / n);
    }

    private static void putIfFinite(Map<String, Double> m, String metric, double v) {
        if (Double.isFinite(v)) m.put(metric, v);
    }
}

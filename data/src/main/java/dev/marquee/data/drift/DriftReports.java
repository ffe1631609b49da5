package dev.marquee.data.drift;

import static dev.marquee.data.drift.DriftMetricNames.*;

import dev.marquee.data.event.DriftReport;
import dev.marquee.data.event.Episode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Turns one window's merged counts into a report's numbers: the distances, rates, percentiles and thresholds. */
public final class DriftReports {
    /** Where a threshold came from ({@code threshold_sources}); also the report's {@code calibration} when calibrated. */
    static final String FROM_CALIBRATION = "calibrated";
    static final String FROM_SETTING = "setting";
    static final String FROM_DEFAULT = "default";
    static final int TITLES_GROWN = 5;

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
     * counts of the window's main model version and {@code ref} that version's reference (either may be null);
     * {@code rolling} is the stream's last 28 days of event time, which this window's event hours join.
     */
    public DriftReport report(long startMs, long endMs, DriftCounts parsed, DriftCounts scored, ReferenceBuckets ref,
                              Map<Long, Long> scoredByVersion, RollingEventHours rolling) {
        return report(startMs, endMs, parsed, scored, ref, scoredByVersion, Map.of(), rolling);
    }

    /** As above, with the window's label counts per model version (online accuracy). */
    public DriftReport report(long startMs, long endMs, DriftCounts parsed, DriftCounts scored, ReferenceBuckets ref,
                              Map<Long, Long> scoredByVersion, Map<Long, DriftCounts> labelsByVersion,
                              RollingEventHours rolling) {
        DriftReport r = new DriftReport();
        r.windowStartMs = startMs;
        r.windowEndMs = endMs;
        scoredByVersion.forEach((v, n) -> r.modelVersions.put(Long.toString(v), n));
        r.modelVersion = scored == null ? -1 : scored.modelVersion;
        r.validCount = parsed.validOutcomes();
        r.invalidCount = parsed.invalid;
        r.records = parsed.records();
        r.scoredCount = scoredByVersion.values().stream().mapToLong(Long::longValue).sum();
        r.invalidByCode.putAll(new TreeMap<>(parsed.invalidByCode));
        r.unexpectedFields.putAll(new TreeMap<>(parsed.unexpectedFields));
        r.typeChanges.putAll(new TreeMap<>(parsed.typeChanges));
        if (parsed.missingRequestId > 0) r.missingOptionalFields.put("request_id", parsed.missingRequestId);

        Map<String, Double> m = r.metrics;
        if (scored != null && scored.scored > 0 && (ref == null || scored.scored < settings.minRecords)) {
            // too few to compare on its own, but the 28 days' seasonal span counts every window's rows: left out,
            // quiet hours and days would look missing against the reference; too few to place the span, though
            rolling.addWithinSpan(scored.eventHours);
        }
        if (scored != null && scored.scored > 0 && scored.scored < settings.minRecords) {
            // said, not left silent: at low traffic no window may ever reach it, and no distribution is compared
            String why = "window had " + scored.scored + (scored.scored == 1 ? " scored request" : " scored requests")
                    + ", under drift.min-records (" + settings.minRecords + ")";
            for (String metric : CALIBRATED) r.unavailable.put(metric, why);
            for (String metric : List.of(PREDICTION_MEAN, FUTURE_RATE, LAG_P50, LAG_P95, LAG_P99)) r.unavailable.put(metric, why);
        }
        if (scored != null && ref != null && scored.scored >= settings.minRecords) {
            WindowMetrics.put(m, scored, ref, rolling);
            unavailable(r, scored, ref);
            tooSmallForTheCalibration(r, scored, ref);
            m.put(FUTURE_RATE, scored.future / (double) scored.scored);
            putIfFinite(m, LAG_P50, lagBuckets.quantile(scored.lag, 0.50));
            putIfFinite(m, LAG_P95, lagBuckets.quantile(scored.lag, 0.95));
            putIfFinite(m, LAG_P99, lagBuckets.quantile(scored.lag, 0.99));
        }
        if (scored != null && scored.scored > 0) {
            putIfFinite(m, LATENCY_P50, latencyBuckets.quantile(scored.latency, 0.50));
            putIfFinite(m, LATENCY_P95, latencyBuckets.quantile(scored.latency, 0.95));
            putIfFinite(m, LATENCY_P99, latencyBuckets.quantile(scored.latency, 0.99));
            if (scored.estimated > 0) {
                m.put(LABELS_ESTIMATED_RMSE, Math.sqrt(scored.estimatedSquaredError / scored.estimated));
            } else if (ref != null) {
                r.unavailable.put(LABELS_ESTIMATED_RMSE, ref.errorModel == null && ref.noErrorModelReason != null
                        ? ref.noErrorModelReason : "no prediction was estimated");
            }
        } else {
            r.unavailable.put(LABELS_ESTIMATED_RMSE, "nothing was scored in the window");
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
        thresholds(r, ref, scored);
        return r;
    }

    /** The metrics a version without a reference profile, or without vocabularies, cannot give, and why. */
    /**
     * A window smaller than the calibration's smallest (drift.min-records lowered below it) would be judged by that
     * size's thresholds, too tight for it: most ordinary windows would alert. Its calibrated metrics are left out,
     * unless a threshold was set for them by hand.
     */
    private void tooSmallForTheCalibration(DriftReport r, DriftCounts scored, ReferenceBuckets ref) {
        DriftCalibration c = ref.calibration;
        if (c == null) return;
        for (String metric : CALIBRATED) {
            // the seasonal ones are over the rolling 28 days, not the window: its size does not make them noisier
            if (metric.equals(HOUR_JS) || metric.equals(DAY_JS)) continue;
            long n = measuredOn(metric, scored);
            if (n >= c.windowSizes()[0]) continue;
            if (settings.explicitThresholds.containsKey(metric) || r.metrics.remove(metric) == null) continue;
            r.unavailable.put(metric, n == scored.scored
                    ? "window of " + n + " scored requests, under the " + c.windowSizes()[0]
                            + " of the version's smallest calibrated window: its thresholds would be too tight"
                    : "measured on " + n + " of the window's " + scored.scored + " scored requests (the others were"
                            + " counted without the version's profile), under the " + c.windowSizes()[0]
                            + " of its smallest calibrated window: its thresholds would be too tight");
        }
    }

    /**
     * How many of the window's requests a metric was measured on: all that were scored, but for what a subtask without
     * the version's profile could not count (its rows are left out of them, DriftCounts.add): the titles' bucketed
     * counts, and the rows with a baseline for the mean shift (the predictions' slots need no profile, and a
     * placeholder counts them alike). A threshold is for that many rows, or a noisier half window would be judged by
     * a whole one's.
     */
    static long measuredOn(String metric, DriftCounts c) {
        if (c == null) return 0;
        return switch (metric) {
            case TITLE_JS, TITLE_LINF -> java.util.Arrays.stream(c.titleBuckets).sum();
            case PREDICTION_JS, PREDICTION_PSI -> java.util.Arrays.stream(c.predictionSlots).sum();
            case PREDICTION_MEAN_SHIFT -> c.baselined;
            default -> c.scored;
        };
    }

    /** How an {@code unavailable} reason starts when the scoring subtasks counted without the version's profile. */
    public static final String PROFILE_NOT_READ_ON_SUBTASKS = "the scoring subtasks could not read the version's profile";

    private static void unavailable(DriftReport r, DriftCounts scored, ReferenceBuckets ref) {
        if (!ref.hasProfile) {
            for (String metric : NEED_REFERENCE) r.unavailable.put(metric, ref.noProfileReason);
        }
        if (ref.hasProfile && ref.baseline == null) {
            // the shift is measured against the reference ratings' bias model, which comes with the calibration
            r.unavailable.put(PREDICTION_MEAN_SHIFT, "version " + scored.modelVersion + " has no rating baseline ("
                    + (ref.uncalibratedReason == null ? "no calibration" : ref.uncalibratedReason) + ")");
        }
        if (ref.hasProfile && scored.titleBuckets.length != ref.titleBuckets()) {
            // no subtask that scored this version's requests had its profile (a read error there, retried within a
            // minute): the titles were counted against a placeholder, and their distances cannot be measured
            String why = PROFILE_NOT_READ_ON_SUBTASKS + " (version " + scored.modelVersion + "): the titles were counted"
                    + " without it, and are measured again once it is read";
            r.unavailable.putIfAbsent(TITLE_LINF, why);
            r.unavailable.putIfAbsent(TITLE_JS, why);
            if (ref.baseline != null && scored.baselined == 0) r.unavailable.putIfAbsent(PREDICTION_MEAN_SHIFT, why);
        }
        if (scored.oovUnknown > 0) {
            String why = "version " + scored.modelVersion + " has no vocabularies (imported without training data): "
                    + "its predictions' out-of-vocabulary flags are unknown";
            r.unavailable.put(USER_OOV, why);
            r.unavailable.put(TITLE_OOV, why);
        }
    }

    /**
     * Each metric's threshold: an explicit setting first, then the version's calibration for a window of this
     * many scored requests, then the default (also for a metric the calibration could not measure, e.g. the seasonal
     * ones on a reference shorter than their 28 days: reported without a threshold, it could never alert).
     */
    private void thresholds(DriftReport r, ReferenceBuckets ref, DriftCounts scored) {
        DriftCalibration calibration = ref == null ? null : ref.calibration;
        if (ref != null) r.calibration = calibration != null ? FROM_CALIBRATION : "uncalibrated: " + ref.uncalibratedReason;
        for (String metric : r.metrics.keySet()) {
            Double explicit = settings.explicitThresholds.get(metric);
            double t;
            String source;
            if (explicit != null) {
                t = explicit;
                source = FROM_SETTING;
            } else if (calibration != null && DriftMetricNames.CALIBRATED.contains(metric)
                    && !Double.isNaN(calibration.threshold(metric, measuredOn(metric, scored), settings.alertWindows))) {
                t = calibration.threshold(metric, measuredOn(metric, scored), settings.alertWindows);
                source = FROM_CALIBRATION;
            } else {
                t = settings.thresholdOf(metric);
                source = FROM_DEFAULT;
            }
            if (!Double.isNaN(t)) {
                r.thresholds.put(metric, t);
                r.thresholdSources.put(metric, source);
            }
        }
    }

    /** The titles whose share of the window grew most against their reference share, largest growth first. */
    public static List<Episode.CategoryShift> titlesGrown(DriftCounts scored, ReferenceBuckets ref) {
        List<Episode.CategoryShift> out = new ArrayList<>();
        if (scored == null || ref == null || !ref.hasProfile || scored.scored == 0) return out;
        for (Map.Entry<String, Long> e : scored.titleCounts.entrySet()) {
            double share = (double) e.getValue() / scored.scored;
            double reference = ref.titleShare(e.getKey());
            if (share > reference) out.add(new Episode.CategoryShift(e.getKey(), share, reference));
        }
        out.sort(Comparator.comparingDouble((Episode.CategoryShift c) -> c.share - c.referenceShare).reversed()
                .thenComparing(c -> c.value));
        List<Episode.CategoryShift> top = out.size() > TITLES_GROWN ? new ArrayList<>(out.subList(0, TITLES_GROWN)) : out;
        for (Episode.CategoryShift c : top) c.value = clipTitle(c.value);
        return top;
    }

    /** Titles in a report are for people: clipped, so raised title limits cannot make a report Kafka refuses. */
    static final int MAX_REPORTED_TITLE_CHARS = 256;

    static String clipTitle(String title) {
        if (title.length() <= MAX_REPORTED_TITLE_CHARS) return title;
        int cut = MAX_REPORTED_TITLE_CHARS;
        if (Character.isHighSurrogate(title.charAt(cut - 1))) cut--;
        return title.substring(0, cut) + "...";
    }

    private static void labels(DriftReport r, Map<Long, DriftCounts> byVersion) {
        long n = 0;
        double se = 0;
        double ae = 0;
        for (Map.Entry<Long, DriftCounts> e : byVersion.entrySet()) {
            DriftCounts c = e.getValue();
            if (c.labels == 0) continue;
            n += c.labels;
            se += c.labelSquaredError;
            ae += c.labelAbsoluteError;
            r.onlineRmseByVersion.put(Long.toString(e.getKey()), Math.sqrt(c.labelSquaredError / c.labels));
        }
        // The model's own error, of the version the report is about only: after a swap, labels of the version swapped
        // out keep arriving for up to the join's TTL, and judged as the new version's they would ask for its retrain
        DriftCounts own = byVersion.get(r.modelVersion >= 0 ? r.modelVersion : onlyLabelledVersion(byVersion));
        long modelN = own == null ? 0 : own.labels;
        double modelSe = own == null ? 0 : own.labelModelSquaredError;
        long shadowVersion = 0;
        long shadowN = 0;
        double shadowSe = 0;
        double pairedSe = 0;
        for (DriftCounts c : byVersion.values()) shadowVersion = Math.max(shadowVersion, c.shadowVersion);
        for (DriftCounts c : byVersion.values()) {
            if (c.shadowVersion != shadowVersion || c.shadowLabels == 0) continue;
            shadowN += c.shadowLabels;
            shadowSe += c.shadowSquaredError;
            pairedSe += c.shadowPairedModelSquaredError;
        }
        if (shadowN > 0) {
            r.shadowVersion = shadowVersion;
            r.metrics.put(LABELS_SHADOW_RMSE, Math.sqrt(shadowSe / shadowN));
            r.metrics.put(LABELS_SHADOW_SERVING_RMSE, Math.sqrt(pairedSe / shadowN));
            r.metrics.put(LABELS_SHADOW_COUNT, (double) shadowN);
        }
        long unmatched = 0;
        long unlabelled = 0;
        for (DriftCounts c : byVersion.values()) {
            unmatched += c.unmatchedLabels;
            unlabelled += c.unlabelledPredictions;
        }
        if (n > 0 || unmatched > 0 || unlabelled > 0) {
            r.metrics.put(LABELS_UNMATCHED_COUNT, (double) unmatched);
            r.metrics.put(LABELS_UNLABELLED_COUNT, (double) unlabelled);
        }
        if (n == 0) return;
        r.metrics.put(LABELS_RMSE, Math.sqrt(se / n));
        r.metrics.put(LABELS_MAE, ae / n);
        if (modelN > 0) r.metrics.put(LABELS_MODEL_RMSE, Math.sqrt(modelSe / modelN));
        r.metrics.put(LABELS_MODEL_COUNT, (double) modelN);
        r.metrics.put(LABELS_COUNT, (double) n);
    }

    /**
     * In a window that scored nothing (a pause in requests, a late-labels replay), the version whose labels it holds
     * when they are all one version's, else -1.
     */
    private static long onlyLabelledVersion(Map<Long, DriftCounts> byVersion) {
        long only = -1;
        for (Map.Entry<Long, DriftCounts> e : byVersion.entrySet()) {
            if (e.getKey() <= 0 || e.getValue().labels == 0) continue;
            if (only > 0 && only != e.getKey()) return -1;
            only = e.getKey();
        }
        return only;
    }

    private static void putIfFinite(Map<String, Double> m, String metric, double v) {
        if (Double.isFinite(v)) m.put(metric, v);
    }
}

package dev.marquee.data.drift;

import dev.marquee.data.event.DeadLetter;
import dev.marquee.data.event.ErrorCode;
import dev.marquee.data.event.Prediction;
import dev.marquee.data.event.RatingRequest;
import dev.marquee.data.profile.EventHours;
import dev.marquee.data.profile.Histogram;
import dev.marquee.data.profile.TimestampProfile;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What drift detection counted over some records: a mergeable summary whose size depends on the settings
 * (top-K, buckets, tracked field names), never on how many distinct ids went through. Partial counts flow
 * from the parse and score stages to the window operator, which merges them.
 *
 * <p>Counts from the parse stage carry {@code modelVersion = -1}; counts of scored predictions carry the
 * version that scored them, because their buckets are that version's reference buckets.
 */
public class DriftCounts {
    /** Name under which field names beyond the tracked limit are counted. */
    public static final String OTHER_FIELDS = "(other)";
    /** Name under which a type change with no field name (should not happen) is counted. */
    public static final String UNKNOWN_FIELD = "(unknown)";
    /** User ids are counted by hash into this many buckets, for concentration (a few ids taking over). */
    public static final int USER_HASH_BUCKETS = 1024;
    /** Distinct event hours one summary keeps (the rest only counted in {@link #eventHoursOverflow}). */
    public static final int MAX_EVENT_HOURS = 4096;
    /** Distinct titles one summary keeps for "what moved" (the rest only in {@link #titleCountsOverflow}). */
    public static final int MAX_TITLE_COUNTS = 2048;

    public long modelVersion = -1;
    public long valid;
    public long invalid;
    /**
     * Dead letters of requests refused after validation, by the serving model ({@link ErrorCode#afterValidation}):
     * counted in {@link #valid} by the parse stage and in {@link #invalid} by their dead letter, so
     * {@link #records()} counts them once.
     */
    public long modelRefused;    public long scored;
    public long withUnexpectedFields;
    public long missingRequestId;
    public long typeChangeRecords;
    public Map<String, Long> invalidByCode = new HashMap<>();
    public Map<String, Long> unexpectedFields = new HashMap<>();
    public Map<String, Long> typeChanges = new HashMap<>();
    public long[] userBuckets = new long[0];
    public long[] titleBuckets = new long[0];
    public long userOov;
    public long titleOov;
    /** Predictions without out-of-vocabulary flags (a version with no vocabularies): not in the OOV counts. */
    public long oovUnknown;
    public long[] hours = new long[TimestampProfile.HOURS];
    public long[] days = new long[TimestampProfile.DAYS];
    public long future;
    public long[] predictionSlots = new long[0];
    public double predictionSum;
    public long[] latency = new long[0];
    /** Labels matched with the prediction served for them, and the errors of the served and the model's rating. */
    public long labels;
    public double labelSquaredError;
    public double labelAbsoluteError;
    public double labelModelSquaredError;
    /** The version scored in shadow for the labels below (the newest seen), 0 when none. */
    public long shadowVersion;
    /** Labels whose prediction also had a shadow rating, the shadow's squared error, and the serving model's on the same labels. */
    public long shadowLabels;
    public double shadowSquaredError;
    public double shadowPairedModelSquaredError;
    /** Labels and predictions that expired in the label join without a partner. */
    public long unmatchedLabels;
    public long unlabelledPredictions;
    public long[] lag = new long[0];
    /** Scored requests by hash of the user id ({@link #USER_HASH_BUCKETS} buckets). */
    public long[] userHashes = new long[0];
    /** Scored requests by absolute event hour (timestamp / 3600), bounded. */
    public Map<Long, Long> eventHours = new HashMap<>();
    public long eventHoursOverflow;
    /**
     * Scored requests by how their title matched the version's catalog ({@link Prediction#titleMatch}: exact,
     * canonical, alias, fuzzy, none); predictions of a version without vocabularies are not counted. At most five keys.
     */
    public Map<String, Long> titleMatches = new HashMap<>();
    /** Scored requests by title (the catalog's spelling when it matched one, else as sent), bounded: which titles grew in a drift episode. */
    public Map<String, Long> titleCounts = new HashMap<>();
    public long titleCountsOverflow;
    /** Sum of the error model's expected squared error over {@link #estimated} predictions. */
    public double estimatedSquaredError;
    public long estimated;
    /** Sum of (prediction - the reference's user + title bias baseline) over {@link #baselined} predictions. */
    public double residualSum;
    public long baselined;

    public DriftCounts() {}

    /** Empty counts for predictions of one model version, sized to its reference buckets. */
    public static DriftCounts forVersion(ReferenceBuckets ref, LogBuckets latencyBuckets, LogBuckets lagBuckets) {
        DriftCounts c = new DriftCounts();
        c.modelVersion = ref.version;
        c.userBuckets = new long[ref.userBuckets()];
        c.titleBuckets = new long[ref.titleBuckets()];
        c.predictionSlots = new long[ref.predictionSlots()];
        c.latency = new long[latencyBuckets.size()];
        c.lag = new long[lagBuckets.size()];
        c.userHashes = new long[USER_HASH_BUCKETS];
        return c;
    }

    /** Records seen: valid plus invalid, each once. */
    public long records() {
        return validOutcomes() + invalid;
    }

    /**
     * Valid requests whose outcome is not a dead letter. Never negative: a refusal counted in a later window than
     * its request leaves that window's valid count at zero rather than below.
     */
    public long validOutcomes() {
        return Math.max(0, valid - modelRefused);
    }

    public boolean isEmpty() {
        return valid == 0 && invalid == 0 && scored == 0 && labels == 0 && shadowLabels == 0 && !hasUnmatched();
    }

    /** Whether it counts labels or predictions the label join expired unmatched. */
    public boolean hasUnmatched() {
        return unmatchedLabels > 0 || unlabelledPredictions > 0;
    }

    public void countValid(RatingRequest r, int maxTrackedFields) {
        valid++;
        if (!r.requestIdGiven) missingRequestId++;
        String[] extras = r.extraFields;
        if (extras != null && extras.length > 0) {
            withUnexpectedFields++;
            for (String name : extras) increment(unexpectedFields, name, maxTrackedFields, 1);
        }
    }

    public void countInvalid(DeadLetter d) {
        invalid++;
        if (d.errorCode != null && d.errorCode.afterValidation()) modelRefused++;
        String code = d.errorCode == null ? ErrorCode.INTERNAL_ERROR.name() : d.errorCode.name();
        invalidByCode.merge(code, 1L, Long::sum); // bounded: one key per error code
        if (d.errorCode == ErrorCode.WRONG_TYPE) {
            typeChangeRecords++;
            typeChanges.merge(d.field == null ? UNKNOWN_FIELD : d.field, 1L, Long::sum); // contract fields only
        }
    }

    /** Counts one prediction of {@code ref}'s version; {@code nowMs} is the processing time. */
    public void countPrediction(Prediction p, ReferenceBuckets ref, LogBuckets latencyBuckets, LogBuckets lagBuckets,
                                long nowMs, long futureToleranceMs) {
        countPredictions(List.of(p), 0, 1, ref, latencyBuckets, lagBuckets, nowMs, futureToleranceMs);
    }

    /**
     * Counts {@code batch[from, to)}, all of {@code ref}'s version, exactly as {@link #countPrediction} one by one
     * would. Per-record map updates whose key repeats from record to record (the title match, the event hour) are
     * added once per run of equal keys: a run is admitted to a bounded map, or overflows, as a whole either way,
     * since nothing else changes that map in between.
     */
    public void countPredictions(List<Prediction> batch, int from, int to, ReferenceBuckets ref,
                                 LogBuckets latencyBuckets, LogBuckets lagBuckets, long nowMs, long futureToleranceMs) {
        String matchRun = null;
        long matchRunLength = 0;
        long hourRun = 0;
        long hourRunLength = 0;
        long lastLagEventMs = Long.MIN_VALUE;
        int lagBucket = 0;
        long lastLatencyMs = Long.MIN_VALUE;
        int latencyBucket = 0;
        for (int i = from; i < to; i++) {
            Prediction p = batch.get(i);
            double rating = p.output3 != null && p.output3.length > 0 ? p.output3[0] : p.predictedRating;
            if (p.oovUserId == null || p.oovMovieTitle == null) oovUnknown++;
            if (p.titleMatch != null) {
                if (!p.titleMatch.equals(matchRun)) {
                    if (matchRunLength > 0) titleMatches.merge(matchRun, matchRunLength, Long::sum);
                    matchRun = p.titleMatch;
                    matchRunLength = 0;
                }
                matchRunLength++;
            }
            countScoredExceptEventHour(p.userId, p.catalogTitle != null ? p.catalogTitle : p.movieTitle,
                    Boolean.TRUE.equals(p.oovUserId), Boolean.TRUE.equals(p.oovMovieTitle), p.timestamp, rating, ref);
            long eventMs = p.timestamp * 1000;
            if (eventMs > nowMs + futureToleranceMs) {
                // Counted, but kept out of the event hours: the seasonal metrics' rolling span follows the newest
                // hour it sees, and a few rows stamped weeks ahead would move it past all the real traffic.
                future++;
            } else {
                long hour = EventHours.hourOf(p.timestamp);
                if (hourRunLength == 0 || hour != hourRun) {
                    if (hourRunLength > 0) countEventHour(hourRun, hourRunLength);
                    hourRun = hour;
                    hourRunLength = 0;
                }
                hourRunLength++;
            }
            if (eventMs != lastLagEventMs) { // the bucket is a logarithm: once per distinct event time in a run
                // in doubles: with a wide parser.min-timestamp, nowMs - eventMs can overflow a long
                lagBucket = lagBuckets.bucketOf(nowMs / 1000.0 - p.timestamp);
                lastLagEventMs = eventMs;
            }
            lag[lagBucket]++;
            if (p.source != null && p.source.hasTimestamp()) {
                long latencyMs = p.scoredAtMs - p.source.timestamp;
                if (latencyMs != lastLatencyMs) {
                    latencyBucket = latencyBuckets.bucketOf(latencyMs);
                    lastLatencyMs = latencyMs;
                }
                latency[latencyBucket]++;
            }
        }
        if (matchRunLength > 0) titleMatches.merge(matchRun, matchRunLength, Long::sum);
        if (hourRunLength > 0) countEventHour(hourRun, hourRunLength);
    }

    /**
     * Counts what a scored request says about the data and the model: the part of {@link #countPrediction}
     * that does not depend on when it was processed, shared with the calibration, which replays reference rows.
     */
    public void countScored(String userId, String title, boolean oovUser, boolean oovTitle, long timestamp,
                            double rating, ReferenceBuckets ref) {
        countScoredExceptEventHour(userId, title, oovUser, oovTitle, timestamp, rating, ref);
        countEventHour(EventHours.hourOf(timestamp), 1);
    }

    private void countScoredExceptEventHour(String userId, String title, boolean oovUser, boolean oovTitle,
                                            long timestamp, double rating, ReferenceBuckets ref) {
        scored++;
        ReferenceBuckets.Known u = userId == null ? null : ref.users.get(userId);
        userBuckets[u == null || u.bucket() < 0 ? userBuckets.length - 1 : u.bucket()]++;
        userHashes[userId == null ? 0 : userHashBucket(userId)]++;
        ReferenceBuckets.Known t = title == null ? null : ref.titles.get(title);
        titleBuckets[t == null || t.bucket() < 0 ? titleBuckets.length - 1 : t.bucket()]++;
        if (title != null && (titleCounts.size() < MAX_TITLE_COUNTS || titleCounts.containsKey(title))) {
            titleCounts.merge(title, 1L, Long::sum);
        } else {
            titleCountsOverflow++;
        }
        if (oovUser) userOov++;
        if (oovTitle) titleOov++;
        hours[TimestampProfile.hourOf(timestamp)]++;
        days[TimestampProfile.dayOfWeekOf(timestamp)]++;
        predictionSlots[Histogram.slotOf(ref.predictionEdges, rating)]++;
        predictionSum += rating;
        if (ref.baseline != null) {
            // ref.baseline.expected(userId, title), from the entries already looked up
            residualSum += rating - (ref.baseline.ratingMean() + (u == null ? 0 : u.bias()) + (t == null ? 0 : t.bias()));
            baselined++;
        }
        if (ref.errorModel != null) {
            estimatedSquaredError += ref.errorModel.expectedSquaredError(oovUser, oovTitle, rating);
            estimated++;
        }
    }

    /** {@code n} scored requests of one event hour, into the bounded {@link #eventHours}. */
    private void countEventHour(long hour, long n) {
        Long key = hour;
        if (eventHours.size() < MAX_EVENT_HOURS || eventHours.containsKey(key)) {
            eventHours.merge(key, n, Long::sum);
        } else {
            eventHoursOverflow += n;
        }
    }

    static int userHashBucket(String userId) {
        return (userId.hashCode() * 0x9E3779B9) >>> 22; // top 10 bits of a mixed hash: 0..1023
    }

    /** Counts one label against the rating served for it ({@code served}) and the model's own ({@code model}). */
    public void countLabel(float served, float model, float label) {
        labels++;
        double e = served - label;
        labelSquaredError += e * e;
        labelAbsoluteError += Math.abs(e);
        double m = model - label;
        labelModelSquaredError += m * m;
    }

    /** Counts one label against the shadow version's rating for the same request and the serving model's. */
    public void countShadowLabel(long version, float shadow, float model, float label) {
        if (version > shadowVersion) {
            if (shadowVersion > 0) clearShadow(); // a newer shadow: its comparison starts afresh
            shadowVersion = version;
        } else if (version < shadowVersion) {
            return;
        }
        shadowLabels++;
        double s = shadow - label;
        shadowSquaredError += s * s;
        double m = model - label;
        shadowPairedModelSquaredError += m * m;
    }

    private void clearShadow() {
        shadowLabels = 0;
        shadowSquaredError = 0;
        shadowPairedModelSquaredError = 0;
    }

    /** Adds {@code other} into this; both must count the same model version (or be parse-stage counts). */
    public void merge(DriftCounts other, int maxTrackedFields) {
        valid += other.valid;
        invalid += other.invalid;
        modelRefused += other.modelRefused;
        scored += other.scored;
        withUnexpectedFields += other.withUnexpectedFields;
        missingRequestId += other.missingRequestId;
        typeChangeRecords += other.typeChangeRecords;
        other.invalidByCode.forEach((k, v) -> invalidByCode.merge(k, v, Long::sum));
        other.typeChanges.forEach((k, v) -> typeChanges.merge(k, v, Long::sum));
        other.unexpectedFields.forEach((k, v) -> increment(unexpectedFields, k, maxTrackedFields, v));
        userBuckets = add(userBuckets, other.userBuckets);
        titleBuckets = add(titleBuckets, other.titleBuckets);
        userOov += other.userOov;
        titleOov += other.titleOov;
        oovUnknown += other.oovUnknown;
        other.titleMatches.forEach((k, v) -> titleMatches.merge(k, v, Long::sum));
        hours = add(hours, other.hours);
        days = add(days, other.days);
        future += other.future;
        predictionSlots = add(predictionSlots, other.predictionSlots);
        predictionSum += other.predictionSum;
        latency = addLogBuckets(latency, other.latency);
        lag = addLogBuckets(lag, other.lag);
        labels += other.labels;
        labelSquaredError += other.labelSquaredError;
        labelAbsoluteError += other.labelAbsoluteError;
        labelModelSquaredError += other.labelModelSquaredError;
        unmatchedLabels += other.unmatchedLabels;
        unlabelledPredictions += other.unlabelledPredictions;
        if (other.shadowVersion > shadowVersion) {
            clearShadow();
            shadowVersion = other.shadowVersion;
        }
        if (other.shadowVersion == shadowVersion) {
            shadowLabels += other.shadowLabels;
            shadowSquaredError += other.shadowSquaredError;
            shadowPairedModelSquaredError += other.shadowPairedModelSquaredError;
        }
        userHashes = add(userHashes, other.userHashes);
        other.eventHours.forEach((h, n) -> {
            if (eventHours.size() < MAX_EVENT_HOURS || eventHours.containsKey(h)) eventHours.merge(h, n, Long::sum);
            else eventHoursOverflow += n;
        });
        eventHoursOverflow += other.eventHoursOverflow;
        other.titleCounts.forEach((k, n) -> {
            if (titleCounts.size() < MAX_TITLE_COUNTS || titleCounts.containsKey(k)) titleCounts.merge(k, n, Long::sum);
            else titleCountsOverflow += n;
        });
        titleCountsOverflow += other.titleCountsOverflow;
        estimatedSquaredError += other.estimatedSquaredError;
        estimated += other.estimated;
        residualSum += other.residualSum;
        baselined += other.baselined;
    }

    private static void increment(Map<String, Long> map, String name, int limit, long by) {
        if (!map.containsKey(name) && map.size() >= limit) name = OTHER_FIELDS;
        map.merge(name, by, Long::sum);
    }

    /**
     * Log buckets of one minimum and growth: a layout with a wider range only has more buckets at the top (a window
     * restored from a savepoint of a build whose latency range was narrower), so the shorter one is padded, not dropped.
     */
    private static long[] addLogBuckets(long[] into, long[] from) {
        if (into.length < from.length) {
            long[] wider = from.clone();
            for (int i = 0; i < into.length; i++) wider[i] += into[i];
            return wider;
        }
        for (int i = 0; i < from.length; i++) into[i] += from[i];
        return into;
    }

    private static long[] add(long[] into, long[] from) {
        if (from.length == 0) return into;
        if (into.length == 0) return from.clone();
        if (into.length != from.length) {
            // Counted against different references: one subtask could not read the version's profile and counted
            // everything as "other". Its bucketed counts say nothing comparable; the profile's side is kept, so a
            // passing read error costs one window's precision instead of failing the job again at every restart.
            return into.length > from.length ? into : from.clone();
        }
        for (int i = 0; i < into.length; i++) into[i] += from[i];
        return into;
    }
}

package dev.marquee.job.audit;

import dev.marquee.data.event.DeadLetter;
import dev.marquee.data.event.Prediction;
import dev.marquee.data.event.RatingRequest;
import dev.marquee.data.event.SourcePosition;
import dev.marquee.data.parse.ParseResult;
import dev.marquee.data.parse.RequestParser;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Matches what the scoring job wrote against what it was asked: every request record must end as exactly the
 * outcomes its parse gives (one prediction per valid request, one dead letter per refused record or envelope
 * instance), no more, no less.
 *
 * <p>The expected outcomes of a record come from the job's own {@link RequestParser}, so the ledger knows an
 * envelope's instance count and which instances are invalid. An outcome is identified by its source position
 * plus, for a prediction, its request id and, for a dead letter, its instance index (predictions of envelope
 * instances carry theirs too, but predictions of older releases do not), as a request id alone may repeat across
 * records.
 *
 * <p>A valid request the serving model could not take or failed on ({@code MODEL_INPUT_UNREPRESENTABLE},
 * {@code SCORING_FAILED}: {@link dev.marquee.data.event.ErrorCode#afterValidation}) ends as a dead letter
 * that names its request id: that dead letter is the request's one outcome, in place of its prediction, since
 * which requests a model refuses depends on the version serving, not on the bytes.
 *
 * <p>Only the request records read are audited: an outcome of one before the first offset read on its partition
 * (deleted by retention, which may keep the outputs longer) or after the last (written while the audit ran) is
 * counted apart, as outside the audited range, not as unexpected.
 */
public final class OutcomeLedger {
    private final String requestsTopic;
    private final RequestParser parser;
    private final OwedCounts outcomes = new OwedCounts();
    private long requestRecords;
    private long predictions;
    private long deadLetters;
    private long unreadable;
    private long outsideRange;
    /** Per partition of the requests topic, the first and last offsets read. */
    private final Map<Integer, long[]> audited = new HashMap<>();
    /**
     * Outcomes of envelope instances seen, by position and instance index, and the id they count under: a request id
     * repeated inside an envelope must not let one instance's second outcome stand in for another's missing one.
     */
    private final Map<String, Integer> instancesSeen = new HashMap<>();
    private final Map<String, String> instanceOutcomeId = new HashMap<>();

    public OutcomeLedger(String requestsTopic, RequestParser parser) {
        this.requestsTopic = requestsTopic;
        this.parser = parser;
    }

    /** Registers one record of the requests topic: its value decides how many outcomes it owes. */
    public void expect(int partition, long offset, long recordTimestampMs, byte[] value) {
        requestRecords++;
        audited.merge(partition, new long[] {offset, offset},
                (a, b) -> new long[] {Math.min(a[0], b[0]), Math.max(a[1], b[1])});
        // the record's timestamp, as the job's source gives it: parser.missing-timestamp=record-time reads it
        SourcePosition position = new SourcePosition(requestsTopic, partition, offset, recordTimestampMs);
        ParseResult result = parser.parse(value, position);
        for (RatingRequest request : result.requests()) {
            outcomes.owe(predictionId(partition, offset, request.requestId));
        }
        for (DeadLetter deadLetter : result.deadLetters()) {
            outcomes.owe(deadLetterId(partition, offset, deadLetter.instanceIndex));
        }
    }

    public void observe(Prediction prediction) {
        predictions++;
        SourcePosition s = prediction.source;
        if (outsideAuditedRange(s)) return;
        String id = s == null ? unattributed("prediction", prediction.requestId) : predictionId(s, prediction.requestId);
        record(id);
        if (s != null && prediction.instanceIndex != null && prediction.instanceIndex >= 0) {
            instanceOutcome(s, prediction.instanceIndex, id);
        }
    }

    public void observe(DeadLetter deadLetter) {
        deadLetters++;
        SourcePosition s = deadLetter.source;
        // only a request refused after validation carries its request id (EVENTS.md), whatever its code: one a newer
        // job added reads as null here
        boolean afterValidation = deadLetter.requestId != null
                || (deadLetter.errorCode != null && deadLetter.errorCode.afterValidation());
        if (s == null) {
            record(unattributed("dead-letter", String.valueOf(deadLetter.instanceIndex)));
        } else if (outsideAuditedRange(s)) {
            return;
        } else if (afterValidation) {
            String id = predictionId(s, deadLetter.requestId);
            record(id);
            if (deadLetter.instanceIndex >= 0) instanceOutcome(s, deadLetter.instanceIndex, id);
        } else {
            record(deadLetterId(s, deadLetter.instanceIndex));
        }
    }

    /** An output record that is not a readable prediction or dead letter. */
    public void observeUnreadable() {
        unreadable++;
    }

    /** Expected outcomes not seen yet; zero once every request has its outcome. */
    public long missing() {
        return outcomes.missing();
    }

    public Report report(int samples) {
        OwedCounts.Tally t = outcomes.tally(samples);
        // an instance seen twice whose id does not show it (the envelope repeats the id, and another instance's
        // outcome is missing behind it)
        long masked = 0;
        List<String> duplicateSamples = new ArrayList<>(t.duplicateSamples());
        for (Map.Entry<String, Integer> e : instancesSeen.entrySet()) {
            if (e.getValue() < 2 || outcomes.seenBeyondOwed(instanceOutcomeId.get(e.getKey()))) continue;
            masked += e.getValue() - 1;
            if (duplicateSamples.size() < samples) {
                duplicateSamples.add(e.getKey() + " x" + e.getValue() + " (its request id repeats in the envelope)");
            }
        }
        return new Report(requestRecords, outcomes.owedTotal(), predictions, deadLetters, t.missing(),
                t.duplicates() + masked, t.unexpected(), unreadable, outsideRange, t.missingSamples(),
                List.copyOf(duplicateSamples), t.unexpectedSamples());
    }

    /** An outcome of a record of the requests topic that this audit did not read (see the class comment). */
    private boolean outsideAuditedRange(SourcePosition s) {
        if (s == null || !requestsTopic.equals(s.topic)) return false;
        long[] range = audited.get(s.partition);
        if (range != null && s.offset >= range[0] && s.offset <= range[1]) return false;
        outsideRange++;
        return true;
    }

    private void instanceOutcome(SourcePosition s, int instanceIndex, String id) {
        String key = "instance " + s.topic + "-" + s.partition + "@" + s.offset + "#" + instanceIndex;
        instancesSeen.merge(key, 1, Integer::sum);
        instanceOutcomeId.putIfAbsent(key, id);
    }

    private void record(String id) {
        outcomes.see(id);
    }

    private String predictionId(SourcePosition s, String requestId) {
        return requestsTopic.equals(s.topic) ? predictionId(s.partition, s.offset, requestId)
                : "prediction " + s.topic + "-" + s.partition + "@" + s.offset + " " + requestId;
    }

    private String deadLetterId(SourcePosition s, int instanceIndex) {
        return requestsTopic.equals(s.topic) ? deadLetterId(s.partition, s.offset, instanceIndex)
                : "dead-letter " + s.topic + "-" + s.partition + "@" + s.offset + "#" + instanceIndex;
    }

    private static String predictionId(int partition, long offset, String requestId) {
        return "prediction " + partition + "@" + offset + " " + requestId;
    }

    private static String deadLetterId(int partition, long offset, int instanceIndex) {
        return "dead-letter " + partition + "@" + offset + "#" + instanceIndex;
    }

    private static String unattributed(String kind, String detail) {
        return kind + " without source " + detail;
    }

    /**
     * The audit's result. {@code duplicates}: outcomes seen more often than owed; {@code unexpected}: outcomes no
     * request record owes (another topic's, a wrong request id, leftovers of an earlier run); {@code outsideRange}:
     * outcomes of request records the audit did not read (not a failure).
     */
    public record Report(long requestRecords, long expectedOutcomes, long predictions, long deadLetters, long missing,
                         long duplicates, long unexpected, long unreadable, long outsideRange, List<String> missingSamples,
                         List<String> duplicateSamples, List<String> unexpectedSamples) {

        public boolean clean() {
            return missing == 0 && duplicates == 0 && unexpected == 0 && unreadable == 0;
        }
    }
}

package dev.marquee.job.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.data.event.DeadLetter;
import dev.marquee.data.event.ErrorCode;
import dev.marquee.data.event.Prediction;
import dev.marquee.data.event.RatingRequest;
import dev.marquee.data.event.SourcePosition;
import dev.marquee.data.parse.DeadLetters;
import dev.marquee.data.parse.RequestParser;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class OutcomeLedgerTest {
    private static final String TOPIC = "rating-requests";

    private final OutcomeLedger ledger = new OutcomeLedger(TOPIC, new RequestParser());

    @Test
    void aRequestWithItsPredictionIsClean() {
        ledger.expect(0, 5, 1L, valid("r-1"));
        assertThat(ledger.missing()).isEqualTo(1);

        ledger.observe(prediction(0, 5, "r-1"));

        OutcomeLedger.Report r = ledger.report(10);
        assertThat(r.clean()).isTrue();
        assertThat(r.requestRecords()).isEqualTo(1);
        assertThat(r.predictions()).isEqualTo(1);
        assertThat(ledger.missing()).isZero();
    }

    @Test
    void aRequestWithoutOutcomeIsMissing() {
        ledger.expect(0, 5, 1L, valid("r-1"));
        ledger.expect(1, 5, 1L, valid("r-2"));
        ledger.observe(prediction(1, 5, "r-2"));

        OutcomeLedger.Report r = ledger.report(10);
        assertThat(r.clean()).isFalse();
        assertThat(r.missing()).isEqualTo(1);
        assertThat(r.missingSamples()).containsExactly("prediction 0@5 r-1");
    }

    @Test
    void aSecondPredictionForTheSameRequestIsADuplicate() {
        ledger.expect(0, 5, 1L, valid("r-1"));
        ledger.observe(prediction(0, 5, "r-1"));
        ledger.observe(prediction(0, 5, "r-1"));

        OutcomeLedger.Report r = ledger.report(10);
        assertThat(r.missing()).isZero();
        assertThat(r.duplicates()).isEqualTo(1);
        assertThat(r.clean()).isFalse();
    }

    @Test
    void aPredictionNoRequestOwesIsUnexpected() {
        ledger.expect(0, 5, 1L, valid("r-1"));
        ledger.expect(0, 7, 1L, valid("r-7"));
        ledger.observe(prediction(0, 5, "r-1"));
        ledger.observe(prediction(0, 7, "r-7"));
        ledger.observe(prediction(0, 6, "r-9")); // within the offsets read: a transaction marker's, say
        ledger.observe(prediction(0, 5, "someone-else"));

        OutcomeLedger.Report r = ledger.report(10);
        assertThat(r.unexpected()).isEqualTo(2);
        assertThat(r.duplicates()).isZero();
        assertThat(r.clean()).isFalse();
    }

    @Test
    void aRefusedRecordOwesOneWholeRecordDeadLetter() {
        ledger.expect(1, 9, 1L, "{not json".getBytes(StandardCharsets.UTF_8));

        ledger.observe(deadLetter(1, 9, -1));

        assertThat(ledger.report(10).clean()).isTrue();
    }

    @Test
    void aPredictionInsteadOfTheOwedDeadLetterIsMissingAndUnexpected() {
        ledger.expect(1, 9, 1L, "{not json".getBytes(StandardCharsets.UTF_8));

        ledger.observe(prediction(1, 9, "rating-requests-1-9"));

        OutcomeLedger.Report r = ledger.report(10);
        assertThat(r.missing()).isEqualTo(1);
        assertThat(r.unexpected()).isEqualTo(1);
    }

    @Test
    void aMixedEnvelopeOwesAPredictionPerValidInstanceAndADeadLetterPerInvalidOne() {
        ledger.expect(0, 3, 1L, HostileRequests.payload(9)); // instances 0 and 2 valid, 1 invalid
        assertThat(ledger.report(0).expectedOutcomes()).isEqualTo(3);

        ledger.observe(prediction(0, 3, "hostile-9-0"));
        ledger.observe(deadLetter(0, 3, 1));
        assertThat(ledger.missing()).isEqualTo(1);

        ledger.observe(prediction(0, 3, "hostile-9-2"));
        assertThat(ledger.report(10).clean()).isTrue();
    }

    @Test
    void aValidRequestTheModelRefusedEndsInItsDeadLetterInsteadOfAPrediction() {
        ledger.expect(0, 3, 1L, HostileRequests.payload(9)); // instances 0 and 2 valid, 1 invalid
        ledger.observe(prediction(0, 3, "hostile-9-0"));
        ledger.observe(deadLetter(0, 3, 1));
        RatingRequest refused = new RatingRequest("hostile-9-2", "u7", "Fargo (1996)", 1L);
        refused.source = new SourcePosition(TOPIC, 0, 3, 1L);
        refused.instanceIndex = 2;
        ledger.observe(DeadLetters.ofValidated(ErrorCode.MODEL_INPUT_UNREPRESENTABLE, "user_id", "not an integer", refused));

        OutcomeLedger.Report r = ledger.report(10);
        assertThat(r.clean()).as("%s", r).isTrue();
        assertThat(r.predictions()).isEqualTo(1);
        assertThat(r.deadLetters()).isEqualTo(2);

        ledger.observe(prediction(0, 3, "hostile-9-2"));
        assertThat(ledger.report(10).duplicates()).as("a prediction as well is one outcome too many").isEqualTo(1);
    }

    /** A job newer than the audit refuses a request with a code the audit does not know: still that request's outcome. */
    @Test
    void aDeadLetterWithAnErrorCodeNewerThanTheAuditIsStillItsRequestsOutcome() {
        ledger.expect(0, 3, 1L, HostileRequests.payload(9));
        ledger.observe(prediction(0, 3, "hostile-9-0"));
        ledger.observe(deadLetter(0, 3, 1));
        RatingRequest refused = new RatingRequest("hostile-9-2", "u7", "Fargo (1996)", 1L);
        refused.source = new SourcePosition(TOPIC, 0, 3, 1L);
        refused.instanceIndex = 2;
        String json = dev.marquee.data.json.EventCodec.of(DeadLetter.class).encodeToString(
                DeadLetters.ofValidated(ErrorCode.SCORING_FAILED, null, "failed", refused)).replace("SCORING_FAILED", "A_CODE_FROM_LATER");
        DeadLetter fromANewerJob = dev.marquee.data.json.EventCodec.of(DeadLetter.class).decode(json);
        assertThat(fromANewerJob.errorCode).as("read, the code unknown").isNull();
        ledger.observe(fromANewerJob);

        assertThat(ledger.report(10).clean()).as("%s", ledger.report(10)).isTrue();
    }

    @Test
    void outcomesOfAnotherTopicAreUnexpected() {
        ledger.expect(0, 5, 1L, valid("r-1"));
        Prediction p = prediction(0, 5, "r-1");
        p.source.topic = "other-requests";
        ledger.observe(p);

        OutcomeLedger.Report r = ledger.report(10);
        assertThat(r.missing()).isEqualTo(1);
        assertThat(r.unexpected()).isEqualTo(1);
    }

    @Test
    void unreadableOutputsMakeTheAuditFail() {
        ledger.expect(0, 5, 1L, valid("r-1"));
        ledger.observe(prediction(0, 5, "r-1"));
        ledger.observeUnreadable();

        assertThat(ledger.report(10).clean()).isFalse();
    }

    /** With the job's parser.missing-timestamp=record-time, a request without one owes a prediction, as the job scores it. */
    @Test
    void aRequestWithoutATimestampOwesWhatTheJobsParserSettingsMakeOfIt() {
        byte[] noTimestamp = "{\"request_id\":\"r-1\",\"user_id\":\"587\",\"movie_title\":\"Fargo (1996)\"}"
                .getBytes(StandardCharsets.UTF_8);
        OutcomeLedger recordTime = new OutcomeLedger(TOPIC, new RequestParser(OutcomeAuditCommand.parserLimits(
                java.util.Map.of("parser.missing-timestamp", "record-time"))));
        recordTime.expect(0, 5, 892_870_992_000L, noTimestamp);
        recordTime.observe(prediction(0, 5, "r-1"));
        assertThat(recordTime.report(10).clean()).isTrue();

        ledger.expect(0, 5, 892_870_992_000L, noTimestamp); // the default: refused
        ledger.observe(deadLetter(0, 5, -1));
        assertThat(ledger.report(10).clean()).isTrue();
    }

    /**
     * Requests written while the audit ran, or deleted by retention before it read them (the dead letters are kept
     * longer): their outcomes are counted apart, not as unexpected.
     */
    @Test
    void outcomesOfRequestRecordsTheAuditDidNotReadAreCountedApart() {
        ledger.expect(0, 5, 1L, valid("r-5"));
        ledger.expect(0, 10, 1L, valid("r-10"));
        ledger.observe(prediction(0, 5, "r-5"));
        ledger.observe(prediction(0, 10, "r-10"));
        ledger.observe(prediction(0, 12, "r-12")); // written since
        ledger.observe(deadLetter(0, 2, -1)); // its request deleted
        ledger.observe(prediction(1, 0, "r-other")); // a partition with nothing read

        OutcomeLedger.Report r = ledger.report(10);
        assertThat(r.outsideRange()).isEqualTo(3);
        assertThat(r.unexpected()).isZero();
        assertThat(r.clean()).as("%s", r).isTrue();
    }

    /**
     * An envelope may repeat a request id: one instance's outcome written twice must not stand in for the other's
     * missing one.
     */
    @Test
    void aDuplicatedInstanceDoesNotStandInForAMissingOneWithTheSameRequestId() {
        byte[] envelope = ("{\"instances\":[{\"request_id\":\"b\",\"user_id\":\"1\",\"movie_title\":\"Fargo (1996)\","
                + "\"timestamp\":892870992},{\"request_id\":\"b\",\"user_id\":\"2\",\"movie_title\":\"Fargo (1996)\","
                + "\"timestamp\":892870992}]}").getBytes(StandardCharsets.UTF_8);
        ledger.expect(0, 3, 1L, envelope);
        for (int i = 0; i < 2; i++) {
            Prediction p = prediction(0, 3, "b");
            p.instanceIndex = 0;
            ledger.observe(p);
        }
        OutcomeLedger.Report r = ledger.report(10);
        assertThat(r.duplicates()).isEqualTo(1);
        assertThat(r.clean()).isFalse();

        OutcomeLedger right = new OutcomeLedger(TOPIC, new RequestParser());
        right.expect(0, 3, 1L, envelope);
        for (int i = 0; i < 2; i++) {
            Prediction p = prediction(0, 3, "b");
            p.instanceIndex = i;
            right.observe(p);
        }
        assertThat(right.report(10).clean()).isTrue();
    }

    private static byte[] valid(String requestId) {
        return ("{\"request_id\":\"" + requestId + "\",\"user_id\":\"587\",\"movie_title\":\"Fargo (1996)\","
                + "\"timestamp\":892870992}").getBytes(StandardCharsets.UTF_8);
    }

    private static Prediction prediction(int partition, long offset, String requestId) {
        Prediction p = new Prediction();
        p.requestId = requestId;
        p.source = new SourcePosition(TOPIC, partition, offset, 1L);
        return p;
    }

    private static DeadLetter deadLetter(int partition, long offset, int instanceIndex) {
        DeadLetter d = new DeadLetter();
        d.errorCode = ErrorCode.MALFORMED_JSON;
        d.source = new SourcePosition(TOPIC, partition, offset, 1L);
        d.instanceIndex = instanceIndex;
        return d;
    }
}

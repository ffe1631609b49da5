package dev.marquee.job.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.marquee.data.config.SettingException;
import dev.marquee.data.event.Prediction;
import dev.marquee.data.event.SourcePosition;
import dev.marquee.data.json.PredictionJsonWriter;
import dev.marquee.data.parse.ParserLimits;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Field limits raised so far that a prediction would not fit the producers' max.request.size fail at start-up. */
class PredictionRecordSizeTest {
    @Test
    void theLargestPredictionTheLimitsAllowStaysWithinTheBound() throws Exception {
        ParserLimits limits = JobSettings.from(Map.of(ParserLimits.MAX_TITLE_CHARS, "20000",
                ParserLimits.MAX_USER_ID_CHARS, "3000", ParserLimits.MAX_REQUEST_ID_CHARS, "3000")).parserLimits;
        Prediction p = new Prediction();
        String costly = "\u0001"; // written as a six-byte escape, as half a surrogate pair is
        p.requestId = costly.repeat(limits.maxRequestIdChars);
        p.userId = costly.repeat(limits.maxUserIdChars);
        p.movieTitle = costly.repeat(limits.maxTitleChars);
        p.catalogTitle = "\uD83D\uDE00".repeat(limits.maxTitleChars / 2);
        p.titleMatch = "CANONICAL";
        p.output3 = new float[] {-Float.MAX_VALUE};
        p.predictedRating = -Float.MAX_VALUE;
        p.adjustment = -Float.MAX_VALUE;
        p.shadowRating = -Float.MAX_VALUE;
        p.timestamp = Long.MIN_VALUE;
        p.modelVersion = Long.MIN_VALUE;
        p.shadowVersion = Long.MIN_VALUE;
        p.scoredAtMs = Long.MIN_VALUE;
        p.instanceIndex = Integer.MIN_VALUE;
        p.source = new SourcePosition("t".repeat(249), Integer.MIN_VALUE, Long.MIN_VALUE, Long.MIN_VALUE);
        assertThat((long) new PredictionJsonWriter().write(p).length).isLessThanOrEqualTo(PredictionRecordSize.maxRecordBytes(limits));

        // the record's key is the request id, counted by Kafka beside the value: a surrogate pair is 12 bytes written
        // and 4 more in the key
        p.requestId = "\uD83D\uDE00".repeat(limits.maxRequestIdChars / 2);
        long record = new PredictionJsonWriter().write(p).length
                + (long) p.requestId.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        assertThat(record).isLessThanOrEqualTo(PredictionRecordSize.maxRecordBytes(limits));
    }

    @Test
    void limitsWhosePredictionWouldNotFitAreRefusedUnlessTheRequestSizeIsRaised() {
        assertThatCode(JobSettings::defaults).doesNotThrowAnyException();
        assertThatThrownBy(() -> JobSettings.from(Map.of(ParserLimits.MAX_TITLE_CHARS, "200000")))
                .isInstanceOf(SettingException.class)
                .hasMessageContaining("title 200000 characters")
                .hasMessageContaining("lower parser.max-title-chars")
                .hasMessageContaining("kafka.property.max.request.size");
        assertThatCode(() -> JobSettings.from(Map.of(ParserLimits.MAX_TITLE_CHARS, "200000",
                "kafka.property.max.request.size", "4000000"))).doesNotThrowAnyException();
    }
}

package dev.marquee.job.validate;

import dev.marquee.data.event.DeadLetter;
import dev.marquee.data.event.ErrorCode;
import dev.marquee.data.event.RatingRequest;
import dev.marquee.data.parse.ParseResult;
import dev.marquee.data.parse.ParserLimits;
import dev.marquee.data.parse.RequestParser;
import dev.marquee.job.source.RawRecord;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Parses and validates raw records: valid requests go on, everything else to the {@link #DEAD_LETTERS} side
 * output with its reason and original bytes. The parser never throws, so no input can fail the job here.
 */
public final class ParseRequests extends ProcessFunction<RawRecord, RatingRequest> {
    private static final long serialVersionUID = 1L;

    public static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<>("dead-letters") { };

    private final ParserLimits limits;
    private transient RequestParser parser;
    private transient Counter valid;
    private transient Map<ErrorCode, Counter> invalid;

    public ParseRequests(ParserLimits limits) {
        this.limits = limits;
    }

    @Override
    public void open(OpenContext context) {
        parser = new RequestParser(limits);
        MetricGroup group = getRuntimeContext().getMetricGroup().addGroup("marquee");
        valid = group.counter("requestsValid");
        invalid = new EnumMap<>(ErrorCode.class);
        MetricGroup byCode = group.addGroup("requestsInvalid");
        for (ErrorCode code : ErrorCode.values()) {
            if (code.afterValidation()) continue; // the scorer's (requestsRefusedByModel), never the parser's
            invalid.put(code, byCode.counter(code.name().toLowerCase(Locale.ROOT)));
        }
    }

    @Override
    public void processElement(RawRecord record, Context ctx, Collector<RatingRequest> out) {
        ParseResult result = parser.parse(record.value, record.position());
        for (RatingRequest request : result.requests()) {
            valid.inc();
            out.collect(request);
        }
        for (DeadLetter deadLetter : result.deadLetters()) {
            invalid.get(deadLetter.errorCode).inc();
            ctx.output(DEAD_LETTERS, deadLetter);
        }
    }
}

package dev.marquee.job.label;

import dev.marquee.data.event.Rating;
import dev.marquee.data.log.LogWindow;
import dev.marquee.data.parse.ParserLimits;
import dev.marquee.job.source.RawRecord;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichFlatMapFunction;
import org.apache.flink.metrics.Counter;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Labels from {@code ratings}: JSON {@link Rating}s that {@link ParserLimits#admitsLabel} accepts, no larger than the
 * request parser's {@code parser.max-payload-bytes} (the trainer applies the same rule, with the limits its --parser-setting gives);
 * anything else is counted, logged now and then, and skipped.
 */
public final class ParseRatings extends RichFlatMapFunction<RawRecord, Rating> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(ParseRatings.class);
    private final ParserLimits limits;
    private transient Counter refused;
    /** A line a minute at most: MarqueeLabelsRefused's runbook sends the reader to the latest one. */
    private transient LogWindow refusedLog;

    /** With the request parser's default limits. */
    public ParseRatings() {
        this(ParserLimits.defaults());
    }

    /** With the limits the job's request parser applies ({@code parser.*}). */
    public ParseRatings(ParserLimits limits) {
        this.limits = limits;
    }

    @Override
    public void open(OpenContext context) {
        refused = getRuntimeContext().getMetricGroup().counter("labelsRefused");
        refusedLog = new LogWindow(60_000);
    }

    @Override
    public void flatMap(RawRecord raw, Collector<Rating> out) {
        String problem;
        if (raw.value == null) {
            problem = "no value";
        } else if (raw.value.length > limits.maxPayloadBytes) {
            problem = raw.value.length + " bytes, more than " + ParserLimits.MAX_PAYLOAD_BYTES + " (" + limits.maxPayloadBytes + ")";
        } else {
            Rating r = null;
            try {
                r = dev.marquee.data.parse.LabelDecoder.decode(raw.value);
                if (r != null) r.requestId = ParserLimits.labelRequestId(r.requestId);
                problem = limits.labelProblem(r);
            } catch (RuntimeException e) {
                problem = "not a rating: " + firstLine(e.getMessage());
            }
            if (problem == null) {
                // outside the try: a failure downstream (a chained operator, the keyed exchange) is the job's, not the label's
                out.collect(r);
                return;
            }
        }
        refused.inc();
        if (refusedLog.next() >= 0) {
            LOG.warn("Skipped {} bad label record(s) on {}; latest at partition {} offset {}: {}", refused.getCount(),
                    raw.topic, raw.partition, raw.offset, problem);
        }
    }

    private static String firstLine(String message) {
        if (message == null) return "(no message)";
        int end = message.indexOf('\n');
        String line = end < 0 ? message : message.substring(0, end);
        return line.length() > 300 ? line.substring(0, 300) + "..." : line;
    }
}

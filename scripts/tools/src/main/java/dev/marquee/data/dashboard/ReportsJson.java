package dev.marquee.data.dashboard;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.marquee.data.json.EventJson;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The JSON the page reads. {@code /api/reports}: an array of drift reports exactly as the job wrote them
 * (snake_case), each with one more field, {@code index}, the dashboard's arrival number to ask
 * {@code ?after=} with. {@code /health}: the reader's state and the buffer's fill.
 */
final class ReportsJson {
    private static final ObjectMapper MAPPER = EventJson.mapper();

    private ReportsJson() {}

    static byte[] reports(List<ReportBuffer.Entry> entries) {
        ArrayNode array = MAPPER.createArrayNode();
        for (ReportBuffer.Entry e : entries) {
            ObjectNode node = array.addObject();
            node.put("index", e.index());
            node.setAll((ObjectNode) MAPPER.valueToTree(e.report()));
        }
        return write(array);
    }

    static byte[] health(ReaderStatus status, ReportBuffer buffer, String topic) {
        ObjectNode node = MAPPER.createObjectNode();
        // ok only while the reader reads: a probe must see a reader that stopped, or that the brokers refuse
        node.put("status", healthy(status) ? "ok" : "degraded");
        node.put("topic", topic);
        node.put("reader", status.state());
        node.put("records_read", status.read());
        node.put("records_skipped", status.skipped());
        node.put("other_model_reports", status.otherModel());
        if (status.otherModelName() != null) node.put("other_model", status.otherModelName());
        node.put("reports_held", buffer.size());
        node.put("reports_added", buffer.added());
        node.put("max_reports", buffer.capacity());
        node.put("now_ms", System.currentTimeMillis()); // the page judges staleness by this clock, not the viewer's
        if (status.lastError() != null) node.put("last_error", status.lastError());
        return write(node);
    }

    static boolean healthy(ReaderStatus status) {
        return "reading".equals(status.state());
    }

    private static byte[] write(Object node) {
        try {
            return MAPPER.writeValueAsBytes(node); // UTF-8 with escapes: a String's getBytes turns a lone surrogate into '?'
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON: " + e.getMessage(), e);
        }
    }
}

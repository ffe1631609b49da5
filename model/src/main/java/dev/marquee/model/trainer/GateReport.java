package dev.marquee.model.trainer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.marquee.data.event.RetrainRequest;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code gate_report.json} beside a rejected candidate: which request, against which version, and why. */
final class GateReport {
    static final String FILE_NAME = "gate_report.json";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private GateReport() {}

    static void write(Path dir, RetrainRequest request, long baseVersion, String holdout,
            GatePolicy.Decision decision, Map<String, Double> metrics) throws IOException {
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("request_id", request.requestId);
        report.put("request_reason", request.reason);
        report.put("base_version", baseVersion);
        report.put("holdout", holdout);
        report.put("passed", decision.passed());
        report.put("reason", decision.reason());
        report.put("metrics", metrics);
        report.put("created", Instant.now().toString());
        JSON.writeValue(dir.resolve(FILE_NAME).toFile(), report);
    }
}

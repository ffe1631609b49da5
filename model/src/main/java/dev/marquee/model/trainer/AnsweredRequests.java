package dev.marquee.model.trainer;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.marquee.data.event.RetrainOutcome;
import dev.marquee.model.ModelCard;
import dev.marquee.model.ModelRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the registry says a request already got: a version whose card names it ({@code retrain.request_id}:
 * PUBLISHED), a candidate under {@code deferred/} (DEFERRED) or {@code rejected/} (REJECTED) whose report names
 * it. A request delivered twice (a redelivery after a rebalance, a worker killed after its outcome but before its
 * commit) gets that answer again instead of a second training. FAILED and RATE_LIMITED leave nothing on disk: such a
 * request is handled again.
 */
final class AnsweredRequests {
    /** In a re-sent outcome's metrics: 1, the request was answered before and nothing was trained this time. */
    static final String REDELIVERED = "request_redelivered";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ModelRegistry registry;
    private final String name;
    private final CandidateFolders folders;

    AnsweredRequests(ModelRegistry registry, String name) {
        this.registry = registry;
        this.name = name;
        this.folders = new CandidateFolders(registry, name);
    }

    /** The outcome {@code requestId} got before, to be sent again; empty when the registry has none. */
    Optional<RetrainOutcome> find(String requestId) throws IOException {
        List<Long> versions = registry.versions(name);
        for (int i = versions.size() - 1; i >= 0; i--) {
            long v = versions.get(i);
            Path dir = registry.versionDir(name, v);
            if (!Files.isRegularFile(dir.resolve(ModelCard.FILE_NAME))) continue;
            JsonNode card = readOrNull(() -> ModelCard.read(dir));
            JsonNode retrain = card == null ? null : card.path("retrain");
            if (retrain != null && requestId.equals(retrain.path("request_id").asText(null))) {
                RetrainOutcome o = outcome(requestId, RetrainOutcome.PUBLISHED, retrain.path("base_version").asLong(-1),
                        retrain.path("gate").path("metrics"));
                o.version = v;
                return Optional.of(o);
            }
        }
        for (Path dir : folders.deferred()) {
            JsonNode report = report(dir, requestId);
            if (report != null) {
                RetrainOutcome o = outcome(requestId, RetrainOutcome.DEFERRED, report.path("base_version").asLong(-1),
                        report.path("metrics"));
                o.reason = report.path("reason").asText(null);
                o.deferredLocation = dir.toString();
                return Optional.of(o);
            }
        }
        for (Path dir : folders.rejected()) {
            JsonNode report = report(dir, requestId);
            if (report != null) {
                RetrainOutcome o = outcome(requestId, RetrainOutcome.REJECTED, report.path("base_version").asLong(-1),
                        report.path("metrics"));
                o.reason = report.path("reason").asText(null);
                o.rejectedLocation = dir.toString();
                return Optional.of(o);
            }
        }
        return Optional.empty();
    }

    /** The folder's gate report when it answers {@code requestId}; null otherwise or when it cannot be read. */
    private static JsonNode report(Path dir, String requestId) {
        if (!Files.isRegularFile(dir.resolve(GateReport.FILE_NAME))) return null;
        JsonNode report = readOrNull(() -> GateReport.read(dir));
        return report != null && requestId.equals(report.path("request_id").asText(null)) ? report : null;
    }

    private RetrainOutcome outcome(String requestId, String outcome, long base, JsonNode metrics) {
        RetrainOutcome o = new RetrainOutcome();
        o.requestId = requestId;
        o.modelName = name;
        o.outcome = outcome;
        o.baseVersion = base;
        o.metrics = metrics.isObject()
                ? new LinkedHashMap<>(JSON.convertValue(metrics, new TypeReference<Map<String, Double>>() {}))
                : new LinkedHashMap<>();
        o.metrics.put(REDELIVERED, 1.0);
        o.finishedAtMs = System.currentTimeMillis();
        return o;
    }

    @FunctionalInterface
    private interface Read {
        JsonNode read() throws IOException;
    }

    /** A file that cannot be read answers no request: the worker trains rather than stop on it. */
    private static JsonNode readOrNull(Read read) {
        try {
            return read.read();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}

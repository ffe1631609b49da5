package dev.marquee.model.trainer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.marquee.model.DurableFiles;
import dev.marquee.model.stats.PairedUserComparison;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code gate_report.json} beside a rejected or deferred candidate (which request, against which version, what
 * the gate measured and why it decided so), and the {@code gate} section the model card carries.
 */
final class GateReport {
    static final String FILE_NAME = "gate_report.json";
    static final String TEST = "paired squared errors on the same held-out labels, user-block bootstrap"
            + " percentile interval of the MSE difference (candidate - serving)";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private GateReport() {}

    /**
     * What the gate measured and decided: the decision, the interval (difference, low, high, users, labels),
     * the policy (margin, confidence, resamples, minimums) and every metric.
     *
     * @param holdout which labels: e.g. "labels after 893301234 (not trained on)"
     */
    static Map<String, Object> gateSection(GatePolicy policy, GatePolicy.Verdict verdict, String holdout) {
        Map<String, Object> g = new LinkedHashMap<>();
        g.put("holdout", holdout);
        g.put("test", TEST);
        g.put("decision", verdict.decision().name());
        g.put("passed", verdict.passed());
        g.put("reason", verdict.reason());
        PairedUserComparison.Result i = verdict.interval();
        if (i != null) {
            g.put("mse_difference", i.difference());
            g.put("interval_low", i.low());
            g.put("interval_high", i.high());
            g.put("users", i.users());
            g.put("labels", i.labels());
        }
        g.put("margin", policy.margin());
        g.put("confidence", policy.confidence());
        g.put("resamples", policy.resamples());
        g.put("min_labels", policy.minLabels());
        g.put("min_users", policy.minUsers());
        g.put("judged_at", Instant.now().toString());
        g.put("metrics", verdict.metrics());
        return g;
    }

    /**
     * Writes the report: the request's fields first, then {@code passed}, {@code reason} and {@code metrics} at
     * the top (as before the paired gate), then the whole {@code gate} section.
     */
    static void write(Path dir, Map<String, Object> request, Map<String, Object> gate) throws IOException {
        write(dir, request, gate, gate.get("reason"));
    }

    /**
     * As above, with the outcome's own {@code reason} at the top: a candidate retired after its last verdict (superseded,
     * expired) keeps that verdict in {@code gate.reason}, and a redelivered request is answered with the top one.
     */
    static void write(Path dir, Map<String, Object> request, Map<String, Object> gate, Object reason) throws IOException {
        Map<String, Object> report = new LinkedHashMap<>(request);
        report.put("passed", gate.get("passed"));
        report.put("reason", reason);
        report.put("metrics", gate.get("metrics"));
        report.put("gate", gate);
        report.put("created", Instant.now().toString());
        // replaced in one step: a deferred candidate's report is rewritten at every judgement, and a crash midway
        // must not leave a report that no longer parses
        DurableFiles.replace(dir.resolve(FILE_NAME), f -> JSON.writeValue(f.toFile(), report));
    }

    static JsonNode read(Path dir) throws IOException {
        return parse(readBytes(dir));
    }

    static byte[] readBytes(Path dir) throws IOException {
        return Files.readAllBytes(dir.resolve(FILE_NAME));
    }

    /** The report's JSON; garbled content is an {@link IllegalArgumentException}, never an {@link IOException}. */
    static JsonNode parse(byte[] bytes) {
        try {
            return JSON.readTree(bytes);
        } catch (IOException e) {
            throw new IllegalArgumentException("not a gate report: " + e.getMessage(), e);
        }
    }
}

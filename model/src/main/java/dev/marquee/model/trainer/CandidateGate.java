package dev.marquee.model.trainer;

import dev.marquee.data.event.Rating;
import dev.marquee.model.ModelContract;
import dev.marquee.model.stats.PairedUserComparison;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Measures a candidate against the serving version in the real runtime: the exported candidate is loaded
 * from its folder with {@link dev.marquee.model.BatchScorer} and must answer a probe batch; then both versions
 * score the same held-out labels, and each label's two squared errors go into per-user sums for the paired test.
 */
final class CandidateGate {
    private final Consumer<String> log;

    CandidateGate(Consumer<String> log) {
        this.log = log;
    }

    /**
     * @param currentDir the serving version's folder, or null when there is none
     * @param holdout the labels to judge on (may be empty: then only the probe runs)
     * @param probeSample rows for the probe batch's known part (the hold-out, or any rows when it is empty)
     */
    GatePolicy.Measurement measure(Path candidateDir, Path currentDir, List<Rating> holdout,
            List<Rating> probeSample) {
        int heldOutLabels = holdout.size();
        holdout = takenByBoth(holdout, candidateDir, currentDir);
        int leftOut = heldOutLabels - holdout.size();
        String probeFailure = null;
        float[] candidate = null;
        LoadedVersion loaded = null;
        try {
            loaded = LoadedVersion.open(candidateDir);
        } catch (Exception e) {
            probeFailure = "it does not load: " + e;
        }
        if (loaded != null) {
            // a version that loads can still fail in TensorFlow on a batch: not a registry problem, say which
            try (LoadedVersion version = loaded) {
                probeFailure = version.probe(probeSample);
                if (probeFailure == null && !holdout.isEmpty()) {
                    candidate = version.predict(holdout);
                    String bad = GatePolicy.checkProbe(candidate, holdout.size());
                    if (bad != null) {
                        probeFailure = "on the hold-out: " + bad;
                        candidate = null;
                    }
                }
            } catch (Exception e) {
                probeFailure = "it loads but fails to score the probe or the hold-out: " + e;
                candidate = null;
            }
        }
        float[] current = null;
        String servingFailure = null;
        if (currentDir != null && probeFailure == null) {
            LoadedVersion serving = null;
            try {
                serving = LoadedVersion.open(currentDir);
            } catch (Exception e) {
                servingFailure = "the version at " + currentDir + " does not load (" + e + ")";
            }
            if (serving != null) {
                try (LoadedVersion version = serving) {
                    current = holdout.isEmpty() ? new float[0] : version.predict(holdout);
                    for (float f : current) {
                        if (!Float.isFinite(f)) {
                            servingFailure = "the version at " + currentDir + " answers " + f + " on the hold-out";
                            current = null;
                            break;
                        }
                    }
                } catch (Exception e) {
                    servingFailure = "the version at " + currentDir + " loads but fails to score the hold-out (" + e + ")";
                    current = null;
                }
            }
            if (servingFailure != null) {
                servingFailure = servingFailure.replaceAll("\\s*\\R\\s*", " "); // TensorFlow's messages span lines
                log.accept("trainer: " + servingFailure + "; the candidate cannot be compared with it");
            }
        }
        Set<String> users = new HashSet<>();
        holdout.forEach(r -> users.add(r.userId));
        PairedUserComparison.Sums paired = current != null ? new PairedUserComparison.Sums() : null;
        double candidateSse = 0;
        double currentSse = 0;
        if (candidate != null) {
            for (int i = 0; i < holdout.size(); i++) {
                Rating r = holdout.get(i);
                double eb = square(candidate[i] - r.rating);
                candidateSse += eb;
                if (paired != null) {
                    double ea = square(current[i] - r.rating);
                    currentSse += ea;
                    paired.add(r.userId, ea, eb);
                }
            }
        }
        int n = holdout.size();
        return new GatePolicy.Measurement(probeFailure, paired,
                candidate != null ? Math.sqrt(candidateSse / n) : Double.NaN,
                paired != null && n > 0 ? Math.sqrt(currentSse / n) : Double.NaN, n, users.size(), servingFailure,
                leftOut);
    }

    /**
     * The labels both versions' inputs can take. An imported version's integer user-id input cannot take "u7" (the
     * scoring job dead-letters such requests, MODEL_INPUT_UNREPRESENTABLE), but the ratings topic may hold labels for
     * it: one such label would fail the whole batch, and with it every judgement. A contract that cannot be read is
     * left to the load below to report.
     */
    private List<Rating> takenByBoth(List<Rating> holdout, Path candidateDir, Path currentDir) {
        List<ModelContract> contracts = new ArrayList<>();
        for (Path dir : currentDir == null ? List.of(candidateDir) : List.of(candidateDir, currentDir)) {
            try {
                ModelContract c = ModelContract.of(dir);
                if (!c.takesEveryRequest()) contracts.add(c);
            } catch (IOException | RuntimeException e) {
                // the load reports it
            }
        }
        if (contracts.isEmpty()) return holdout;
        List<Rating> taken = new ArrayList<>(holdout.size());
        ModelContract.Unrepresentable first = null;
        for (Rating r : holdout) {
            ModelContract.Unrepresentable why = null;
            for (ModelContract c : contracts) {
                why = c.check(r.userId, r.timestamp);
                if (why != null) break;
            }
            if (why == null) {
                taken.add(r);
            } else if (first == null) {
                first = why;
            }
        }
        if (first != null) {
            log.accept("trainer: " + (holdout.size() - taken.size()) + " of " + holdout.size() + " held-out labels left out"
                    + " of the comparison: a version's inputs cannot take them, as the scoring job cannot score such"
                    + " requests (the first: " + first.withoutValue() + ")");
        }
        return taken;
    }

    private static double square(double x) {
        return x * x;
    }
}

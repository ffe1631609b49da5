package dev.marquee.model.trainer;

import dev.marquee.data.event.Rating;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/**
 * Measures a candidate against the serving version in the real runtime: the exported candidate is loaded
 * from its folder with {@link dev.marquee.model.BatchScorer}, must answer a probe batch, and both versions
 * score the same hold-out rows.
 */
final class CandidateGate {
    private final Consumer<String> log;

    CandidateGate(Consumer<String> log) {
        this.log = log;
    }

    /** @param currentDir the serving version's folder, or null when there is none */
    GatePolicy.Measurement measure(Path candidateDir, Path currentDir, List<Rating> holdout) {
        String probeFailure;
        double candidateRmse = Double.NaN;
        try (LoadedVersion candidate = LoadedVersion.open(candidateDir)) {
            probeFailure = candidate.probe(holdout);
            if (probeFailure == null) {
                candidateRmse = candidate.rmse(holdout);
            }
        } catch (Exception e) {
            probeFailure = "it does not load: " + e;
        }
        double currentRmse = Double.NaN;
        if (currentDir != null) {
            try (LoadedVersion current = LoadedVersion.open(currentDir)) {
                currentRmse = current.rmse(holdout);
            } catch (Exception e) {
                // A serving version that no longer loads cannot be compared with: the candidate is judged alone.
                log.accept("trainer: the serving version at " + currentDir + " does not load (" + e
                        + "); judging the candidate on its own");
            }
        }
        return new GatePolicy.Measurement(probeFailure, candidateRmse, currentRmse, holdout.size());
    }
}

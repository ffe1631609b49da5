package dev.marquee.job.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.data.event.Rating;
import dev.marquee.data.replay.RequestEncoder;
import dev.marquee.job.config.JobSettings;
import dev.marquee.model.ModelRegistry;
import dev.marquee.model.testing.TestModels;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The labels' join counts what the docs promise (CONFIGURATION.md "Metrics", RETRAINING.md): labels joined, predictions
 * that expired without a label, labels that expired without a prediction, whatever order the two inputs arrive in.
 */
class LabelCountersPipelineTest {
    @RegisterExtension
    static final SharedMiniCluster FLINK = new SharedMiniCluster();

    @TempDir
    static Path registryDir;

    @Test
    void joinedUnlabelledAndUnmatchedAreCounted() throws Exception {
        List<Rating> rows = TestModels.data(6);
        assertThat(TestModels.publish(new ModelRegistry(registryDir), rows, 5)).isEqualTo(1);
        long ts = rows.get(0).timestamp;
        List<String> titles = rows.stream().map(r -> r.movieTitle).distinct().limit(6).toList();
        assertThat(titles).hasSize(6);
        RawRecords requests = new RawRecords("rating-requests", 1);
        RequestEncoder encoder = new RequestEncoder();
        for (int i = 0; i < 5; i++) {
            requests.add(encoder.single("c-" + i, new Rating("counted-user", titles.get(i), 3f, ts + i)));
        }
        List<Rating> labels = new ArrayList<>();
        for (int i = 0; i < 2; i++) labels.add(new Rating("counted-user", titles.get(i), 4f, ts + i)); // joined
        labels.add(new Rating("counted-user", titles.get(5), 4f, ts + 5)); // never requested: unmatched

        PipelineRun.Outputs out = new PipelineRun(Map.of(JobSettings.MODEL_REGISTRY, registryDir.toString()))
                .requests(requests.all()).labels(labels).run();

        assertThat(out.predictions()).hasSize(5);
        assertThat(out.labeled()).hasSize(2);
        assertThat(SharedMiniCluster.metricSum(out.jobId(), "labelsJoined")).isEqualTo(2);
        assertThat(SharedMiniCluster.metricSum(out.jobId(), "predictionsUnlabelledExpired")).as("at the end of event time")
                .isEqualTo(3);
        assertThat(SharedMiniCluster.metricSum(out.jobId(), "labelsUnmatchedExpired")).isEqualTo(1);
        assertThat(SharedMiniCluster.metricSum(out.jobId(), "labelsPendingDropped")).isZero();
    }

    /**
     * At labels.max-pending-per-user each entry that makes room is counted twice, as OPERATIONS.md reads it: dropped
     * early (the sign of a user's labels crowded out) and unlabelled, beside those that expire at their time.
     */
    @Test
    void entriesThatMakeRoomAtTheCapAreCountedAsDroppedAndAsUnlabelled(@TempDir Path registry) throws Exception {
        List<Rating> rows = TestModels.data(6);
        assertThat(TestModels.publish(new ModelRegistry(registry), rows, 5)).isEqualTo(1);
        long ts = rows.get(0).timestamp;
        List<String> titles = rows.stream().map(r -> r.movieTitle).distinct().limit(5).toList();
        RawRecords requests = new RawRecords("rating-requests", 1);
        RequestEncoder encoder = new RequestEncoder();
        for (int i = 0; i < 5; i++) {
            requests.add(encoder.single("capped-" + i, new Rating("capped-user", titles.get(i), 3f, ts + i)));
        }

        PipelineRun.Outputs out = new PipelineRun(Map.of(JobSettings.MODEL_REGISTRY, registry.toString(),
                "labels.max-pending-per-user", "2")).requests(requests.all()).labels(List.of()).run();

        assertThat(out.predictions()).as("every request still predicted").hasSize(5);
        assertThat(SharedMiniCluster.metricSum(out.jobId(), "labelsPendingDropped")).as("three made room").isEqualTo(3);
        assertThat(SharedMiniCluster.metricSum(out.jobId(), "predictionsUnlabelledExpired"))
                .as("three early, two at the end of event time").isEqualTo(5);
        assertThat(SharedMiniCluster.metricSum(out.jobId(), "labelsJoined")).isZero();
    }
}

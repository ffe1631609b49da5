package dev.marquee.job.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.apache.flink.runtime.rest.messages.JobVertexBackPressureInfo;
import org.apache.flink.runtime.rest.util.RestMapperUtils;
import org.junit.jupiter.api.Test;

/** What the benchmarks read from Flink and what they conclude, on inputs whose answer is known. */
class BenchReportsTest {
    /** The load test's back-pressure column, read from Flink's own serialisation of its REST answer. */
    @Test
    void theBackPressureShareIsReadFromFlinksAnswer() throws Exception {
        JobVertexBackPressureInfo info = new JobVertexBackPressureInfo(JobVertexBackPressureInfo.VertexBackPressureStatus.OK,
                JobVertexBackPressureInfo.VertexBackPressureLevel.HIGH, 1L, List.of(
                        new JobVertexBackPressureInfo.SubtaskBackPressureInfo(0, null,
                                JobVertexBackPressureInfo.VertexBackPressureLevel.HIGH, 0.7, 0.0, 0.3, null),
                        new JobVertexBackPressureInfo.SubtaskBackPressureInfo(1, null,
                                JobVertexBackPressureInfo.VertexBackPressureLevel.LOW, 0.2, 0.5, 0.3, null)));
        String json = RestMapperUtils.getStrictObjectMapper().writeValueAsString(info);
        assertThat(LoadBenchmark.backpressure(new ObjectMapper().readTree(json))).isEqualTo("high (70%)");
    }

    /** The load test collects the heap near each quarter of the run, four times at most, whatever its length. */
    @Test
    void theHeapIsCollectedNearEachQuarterOfTheRun() {
        assertThat(LoadBenchmark.quarterSamples(120)).containsExactly(30, 60, 90, 120);
        assertThat(LoadBenchmark.quarterSamples(300)).containsExactly(75, 150, 225, 300);
        assertThat(LoadBenchmark.quarterSamples(30)).containsExactly(10, 15, 25, 30);
        assertThat(LoadBenchmark.quarterSamples(130)).containsExactly(35, 65, 100, 130);
        assertThat(LoadBenchmark.quarterSamples(10)).containsExactly(5, 10);
    }

    /** The prequential replay judges its target only on every rating answered. */
    @Test
    void aPrequentialTargetIsJudgedOnlyOnEveryRatingAnswered() {
        assertThat(PrequentialBenchmark.verdict(34_664, 34_664, 0.94, 0.95)).isEqualTo("met");
        assertThat(PrequentialBenchmark.verdict(34_664, 34_664, 0.96, 0.95)).isEqualTo("NOT met");
        assertThat(PrequentialBenchmark.verdict(0, 34_664, Double.NaN, 0.95)).isEqualTo("not judged (0 of 34,664 answered)");
        assertThat(PrequentialBenchmark.verdict(17_000, 34_664, 0.90, 0.95)).startsWith("not judged");
    }
}

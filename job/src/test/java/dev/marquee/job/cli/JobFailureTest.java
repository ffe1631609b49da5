package dev.marquee.job.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import org.junit.jupiter.api.Test;

class JobFailureTest {
    @Test
    void theInnermostExceptionIsReported() {
        IOException cause = new IOException("no version of model 'marquee' in the registry");
        Exception wrapped = new RuntimeException("Job execution failed.", new IllegalStateException("task", cause));
        assertThat(JobFailure.rootCause(wrapped)).isSameAs(cause);
    }

    @Test
    void anErrorAtTheBottomKeepsTheException() {
        Exception wrapped = new RuntimeException("Job execution failed.", new OutOfMemoryError("heap"));
        assertThat(JobFailure.rootCause(wrapped)).isSameAs(wrapped);
    }

    /** The job's own message names the version, the folder and what to do; TensorFlow's alone does not. */
    @Test
    void theJobsOwnExceptionAroundTheInnermostIsReportedWhenItCarriesItsMessage() {
        Exception tf = new IllegalStateException("Could not find SavedModel .pb or .pbtxt at supplied export directory path");
        IOException ours = new IOException("cannot serve model 'marquee' version 3 from /r/marquee/3: " + tf.getMessage()
                + "; serve a version that loads (scripts/marquee rollback --version N) or publish a new one", tf);
        Exception wrapped = new org.apache.flink.runtime.client.JobExecutionException(
                new org.apache.flink.api.common.JobID(), "Job execution failed.",
                new org.apache.flink.runtime.execution.SuppressRestartsException(ours));
        assertThat(JobFailure.rootCause(wrapped)).isSameAs(ours);
        assertThat(JobFailure.rootCause(new RuntimeException(tf))).as("a bare wrapper says nothing more").isSameAs(tf);
    }
}

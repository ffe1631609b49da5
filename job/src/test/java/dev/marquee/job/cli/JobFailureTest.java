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
}

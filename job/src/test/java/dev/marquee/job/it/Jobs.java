package dev.marquee.job.it;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.flink.core.execution.JobClient;

/** Cleanup of the jobs an integration test started. */
final class Jobs {
    private Jobs() {}

    /**
     * Cancels the job unless it already ended, waiting at most a minute. For {@code finally} blocks: cancelling a job
     * that failed throws, and thrown there it would replace the test's own failure in the report.
     */
    static void stopIfRunning(JobClient job) throws Exception {
        if (job.getJobStatus().get(60, TimeUnit.SECONDS).isGloballyTerminalState()) return;
        try {
            job.cancel().get(60, TimeUnit.SECONDS);
        } catch (ExecutionException endedMeanwhile) {
            // it ended between the status and the cancel: nothing left to stop
        }
        // the cancel is acknowledged once it started: its tasks may still run, and the next test's reset of a static
        // probe must not see them count
        org.awaitility.Awaitility.await("the cancelled job ends").atMost(java.time.Duration.ofSeconds(60))
                .until(() -> job.getJobStatus().get(60, TimeUnit.SECONDS).isGloballyTerminalState());
    }
}

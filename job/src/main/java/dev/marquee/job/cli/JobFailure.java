package dev.marquee.job.cli;

/**
 * A local job's failure as the command reports it: Flink wraps what went wrong in a task (no model in the
 * registry, say) in layers of its own exceptions, so the command line shows the innermost one instead.
 */
final class JobFailure {
    private JobFailure() {}

    /** The innermost cause of {@code e} when it is an exception (not an error), else {@code e} itself. */
    static Exception rootCause(Exception e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) t = t.getCause();
        return t instanceof Exception root ? root : e;
    }
}

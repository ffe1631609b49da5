package dev.marquee.job.cli;

/**
 * A local job's failure as the command reports it: Flink wraps what went wrong in a task (no model in the
 * registry, say) in layers of its own exceptions, so the command line shows the innermost one instead, or the
 * job's own exception around it when that one says more (it names the version, the folder, what to do) and
 * carries the innermost message within its own.
 */
final class JobFailure {
    private JobFailure() {}

    /**
     * The outermost exception of {@code e}'s chain that is not Flink's and whose message contains the innermost
     * one's; else the innermost cause when it is an exception (not an error), else {@code e} itself.
     */
    static Exception rootCause(Exception e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) root = root.getCause();
        if (!(root instanceof Exception rootException)) return e;
        String rootMessage = root.getMessage();
        if (rootMessage == null || rootMessage.isBlank()) return rootException;
        for (Throwable t = e; t != root; t = t.getCause()) {
            if (t instanceof Exception x && !t.getClass().getName().startsWith("org.apache.flink.")
                    && t.getMessage() != null && t.getMessage().contains(rootMessage)
                    && !t.getMessage().equals(root.toString())) { // not a bare wrapper: new RuntimeException(cause)
                return x;
            }
        }
        return rootException;
    }
}

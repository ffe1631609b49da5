package dev.marquee.job.config;

/** Claims a run folder under args[0], prints its URI, and exits normally when its standard input closes. */
public final class CheckpointFolderHolderMain {
    static final String PREFIX = "claimed ";

    public static void main(String[] args) throws Exception {
        System.out.println(PREFIX + LocalCheckpointFolders.claim(java.nio.file.Path.of(args[0]).toUri().toString()));
        System.out.flush();
        while (System.in.read() >= 0) {
            // until the test closes the pipe
        }
    }
}

package dev.marquee.job.bench;

import dev.marquee.data.config.SettingException;
import dev.marquee.data.movielens.MovieLensNotFoundException;

/** How a benchmark's {@code main} ends: one line per error, exit 2 for usage and missing data, 1 for a failure. */
final class BenchMain {
    /** A benchmark's body: its exit code. */
    interface Body {
        int run() throws Exception;
    }

    private BenchMain() {}

    /** Runs {@code body} and exits the JVM; {@code script} is named in the hint after a usage error. */
    static void exit(String script, boolean stackTrace, Body body) {
        int code;
        try {
            code = body.run();
        } catch (SettingException e) {
            System.err.println("bench: " + e.getMessage());
            System.err.println("see: " + script + " --help");
            code = 2;
        } catch (MovieLensNotFoundException e) {
            System.err.println("bench: " + e.getMessage());
            code = 2;
        } catch (Exception e) {
            System.err.println("bench: failed: " + e + (e.getCause() != null ? " (" + e.getCause() + ")" : ""));
            if (stackTrace) e.printStackTrace();
            code = 1;
        }
        System.exit(code); // Flink's, Kafka's and TensorFlow's non-daemon threads must not keep it alive
    }
}

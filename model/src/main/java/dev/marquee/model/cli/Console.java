package dev.marquee.model.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;

/**
 * What a command talks to: standard streams, the environment and the working directory. Passed in so tests
 * run commands in-process with their own streams and environment.
 */
public record Console(InputStream in, PrintStream out, PrintStream err, Map<String, String> env, Path workingDir) {

    /** The process's own streams, environment and working directory. */
    public static Console system() {
        return new Console(System.in, System.out, System.err, System.getenv(), Path.of("").toAbsolutePath());
    }

    /** A path given on the command line or in the environment, against the working directory. */
    public Path resolve(String path) {
        return workingDir.resolve(path).toAbsolutePath().normalize();
    }
}

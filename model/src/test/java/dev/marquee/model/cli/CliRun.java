package dev.marquee.model.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

/** Runs {@link ModelMain} in-process with its own streams, environment and working directory. */
record CliRun(int exitCode, String out, String err) {

    static CliRun run(Path workingDir, Map<String, String> env, String stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Console console = new Console(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                env, workingDir);
        int code = ModelMain.run(args, console);
        return new CliRun(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static CliRun run(Path workingDir, String... args) {
        return run(workingDir, Map.of(), "", args);
    }

    /** Standard error is one line, without a stack trace. */
    boolean errIsOneCleanLine() {
        String e = err.strip();
        return !e.isEmpty() && !e.contains("\n\tat ") && !e.contains("Exception:")
                && e.lines().count() <= 2; // the message, and for usage errors a "see: --help" hint
    }

    @Override
    public String toString() {
        return "exit " + exitCode + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
}

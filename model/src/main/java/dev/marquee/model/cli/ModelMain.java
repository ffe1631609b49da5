package dev.marquee.model.cli;

/**
 * The model's commands ({@code train}, {@code evaluate}, {@code models}, {@code predict}, {@code import}:
 * {@link ModelCommands}) as a {@code java -cp} entry point in the job jar, for a cluster without {@code scripts/marquee}
 * (docs/OPERATIONS.md); {@code scripts/marquee} runs them through {@code dev.marquee.cli.Marquee}.
 * Failures are one line on standard error (no stack traces); exit codes: 0 done, 1 failed, 2 bad usage. See
 * docs/MODEL.md.
 */
public final class ModelMain {
    private ModelMain() {}

    public static void main(String[] args) {
        int code = run(args, Console.system());
        System.out.flush();
        System.exit(code);
    }

    /** Runs {@code args[0]} with the remaining arguments on {@code console}; returns the exit code. */
    public static int run(String[] args, Console console) {
        return ConsoleCommand.execute(ModelCommands.commandLine(console), args, console);
    }
}

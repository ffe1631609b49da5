package dev.marquee.model.cli;

import dev.marquee.data.config.Commands;
import dev.marquee.data.movielens.DataFileException;
import dev.marquee.data.movielens.MovieLensNotFoundException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;

/**
 * A picocli command that talks to a {@link Console}: the process's own by default, a test's when run through
 * {@link #execute}. Data errors (a missing MovieLens directory, a bad ratings file) are failures whose message
 * is the line to show; so is a class or native library that does not link (TensorFlow's, unpacked to a full disk).
 */
public abstract class ConsoleCommand implements Callable<Integer> {
    private Console console = Console.system();

    protected ConsoleCommand() {}

    protected ConsoleCommand(Console console) {
        this.console = console;
    }

    protected Console console() {
        return console;
    }

    /** Runs the command once its options are parsed; returns the exit code. */
    protected abstract int run() throws Exception;

    @Override
    public final Integer call() throws Exception {
        try {
            return run();
        } catch (MovieLensNotFoundException | DataFileException e) {
            throw CliException.failure(e.getMessage());
        } catch (LinkageError e) { // an Error would reach the user as a stack trace: picocli hands on only Exceptions
            throw CliException.failure(dev.marquee.model.NativeLibraryFailure.describe(e));
        }
    }

    /** Runs {@code line} (built by {@link Commands#commandLine}) with its output on {@code console}'s streams. */
    public static int execute(CommandLine line, String[] args, Console console) {
        PrintWriter out = new PrintWriter(console.out(), true);
        PrintWriter err = new PrintWriter(console.err(), true);
        line.setOut(out);
        line.setErr(err);
        int code = line.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    /** Runs {@code command} on its own, as {@code marquee <its name>}. */
    public static int execute(ConsoleCommand command, String[] args) {
        return execute(Commands.commandLine(command), args, command.console);
    }

    /** A launcher's {@code main}: runs {@code command} and exits with its code. */
    public static void exit(ConsoleCommand command, String[] args) {
        int code = execute(command, args);
        System.out.flush();
        System.exit(code);
    }
}

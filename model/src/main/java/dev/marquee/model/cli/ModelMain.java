package dev.marquee.model.cli;

import dev.marquee.data.config.SettingException;
import dev.marquee.data.movielens.DataFileException;
import dev.marquee.data.movielens.MovieLensNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code scripts/marquee train|evaluate|models|predict}: the model's command line. Failures are one line on
 * standard error (no stack traces); exit codes: 0 done, 1 failed, 2 bad usage. See docs/MODEL.md.
 */
public final class ModelMain {
    private static final Map<String, Command> COMMANDS = new LinkedHashMap<>();

    static {
        for (Command c : new Command[] {new TrainCommand(), new EvaluateCommand(), new ModelsCommand(),
                new PredictCommand(), new ImportCommand()}) {
            COMMANDS.put(c.name(), c);
        }
    }

    private ModelMain() {}

    public static void main(String[] args) {
        int code = run(args, Console.system());
        System.out.flush();
        System.exit(code);
    }

    /** Runs {@code args[0]} with the remaining arguments; returns the exit code. */
    public static int run(String[] args, Console console) {
        if (args.length == 0 || isHelp(args[0])) {
            (args.length == 0 ? console.err() : console.out()).println(usage());
            return args.length == 0 ? CliException.USAGE : 0;
        }
        Command command = COMMANDS.get(args[0]);
        if (command == null) {
            console.err().println("marquee: unknown command '" + args[0] + "'");
            console.err().println(usage());
            return CliException.USAGE;
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        if (Arrays.asList(rest).contains("--help") || Arrays.asList(rest).contains("-h")) {
            console.out().println(command.usage());
            return 0;
        }
        String prefix = command.name() + ": ";
        try {
            return command.run(rest, console);
        } catch (SettingException e) {
            console.err().println(prefix + e.getMessage());
            console.err().println("see: marquee " + command.name() + " --help");
            return CliException.USAGE;
        } catch (CliException e) {
            console.err().println(prefix + e.getMessage());
            return e.exitCode();
        } catch (MovieLensNotFoundException | DataFileException e) {
            console.err().println(prefix + e.getMessage());
            return CliException.FAILURE;
        } catch (UncheckedIOException e) {
            console.err().println(prefix + describe(e.getCause()));
            return CliException.FAILURE;
        } catch (IOException e) {
            console.err().println(prefix + describe(e));
            return CliException.FAILURE;
        } catch (Exception e) {
            // TensorFlow and other unexpected failures: one line, the exception's class says where to look.
            console.err().println(prefix + "failed: " + e);
            return CliException.FAILURE;
        }
    }

    static String usage() {
        StringBuilder b = new StringBuilder("usage: marquee COMMAND [options]   (each command takes --help)\n\n");
        COMMANDS.values().forEach(c -> b.append(String.format("  %-9s %s%n", c.name(), c.summary())));
        b.append("\nExit codes: 0 done, 1 failed, 2 bad usage.");
        return b.toString();
    }

    /** An I/O failure as one line: file system exceptions name the file, others keep their message. */
    static String describe(IOException e) {
        if (e instanceof NoSuchFileException f) {
            return "no such file or directory: " + f.getFile();
        }
        if (e instanceof AccessDeniedException f) {
            return "permission denied: " + f.getFile();
        }
        if (e instanceof FileSystemException f) {
            return f.getFile() + ": " + (f.getReason() != null ? f.getReason() : f.getClass().getSimpleName());
        }
        return e.getMessage() != null ? e.getMessage() : e.toString();
    }

    private static boolean isHelp(String arg) {
        return arg.equals("--help") || arg.equals("-h") || arg.equals("help");
    }
}

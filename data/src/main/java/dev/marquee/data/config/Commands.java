package dev.marquee.data.config;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.util.List;
import picocli.CommandLine;

/**
 * The one behaviour every marquee command line shares (picocli): generated {@code --help}; a bad command line
 * is one line naming the problem plus where to read more, exit {@value #USAGE}; a failure is one line on
 * standard error without a stack trace, exit {@value #FAILED}; done is {@value #OK}. Arguments that look like
 * secrets are never echoed.
 */
public final class Commands {
    public static final int OK = 0;
    public static final int FAILED = 1;
    public static final int USAGE = 2;

    private Commands() {}

    /** An exception that knows the exit code it stands for (e.g. a usage error found after parsing). */
    public interface ExitStatus {
        int exitCode();
    }

    /** A picocli command line for {@code command} with marquee's error handling and exit codes. */
    public static CommandLine commandLine(Object command) {
        return commandLine(command, List.of());
    }

    /**
     * As {@link #commandLine(Object)}, with {@code subcommands} added first: picocli's parser settings reach only
     * the subcommands a command line already has when they are set.
     */
    public static CommandLine commandLine(Object command, List<?> subcommands) {
        CommandLine line = new CommandLine(command);
        subcommands.forEach(line::addSubcommand);
        // An argument starting with '@' is a value (a Kafka property, a title), never a file of more arguments.
        line.setExpandAtFiles(false);
        // As the hand-written parsers did: the last of a repeated option wins; enum values in any case.
        line.setOverwrittenOptionsAllowed(true);
        line.setCaseInsensitiveEnumValuesAllowed(true);
        shareVersion(line, line.getCommandSpec().version());
        line.setParameterExceptionHandler(Commands::badUsage);
        line.setExecutionExceptionHandler((e, failed, parseResult) -> failure(e, failed));
        return line;
    }

    /** Runs {@code command} with {@code args} and returns the exit code (does not exit). */
    public static int run(Object command, String... args) {
        return commandLine(command).execute(args);
    }

    /** Subcommands without a version of their own answer {@code -V} with their parent's. */
    private static void shareVersion(CommandLine line, String[] version) {
        String[] own = line.getCommandSpec().version();
        String[] shown = own.length > 0 ? own : version;
        if (own.length == 0 && version.length > 0) line.getCommandSpec().version(version);
        line.getSubcommands().values().forEach(sub -> shareVersion(sub, shown));
    }

    private static int badUsage(CommandLine.ParameterException e, String[] args) {
        CommandLine line = e.getCommandLine();
        PrintWriter err = line.getErr();
        err.println(name(line) + ": " + hideSecrets(e.getMessage(), args));
        err.println("see: " + name(line) + " --help");
        err.flush();
        return USAGE;
    }

    private static int failure(Exception e, CommandLine line) {
        PrintWriter err = line.getErr();
        Throwable refusal = kafkaSettingsRefusal(e);
        int code = e instanceof ExitStatus s ? s.exitCode() : e instanceof SettingException || refusal != null ? USAGE : FAILED;
        err.println(name(line) + ": " + (refusal != null ? kafkaSettingsMessage(refusal) : describe(e)));
        if (code == USAGE) err.println("see: " + name(line) + " --help");
        err.flush();
        return code;
    }

    /**
     * The Kafka client's refusal of its settings in {@code e}'s causes (a bootstrap address it cannot parse, not one
     * that does not resolve now; a property value of the wrong type), which it wraps in "Failed to construct kafka
     * consumer": a usage error. Found by class name, as this module has no Kafka client.
     */
    public static Throwable kafkaSettingsRefusal(Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause() == c ? null : c.getCause()) {
            // an address that does not resolve now may resolve in a minute (DNS): not the command line's fault
            if (c.getClass().getName().equals("org.apache.kafka.common.config.ConfigException")
                    && !String.valueOf(c.getMessage()).contains("No resolvable bootstrap urls")
                    && !String.valueOf(c.getMessage()).contains("Unknown host in bootstrap.servers")) {
                return c;
            }
        }
        return null;
    }

    /** What a user is told of {@link #kafkaSettingsRefusal}. */
    public static String kafkaSettingsMessage(Throwable refusal) {
        return "the Kafka client refuses its settings (the address or a client property given): " + refusal.getMessage();
    }

    /** The command as a user types it: {@code marquee train}, also when a module runs it on its own. */
    static String name(CommandLine line) {
        String qualified = line.getCommandSpec().qualifiedName(" ");
        return qualified.startsWith("marquee") ? qualified : "marquee " + qualified;
    }

    /** The other end of a failed copy or move: often the one at fault (a full or read-only target). */
    private static String otherEnd(FileSystemException f) {
        return f.getOtherFile() != null ? " -> " + f.getOtherFile() : "";
    }

    /** A failure as one line: file system errors name the file, others keep their message. */
    public static String describe(Throwable e) {
        if (e instanceof UncheckedIOException u && u.getCause() != null) return describe(u.getCause());
        if (e instanceof NoSuchFileException f) return "no such file or directory: " + f.getFile() + otherEnd(f);
        if (e instanceof AccessDeniedException f) return "permission denied: " + f.getFile() + otherEnd(f);
        if (e instanceof FileSystemException f) {
            // a copy or a move names both ends: the error is often the target's (a full registry), not the source's
            return f.getFile() + otherEnd(f) + ": " + (f.getReason() != null ? f.getReason() : f.getClass().getSimpleName());
        }
        if (e instanceof SettingException || e instanceof ExitStatus || e instanceof IOException) {
            return e.getMessage() != null ? e.getMessage() : e.toString();
        }
        // TensorFlow and other unexpected failures: the exception's class says where to look, and its deepest cause why
        // (a Kafka client that failed to construct says only that)
        String outer = maskValues(firstLine(e.toString()));
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) root = root.getCause();
        String rootLine = root.getMessage() == null ? "" : firstLine(root.getMessage());
        boolean said = root == e || !rootLine.isEmpty() && firstLine(e.toString()).contains(rootLine);
        return "failed: " + outer + (said ? "" : " (" + maskValues(firstLine(root.toString())) + ")");
    }

    /**
     * Every distinct message along {@code e}'s causes, joined with ": ", secret values masked: a Kafka client's outer
     * "Failed to construct kafka consumer" says only where, a cause in between which file, and the innermost why (an
     * untrusted certificate, "keystore password was incorrect").
     */
    public static String causes(Throwable e) {
        StringBuilder out = new StringBuilder();
        java.util.Set<Throwable> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        for (Throwable t = e; t != null && seen.add(t); t = t.getCause()) {
            // a wrapper made from its cause alone (new KafkaException(cause)) says nothing of its own
            if (t.getCause() != null && t.getCause() != t && t.getCause().toString().equals(t.getMessage())) continue;
            // a file's error says only its path, which the message above it often names already: say what failed
            // a cause without a message says at least what it is (a bare LoginException from a login module)
            String m = t instanceof FileSystemException ? describe(t)
                    : t.getMessage() == null ? (t == e ? "" : t.getClass().getName()) : firstLine(t.getMessage()).strip();
            if (m.isEmpty() || out.indexOf(m) >= 0) continue;
            if (out.length() > 0) out.append(": ");
            out.append(m);
        }
        return maskValues(out.length() == 0 ? e.toString() : out.toString());
    }

    static String maskValues(String text) {
        return SecretMasking.maskValues(text);
    }

    private static String firstLine(String text) {
        return text.lines().findFirst().orElse("");
    }

    private static String hideSecrets(String message, String[] args) {
        String shown = message == null ? "bad command line" : message;
        for (String arg : args) {
            if (SecretMasking.looksSecret(arg) && shown.contains(arg)) {
                shown = shown.replace(arg, "(hidden: it looks like a secret)");
            }
        }
        return shown;
    }
}

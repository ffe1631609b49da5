package dev.marquee.model.cli;

/**
 * A command cannot do what it was asked; the message is one line meant for the person who ran it. Usage
 * errors (bad options) exit with {@value #USAGE}, everything else with {@value #FAILURE}.
 */
public final class CliException extends RuntimeException {
    public static final int FAILURE = 1;
    public static final int USAGE = 2;

    private final int exitCode;

    private CliException(int exitCode, String message) {
        super(message, null, false, false);
        this.exitCode = exitCode;
    }

    public static CliException failure(String message) {
        return new CliException(FAILURE, message);
    }

    public static CliException usage(String message) {
        return new CliException(USAGE, message);
    }

    public int exitCode() {
        return exitCode;
    }
}

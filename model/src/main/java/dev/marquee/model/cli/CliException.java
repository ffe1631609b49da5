package dev.marquee.model.cli;

import dev.marquee.data.config.Commands;

/**
 * A command cannot do what it was asked; the message is one line meant for the person who ran it, and the exit
 * code is {@value #FAILURE}. (Bad options are {@link dev.marquee.data.config.SettingException}s: exit 2.)
 */
public final class CliException extends RuntimeException implements Commands.ExitStatus {
    public static final int FAILURE = Commands.FAILED;

    private final int exitCode;

    private CliException(int exitCode, String message) {
        super(message, null, false, false);
        this.exitCode = exitCode;
    }

    public static CliException failure(String message) {
        return new CliException(FAILURE, message);
    }

    @Override
    public int exitCode() {
        return exitCode;
    }
}

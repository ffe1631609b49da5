package dev.marquee.data.replay;

import dev.marquee.data.config.Commands;

/** Launches {@link ReplayCommand} ({@code marquee replay}) on its own, as scripts do. */
public final class ReplayMain {
    private ReplayMain() {}

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String[] args) {
        return Commands.run(new ReplayCommand(), args);
    }
}

package dev.marquee.data.watch;

import dev.marquee.data.config.Commands;

/** Launches {@link WatchCommand} ({@code marquee watch}) on its own, as scripts/run-local does. */
public final class WatchMain {
    private WatchMain() {}

    public static void main(String[] args) {
        System.exit(Commands.run(new WatchCommand(), args));
    }
}

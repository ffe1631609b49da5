package dev.marquee.data.dashboard;

import dev.marquee.data.config.Commands;

/** Launches {@link DashboardCommand} ({@code marquee dashboard}) on its own, as scripts/run-local does. */
public final class DashboardMain {
    private DashboardMain() {}

    public static void main(String[] args) {
        int status = Commands.run(new DashboardCommand(), args);
        if (status != 0) System.exit(status);
    }
}

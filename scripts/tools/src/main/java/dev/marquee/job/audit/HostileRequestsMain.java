package dev.marquee.job.audit;

import dev.marquee.data.config.Commands;

/** Launches {@link HostileRequestsCommand} ({@code marquee hostile-requests}) on its own, as scripts/cluster-e2e does. */
public final class HostileRequestsMain {
    private HostileRequestsMain() {}

    public static void main(String[] args) {
        System.exit(Commands.run(new HostileRequestsCommand(), args));
    }
}

package dev.marquee.job.audit;

import dev.marquee.data.config.Commands;

/** Launches {@link OutcomeAuditCommand} ({@code marquee audit-outcomes}) on its own, as scripts/cluster-e2e does. */
public final class OutcomeAuditMain {
    private OutcomeAuditMain() {}

    public static void main(String[] args) {
        System.exit(Commands.run(new OutcomeAuditCommand(), args));
    }
}

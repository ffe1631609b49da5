package dev.marquee.model.trainer;

import dev.marquee.model.cli.Console;
import picocli.CommandLine.Command;

/** {@code marquee rollback --version N}: pins a checked version and tells running scoring jobs to swap to it. */
@Command(name = "rollback",
        header = "serve an earlier version again: --version N (checks, pins, sends a model update)", sortOptions = false,
        description = {"Checks that version N is published and loads and answers a probe batch, pins it in the"
                + " registry, and sends a model update for it, so a running scoring job swaps back to it. `marquee"
                + " models --unpin` undoes the pin (no retrain removes it). See docs/RETRAINING.md."})
public final class RollbackCommand extends ServingMoveCommand {
    public RollbackCommand() {}

    public RollbackCommand(Console console) {
        super(console);
    }

    @Override
    Mode mode() {
        return Mode.ROLLBACK;
    }
}

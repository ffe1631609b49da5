package dev.marquee.model.trainer;

import dev.marquee.model.cli.Console;
import picocli.CommandLine.Command;

/**
 * {@code marquee promote --version N}: a person's promotion. Moves the serving pointer to a checked version (no
 * pin: automation may move it again) and tells running scoring jobs; refuses while another version is pinned.
 */
@Command(name = "promote",
        header = "serve a version now: --version N (checks, moves the serving pointer, sends an update)", sortOptions = false,
        description = {"Checks that version N is published and loads and answers a probe batch, makes it the"
                + " registry's serving pointer (ending any shadow; a version held from automatic promotion is"
                + " released), and sends a model update, so running scoring jobs serve it now. A pin beats the"
                + " pointer: with one set, use `marquee rollback --version N` (moves the pin) or `marquee models"
                + " --unpin` first. See docs/RETRAINING.md."})
public final class PromoteCommand extends ServingMoveCommand {
    public PromoteCommand() {}

    public PromoteCommand(Console console) {
        super(console);
    }

    @Override
    Mode mode() {
        return Mode.PROMOTE;
    }
}

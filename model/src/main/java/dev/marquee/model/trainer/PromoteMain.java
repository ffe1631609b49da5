package dev.marquee.model.trainer;

import dev.marquee.model.cli.Console;
import dev.marquee.model.cli.ConsoleCommand;

/** {@code scripts/marquee promote}: launches {@link PromoteCommand}. */
public final class PromoteMain {
    private PromoteMain() {}

    public static void main(String[] args) {
        ConsoleCommand.exit(new PromoteCommand(), args);
    }

    public static int run(String[] args, Console console) {
        return ConsoleCommand.execute(new PromoteCommand(console), args);
    }
}

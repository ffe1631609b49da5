package dev.marquee.model.trainer;

import dev.marquee.model.cli.Console;
import dev.marquee.model.cli.ConsoleCommand;

/** {@code scripts/marquee rollback}: launches {@link RollbackCommand}. */
public final class RollbackMain {
    private RollbackMain() {}

    public static void main(String[] args) {
        ConsoleCommand.exit(new RollbackCommand(), args);
    }

    public static int run(String[] args, Console console) {
        return ConsoleCommand.execute(new RollbackCommand(console), args);
    }
}

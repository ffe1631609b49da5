package dev.marquee.model.trainer;

import dev.marquee.model.cli.Console;
import dev.marquee.model.cli.ConsoleCommand;

/** {@code scripts/marquee trainer}: launches {@link TrainerCommand}. */
public final class TrainerMain {
    private TrainerMain() {}

    public static void main(String[] args) {
        ConsoleCommand.exit(new TrainerCommand(), args);
    }

    public static int run(String[] args, Console console) {
        return ConsoleCommand.execute(new TrainerCommand(console), args);
    }
}

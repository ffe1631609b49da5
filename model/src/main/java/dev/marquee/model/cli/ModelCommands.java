package dev.marquee.model.cli;

import dev.marquee.data.config.Commands;
import dev.marquee.data.config.SettingException;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The model's commands under one parent, for {@link ModelMain}: {@code train}, {@code evaluate}, {@code models},
 * {@code predict}, {@code import}. The root {@code marquee} tool lists the command classes itself.
 */
@Command(name = "marquee", mixinStandardHelpOptions = true,
        description = "The model's commands. Exit codes: 0 done, 1 failed, 2 bad usage. See docs/MODEL.md.")
public final class ModelCommands implements Callable<Integer> {
    /** The five commands, each talking to {@code console}. */
    static List<ConsoleCommand> all(Console console) {
        return List.of(new TrainCommand(console), new EvaluateCommand(console), new ModelsCommand(console),
                new PredictCommand(console), new ImportCommand(console));
    }

    /** The parent command line with its subcommands and marquee's error handling. */
    public static CommandLine commandLine(Console console) {
        List<Object> subcommands = new java.util.ArrayList<>(all(console));
        subcommands.add(new CommandLine.HelpCommand());
        return Commands.commandLine(new ModelCommands(), subcommands);
    }

    @Override
    public Integer call() {
        throw new SettingException("give a command: train, evaluate, models, predict or import");
    }
}

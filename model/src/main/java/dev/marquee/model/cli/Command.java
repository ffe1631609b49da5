package dev.marquee.model.cli;

/** One subcommand of {@link ModelMain}. */
interface Command {
    /** The word that selects it, e.g. "train". */
    String name();

    /** One line for the command list. */
    String summary();

    /** The full {@code --help} text. */
    String usage();

    /** Runs it; returns the exit code. Throws {@link CliException} or a data/setting exception on failure. */
    int run(String[] args, Console console) throws Exception;
}

package dev.marquee.tools;

import dev.marquee.data.config.Commands;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import picocli.CommandLine;

/** One run of a command as {@code marquee} runs it, with what it printed through picocli. */
public record CommandRun(int exitCode, String out, String err) {

    public static CommandRun of(Object command, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine line = Commands.commandLine(command);
        line.setOut(new PrintWriter(out, true));
        line.setErr(new PrintWriter(err, true));
        int exit = line.execute(args);
        return new CommandRun(exit, out.toString(), err.toString());
    }

    public List<String> errLines() {
        return err.lines().toList();
    }
}

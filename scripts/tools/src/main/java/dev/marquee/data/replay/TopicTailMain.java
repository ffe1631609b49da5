package dev.marquee.data.replay;

import dev.marquee.data.config.Commands;

/** Launches {@link TopicTailCommand} ({@code marquee tail}) on its own, as scripts do. */
public final class TopicTailMain {
    private TopicTailMain() {}

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String[] args) {
        return Commands.run(new TopicTailCommand(), args);
    }
}

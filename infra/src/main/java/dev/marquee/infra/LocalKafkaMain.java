package dev.marquee.infra;

import dev.marquee.data.config.Commands;

/** Launches {@link LocalKafkaCommand} ({@code marquee kafka}) on its own, as scripts/run-local does. */
public final class LocalKafkaMain {

    private LocalKafkaMain() {
    }

    public static void main(String[] args) {
        System.exit(Commands.run(new LocalKafkaCommand(), args));
    }
}

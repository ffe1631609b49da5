package dev.marquee.model.trainer;

import dev.marquee.model.cli.Console;

/**
 * {@code scripts/marquee promote --version N}: a person's promotion. Checks that version N loads and answers,
 * moves the registry's serving pointer to it (no pin: automation may move it again), and sends a model update
 * so running scoring jobs serve it now. Refuses while another version is pinned. Exit codes as rollback's.
 */
public final class PromoteMain {
    static final String USAGE = String.join("\n",
            "usage: marquee promote --version N [options]",
            "Checks that version N is published and loads and answers a probe batch, makes it the registry's serving",
            "pointer (ending any shadow; a version held from automatic promotion is released), and sends a model",
            "update, so running scoring jobs serve it now. A pin beats the pointer: with one set, use `marquee",
            "rollback --version N` (moves the pin) or `marquee models --unpin` first. See docs/RETRAINING.md.",
            "  --version N                the version to serve (required)",
            "  --bootstrap HOST:PORT      Kafka bootstrap servers (default: $MARQUEE_BOOTSTRAP, else localhost:9092)",
            "  --kafka-prop K=V           any Kafka client property (repeatable)",
            "  --topic.model-updates NAME (default: model-updates)",
            "  --registry DIR             model registry base (default: $MARQUEE_REGISTRY, else ./.marquee/registry)",
            "  --model-name NAME          model name in the registry (default: marquee)",
            "  --help                     this text");

    private PromoteMain() {}

    public static void main(String[] args) {
        int code = run(args, Console.system());
        System.out.flush();
        System.exit(code);
    }

    public static int run(String[] args, Console console) {
        return RollbackMain.run(args, console, RollbackMain.Mode.PROMOTE);
    }
}

package dev.marquee.model.trainer;

import dev.marquee.model.cli.CliException;
import dev.marquee.model.cli.Console;
import dev.marquee.model.cli.ConsoleCommand;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.KafkaException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code marquee trainer}: the trainer worker (docs/RETRAINING.md). Exit codes: 0 stopped by {@code stop()} (130 or
 * 143, the signal's, by Ctrl-C or SIGTERM; or, with
 * {@code --once}, the pending requests handled), 1 failed (Kafka unreachable with {@code --once}: without, the worker
 * says so and waits for it; Kafka unwritable, registry
 * unusable, the promoter's thread stopped by an Error, a request failed on a class or native library that does not
 * link, after its FAILED outcome), 2 bad usage.
 */
@Command(name = "trainer",
        header = "the trainer worker: retrain requests -> train, gate, publish (--once: those pending)", mixinStandardHelpOptions = true, sortOptions = false, abbreviateSynopsis = true,
        description = {"Consumes retrain requests; for each: trains a candidate on the original data plus the recent"
                + " labels on the ratings topic, compares it with the serving version on the most recent labels it did"
                + " not train on (paired, user-clustered bootstrap), and publishes it (and a model update), rejects it,"
                + " or defers it until labels can tell; then writes the outcome. See docs/RETRAINING.md."})
public final class TrainerCommand extends ConsoleCommand {
    @Mixin
    TrainerOptions options;

    public TrainerCommand() {}

    public TrainerCommand(Console console) {
        super(console);
    }

    private volatile TrainerWorker worker;
    private volatile boolean stopped;

    /**
     * Ends a running worker as its shutdown hook does: the request in hand is finished and its outcome written,
     * then {@link #call()} returns. For callers that run the worker in a thread of their own (benchmarks).
     */
    public void stop() {
        stopped = true;
        TrainerWorker w = worker;
        if (w != null) w.stop();
    }

    /** A worker stopped by {@link #stop()} must not leave its hook behind (a JVM may run many). */
    private static void removeShutdownHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is what is stopping the worker
        }
    }

    @Override
    protected int run() throws Exception {
        Console console = console();
        TrainerSettings settings = options.settings(console);
        OriginalData data = new OriginalData(settings.data(), console.env(), console.workingDir());
        CountDownLatch closed = new CountDownLatch(1);
        Thread hook = null;
        try (TrainerWorker worker = new TrainerWorker(settings, data, console.out()::println)) {
            this.worker = worker;
            if (stopped) return 0;
            if (!settings.once()) {
                hook = new Thread(() -> {
                    worker.stop();
                    try {
                        closed.await(60, TimeUnit.SECONDS); // let the request in hand write its outcome
                    } catch (InterruptedException ignored) {
                        Thread.currentThread().interrupt();
                    }
                }, "trainer-shutdown");
                Runtime.getRuntime().addShutdownHook(hook);
            }
            worker.run();
            return 0;
        } catch (KafkaException e) {
            if (e instanceof EventWriter.WriteFailed failed) {
                throw CliException.failure("Kafka failed: " + e.getMessage() + failed.trainerAdvice());
            }
            throw CliException.failure("Kafka failed: " + dev.marquee.data.config.Commands.causes(e));
        } finally {
            closed.countDown();
            if (hook != null) removeShutdownHook(hook);
        }
    }
}

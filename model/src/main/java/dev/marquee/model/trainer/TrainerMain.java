package dev.marquee.model.trainer;

import dev.marquee.data.config.SettingException;
import dev.marquee.model.cli.Console;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.KafkaException;

/**
 * {@code scripts/marquee trainer}: the trainer worker (docs/RETRAINING.md). Exit codes: 0 stopped (or, with
 * {@code --once}, the pending requests handled), 1 failed (Kafka unreachable or unwritable, registry
 * unusable), 2 bad usage. Failures are one line on standard error.
 */
public final class TrainerMain {
    private TrainerMain() {}

    public static void main(String[] args) {
        int code = run(args, Console.system());
        System.out.flush();
        System.exit(code);
    }

    public static int run(String[] args, Console console) {
        if (Arrays.asList(args).contains("--help") || Arrays.asList(args).contains("-h")) {
            console.out().println(TrainerSettings.USAGE);
            return 0;
        }
        TrainerSettings settings;
        try {
            settings = TrainerSettings.parse(args, console);
        } catch (SettingException e) {
            console.err().println("trainer: " + e.getMessage());
            console.err().println("see: marquee trainer --help");
            return 2;
        }
        OriginalData data = new OriginalData(settings.data(), console.env(), console.workingDir());
        CountDownLatch closed = new CountDownLatch(1);
        try (TrainerWorker worker = new TrainerWorker(settings, data, console.out()::println)) {
            if (!settings.once()) {
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    worker.stop();
                    try {
                        closed.await(60, TimeUnit.SECONDS); // let the request in hand write its outcome
                    } catch (InterruptedException ignored) {
                        Thread.currentThread().interrupt();
                    }
                }, "trainer-shutdown"));
            }
            worker.run();
            return 0;
        } catch (KafkaException e) {
            console.err().println("trainer: Kafka failed: " + e.getMessage()
                    + (e.getCause() != null ? " (" + e.getCause().getMessage() + ")" : ""));
            return 1;
        } catch (Exception e) {
            console.err().println("trainer: failed: " + e);
            return 1;
        } finally {
            closed.countDown();
        }
    }
}

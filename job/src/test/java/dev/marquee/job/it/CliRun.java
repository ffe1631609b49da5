package dev.marquee.job.it;

import dev.marquee.model.cli.Console;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

/** A marquee command run in-process with its own streams and no MARQUEE_* environment: its exit code and output. */
record CliRun(int code, String out, String err) {
    @FunctionalInterface
    interface Main {
        int run(String[] args, Console console);
    }

    /** Runs {@code main} in {@code workingDir}; the run is printed into the failsafe report's -output.txt. */
    static CliRun run(Path workingDir, Main main, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Console console = new Console(new ByteArrayInputStream(new byte[0]),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                Map.of(), workingDir);
        int code = main.run(args, console);
        CliRun run = new CliRun(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        System.out.println(run);
        return run;
    }

    /** Kafka producer settings for raw bytes, from the broker's own. */
    static java.util.Properties byteProducer(java.util.Properties broker) {
        broker.put(org.apache.kafka.clients.producer.ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                org.apache.kafka.common.serialization.ByteArraySerializer.class.getName());
        broker.put(org.apache.kafka.clients.producer.ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                org.apache.kafka.common.serialization.ByteArraySerializer.class.getName());
        broker.put(org.apache.kafka.clients.producer.ProducerConfig.LINGER_MS_CONFIG, "5");
        return broker;
    }

    @Override
    public String toString() {
        return "exit " + code + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
}

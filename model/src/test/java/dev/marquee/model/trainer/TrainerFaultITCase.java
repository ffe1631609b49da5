package dev.marquee.model.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.marquee.data.event.ModelUpdate;
import dev.marquee.data.event.Rating;
import dev.marquee.data.event.RetrainOutcome;
import dev.marquee.data.event.RetrainRequest;
import dev.marquee.data.json.EventCodec;
import dev.marquee.data.synth.SyntheticRatings;
import dev.marquee.infra.testing.KafkaBrokerExtension;
import dev.marquee.model.ModelRegistry;
import dev.marquee.model.cli.Console;
import dev.marquee.model.cli.ModelMain;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The trainer worker killed mid-training (SIGKILL of its JVM), and a publish killed midway (the half-written
 * hidden directory such a kill leaves behind), then a new worker in the same consumer group.
 *
 * <p>Expected: the killed worker wrote no outcome and committed no offset, so the new worker redoes the request;
 * the registry never exposes the half-written version ({@code versions()}, {@code latest()}, {@code serving()}
 * ignore it) and the new version gets the next number after the published ones; the new worker removes the
 * candidate folder the killed one left; exactly one outcome (PUBLISHED) and one model update result;
 * the new worker deletes the half-written directory (unchanged for an hour) at start-up.
 */
class TrainerFaultITCase {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    private static final Duration DEADLINE = Duration.ofSeconds(120);
    private static final EventCodec<Rating> RATINGS = EventCodec.of(Rating.class);
    private static final EventCodec<RetrainRequest> REQUESTS = EventCodec.of(RetrainRequest.class);
    private static final EventCodec<RetrainOutcome> OUTCOMES = EventCodec.of(RetrainOutcome.class);
    private static final EventCodec<ModelUpdate> UPDATES = EventCodec.of(ModelUpdate.class);

    @TempDir
    Path tmp;

    @Test
    void aKilledWorkerAndAHalfWrittenPublishLeaveNoVersionAndTheRequestEndsPublishedOnce() throws Exception {
        String requests = KAFKA.createTopic("retrain-requests", 1);
        String outcomes = KAFKA.createTopic("retrain-outcomes", 1);
        String updates = KAFKA.createTopic("model-updates", 1);
        String ratings = KAFKA.createTopic("ratings", 1);
        Path base = tmp.resolve("registry");
        ModelRegistry registry = new ModelRegistry(base);
        // Version 1 with a patience no retrain reaches: the killed worker trains until it is killed.
        assertThat(ModelMain.run(new String[] {"train", "--data", "synthetic:2000", "--registry", base.toString(),
                "--epochs", "3", "--batch", "64", "--patience", "100000"}, console(new ByteArrayOutputStream()))).isZero();
        assertThat(registry.versions("marquee")).containsExactly(1L);

        try (KafkaProducer<String, String> producer = new KafkaProducer<>(KAFKA.producerProps())) {
            for (Rating r : shiftedLabels()) producer.send(new ProducerRecord<>(ratings, r.userId, RATINGS.encodeToString(r)));
            producer.send(new ProducerRecord<>(requests, "r-1",
                    REQUESTS.encodeToString(new RetrainRequest("r-1", "fault test", System.currentTimeMillis())))).get();
        }
        List<String> worker = List.of("--bootstrap", KAFKA.bootstrapServers(), "--registry", base.toString(),
                "--topic.retrain-requests", requests, "--topic.retrain-outcomes", outcomes,
                "--topic.model-updates", updates, "--topic.ratings", ratings,
                // a killed member leaves the group after this, not after the default 45 s
                "--kafka-prop", "session.timeout.ms=6000");

        // 1. A worker in its own JVM, killed (SIGKILL) once it is training.
        List<String> killedOut = new CopyOnWriteArrayList<>();
        List<String> args = new ArrayList<>(worker);
        args.addAll(List.of("--trainer.epochs", "100000"));
        Process killed = startWorker(args, killedOut);
        try {
            await("the worker trains").atMost(DEADLINE).until(() -> {
                if (!killed.isAlive()) throw new AssertionError("the worker exited: " + String.join("\n", killedOut));
                return killedOut.stream().anyMatch(l -> l.contains("trainer: epoch   2"));
            });
        } finally {
            killed.destroyForcibly();
            assertThat(killed.waitFor(60, TimeUnit.SECONDS)).isTrue();
        }
        System.out.println("TrainerFaultITCase: the killed worker printed:\n  " + String.join("\n  ", killedOut));
        assertThat(readAll(outcomes, OUTCOMES)).as("no outcome from the killed worker").isEmpty();
        assertThat(registry.versions("marquee")).containsExactly(1L);
        assertThat(hidden(registry, Retrainer.CANDIDATE_PREFIX)).as("the candidate folder the kill left").hasSize(1);

        // 2. What a publish killed midway leaves: a hidden folder with part of a version in it.
        Path halfWritten = registry.modelDir("marquee").resolve(".publishing-killed-midway");
        copyTree(registry.versionDir("marquee", 1), halfWritten);
        try (Stream<Path> data = Files.list(halfWritten.resolve("variables"))) {
            for (Path f : data.filter(p -> p.getFileName().toString().startsWith("variables.data")).toList()) {
                try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
                    ch.truncate(ch.size() / 3);
                }
            }
        }
        assertThat(registry.versions("marquee")).containsExactly(1L);
        assertThat(registry.latest("marquee").getAsLong()).isEqualTo(1);
        assertThat(registry.serving("marquee").getAsLong()).isEqualTo(1);
        // killed long ago: a folder unchanged for an hour is abandoned, not another process's publish in progress
        FileTime longAgo = FileTime.fromMillis(System.currentTimeMillis() - 2 * 3_600_000L);
        try (Stream<Path> tree = Files.walk(halfWritten)) {
            for (Path p : tree.toList()) Files.setLastModifiedTime(p, longAgo);
        }

        // 3. A new worker in the same group redoes the request.
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        List<String> redo = new ArrayList<>(worker);
        redo.addAll(List.of("--once", "--trainer.epochs", "10"));
        long t0 = System.nanoTime();
        int code = TrainerMain.run(redo.toArray(String[]::new), console(out));
        String printed = out.toString(StandardCharsets.UTF_8);
        System.out.printf("TrainerFaultITCase: the new worker took %.1f s:%n%s%n", (System.nanoTime() - t0) / 1e9, printed);
        assertThat(code).as(printed).isZero();
        assertThat(printed).contains("removed 1 candidate folder(s)").contains("removed 1 abandoned publish folder(s)");

        List<RetrainOutcome> answered = readAll(outcomes, OUTCOMES);
        assertThat(answered).as("exactly one outcome").hasSize(1);
        assertThat(answered.get(0).requestId).isEqualTo("r-1");
        assertThat(answered.get(0).outcome).as(answered.get(0).toString()).isEqualTo(RetrainOutcome.PUBLISHED);
        assertThat(answered.get(0).version).isEqualTo(2);
        // The killed worker's promoter announced the pointer at its start (serve 1, no shadow); the redone request
        // announces version 2 once, as a candidate in shadow (published is not serving).
        List<ModelUpdate> announced = readAll(updates, UPDATES);
        assertThat(announced).filteredOn(u -> u.shadowVersion == 2).singleElement()
                .satisfies(u -> assertThat(u.version).isEqualTo(1));
        assertThat(announced).allMatch(u -> u.version == 1 && (u.shadowVersion == 0 || u.shadowVersion == 2));
        assertThat(registry.versions("marquee")).containsExactly(1L, 2L);
        assertThat(hidden(registry, Retrainer.CANDIDATE_PREFIX)).isEmpty();

        // 4. The half-written folder was never a version, and the new worker removed it at start-up.
        assertThat(halfWritten).doesNotExist();
        assertThat(registry.removeAbandoned("marquee")).isZero();
        assertThat(registry.versions("marquee")).containsExactly(1L, 2L);
    }

    /**
     * SIGTERM (what Kubernetes and systemd send) while the worker trains: it finishes the request in hand, writes its
     * outcome and commits it, then exits; a worker started after it in the same group has nothing to redo.
     */
    @Test
    void aWorkerStoppedBySigtermFinishesTheRequestInHandThenExits() throws Exception {
        String requests = KAFKA.createTopic("retrain-requests", 1);
        String outcomes = KAFKA.createTopic("retrain-outcomes", 1);
        String updates = KAFKA.createTopic("model-updates", 1);
        String ratings = KAFKA.createTopic("ratings", 1);
        Path base = tmp.resolve("registry-sigterm");
        // a patience no retrain reaches: the retrain runs all its --trainer.epochs, so the signal comes mid-training
        assertThat(ModelMain.run(new String[] {"train", "--data", "synthetic:2000", "--registry", base.toString(),
                "--epochs", "3", "--batch", "64", "--patience", "100000"}, console(new ByteArrayOutputStream()))).isZero();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(KAFKA.producerProps())) {
            for (Rating r : shiftedLabels()) producer.send(new ProducerRecord<>(ratings, r.userId, RATINGS.encodeToString(r)));
            producer.send(new ProducerRecord<>(requests, "r-term",
                    REQUESTS.encodeToString(new RetrainRequest("r-term", "sigterm test", System.currentTimeMillis())))).get();
        }
        List<String> worker = List.of("--bootstrap", KAFKA.bootstrapServers(), "--registry", base.toString(),
                "--topic.retrain-requests", requests, "--topic.retrain-outcomes", outcomes,
                "--topic.model-updates", updates, "--topic.ratings", ratings, "--group", "sigterm-test",
                // about 20 ms an epoch here: seconds of training left when the signal comes after the second
                "--trainer.epochs", "300");
        List<String> printed = new CopyOnWriteArrayList<>();
        Process stopped = startWorker(worker, printed);
        int linesAtSignal;
        try {
            await("the worker trains").atMost(DEADLINE).pollInterval(Duration.ofMillis(10)).until(() -> {
                if (!stopped.isAlive()) throw new AssertionError("the worker exited: " + String.join("\n", printed));
                return printed.stream().anyMatch(l -> l.contains("trainer: epoch   2"));
            });
            linesAtSignal = printed.size();
            // SIGTERM through the handle: Process.destroy() would also close our end of its output, and the lines it
            // prints while it stops would be lost
            assertThat(stopped.toHandle().destroy()).as("SIGTERM sent").isTrue();
            assertThat(stopped.waitFor(90, TimeUnit.SECONDS)).as("exited within the grace period Kubernetes gives it").isTrue();
        } finally {
            stopped.destroyForcibly();
        }
        await("its last lines read").atMost(Duration.ofSeconds(10)).until(() -> !pumps.get(stopped).isAlive());
        System.out.println("TrainerFaultITCase: the worker stopped by SIGTERM printed:\n  " + String.join("\n  ", printed));
        assertThat(printed.subList(linesAtSignal, printed.size())).as("it trained on after the signal")
                .anyMatch(l -> l.contains("trainer: epoch 300"));
        assertThat(stopped.exitValue()).as("the JVM's exit on SIGTERM").isEqualTo(143);
        List<RetrainOutcome> answered = readAll(outcomes, OUTCOMES);
        assertThat(answered).as("the request in hand answered once, its training finished").singleElement()
                .satisfies(o -> assertThat(o.requestId).isEqualTo("r-term"))
                .satisfies(o -> assertThat(o.outcome).as(o.toString()).isEqualTo(RetrainOutcome.PUBLISHED));
        assertThat(readAll(updates, UPDATES)).as("its version announced as the candidate")
                .anyMatch(u -> u.version == 1 && u.shadowVersion == 2);

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        List<String> next = new ArrayList<>(worker);
        next.add("--once");
        assertThat(TrainerMain.run(next.toArray(String[]::new), console(out))).as(out.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(readAll(outcomes, OUTCOMES)).as("nothing redone: the answered request's offset was committed").hasSize(1);
    }

    /** The threads copying each started worker's output. */
    private final Map<Process, Thread> pumps = new java.util.concurrent.ConcurrentHashMap<>();

    /** A trainer worker in a JVM of its own, its output (stdout and stderr) copied line by line into {@code printed}. */
    private Process startWorker(List<String> args, List<String> printed) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g"));
        cmd.addAll(dev.marquee.infra.testing.ChildEnvironment.javacppCacheOptions());
        cmd.addAll(List.of("-cp", System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
                TrainerMain.class.getName()));
        cmd.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(cmd).redirectErrorStream(true);
        dev.marquee.infra.testing.ChildEnvironment.scrub(builder.environment());
        Process p = builder.start();
        Thread pump = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) printed.add(line);
            } catch (IOException ignored) {
                // the process was killed
            }
        }, "worker-output");
        pump.setDaemon(true);
        pump.start();
        pumps.put(p, pump);
        return p;
    }

    private static List<Path> hidden(ModelRegistry registry, String prefix) throws IOException {
        try (Stream<Path> entries = Files.list(registry.modelDir("marquee"))) {
            return entries.filter(p -> p.getFileName().toString().startsWith(prefix)).toList();
        }
    }

    /** Labels after version 1's data in which users 1..50 rate two stars higher: a retrain beats version 1. */
    private static List<Rating> shiftedLabels() {
        List<Rating> out = new ArrayList<>();
        for (Rating r : new SyntheticRatings(42).users(100).movies(200).ratingsPerUser(30)
                .timeRange(893_300_000L, 895_000_000L).generate().ratings()) {
            float rating = Integer.parseInt(r.userId) <= 50 ? Math.min(5f, r.rating + 2f) : r.rating;
            out.add(new Rating(r.userId, r.movieTitle, rating, r.timestamp));
        }
        return out;
    }

    private Console console(ByteArrayOutputStream out) {
        PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8);
        return new Console(new ByteArrayInputStream(new byte[0]), ps, ps, Map.of(), tmp);
    }

    private static <T> List<T> readAll(String topic, EventCodec<T> codec) {
        return TopicContents.readAll(KAFKA, topic, codec);
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : walk.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(target);
                else Files.copy(p, target);
            }
        }
    }
}

package dev.marquee.job.bench;

import dev.marquee.data.json.EventCodec;
import dev.marquee.data.event.Rating;
import dev.marquee.data.replay.RequestEncoder;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * End-to-end latency of a running scoring job at a steady request rate: a sender thread sends on an open-loop
 * {@link SendSchedule} (warm-up first, then the measured requests, one schedule so the rate does not step), and
 * a reader thread of its own reads the predictions and records each one's latency from its request's due time
 * ({@link LatencyRecorder}). The sender never waits for the reader, and a late sender shows as latency.
 */
final class SteadyRateLatency {
    /**
     * What was measured: latencies from the due time and from the actual send, and how many requests were sent
     * late; with a swap, the latencies of the requests due in its window and what the swap reported (else null);
     * and the whole JVM's CPU time per request due in the measured part (job, broker, sender, reader, compiler and
     * collector alike: a figure to compare runs of one setup, not a cost of the job alone).
     */
    record Result(LatencySummary fromDue, LatencySummary fromSend, long measuredSent, long lateOver1Ms,
                  LatencySummary acrossSwap, String swapReport, LatencySummary sendToScored, LatencySummary scoredToRead,
                  double processCpuMicrosPerRequest, LatencyTimeline timeline, String cpuByThread) { }

    /**
     * Something done to the job while it is measured (a model swap), at {@code atSecond} of the measured part, on
     * a thread of its own; the latencies of the requests due from then until {@code windowSeconds} later are also
     * reported apart. What the benchmark itself needs for it (files, clients) is {@link Preparation prepared} as the
     * run starts, so that the window measures what the job does, not the harness.
     */
    record Swap(int atSecond, int windowSeconds, Preparation prepare) { }

    @FunctionalInterface
    interface Preparation {
        /** Gets everything ready, during the warm-up; returns what to do at the swap's second. */
        Action prepare() throws Exception;
    }

    @FunctionalInterface
    interface Action extends AutoCloseable {
        /** Does it, waits until it has taken effect, and says what happened. */
        String run() throws Exception;

        /** Releases what the preparation made, whether or not {@link #run} ran. */
        @Override
        default void close() throws Exception { }
    }

    /**
     * True ratings sent as labels while the job is measured, as the ratings topic carries them in production: for a
     * seeded {@code share} of the requests, the request's own rating is sent to {@code topic} right after it.
     */
    record Labels(String topic, double share) {
        Labels {
            if (!(share > 0 && share <= 1)) throw new IllegalArgumentException("the label share must be in (0, 1]: " + share);
        }
    }

    private static final com.sun.management.OperatingSystemMXBean PROCESS =
            (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();

    private SteadyRateLatency() {}

    static Result measure(String bootstrap, String input, String output, List<Rating> rows, int rate,
                          int warmupSeconds, int seconds) throws Exception {
        return measure(bootstrap, input, output, rows, rate, warmupSeconds, seconds, null, null);
    }

    /** As above, with {@code swap} (null for none) during the measured part and {@code labels} (null for none). */
    static Result measure(String bootstrap, String input, String output, List<Rating> rows, int rate,
                          int warmupSeconds, int seconds, Swap swap, Labels labels) throws Exception {
        long warmup = (long) rate * warmupSeconds;
        long total = warmup + (long) rate * seconds;
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong late = new AtomicLong();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        PredictionTimes times = new PredictionTimes();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(ScoringBenchmark.consumerProps(bootstrap))) {
            consumer.subscribe(List.of(output));
            consumer.poll(Duration.ofMillis(100)); // joins the group before the first request goes out
            // Starts a little ahead so that both threads are running when request 0 is due.
            SendSchedule schedule = new SendSchedule(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200), rate, warmup);
            LatencyTimeline timeline = new LatencyTimeline(schedule.dueNanos(warmup), seconds);
            LatencyRecorder recorder = new LatencyRecorder(schedule, timeline);
            Thread sender = new Thread(() -> {
                RequestEncoder encoder = new RequestEncoder();
                EventCodec<Rating> labelCodec = EventCodec.of(Rating.class);
                SplittableRandom labelled = new SplittableRandom(42);
                try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(ScoringBenchmark.producerProps(bootstrap, "5"))) {
                    for (long i = 0; i < total && !stop.get(); i++) {
                        long due = schedule.dueNanos(i);
                        for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) LockSupport.parkNanos(wait);
                        if (i >= warmup && System.nanoTime() - due > 1_000_000) late.incrementAndGet();
                        Rating r = rows.get((int) (i % rows.size()));
                        producer.send(new ProducerRecord<>(input, r.userId.getBytes(), encoder.single(schedule.requestId(i), r)));
                        if (labels != null && labelled.nextDouble() < labels.share()) {
                            producer.send(new ProducerRecord<>(labels.topic(), r.userId.getBytes(), labelCodec.encode(r)));
                        }
                    }
                    producer.flush();
                } catch (Throwable t) {
                    failure.set(t);
                }
            }, "latency-sender");
            sender.start();
            AtomicReference<String> swapReport = new AtomicReference<>();
            Thread swapper = swap == null ? null : new Thread(() -> {
                try (Action action = swap.prepare().prepare()) {
                    long at = schedule.dueNanos(warmup + (long) rate * swap.atSecond());
                    for (long wait = at - System.nanoTime(); wait > 0 && !stop.get(); wait = at - System.nanoTime()) {
                        LockSupport.parkNanos(wait);
                    }
                    if (stop.get()) return;
                    long from = System.nanoTime();
                    recorder.window(from, from + TimeUnit.SECONDS.toNanos(swap.windowSeconds()));
                    swapReport.set(action.run());
                } catch (Throwable t) {
                    failure.set(t);
                }
            }, "latency-swap");
            if (swapper != null) swapper.start();
            long measured = total - warmup;
            long measuredFrom = schedule.dueNanos(warmup);
            long measuredTo = schedule.dueNanos(total);
            long[] cpuAt = {-1, -1, -1, -1}; // process CPU ns and nanoTime at the measured part's start and end
            ThreadCpuSnapshot[] threadsAt = new ThreadCpuSnapshot[2];
            long got = 0;
            long deadline = schedule.dueNanos(total) + TimeUnit.SECONDS.toNanos(60);
            try {
                while (got < measured && System.nanoTime() < deadline && failure.get() == null) {
                    ConsumerRecords<byte[], byte[]> batch = consumer.poll(Duration.ofMillis(100));
                    // Every record of the batch was there when poll returned: one reading of the clocks for all.
                    long nowNanos = System.nanoTime();
                    if (cpuAt[0] < 0 && nowNanos >= measuredFrom) {
                        cpuAt = new long[] {PROCESS.getProcessCpuTime(), nowNanos, -1, -1};
                        threadsAt[0] = ThreadCpuSnapshot.take();
                    }
                    if (cpuAt[2] < 0 && cpuAt[0] >= 0 && nowNanos >= measuredTo) {
                        cpuAt[2] = PROCESS.getProcessCpuTime();
                        cpuAt[3] = nowNanos;
                        threadsAt[1] = ThreadCpuSnapshot.take();
                    }
                    long nowMs = System.currentTimeMillis();
                    for (ConsumerRecord<byte[], byte[]> rec : batch) {
                        if (times.read(rec.value()) && times.requestId != null
                                && recorder.record(times.requestId, times.sentMs, times.scoredAtMs, nowNanos, nowMs)) got++;
                    }
                }
            } finally {
                stop.set(true);
                sender.join();
                if (swapper != null) swapper.join();
            }
            if (failure.get() != null) throw new IllegalStateException("the latency sender or swap failed", failure.get());
            double cpuPerRequest = cpuAt[2] < 0 ? Double.NaN
                    : (cpuAt[2] - cpuAt[0]) / 1e3 / (rate * ((cpuAt[3] - cpuAt[1]) / 1e9));
            String byThread = null;
            if (threadsAt[1] != null) {
                Map<String, Long> cpu = threadsAt[1].since(threadsAt[0]);
                long requests = Math.round(rate * ((cpuAt[3] - cpuAt[1]) / 1e9));
                long javaThreads = cpu.values().stream().mapToLong(Long::longValue).sum();
                // a thread that ended between the snapshots (the sender, the swap's clients) is in the process's CPU only
                cpu.put("(no live Java thread: GC, JIT, native, and threads that ended)", Math.max(0, (cpuAt[2] - cpuAt[0]) - javaThreads));
                byThread = ThreadCpuSnapshot.perRequest(cpu, requests, 15);
            }
            return new Result(recorder.fromDue(), recorder.fromSend(), measured, late.get(),
                    swap == null ? null : recorder.window(), swapReport.get(), recorder.sendToScored(), recorder.scoredToRead(),
                    cpuPerRequest, timeline, byThread);
        }
    }
}

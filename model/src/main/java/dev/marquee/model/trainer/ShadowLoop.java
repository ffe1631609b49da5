package dev.marquee.model.trainer;

import dev.marquee.data.event.LabeledPrediction;
import dev.marquee.data.event.ModelStatus;
import dev.marquee.data.event.ModelUpdate;
import dev.marquee.data.json.EventCodec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.WakeupException;

/**
 * The trainer's promoter thread: reads {@code labeled-predictions} and {@code model-status} (a shadow a slot dropped)
 * from their end (a restarted trainer starts its comparisons afresh), feeds {@link ShadowPromoter}, and writes the model updates it returns. Runs beside the
 * request loop, which may be busy training for minutes. An error in a round (Kafka away, a pointer or pin file
 * that does not parse, an IO error) is logged in one line and the round is tried again after a back-off that
 * doubles from {@value #FIRST_BACKOFF_MS} ms up to {@value #MAX_BACKOFF_MS} ms: the thread never ends on one. A Java
 * Error (out of memory, a linkage error) and a producer that refuses every write ({@link EventWriter.ProducerUnusable})
 * are not retried: the thread ends, and the trainer stops with exit code 1 ({@code TrainerWorker} checks
 * {@link #failure()}).
 */
final class ShadowLoop implements Runnable, AutoCloseable {
    private static final Duration POLL = Duration.ofMillis(500);
    static final long FIRST_BACKOFF_MS = 1_000;
    static final long MAX_BACKOFF_MS = 30_000;
    private static final long LABELS_RETRY_MS = 60_000;
    private long labelsRetryMs = LABELS_RETRY_MS;

    private final org.apache.kafka.clients.consumer.Consumer<byte[], byte[]> consumer;
    private final EventWriter writer;
    private final String labeledTopic;
    /** Where scoring slots report a shadow they dropped ({@link ModelStatus#SHADOW_DROPPED}). */
    private final String statusTopic;
    private final String updatesTopic;
    private final ShadowPromoter promoter;
    private final Consumer<String> out;
    private final EventCodec<LabeledPrediction> codec = EventCodec.of(LabeledPrediction.class);
    private final EventCodec<ModelStatus> statusCodec = EventCodec.of(ModelStatus.class);
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean running = true;
    private volatile Throwable failure;
    private boolean assigned;
    private boolean statusAssigned;
    /** Partitions assigned from their end whose position is not fixed yet. */
    private final Set<TopicPartition> unpositioned = new HashSet<>();
    /**
     * Where reading stands, as this loop knows it (the end it was assigned from, the offset after the last record it
     * got): assigned again after the brokers refused the labels, reading goes on from there, not from the end (what
     * was written meanwhile is a shadow's evidence too). The consumer's own position cannot always say: a position
     * sought but refused before it was validated is not one it gives.
     */
    private final Map<TopicPartition, Long> keptPositions = new java.util.HashMap<>();
    /** The trainer may not read the status topic: not asked again. */
    private boolean statusUnreadable;
    /**
     * When to ask again for the labels' topic the trainer may not read, on a monotonic clock (a wall-clock step does
     * not move it); from the start, at once.
     */
    private long labelsRetryAtMs = System.nanoTime() / 1_000_000;
    /** The labels were refused, and no poll of them has succeeded since. */
    private boolean labelsRefused;
    private boolean missingLogged;
    private long undecodable;
    /** A line every 5 minutes at most, with the running count: a storm of garbage is seen, and not a line a record. */
    private final dev.marquee.data.log.LogWindow undecodableLog = new dev.marquee.data.log.LogWindow(300_000);

    ShadowLoop(KafkaClients kafka, EventWriter writer, String labeledTopic, String statusTopic, String updatesTopic,
               ShadowPromoter promoter, Consumer<String> out) {
        // labels of aborted transactions (an exactly-once job's failover) must not count (readerConsumer already
        // keeps a topic from being created by asking for its partitions)
        this(kafka.readerConsumer(Map.of("isolation.level", "read_committed")), writer,
                labeledTopic, statusTopic, updatesTopic, promoter, out);
    }

    /** With the consumer given (tests: one refused as a broker with ACLs would). */
    ShadowLoop(org.apache.kafka.clients.consumer.Consumer<byte[], byte[]> consumer, EventWriter writer, String labeledTopic,
               String statusTopic, String updatesTopic, ShadowPromoter promoter, Consumer<String> out) {
        this.consumer = consumer;
        this.writer = writer;
        this.labeledTopic = labeledTopic;
        this.statusTopic = statusTopic;
        this.updatesTopic = updatesTopic;
        this.promoter = promoter;
        this.out = out;
    }

    @Override
    public void run() {
        long backoffMs = 0;
        while (running) {
            try {
                step();
                backoffMs = 0;
            } catch (WakeupException e) {
                // stop() was called (running is false), or a stray wakeup: the loop condition decides
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Error e) {
                // out of memory, a linkage error: nothing to retry. The trainer stops too (TrainerWorker checks
                // failure()), so that its supervisor restarts it: a trainer without its promoter would leave every
                // shadow unjudged and unexpired, and no pin announced, with nothing to say so.
                failure = e;
                out.accept("promoter: stopped by " + e + "; the trainer stops with it");
                return;
            } catch (EventWriter.ProducerUnusable e) {
                // no retry mends it: the trainer stops, as for an Error, and a restart brings a new producer
                failure = e;
                out.accept("promoter: stopped: " + e.getMessage() + e.trainerAdvice());
                return;
            } catch (Exception e) {
                // a Kafka outage, a bad PINNED or serving.json by hand, an IO error: all may pass, so try again
                backoffMs = backoffMs == 0 ? FIRST_BACKOFF_MS : Math.min(MAX_BACKOFF_MS, backoffMs * 2);
                out.accept("promoter: " + (e instanceof EventWriter.WriteFailed failed ? e.getMessage() + failed.grantAdvice()
                        : e.toString()) + "; trying again in " + backoffMs / 1000.0 + " s");
                try {
                    if (stopped.await(backoffMs, TimeUnit.MILLISECONDS)) return;
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** One round: assign the topics that exist, feed what they bring, announce what the pointer's state asks for. */
    private void step() throws Exception {
        List<TopicPartition> added = new ArrayList<>();
        boolean labelsFound = false;
        if (!assigned && System.nanoTime() / 1_000_000 - labelsRetryAtMs >= 0) {
            List<PartitionInfo> partitions;
            boolean refused = false;
            try {
                partitions = consumer.partitionsFor(labeledTopic);
            } catch (org.apache.kafka.common.errors.AuthorizationException e) {
                labelsUnreadable(e);
                partitions = null;
                refused = true;
            }
            if (refused) {
                // said; pins and pointer moves are still announced below
            } else if (partitions == null || partitions.isEmpty()) {
                if (!missingLogged) {
                    out.accept("promoter: topic " + labeledTopic + " does not exist yet; shadows are not judged "
                            + "until the scoring job writes labeled predictions");
                    missingLogged = true;
                }
            } else {
                for (PartitionInfo p : partitions) added.add(new TopicPartition(p.topic(), p.partition()));
                labelsFound = true;
            }
        }
        boolean statusFound = false;
        if ((assigned || labelsFound) && !statusAssigned && !statusUnreadable) { // beside the labels once they exist; both from their end
            try {
                List<PartitionInfo> partitions = consumer.partitionsFor(statusTopic);
                if (partitions != null && !partitions.isEmpty()) {
                    for (PartitionInfo p : partitions) added.add(new TopicPartition(p.topic(), p.partition()));
                    statusFound = true;
                }
            } catch (AuthorizationException e) {
                statusUnreadable(e);
            }
        }
        if (!added.isEmpty()) {
            Set<TopicPartition> all = new HashSet<>(consumer.assignment());
            all.addAll(added);
            consumer.assign(all);
            List<TopicPartition> fromTheEnd = new ArrayList<>();
            for (TopicPartition tp : added) {
                Long kept = keptPositions.get(tp);
                if (kept != null) consumer.seek(tp, kept); // a retention that deleted it meanwhile: the reset policy
                else fromTheEnd.add(tp);
            }
            if (!fromTheEnd.isEmpty()) consumer.seekToEnd(fromTheEnd); // an empty list would mean every partition assigned
            unpositioned.addAll(fromTheEnd);
        }
        // only once assigned: a round that failed before (the status topic's lookup timed out) finds them again
        if (labelsFound) assigned = true;
        if (statusFound) statusAssigned = true;
        // "the end" fixed now, before this round announces anything (a record written after an announcement is read);
        // one that timed out is tried again next round
        for (java.util.Iterator<TopicPartition> it = unpositioned.iterator(); it.hasNext(); ) {
            TopicPartition tp = it.next();
            keptPositions.put(tp, consumer.position(tp));
            it.remove();
        }
        if (assigned) {
            ConsumerRecords<byte[], byte[]> records;
            try {
                records = consumer.poll(POLL);
            } catch (TopicAuthorizationException e) {
                if (e.unauthorizedTopics().contains(labeledTopic)) {
                    keepPositions();
                    consumer.assign(List.of()); // the status topic is assigned beside the labels, and again with them
                    assigned = false;
                    statusAssigned = false;
                    labelsUnreadable(e);
                    announceTarget(System.currentTimeMillis(), System.nanoTime() / 1_000_000);
                    return;
                }
                if (!statusAssigned || !e.unauthorizedTopics().contains(statusTopic)) throw e;
                // the labels are what the promoter needs; a shadow a slot dropped is then retired at its expiry
                Set<TopicPartition> labelsOnly = new HashSet<>(consumer.assignment());
                labelsOnly.removeIf(tp -> tp.topic().equals(statusTopic));
                consumer.assign(labelsOnly);
                unpositioned.removeIf(tp -> tp.topic().equals(statusTopic)); // no longer assigned: no position to fix
                statusAssigned = false;
                statusUnreadable(e);
                records = ConsumerRecords.empty();
            }
            if (labelsRefused) { // a poll of the labels the brokers did not refuse: the grant came
                out.accept("promoter: reading " + labeledTopic + " now");
                labelsRefused = false;
            }
            for (TopicPartition tp : records.partitions()) {
                List<ConsumerRecord<byte[], byte[]>> got = records.records(tp);
                keptPositions.put(tp, got.get(got.size() - 1).offset() + 1);
            }
            for (ConsumerRecord<byte[], byte[]> r : records) {
                try {
                    if (statusTopic.equals(r.topic())) {
                        promoter.accept(r.value() == null ? null : statusCodec.decode(r.value()));
                    } else {
                        promoter.accept(r.value() == null ? null : codec.decode(r.value()));
                    }
                } catch (RuntimeException e) {
                    undecodable++;
                    if (undecodableLog.next() >= 0) {
                        out.accept("promoter: skipping undecodable records on " + r.topic() + " (" + undecodable
                                + " since the promoter started): " + e);
                    }
                }
            }
        } else if (stopped.await(POLL.toMillis(), TimeUnit.MILLISECONDS)) { // waiting for the topic to exist
            return;
        }
        announceTarget(System.currentTimeMillis(), System.nanoTime() / 1_000_000);
    }

    /**
     * The trainer may not read the labeled predictions: no shadow can be judged, but pins and pointer moves must still
     * be announced, so the round goes on without them and asks again in a minute (an ACL granted later is taken).
     */
    private void labelsUnreadable(KafkaException e) {
        if (!labelsRefused) { // once until a poll of them succeeds, not once a minute
            labelsRefused = true;
            out.accept("promoter: cannot read " + labeledTopic + " (" + e.getMessage() + "); shadows are not judged and"
                    + " end at trainer.shadow.candidate-expiry-ms; pins and promotions are still announced (grant the"
                    + " trainer READ and DESCRIBE on it: docs/OPERATIONS.md#kafka-acls)");
        }
        labelsRetryAtMs = System.nanoTime() / 1_000_000 + labelsRetryMs;
    }

    /** The consumer's positions where it has valid ones (none asked of a broker), before it is unassigned. */
    private void keepPositions() {
        for (TopicPartition tp : consumer.assignment()) {
            if (unpositioned.contains(tp)) continue; // never positioned: assigned again from the end, as at first
            try {
                keptPositions.put(tp, consumer.position(tp, Duration.ZERO));
            } catch (KafkaException e) {
                // sought but not validated (refused before it could be): this loop's own count stands
            }
        }
        unpositioned.clear();
    }

    /** Tests: ask again for refused labels this often, instead of every minute. */
    ShadowLoop retryLabelsEvery(Duration every) {
        labelsRetryMs = every.toMillis();
        return this;
    }

    /** The trainer may not read model-status (ACLs from before it did): it goes on with the labels alone. */
    private void statusUnreadable(KafkaException e) {
        statusUnreadable = true;
        out.accept("promoter: cannot read " + statusTopic + " (" + e.getMessage() + "); shadows a scoring slot drops are"
                + " retired at trainer.shadow.candidate-expiry-ms instead of at once (grant the trainer READ and"
                + " DESCRIBE on it)");
    }

    /** Judges and announces what the pointer's state asks for (the round's last part). */
    void announceTarget(long nowMs) throws java.io.IOException {
        announceTarget(nowMs, nowMs);
    }

    /** @param clockMs a monotonic clock, for the time between the promoter's rounds */
    void announceTarget(long nowMs, long clockMs) throws java.io.IOException {
        ModelUpdate update;
        // written (and acknowledged) under the promoter's lock: a claim of the same target waits for it; and under the
        // registry's, with the target checked again, as a person's promote or rollback writes theirs: else one of
        // theirs landing between this round's pointer write and this write would be overtaken by an older target
        synchronized (promoter) {
            update = promoter.poll(nowMs, clockMs);
            if (update != null) {
                ModelUpdate polled = update;
                boolean written;
                try {
                    written = promoter.underRegistryLock(() -> {
                        if (!promoter.stillTarget(polled.version, polled.shadowVersion)) return false;
                        write(polled);
                        return true;
                    });
                } catch (java.io.IOException e) {
                    promoter.forgetAnnouncement();
                    throw e;
                }
                if (!written) {
                    promoter.forgetAnnouncement(); // the next round announces the target as it is then
                    update = null;
                }
            }
        }
        if (update != null) {
            out.accept("promoter: announced serve v" + update.version
                    + (update.shadowVersion > 0 ? ", shadow v" + update.shadowVersion : ", no shadow")
                    + " on " + updatesTopic + " (" + update.reason + ")");
        }
    }

    /**
     * Writes another writer's (the request loop's) update unless the promoter announced this target already or the
     * pointer has moved on since ({@link ShadowPromoter#claim}); true when written. Claimed and written (and
     * acknowledged) under the promoter's lock and the registry's, as the promoter's own announcements are: else a
     * pointer move in between could be announced first and this older target land after it.
     */
    boolean announce(ModelUpdate update) {
        synchronized (promoter) {
            boolean[] written = {false};
            try {
                return promoter.underRegistryLock(() -> {
                    if (!promoter.claim(update.version, update.shadowVersion)) return false;
                    write(update);
                    written[0] = true;
                    return true;
                });
            } catch (java.io.IOException e) { // the lock itself: the promoter's next round announces the pointer
                if (written[0]) return true; // its release failed after the write
                out.accept("promoter: not announcing serve v" + update.version + ": the registry's lock cannot be taken ("
                        + e.getMessage() + "); the promoter announces the pointer at its next round");
                return false;
            }
        }
    }

    private void write(ModelUpdate update) {
        try {
            writer.write(updatesTopic, update);
        } catch (RuntimeException e) {
            promoter.forgetAnnouncement(); // not on the topic: the next round announces the target again
            throw e;
        }
    }

    /** The error that ended the loop's thread, else null (it runs until {@link #stop}). */
    Throwable failure() {
        return failure;
    }

    void stop() {
        running = false;
        stopped.countDown();
        consumer.wakeup();
    }

    @Override
    public void close() {
        consumer.close();
    }
}

package dev.marquee.job.score;

import dev.marquee.data.event.ModelUpdate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One slot's reading of {@code model-updates}: a consumer on a daemon thread of its own queues the updates it reads;
 * the task thread takes them with {@link #poll()}. A missing topic or an unreachable broker is waited out, with a
 * warning, never fatal: scoring goes on with the version it has. A topic created after the slot opened is read from
 * its beginning, since all of it is newer than the slot; so is one deleted and created again, when the partition check
 * (every {@link #PARTITION_CHECK}) sees it gone, else Kafka's consumer resets to its beginning a position past its end.
 */
final class KafkaModelUpdateSubscription implements ControlFeed.Subscription<ModelUpdate> {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaModelUpdateSubscription.class);
    private static final Duration POLL = Duration.ofMillis(100);
    private static final Duration METADATA = Duration.ofSeconds(5);
    private static final long RETRY_MS = 1_000;
    private static final long AUTHORIZATION_RETRY_MS = 30_000;
    private static final long AUTHORIZATION_LOG_EVERY_NS = TimeUnit.MINUTES.toNanos(5);
    /** A broker down for an hour would otherwise log a warning per slot every few seconds. */
    private static final long FAILURE_LOG_EVERY_NS = TimeUnit.MINUTES.toNanos(5);
    /**
     * How far before its opening a slot that got no position in time reads back: it read the serving pointer without
     * one, so updates sent after that read would otherwise be skipped for good (each update states the whole target,
     * so reading a few older ones again ends on the newest). Covers clock skew between the trainer and this host.
     */
    static final long LOOK_BACK_MS = 30_000;
    /**
     * How often the topic's partitions are listed again. marquee's trainer writes every update to partition 0 (an
     * update on a partition added later could be read after a newer one and undo it: {@code EventWriter}), but
     * another writer may key updates onto any partition, and a slot reading only the old ones would never hear of them.
     */
    static final Duration PARTITION_CHECK = Duration.ofMinutes(1);

    private final String topic;
    private final boolean fromEarliest;
    private final ModelUpdateDecoder decoder;
    private final org.apache.kafka.clients.consumer.Consumer<byte[], byte[]> consumer;
    private final Thread thread;
    private final ConcurrentLinkedQueue<ModelUpdate> arrived = new ConcurrentLinkedQueue<>();
    private final CountDownLatch positioned = new CountDownLatch(1);
    private final Object wait = new Object();
    private volatile boolean running = true;
    private volatile Error failure;
    /** The last reason reading failed, for the start-up warning; null while reading works. */
    private volatile String problem;
    private long authorizationLoggedAtNs;
    private long failureLoggedAtNs;
    private long failuresNotLogged;
    private volatile long failures;
    private volatile long failureWarnings;
    private long retryMs = RETRY_MS;
    /**
     * Consumer thread only: the end offsets when a late slot positioned in the past. The updates read below them are
     * kept here, the newest per model, and handed on once read up to them: each states the whole target, so an older
     * one applied first would serve, for a batch or so, a version the pointer had already left.
     */
    private Map<TopicPartition, Long> replayedUpTo;
    private final Map<String, ModelUpdate> replayed = new LinkedHashMap<>();
    /** Updates read past the end offsets before the look-back was read up to them (another partition lagging). */
    private final List<ModelUpdate> afterReplay = new ArrayList<>();
    /** Consumer thread only: the topic did not exist when the slot opened, so all of it is newer than the slot. */
    private boolean missingAtStart;
    /** Set by {@link #start} when it gave up waiting: the first position is taken at the offsets of this time. */
    private volatile long lookBackFromMs = -1;
    /** Set by the task thread at end of input; completed by the consumer thread once it has read up to the end. */
    private volatile CompletableFuture<Void> drainRequest;
    private long partitionCheckNs = PARTITION_CHECK.toNanos();
    /** The consumer's assignment as last set, for tests (the consumer itself is the consumer thread's only). */
    private volatile java.util.Set<TopicPartition> assignedNow = java.util.Set.of();

    KafkaModelUpdateSubscription(String topic, Properties props, boolean fromEarliest, ModelUpdateDecoder decoder,
                                 String threadName) {
        this(topic, new KafkaConsumer<>(props), fromEarliest, decoder, threadName);
    }

    /** With the consumer given (tests: a consumer that fails as a broker would). */
    KafkaModelUpdateSubscription(String topic, org.apache.kafka.clients.consumer.Consumer<byte[], byte[]> consumer,
                                 boolean fromEarliest, ModelUpdateDecoder decoder, String threadName) {
        this.topic = topic;
        this.fromEarliest = fromEarliest;
        this.decoder = decoder;
        this.consumer = consumer;
        this.thread = new Thread(this::run, threadName);
        thread.setDaemon(true);
    }

    /** Tests: list the topic's partitions again this often, instead of every {@link #PARTITION_CHECK}. */
    KafkaModelUpdateSubscription checkPartitionsEvery(Duration every) {
        partitionCheckNs = every.toNanos();
        return this;
    }

    /** Tests: retry after a failure this soon, instead of every {@link #RETRY_MS}. */
    KafkaModelUpdateSubscription retryEvery(Duration every) {
        retryMs = every.toMillis();
        return this;
    }

    /** Tests: reading failures so far, and the warnings logged for them. */
    long failures() {
        return failures;
    }

    long failureWarnings() {
        return failureWarnings;
    }

    /** Tests: the partitions read, as last assigned. */
    java.util.Set<TopicPartition> assignedPartitions() {
        return assignedNow;
    }

    /** Why reading the topic last failed, or null while it works. */
    String problem() {
        return problem;
    }

    /** Starts the consumer thread and waits up to {@code within} for its starting position. */
    void start(Duration within) throws InterruptedException {
        long startedAtMs = System.currentTimeMillis();
        if (within.isZero()) lookBackFromMs = startedAtMs - LOOK_BACK_MS; // no wait at all: the late path, decided now
        thread.start();
        boolean got;
        try {
            got = positioned.await(within.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            // The task was cancelled in open(): nobody else holds this subscription to close it.
            close();
            throw e;
        }
        if (!got) {
            lookBackFromMs = startedAtMs - LOOK_BACK_MS;
            String why = problem;
            LOG.warn("model updates: no position on topic {} after {} s ({}); this slot "
                    + "scores meanwhile, and once it gets one reads the updates sent since {} s before it opened",
                    topic, within.toSeconds(), why != null ? why : "is the broker reachable?", LOOK_BACK_MS / 1000);
        }
    }

    @Override
    public List<ModelUpdate> poll() {
        Error f = failure;
        if (f != null) throw f;
        if (arrived.isEmpty()) return List.of();
        List<ModelUpdate> out = new ArrayList<>();
        for (ModelUpdate u; (u = arrived.poll()) != null; ) out.add(u);
        return out;
    }

    @Override
    public List<ModelUpdate> drain(Duration timeout) throws InterruptedException {
        CompletableFuture<Void> done = new CompletableFuture<>();
        drainRequest = done;
        wakeUp();
        try {
            done.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            LOG.warn("model updates: not read up to the end of topic {} within {} s at end of input; applying what arrived",
                    topic, timeout.toSeconds());
        } catch (ExecutionException e) {
            LOG.warn("model updates: reading to the end of topic {} failed: {}", topic, e.getCause().toString());
        }
        return poll();
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        wakeUp();
        // a cancelled task closes on its interrupted thread: wait all the same (the consumer stops within a poll),
        // then hand the interrupt back, so that a thread still alive is one that did not stop in 10 s
        boolean interrupted = Thread.interrupted();
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (thread.isAlive() && System.nanoTime() - deadline < 0) {
            try {
                thread.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
        if (thread.isAlive()) LOG.warn("model updates: the consumer thread of topic {} did not stop within 10 s", topic);
    }

    private void run() {
        Map<TopicPartition, Long> drainTo = null;
        boolean warnedMissing = false;
        long nextPartitionCheck = System.nanoTime() + partitionCheckNs;
        try {
            while (running) {
                try {
                    boolean assigned = !consumer.assignment().isEmpty();
                    if (assigned && System.nanoTime() - nextPartitionCheck >= 0) {
                        nextPartitionCheck = System.nanoTime() + partitionCheckNs;
                        if (!followPartitions()) {
                            warnedMissing = true; // said
                            drainTo = null;
                            continue; // deleted: waited for as a topic missing at the start, read from its beginning
                        }
                    }
                    if (!assigned) {
                        if (!assign()) {
                            if (positioned.getCount() > 0) {
                                missingAtStart = true; // known: it will be read from its beginning once it exists
                                positioned.countDown();
                            }
                            if (!warnedMissing) {
                                LOG.warn("model updates: topic {} not found; waiting for it (create it with "
                                        + "infra/kafka/create-topics.sh)", topic);
                                warnedMissing = true;
                            }
                            completeDrainIfAsked(); // nothing published: nothing to wait for
                            pause(RETRY_MS);
                            continue;
                        }
                        positioned.countDown();
                        nextPartitionCheck = System.nanoTime() + partitionCheckNs;
                    }
                    ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL);
                    if (problem != null) readingAgain();
                    for (ConsumerRecord<byte[], byte[]> r : records) {
                        ModelUpdate u = decoder.decode(r.value(), r.topic() + "-" + r.partition() + "@" + r.offset());
                        if (u == null) continue;
                        if (inReplay(r)) {
                            // the newest per model and registry, in the order they came: another deployment's
                            // newer update (which the slot ignores) must not hide this one's. An unstamped update and
                            // a stamped one of the same registry (a trainer upgraded meanwhile) are both handed on, in
                            // order, so the slot may load the older for the time of one load before the newer
                            String key = u.modelName + "\u0000" + u.registryId;
                            replayed.remove(key);
                            replayed.put(key, u);
                        } else if (replayedUpTo != null) {
                            afterReplay.add(u); // newer than every replayed one: queued after them
                        } else {
                            arrived.add(u);
                        }
                    }
                    if (replayedUpTo != null && replayDone()) endReplay();
                    CompletableFuture<Void> asked = drainRequest;
                    if (asked != null && !asked.isDone()) {
                        if (drainTo == null) drainTo = consumer.endOffsets(consumer.assignment(), METADATA);
                        if (caughtUp(drainTo)) asked.complete(null);
                    }
                } catch (WakeupException | InterruptException e) {
                    // close() or drain(): the loop condition decides
                } catch (org.apache.kafka.common.errors.AuthorizationException e) {
                    if (!running) break;
                    // not a blip: said at ERROR, again every few minutes, and tried again until an ACL lets it read
                    problem = "not authorized to read it: grant the job's principal READ and DESCRIBE on " + topic
                            + " (docs/OPERATIONS.md#kafka-acls); until then this slot keeps the version it serves and"
                            + " hears of no other (" + e.getMessage() + ")";
                    long now = System.nanoTime();
                    if (authorizationLoggedAtNs == 0 || now - authorizationLoggedAtNs > AUTHORIZATION_LOG_EVERY_NS) {
                        LOG.error("model updates: topic {}: {}", topic, problem);
                        authorizationLoggedAtNs = now;
                    }
                    pause(AUTHORIZATION_RETRY_MS);
                } catch (RuntimeException e) {
                    if (!running) break;
                    problem = "reading it failed: " + e;
                    long now = System.nanoTime();
                    if (failureLoggedAtNs == 0 || now - failureLoggedAtNs > FAILURE_LOG_EVERY_NS) {
                        LOG.warn("model updates: reading topic {} failed{}, retrying every {} ms (said again at most every"
                                + " 5 minutes while it fails): {}", topic, failuresNotLogged > 0 ? " (and " + failuresNotLogged
                                + " times since the last warning)" : "", retryMs, e.toString());
                        failureLoggedAtNs = now;
                        failuresNotLogged = 0;
                        failureWarnings++;
                    } else {
                        failuresNotLogged++;
                    }
                    failures++; // after the warning's count: a test that sees this failure sees its warning too
                    pause(retryMs);
                }
            }
        } catch (Error e) {
            // out of memory, a linkage error: not retried here; poll() rethrows it on the task thread, so the task
            // fails over instead of scoring on without ever hearing of another model version
            failure = e;
        } finally {
            positioned.countDown();
            CompletableFuture<Void> asked = drainRequest;
            if (asked != null) asked.complete(null);
            try {
                consumer.close(Duration.ofSeconds(5));
            } catch (RuntimeException e) {
                LOG.debug("model updates: closing the consumer of {}: {}", topic, e.toString());
            }
        }
    }

    /** Assigns every partition of the topic at its starting offset; false when the topic does not exist (yet). */
    private boolean assign() {
        List<PartitionInfo> infos = consumer.partitionsFor(topic, METADATA);
        if (infos == null || infos.isEmpty()) return false;
        List<TopicPartition> partitions = new ArrayList<>();
        for (PartitionInfo i : infos) partitions.add(new TopicPartition(topic, i.partition()));
        consumer.assign(partitions);
        assignedNow = java.util.Set.copyOf(partitions);
        Map<TopicPartition, Long> start = new HashMap<>();
        try {
            long lookBackAtSeek = lookBackFromMs;
            seekStart(partitions);
            for (TopicPartition p : partitions) start.put(p, consumer.position(p, METADATA)); // fixes "latest" now
            if (lookBackAtSeek < 0 && lookBackFromMs >= 0 && !fromEarliest && !missingAtStart) {
                // start() gave up waiting while this position was taken: the slot read its pointer before the
                // position was fixed, so an update in between would be skipped; read back from the look-back instead
                seekStart(partitions);
                for (TopicPartition p : partitions) start.put(p, consumer.position(p, METADATA));
            }
        } catch (RuntimeException e) {
            consumer.unsubscribe(); // no assignment: the next round positions again, instead of wherever poll() lands
            assignedNow = java.util.Set.of();
            throw e;
        }
        LOG.info("model updates: reading {} from {}", topic, start);
        readingAgain();
        return true;
    }

    /**
     * Reads the partitions the topic has now: those it gained since they were last listed from their beginning (all of
     * a partition added after the slot took its position is newer than the slot), and no longer those it lost (a topic
     * deleted and created again with fewer, as docs/OPERATIONS.md's runbook does). False when the topic is gone: then
     * nothing is assigned, and the topic is read from its beginning once it exists again.
     */
    private boolean followPartitions() {
        List<PartitionInfo> infos;
        try {
            infos = consumer.partitionsFor(topic, METADATA);
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            LOG.debug("model updates: listing the partitions of {} timed out; tried again later", topic);
            return true;
        }
        if (infos == null) return true;
        if (infos.isEmpty()) {
            consumer.unsubscribe();
            assignedNow = java.util.Set.of();
            endReplay();
            missingAtStart = true;
            LOG.warn("model updates: topic {} was deleted; this slot keeps the version it serves and reads the topic"
                    + " from its beginning once it exists again", topic);
            return false;
        }
        java.util.Set<TopicPartition> assigned = consumer.assignment();
        java.util.Set<TopicPartition> present = new java.util.HashSet<>();
        List<TopicPartition> added = new ArrayList<>();
        for (PartitionInfo i : infos) {
            TopicPartition p = new TopicPartition(topic, i.partition());
            present.add(p);
            if (!assigned.contains(p)) added.add(p);
        }
        List<TopicPartition> lost = new ArrayList<>();
        for (TopicPartition p : assigned) if (!present.contains(p)) lost.add(p);
        if (added.isEmpty() && lost.isEmpty()) return true;
        consumer.assign(present); // the partitions kept keep their positions
        assignedNow = java.util.Set.copyOf(present);
        if (replayedUpTo != null) lost.forEach(replayedUpTo::remove);
        if (!lost.isEmpty()) {
            LOG.warn("model updates: topic {} no longer has partitions {}; no longer reading them", topic, lost);
        }
        if (!added.isEmpty()) {
            consumer.seekToBeginning(added);
            LOG.info("model updates: topic {} has new partitions {}; reading them from their beginning", topic, added);
        }
        return true;
    }

    /** Hands on the look-back's updates as they stand (the topic it was reading is gone). */
    private void endReplay() {
        if (replayedUpTo == null) return;
        arrived.addAll(replayed.values());
        arrived.addAll(afterReplay);
        replayed.clear();
        afterReplay.clear();
        replayedUpTo = null;
    }

    private void seekStart(List<TopicPartition> partitions) {
        if (fromEarliest || missingAtStart) {
            consumer.seekToBeginning(partitions);
            return;
        }
        long since = lookBackFromMs;
        if (since < 0) {
            consumer.seekToEnd(partitions);
            return;
        }
        Map<TopicPartition, Long> times = new HashMap<>();
        for (TopicPartition p : partitions) times.put(p, since);
        // the end offsets first: a record sent after offsetsForTimes looked is at or past them, so it is read
        replayedUpTo = new HashMap<>(consumer.endOffsets(partitions, METADATA));
        Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(times, METADATA);
        for (TopicPartition p : partitions) {
            OffsetAndTimestamp at = found.get(p);
            if (at == null) consumer.seek(p, replayedUpTo.get(p)); // nothing sent since: from the end as it was then
            else consumer.seek(p, at.offset());
        }
    }

    /** A record of the look-back: sent before the slot positioned. */
    private boolean inReplay(ConsumerRecord<byte[], byte[]> r) {
        if (replayedUpTo == null) return false;
        Long end = replayedUpTo.get(new TopicPartition(r.topic(), r.partition()));
        return end != null && r.offset() < end;
    }

    /** Whether the look-back has been read up to the end offsets it was taken at. */
    private boolean replayDone() {
        for (Map.Entry<TopicPartition, Long> e : replayedUpTo.entrySet()) {
            if (consumer.position(e.getKey(), METADATA) < e.getValue()) return false;
        }
        return true;
    }

    private boolean caughtUp(Map<TopicPartition, Long> end) {
        java.util.Set<TopicPartition> assigned = consumer.assignment();
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (!assigned.contains(e.getKey())) continue; // a partition the topic lost since
            if (consumer.position(e.getKey(), METADATA) < e.getValue()) return false;
        }
        return true;
    }

    private void completeDrainIfAsked() {
        CompletableFuture<Void> asked = drainRequest;
        if (asked != null) asked.complete(null);
    }

    private void wakeUp() {
        synchronized (wait) {
            wait.notifyAll();
        }
    }

    /** Waits {@code ms} between retries; close() and drain() cut it short. */
    /** Consumer thread: reading works again, and the next failure is said at once. */
    private void readingAgain() {
        problem = null;
        failureLoggedAtNs = 0;
        failuresNotLogged = 0;
    }

    private void pause(long ms) {
        synchronized (wait) {
            if (!running) return;
            try {
                wait.wait(ms);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                running = false;
            }
        }
    }
}

package dev.marquee.model.trainer;

import dev.marquee.data.event.ModelUpdate;
import dev.marquee.data.event.Reasons;
import dev.marquee.data.event.RetrainOutcome;
import dev.marquee.data.event.RetrainRequest;
import dev.marquee.data.json.EventCodec;
import dev.marquee.model.Folders;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.WakeupException;

/**
 * The long-running loop: takes one retrain request at a time from its consumer group, handles it, writes the
 * outcome (and the model update when a version was published; before them, the outcomes of deferred candidates
 * settled on the same labels), and only then commits the request's offset,
 * so a worker killed midway redoes the request; a request the registry shows answered already (delivered twice)
 * gets that outcome again without training ({@link AnsweredRequests}). A request that fails (bad record, no data, TensorFlow error)
 * gets a FAILED outcome and the loop goes on. It stops on a failure to write to Kafka (uncommitted, the request is
 * redone after a restart), after answering FAILED for a native-library failure ({@link LinkageError}: every later
 * request would fail the same way), and when the promoter's thread has stopped. Between requests, every {@code trainer.gate.recheck-seconds}, deferred
 * candidates are judged again on the labels that arrived ({@link DeferredCandidates}).
 */
final class TrainerWorker implements AutoCloseable {
    static final String DEFAULT_GROUP = "marquee-trainer";

    /**
     * One group per model, as the scoring job's and the trigger's: two models' workers in one group would each get
     * part of the other's requests, and skip them.
     */
    static String defaultGroup(String modelName) {
        return "marquee".equals(modelName) ? DEFAULT_GROUP : DEFAULT_GROUP + "-" + modelName;
    }

    /**
     * Whether the worker of {@code requestModel}, on its default group, would be in {@code group}: then a request
     * this worker skips may be one that worker never gets.
     */
    static boolean sharesAGroupByDefault(String group, String requestModel) {
        return defaultGroup(requestModel).equals(group);
    }

    private static final Duration POLL = Duration.ofMillis(500);
    private static final Duration ASSIGNMENT_TIMEOUT = Duration.ofSeconds(60);
    static final Duration LABEL_READ_TIMEOUT = Duration.ofMinutes(5);
    /** A publish folder unchanged this long was abandoned (a killed publish), not one another process is writing. */
    static final Duration ABANDONED_PUBLISH_AGE = Duration.ofHours(1);

    private final TrainerSettings settings;
    private final Consumer<String> out;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final KafkaProducer<String, byte[]> producer;
    private final EventWriter writer;
    private final LabelReader labels;
    private final Retrainer retrainer;
    /** Trains and gates a request: the retrainer's; tests give one that fails as a native library or the heap can. */
    private Training training;
    private final DeferredCandidates deferred;
    /** Settled candidates' outcomes from their settling until acknowledged: a stopped worker's are sent at start. */
    private final UnsentOutcomes unsent;
    private final RequestRateLimit rateLimit;
    private final AnsweredRequests answered;
    /** The promoter's thread (shadow, promotion, rollback on live labels); none with {@code once}. */
    private final ShadowLoop promoter;
    private Thread promoterThread;
    private TrainerLock lock;
    private long nextRecheckMs;
    private final EventCodec<RetrainRequest> requests = EventCodec.of(RetrainRequest.class);
    private volatile boolean running = true;
    private int handled;
    /**
     * The last commit was refused (the worker lost its place in the group) and no assignment has come since: its
     * request comes again. A --once run polls on for it until {@link #uncommittedDeadline}.
     */
    private boolean uncommitted;
    private long uncommittedDeadline;

    TrainerWorker(TrainerSettings settings, OriginalData originalData, Consumer<String> out) {
        this.settings = settings;
        this.out = out;
        this.consumer = settings.kafka().requestConsumer(settings.group());
        this.producer = settings.kafka().producer();
        this.writer = settings.kafka().writer(producer);
        this.labels = new LabelReader(settings.kafka(), settings.ratingsTopic(), settings.labelMaxCount(),
                LABEL_READ_TIMEOUT, settings.parserLimits());
        this.retrainer = new Retrainer(settings, originalData, out);
        this.training = retrainer::handle;
        this.deferred = new DeferredCandidates(settings, retrainer, out, System::currentTimeMillis);
        this.unsent = new UnsentOutcomes(settings.modelDir(), out);
        this.rateLimit = new RequestRateLimit(settings.maxRequestsPerHour());
        this.answered = new AnsweredRequests(settings.registry(), settings.modelName());
        GatePolicy gate = settings.gate();
        this.promoter = settings.once() ? null : new ShadowLoop(settings.kafka(), writer, settings.labeledTopic(), settings.statusTopic(),
                settings.updatesTopic(), new ShadowPromoter(settings.registry(), settings.modelName(), settings.promotion(),
                        gate::compare, gate.margin(), out), out);
    }

    @FunctionalInterface
    interface Training {
        Retrainer.Result handle(RetrainRequest request, LabelReader.Labels labels) throws IOException;
    }

    /** For tests: train with {@code training} instead of the retrainer. */
    void trainWith(Training training) {
        this.training = training;
    }

    /** Runs until {@link #stop()} (or, with {@code once}, until the requests pending at start are handled). */
    int run() throws Exception {
        if (lock == null) {
            lock = TrainerLock.acquire(settings.registry().createModelDir(settings.modelName()), "model "
                    + settings.modelName() + " of the registry " + settings.registry().base());
        }
        // one this worker cannot delete (a person's --once run as another user, killed midway) must not stop it
        int stale = Folders.deleteEntriesStartingWith(settings.modelDir(), Retrainer.CANDIDATE_PREFIX,
                (dir, e) -> out.accept("trainer: could not delete the candidate folder " + dir + " left by an earlier worker ("
                        + e + "); tried again at the next start"));
        if (stale > 0) {
            out.accept("trainer: removed " + stale + " candidate folder(s) left by an earlier worker");
        }
        // before the sweep below would delete them with their publish folder; none while one could not be moved back
        int abandoned = deferred.restoreInterruptedPublishes()
                ? settings.registry().removeAbandoned(settings.modelName(), ABANDONED_PUBLISH_AGE) : 0;
        if (abandoned > 0) {
            out.accept("trainer: removed " + abandoned + " abandoned publish folder(s) (.publishing-*, unchanged for "
                    + ABANDONED_PUBLISH_AGE.toMinutes() + " min)");
        }
        retrainer.pruneRejected();
        if (settings.registry().adoptLatest(settings.modelName()) != null) {
            out.accept("trainer: the registry had no serving pointer: it now names the latest version, "
                    + settings.registry().serving(settings.modelName()).orElse(0));
        }
        nextRecheckMs = monotonicMs() + settings.recheckIntervalMs();
        if (settings.once() && consumer.partitionsFor(settings.requestsTopic()).isEmpty()) {
            throw dev.marquee.model.cli.CliException.failure("topic " + settings.requestsTopic() + " does not exist (a"
                    + " typo? `marquee kafka` creates marquee's topics; infra/kafka/create-topics.sh does on a cluster)");
        }
        if (settings.kafka().brokersAnswer(java.time.Duration.ofSeconds(15))) {
            warnAboutInputTopics();
            warnAboutOutputTopics();
        } else {
            // each topic's check would wait its own 15 s for nothing; the worker's poll waits for the brokers
            out.accept("trainer: WARNING: the brokers at " + settings.kafka().bootstrap() + " did not answer within 15 s:"
                    + " its topics are not checked, and it waits for the brokers (is the address right, are they up?)");
        }
        consumer.subscribe(List.of(settings.requestsTopic()), new org.apache.kafka.clients.consumer.ConsumerRebalanceListener() {
            // After a refused commit the member has left the group: the next poll gives its partitions up as lost
            // and rejoins, and the new assignment (possibly empty: the request is then another member's) reads from
            // the committed offsets, so the request is in its place again. Only the assignment ends the wait; with a
            // cooperative assignor a partition kept across the rebalance keeps its position past the request, which
            // then comes again only to the next run.
            @Override
            public void onPartitionsRevoked(java.util.Collection<TopicPartition> partitions) {}

            @Override
            public void onPartitionsAssigned(java.util.Collection<TopicPartition> partitions) {
                uncommitted = false;
            }

            @Override
            public void onPartitionsLost(java.util.Collection<TopicPartition> partitions) {}
        });
        if (promoter != null && promoterThread == null) {
            promoterThread = new Thread(promoter, "marquee-promoter");
            promoterThread.setDaemon(true);
            promoterThread.start();
        }
        sendUnsent();
        out.accept("trainer: waiting for retrain requests on " + settings.requestsTopic() + " at "
                + settings.kafka().bootstrap() + " (group " + settings.group() + "), registry "
                + settings.registry().base() + ", model " + settings.modelName());
        Map<TopicPartition, Long> pendingEnd = null;
        long assignmentDeadline = System.nanoTime() + ASSIGNMENT_TIMEOUT.toNanos();
        try {
            while (running) {
                var records = consumer.poll(POLL);
                if (settings.once() && pendingEnd == null && !consumer.assignment().isEmpty()) {
                    // the requests pending when partitions are assigned: not those written while the first trains
                    pendingEnd = new HashMap<>(consumer.endOffsets(consumer.assignment()));
                }
                for (ConsumerRecord<byte[], byte[]> record : records) {
                    handle(record);
                }
                if (!running) break; // stopping: no deferred re-judgement (minutes of label reading) on the way out
                if (promoter != null && promoter.failure() != null) {
                    if (promoter.failure() instanceof EventWriter.ProducerUnusable unusable) throw unusable;
                    throw new IllegalStateException("the promoter's thread stopped (" + promoter.failure()
                            + "): no shadow would be judged or expired; restart the trainer", promoter.failure());
                }
                judgeDeferredIfDue();
                if (settings.once()) {
                    if (pendingEnd == null && System.nanoTime() > assignmentDeadline) {
                        throw new IllegalStateException("no partitions of " + settings.requestsTopic()
                                + " were assigned within " + ASSIGNMENT_TIMEOUT.toSeconds() + " s");
                    }
                    // a refused commit leaves the position past the request until the next poll rejoins the group
                    // and rewinds it: poll again rather than stop with the request uncommitted, for a while
                    if (uncommitted && System.nanoTime() > uncommittedDeadline) {
                        out.accept("trainer: the group did not take this worker back within "
                                + ASSIGNMENT_TIMEOUT.toSeconds() + " s of its refused commit: stopping with the request"
                                + " uncommitted (the next worker of the group gets it again)");
                        break;
                    }
                    if (pendingEnd != null && !uncommitted && reached(pendingEnd)) {
                        break;
                    }
                }
            }
        } catch (WakeupException e) {
            if (running) {
                throw e;
            }
        }
        out.accept("trainer: handled " + handled + " request(s); stopping");
        return handled;
    }

    /**
     * Outcomes of deferred candidates an earlier worker settled and did not see acknowledged (a failed write stopped
     * it, or it was killed): sent now, after the promoter started (an update goes through its claim, as any other).
     * A failure to write stops the worker again, as any settled outcome's does.
     */
    private void sendUnsent() {
        List<Retrainer.Result> pending = unsent.pending();
        if (pending.isEmpty()) return;
        out.accept("trainer: sending " + pending.size() + " outcome(s) of deferred candidates settled before the last stop"
                + " and never acknowledged");
        pending.forEach(this::write);
    }

    static final int MAX_REQUEST_ID_CHARS = dev.marquee.data.parse.ParserLimits.DEFAULT_MAX_REQUEST_ID_CHARS;

    /** Set when a request failed on a class or native library that does not link: the worker stops after answering. */
    private LinkageError linkFailure;

    private void handle(ConsumerRecord<byte[], byte[]> record) {
        String fallbackId = record.topic() + "-" + record.partition() + "-" + record.offset();
        RetrainOutcome outcome;
        Retrainer.Result result = null;
        RetrainRequest request = null;
        List<Retrainer.Result> settled = new ArrayList<>();
        try {
            request = decode(record.value());
            if (request.requestId == null || request.requestId.isBlank()) {
                request.requestId = fallbackId;
            }
            if (request.requestId.length() > MAX_REQUEST_ID_CHARS) {
                // answered under its position: its outcome (the id twice, key and value) could outgrow what the
                // brokers take, and a write that always fails would stop the worker on this record for good
                int chars = request.requestId.length();
                request.requestId = fallbackId;
                throw new IllegalArgumentException("a request_id of " + chars + " characters (at most "
                        + MAX_REQUEST_ID_CHARS + ", as the scoring job's parser.max-request-id-chars default)");
            }
            if (request.modelName != null && !request.modelName.equals(settings.modelName())) {
                // another model's trigger on shared topics: its own worker answers it
                out.accept("trainer: request " + request.requestId + " is for model '" + request.modelName + "', not '"
                        + settings.modelName() + "': skipped, no outcome (its own worker answers it"
                        + (sharesAGroupByDefault(settings.group(), request.modelName) ? "; each model's worker needs a --group of its own,"
                                + " or the one that gets a request may be the other model's"
                                : !defaultGroup(settings.modelName()).equals(settings.group()) ? "; if model '"
                                + request.modelName + "''s worker was given --group " + settings.group() + " too, the two"
                                + " split the requests and each skips part of the other's: give each a group of its own"
                                : "") + ")");
                commit(consumer, record);
                return;
            }
            Optional<RetrainOutcome> before = answered.find(request.requestId);
            if (before.isPresent()) {
                outcome = before.get();
                out.accept("trainer: request " + request.requestId + " was answered before (" + outcome.outcome
                        + "): sending that outcome again, nothing trained");
                if (RetrainOutcome.PUBLISHED.equals(outcome.outcome)) {
                    // a worker stopped between the publish and the pointer's move: finished now (null: the registry
                    // could not tell; the outcome is sent as it was)
                    Retrainer.Result finished = retrainer.finishIfPointerNeverMoved(settings.registry(),
                            settings.modelName(), outcome.version, outcome, outcome.metrics);
                    if (finished != null) {
                        result = finished;
                        outcome = finished.outcome();
                    } else {
                        out.accept("trainer: request " + request.requestId + ": its outcome is sent as it was, and the"
                                + " pointer is not checked again; if version " + outcome.version + " should serve,"
                                + " `marquee promote --version " + outcome.version + "` moves it");
                    }
                }
            } else if (expired(request, settings.requestExpiryMs(), System.currentTimeMillis())) {
                outcome = expiredOutcome(request);
            } else if (!rateLimit.tryTake(monotonicMs())) {
                outcome = rateLimited(request);
            } else {
                LabelReader.Labels read = labels.read();
                settled.addAll(judgeDeferred(read));
                // written before this request trains (minutes, maybe hours): a worker killed meanwhile would lose
                // them, their candidates being no longer under deferred/ to be settled again
                try {
                    settled.forEach(this::write);
                } catch (KafkaException e) {
                    throw new OutcomeNotWritten(e); // a failure to write stops the worker, the request uncommitted
                }
                settled.clear();
                result = training.handle(request, read);
                outcome = result.outcome();
                if (RetrainOutcome.DEFERRED.equals(outcome.outcome)) {
                    try {
                        settled.addAll(unsent.keep(deferred.supersede(Path.of(outcome.deferredLocation), request.requestId)));
                    } catch (IOException | RuntimeException e) {
                        // this request's answer is DEFERRED whatever happened to the older candidates
                        out.accept("trainer: older deferred candidates not superseded now (" + e + "); judged again later");
                    }
                }
            }
        } catch (OutcomeNotWritten e) {
            throw e.kafka;
        } catch (Exception | LinkageError | OutOfMemoryError e) {
            // out of memory too (a label window or architecture too large for this worker, JavaCPP's native limit):
            // unanswered, the request would be read again after the restart and run out of memory again, until it expired
            outcome = new RetrainOutcome();
            outcome.requestId = request != null ? request.requestId : fallbackId;
            outcome.modelName = settings.modelName();
            outcome.outcome = RetrainOutcome.FAILED;
            outcome.reason = e instanceof OutOfMemoryError ? "out of memory while training (give the trainer more"
                    + " heap, -Xmx, or lower trainer.labels.max-count): " + e
                    : e instanceof LinkageError link ? dev.marquee.model.NativeLibraryFailure.describe(link) : e.toString();
            if (e instanceof LinkageError link) linkFailure = link;
            outcome.finishedAtMs = System.currentTimeMillis();
            out.accept("trainer: request " + outcome.requestId + " failed: " + e);
        }
        settled.forEach(this::write);
        if (result != null && result.update() != null) {
            announce(result.update());
        }
        writeOutcome(outcome);
        commit(consumer, record);
        handled++;
        out.accept("trainer: " + outcome);
        if (linkFailure != null) {
            // every later request would fail the same way, with less said: the worker stops for its supervisor to
            // restart it once the cause is fixed
            throw new IllegalStateException(dev.marquee.model.NativeLibraryFailure.describe(linkFailure)
                    + "; the trainer stops", linkFailure);
        }
        retainVersions();
    }

    /** {@code trainer.keep-versions}: the newest N versions stay, and the serving, shadow and pinned ones. */
    private void retainVersions() {
        if (settings.keepVersions() <= 0) return;
        try {
            var retention = settings.registry().retainReporting(settings.modelName(), settings.keepVersions());
            if (!retention.deleted().isEmpty()) {
                out.accept("trainer: deleted versions " + retention.deleted() + " (trainer.keep-versions "
                        + settings.keepVersions() + ")");
            }
            retention.notDeleted().forEach((folder, why) -> out.accept("trainer: warning: the retired version folder "
                    + folder + " could not be deleted, tried again next round: " + why));
        } catch (IOException | RuntimeException e) {
            out.accept("trainer: old versions not deleted (" + e + "); tried again after the next request");
        }
    }

    /** A settled outcome the brokers did not take: not the request's failure, the worker's (it stops). */
    private static final class OutcomeNotWritten extends RuntimeException {
        final KafkaException kafka;

        OutcomeNotWritten(KafkaException kafka) {
            super(kafka);
            this.kafka = kafka;
        }
    }

    /**
     * Commits past {@code record}. A request handled for longer than {@code max.poll.interval.ms} has cost the worker
     * its place in the group, and the commit is refused: the request comes again, and the registry answers it
     * (AnsweredRequests) or it is handled again, instead of the worker stopping on the refusal.
     */
    private void commit(KafkaConsumer<byte[], byte[]> consumer, ConsumerRecord<byte[], byte[]> record) {
        Map<TopicPartition, OffsetAndMetadata> next = Map.of(new TopicPartition(record.topic(), record.partition()),
                new OffsetAndMetadata(record.offset() + 1));
        try {
            try {
                consumer.commitSync(next);
            } catch (WakeupException e) {
                consumer.commitSync(next); // stop() was called meanwhile: the outcome is written, so commit anyway
            }
            uncommitted = false;
        } catch (CommitFailedException | RebalanceInProgressException e) {
            uncommitted = true;
            uncommittedDeadline = System.nanoTime() + ASSIGNMENT_TIMEOUT.toNanos();
            out.accept("trainer: the offset past request at " + record.topic() + "-" + record.partition() + "@"
                    + record.offset() + " was not committed (" + e.getClass().getSimpleName() + ": the request took"
                    + " longer than max.poll.interval.ms, or the group rebalanced); it will come again (raise"
                    + " max.poll.interval.ms with --kafka-prop for long trainings)");
        }
    }

    /** Judges the deferred candidates again on {@code read}; a failure is logged and leaves them deferred. */
    private List<Retrainer.Result> judgeDeferred(LabelReader.Labels read) {
        try {
            return unsent.keep(deferred.judge(read));
        } catch (IOException | RuntimeException e) {
            out.accept("trainer: could not judge the deferred candidates again: " + e);
            return List.of();
        }
    }

    /** Milliseconds for in-process intervals (rechecks, the rate limit): a wall-clock step does not stretch them. */
    private static long monotonicMs() {
        return System.nanoTime() / 1_000_000;
    }

    /** Every {@code trainer.gate.recheck-seconds}, with deferred candidates waiting: read the labels, judge them. */
    private void judgeDeferredIfDue() {
        long now = monotonicMs();
        if (now < nextRecheckMs) {
            return;
        }
        nextRecheckMs = now + settings.recheckIntervalMs();
        List<Retrainer.Result> settled;
        try {
            if (!deferred.any()) {
                return;
            }
            settled = judgeDeferred(labels.read());
        } catch (Exception e) {
            out.accept("trainer: could not read the labels to judge the deferred candidates: " + e);
            return;
        }
        settled.forEach(this::write);
        if (!settled.isEmpty()) retainVersions();
    }

    /**
     * Whether a request was asked more than {@code expiryMs} before {@code nowMs} (on the trigger's clock; a request
     * without its time is never expired): its trigger has stopped waiting for it and asked again since, so
     * training every request of a queue left while the worker was down would publish candidates that displace one
     * another in shadow before any is judged.
     */
    static boolean expired(RetrainRequest request, long expiryMs, long nowMs) {
        return expiryMs > 0 && request.requestedAtMs > 0 && nowMs - request.requestedAtMs > expiryMs;
    }

    private RetrainOutcome expiredOutcome(RetrainRequest request) {
        RetrainOutcome o = new RetrainOutcome();
        o.requestId = request.requestId;
        o.modelName = settings.modelName();
        o.outcome = RetrainOutcome.EXPIRED;
        o.finishedAtMs = System.currentTimeMillis();
        o.reason = "asked " + (o.finishedAtMs - request.requestedAtMs) / 1000 + " s ago, more than"
                + " trainer.request-expiry-seconds (" + settings.requestExpiryMs() / 1000 + "): its trigger has stopped"
                + " waiting for it; nothing trained";
        out.accept("trainer: request " + request.requestId + " expired: " + o.reason);
        return o;
    }

    /** The model update (when a version was published), then the outcome, each acknowledged. */
    private RetrainOutcome rateLimited(RetrainRequest request) {
        long now = monotonicMs();
        RetrainOutcome o = new RetrainOutcome();
        o.requestId = request.requestId;
        o.modelName = settings.modelName();
        o.outcome = RetrainOutcome.RATE_LIMITED;
        o.reason = "more than " + rateLimit.perHour() + " retrain requests in the last hour ("
                + TrainerSettings.MAX_REQUESTS_PER_HOUR + "); nothing trained; the next slot frees up in "
                + Math.max(1, (rateLimit.nextFreeAtMs(now) - now) / 1000) + " s";
        o.finishedAtMs = System.currentTimeMillis();
        return o;
    }

    /**
     * Says at start which topic the trainer reads cannot be read as named (a typo, a topic not created, no DESCRIBE):
     * else a missing labels topic shows only as a gate that finds no labels ("too few held-out labels"), and a missing
     * requests or status topic as a worker that waits in silence.
     */
    private void warnAboutInputTopics() {
        java.util.Map<String, String> inputs = new java.util.LinkedHashMap<>();
        if (!settings.once()) inputs.put(settings.requestsTopic(), "its retrain requests"); // --once refused it above
        inputs.put(settings.ratingsTopic(), "the labels it trains on and judges candidates by");
        if (promoter != null) {
            inputs.putIfAbsent(settings.labeledTopic(), "the shadow's labeled predictions, which promote a version");
            inputs.putIfAbsent(settings.statusTopic(), "which versions the scoring slots run in shadow");
        }
        inputs.forEach((topic, what) -> {
            String problem = settings.kafka().topicProblem(topic, java.time.Duration.ofSeconds(15));
            if (problem != null && problem.startsWith(KafkaClients.AUTHENTICATION_FAILED)) {
                // every topic would say the same, and the worker's first read fail on it: once, and stop
                throw dev.marquee.model.cli.CliException.failure("the brokers at " + settings.kafka().bootstrap()
                        + " refused the trainer: " + problem.substring("cannot be checked: ".length()));
            }
            if (problem != null) {
                out.accept("trainer: WARNING: topic " + topic + " " + problem + " at " + settings.kafka().bootstrap()
                        + ": the trainer reads " + what + " from it (a typo? `marquee kafka` creates marquee's topics;"
                        + " infra/kafka/create-topics.sh does on a cluster)");
            }
        });
    }

    /**
     * Says at start which topic the trainer writes cannot be written as named (a typo, a topic not created, no
     * DESCRIBE) or by this principal (no WRITE): else that shows only after a training, when its outcome's write fails (and, the request uncommitted,
     * again after every restart), or the brokers create the mistyped topic, which no trigger reads.
     */
    private void warnAboutOutputTopics() {
        List<String> outputs = List.of(settings.outcomesTopic(), settings.updatesTopic());
        int refusedWrites = 0;
        for (String topic : outputs) {
            String problem = settings.kafka().topicProblem(topic, java.time.Duration.ofSeconds(15));
            if (problem != null) {
                out.accept("trainer: WARNING: topic " + topic + " " + problem + " at " + settings.kafka().bootstrap()
                        + ": the trainer writes to it after each training (a typo? `marquee kafka` creates marquee's"
                        + " topics; infra/kafka/create-topics.sh does on a cluster)");
                if (problem.startsWith(KafkaClients.NOT_DESCRIBABLE)) refusedWrites++; // no DESCRIBE, no WRITE either
                continue;
            }
            String refused = settings.kafka().writeRefused(topic, java.time.Duration.ofSeconds(15));
            if (refused != null) {
                refusedWrites++;
                out.accept("trainer: WARNING: topic " + topic + " " + refused + " at " + settings.kafka().bootstrap()
                        + ": the trainer writes to it after each training");
            }
        }
        if (refusedWrites == outputs.size()) {
            // most likely it may write no topic at all: the brokers then refuse its producer for good
            // (EventWriter.ProducerUnusable), and a grant given later needs a restart
            out.accept("trainer: WARNING: a principal that may write no topic has its Kafka producer refused for good:"
                    + " restart the trainer once the grants are given");
        }
    }

    /**
     * Writes {@code update} unless the promoter's thread, reading the registry the retrainer just wrote, announced
     * the same target first, or the pointer has moved on since (the promoter announces where it is now): one
     * announcement either way, on the topic before the outcome.
     */
    private void announce(ModelUpdate update) {
        if (promoter != null) {
            promoter.announce(update);
            return;
        }
        announceOnce(settings.registry(), settings.modelName(), update, u -> writer.write(settings.updatesTopic(), u), out);
    }

    /**
     * --once has no promoter to correct an announcement that lands after a person's promote or rollback: written
     * under the registry's lock, as theirs are, and only while the pointer (or pin) still names this target; when
     * the pointer cannot be read, written as the retrain left it.
     */
    static void announceOnce(dev.marquee.model.ModelRegistry registry, String name, ModelUpdate update,
            Consumer<ModelUpdate> write, Consumer<String> out) {
        String moved;
        boolean[] written = {false};
        try {
            moved = registry.locked(name, () -> {
                String now = pointerMovedFrom(registry, name, update);
                if (now == null) {
                    write.accept(update);
                    written[0] = true;
                }
                return now;
            });
        } catch (java.io.IOException e) {
            if (written[0]) return; // the lock's release failed after the write
            out.accept("trainer: cannot read the serving pointer to check it still names v" + update.version + " ("
                    + e.getMessage() + "): announcing it as the retrain left it");
            write.accept(update);
            return;
        }
        if (moved != null) {
            out.accept("trainer: not announcing serve v" + update.version + (update.shadowVersion > 0 ? ", shadow v"
                    + update.shadowVersion : "") + ": the pointer has moved on since (" + moved + "); its mover announced it");
        }
    }

    /** What the registry serves now, when it is not {@code update}'s target; null when it is. */
    static String pointerMovedFrom(dev.marquee.model.ModelRegistry registry, String name, ModelUpdate update)
            throws java.io.IOException {
        java.util.OptionalLong pin = registry.pinned(name);
        if (pin.isPresent()) return pin.getAsLong() == update.version && update.shadowVersion == 0 ? null : "pinned v" + pin.getAsLong();
        dev.marquee.model.ServingState state = registry.state(name);
        return state.serving == update.version && state.shadow == update.shadowVersion ? null
                : "serve v" + state.serving + (state.shadow > 0 ? ", shadow v" + state.shadow : "");
    }

    /** The reason clipped: an exception's message of any length would fail the send, and the trainer, at every restart. */
    private void writeOutcome(RetrainOutcome outcome) {
        outcome.reason = Reasons.clipped(outcome.reason);
        writer.write(settings.outcomesTopic(), outcome);
    }

    private void write(Retrainer.Result r) {
        if (r.update() != null) {
            announce(r.update());
        }
        writeOutcome(r.outcome());
        unsent.sent(r);
        out.accept("trainer: " + r.outcome());
    }

    private RetrainRequest decode(byte[] value) {
        if (value == null) {
            throw new IllegalArgumentException("empty record: not a retrain request");
        }
        RetrainRequest r = requests.decode(value);
        if (r == null) {
            throw new IllegalArgumentException("JSON null: not a retrain request");
        }
        return r;
    }

    private boolean reached(Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.assignment().contains(e.getKey()) && consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    /** Asks {@link #run()} to return after the request in hand (callable from any thread). */
    void stop() {
        running = false;
        consumer.wakeup();
        if (promoter != null) promoter.stop();
    }

    @Override
    public void close() {
        try {
            if (promoter != null) {
                promoter.stop();
                if (promoterThread != null) {
                    try {
                        promoterThread.join(10_000);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                promoter.close();
            }
            consumer.close();
        } finally {
            try {
                producer.close(Duration.ofSeconds(10));
            } finally {
                releaseLock();
            }
        }
    }

    private void releaseLock() {
        if (lock == null) return;
        try {
            lock.close();
        } catch (java.io.IOException e) {
            out.accept("trainer: could not release " + TrainerLock.FILE_NAME + " (" + e + "); it ends with the process");
        }
        lock = null;
    }
}

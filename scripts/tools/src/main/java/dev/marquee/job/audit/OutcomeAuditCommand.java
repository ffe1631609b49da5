package dev.marquee.job.audit;

import dev.marquee.data.event.TopicNames;
import dev.marquee.data.event.DeadLetter;
import dev.marquee.data.event.LabeledPrediction;
import dev.marquee.data.event.Prediction;
import dev.marquee.data.json.EventCodec;
import dev.marquee.data.parse.ParserLimits;
import dev.marquee.data.parse.RequestParser;
import dev.marquee.tools.OptionRanges;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Checks that every record of the requests topic produced exactly its outcomes on the predictions and dead-letter
 * topics, read as committed ({@code isolation.level=read_committed}): no loss, no duplicate; with {@code --labels},
 * also that every valid label joined its prediction exactly once on {@code labeled-predictions} ({@link LabelLedger}). Reads the requests
 * up to their end, then the outputs until nothing is missing (or the timeout), then keeps reading for a settle
 * period (within the budget) so late duplicates show. Exit codes: 0 clean, 1 missing/duplicate/unexpected/unreadable
 * outcomes or a topic missing, 2 bad command line, 3 no verdict (Kafka failed, or the topics could not be read in
 * time). {@code scripts/cluster-e2e} runs it.
 */
@Command(name = "audit-outcomes", mixinStandardHelpOptions = true, sortOptions = false,
        header = "check one prediction or dead letter per request: no loss, no duplicate",
        description = {"Check one prediction or dead letter per request, read_committed: no loss, no duplicate.",
                "With --labels, also one labeled prediction per valid label.",
                "Expected outcomes come from the job's request parser: its default parser.* settings, or those given"
                        + " with --parser-setting (give the ones the job runs with).",
                "Exit codes: 0 clean, 1 missing/duplicate/unexpected/unreadable outcomes or a topic missing, 2 bad"
                        + " command line, 3 no verdict: Kafka failed, or the topics could not be read in time."})
public final class OutcomeAuditCommand implements Callable<Integer> {
    private static final Duration POLL = Duration.ofMillis(500);

    @Option(names = "--bootstrap", paramLabel = "HOST:PORT", defaultValue = "${env:MARQUEE_BOOTSTRAP:-localhost:9092}",
            description = "Kafka bootstrap servers (default: ${DEFAULT-VALUE}; from $MARQUEE_BOOTSTRAP when set)")
    String bootstrap;

    @Option(names = "--requests-topic", paramLabel = "NAME", defaultValue = TopicNames.RATING_REQUESTS,
            description = "(default: ${DEFAULT-VALUE})")
    String requestsTopic;

    @Option(names = "--predictions-topic", paramLabel = "NAME", defaultValue = TopicNames.PREDICTIONS,
            description = "(default: ${DEFAULT-VALUE})")
    String predictionsTopic;

    @Option(names = "--dead-letters-topic", paramLabel = "NAME", defaultValue = TopicNames.RATING_REQUESTS_DLQ,
            description = "(default: ${DEFAULT-VALUE})")
    String deadLettersTopic;

    @Option(names = "--labels", description = "also check that every valid label on the ratings topic joined its "
            + "prediction exactly once on the labeled-predictions topic (labels sent for the requests audited, "
            + "a join TTL longer than their event time)")
    boolean labels;

    @Option(names = "--ratings-topic", paramLabel = "NAME", defaultValue = TopicNames.RATINGS,
            description = "with --labels (default: ${DEFAULT-VALUE})")
    String ratingsTopic;

    @Option(names = "--labeled-predictions-topic", paramLabel = "NAME", defaultValue = TopicNames.LABELED_PREDICTIONS,
            description = "with --labels (default: ${DEFAULT-VALUE})")
    String labeledTopic;

    @Option(names = "--model-name", paramLabel = "NAME", defaultValue = "marquee",
            description = "with --labels: the model whose joins are audited; another model's job scoring the same "
                    + "requests into predictions and dead-letter topics of its own, but writing the same "
                    + "labeled-predictions topic, joins the same labels, and its joins are counted apart (default: ${DEFAULT-VALUE})")
    String modelName;

    @Option(names = "--timeout-seconds", paramLabel = "S", defaultValue = "300",
            description = "give up waiting for missing outcomes after S seconds, one budget for the whole audit "
                    + "(requests, outcomes, and with --labels the ratings and labeled predictions) (default: ${DEFAULT-VALUE})")
    double timeoutSeconds;

    @Option(names = "--settle-seconds", paramLabel = "S", defaultValue = "10",
            description = "once complete, read on to the topics' end offsets of that moment and S seconds more for late "
                    + "duplicates, within --timeout-seconds (a shorter settle is said) (default: ${DEFAULT-VALUE})")
    double settleSeconds;

    @Option(names = "--samples", paramLabel = "N", defaultValue = "10",
            description = "print up to N ids of missing/duplicate/unexpected outcomes (default: ${DEFAULT-VALUE})")
    int samples;

    @Option(names = "--consumer-prop", paramLabel = "K=V", description = "a Kafka consumer property (repeatable), but"
            + " isolation.level and auto.offset.reset, which the verdict rests on")
    Map<String, String> consumerProps = new LinkedHashMap<>();

    @Option(names = "--parser-setting", paramLabel = "KEY=VALUE", description = "a parser.* setting the scoring job runs"
            + " with (repeatable), so requests and labels are read as the job reads them, e.g. --parser-setting"
            + " parser.missing-timestamp=record-time (default: the job's defaults)")
    Map<String, String> parserSettings = new LinkedHashMap<>();

    public OutcomeAuditCommand() {}

    @Override
    public Integer call() {
        long timeoutMs = (long) (OptionRanges.between("--timeout-seconds", timeoutSeconds, 0, 86_400) * 1000);
        long settleMs = (long) (OptionRanges.between("--settle-seconds", settleSeconds, 0, 3_600) * 1000);
        OptionRanges.between("--samples", samples, 0, 10_000);
        Properties extra = new Properties();
        consumerProps.forEach((k, v) -> extra.put(k.trim(), v.trim()));
        for (String own : List.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, ConsumerConfig.AUTO_OFFSET_RESET_CONFIG)) {
            // read_uncommitted would count outcomes of transactions later aborted; a reset would skip deleted records
            if (extra.containsKey(own)) {
                throw new dev.marquee.data.config.SettingException("--consumer-prop " + own + " is the audit's own"
                        + " (read_committed, and none: records deleted under it end it without a verdict)");
            }
        }
        Properties props = consumerProps(bootstrap, extra);
        ParserLimits limits = parserLimits(parserSettings);
        try {
            OutcomeLedger ledger = new OutcomeLedger(requestsTopic, new RequestParser(limits));
            long deadline = System.nanoTime() + timeoutMs * 1_000_000;
            try (KafkaConsumer<byte[], byte[]> in = new KafkaConsumer<>(props);
                 KafkaConsumer<byte[], byte[]> out = new KafkaConsumer<>(props)) {
                readToEnd(in, requestsTopic, r -> ledger.expect(r.partition(), r.offset(), r.timestamp(), r.value()), deadline);
                System.out.printf(Locale.ROOT, "audit: %,d request records owe %,d outcomes%n",
                        ledger.report(0).requestRecords(), ledger.report(0).expectedOutcomes());
                readOutcomes(out, predictionsTopic, deadLettersTopic, ledger, deadline, settleMs);
            }
            OutcomeLedger.Report r = ledger.report(samples);
            print(r);
            boolean clean = r.clean();
            if (labels && !clean) {
                System.out.println("audit: the labels are not checked: the requests' outcomes are not all there");
            } else if (labels) {
                LabelLedger joins = new LabelLedger(limits, modelName);
                try (KafkaConsumer<byte[], byte[]> in = new KafkaConsumer<>(props);
                     KafkaConsumer<byte[], byte[]> out = new KafkaConsumer<>(props)) {
                    readLabels(in, out, joins, limits, deadline, settleMs);
                }
                LabelLedger.Report l = joins.report(samples);
                print(l);
                clean &= l.clean();
            }
            System.out.println(clean ? "audit: OK, every request has exactly its outcomes"
                    + (labels ? " and every label its one labeled prediction" : "") : "audit: FAILED");
            return clean ? 0 : 1;
        } catch (dev.marquee.tools.ExistingTopics.MissingTopicException e) {
            System.err.println("audit: " + e.getMessage());
            return 1;
        } catch (OutOfTimeException e) {
            System.err.println("audit: " + e.getMessage() + ": no verdict; run it again with a longer --timeout-seconds");
            return 3;
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            System.err.println("audit: Kafka at " + bootstrap + " did not answer (each call waits up to "
                    + untilDeadlineCapSeconds(timeoutSeconds) + " s, within --timeout-seconds): " + e.getMessage());
            return 3;
        } catch (org.apache.kafka.clients.consumer.OffsetOutOfRangeException e) {
            System.err.println("audit: records were deleted (retention) while the audit read them (" + e.getMessage()
                    + "): no verdict; run it again");
            return 3;
        } catch (KafkaException e) {
            Throwable refusal = dev.marquee.data.config.Commands.kafkaSettingsRefusal(e);
            if (refusal != null) { // a bad command line, not a Kafka that failed
                System.err.println("audit: " + dev.marquee.data.config.Commands.kafkaSettingsMessage(refusal));
                return dev.marquee.data.config.Commands.USAGE;
            }
            System.err.println("audit: Kafka failed: " + dev.marquee.data.config.Commands.causes(e));
            return 3;
        }
    }

    /** The job's parser settings from --parser-setting: only parser.* keys, checked as the job checks them. */
    static ParserLimits parserLimits(Map<String, String> given) {
        return ParserLimits.fromOption("--parser-setting", given);
    }

    /**
     * The label the job reads from a ratings record's value, or null for one it drops (an unreadable label owes
     * nothing): as the job, one larger than its parser.max-payload-bytes is dropped unread.
     */
    static dev.marquee.data.event.Rating labelTheJobReads(byte[] value, ParserLimits limits) {
        if (value == null || value.length > limits.maxPayloadBytes) return null;
        try {
            return dev.marquee.data.parse.LabelDecoder.decode(value);
        } catch (RuntimeException e) {
            return null;
        }
    }

    /**
     * After --timeout-seconds, what is already on a topic is still read, for up to this much longer: the timeout
     * bounds the wait for outcomes to arrive, and a verdict on records left unread would be made up.
     */
    static final long READ_GRACE_NS = 30_000_000_000L;

    /** The deadline for one more call: past the budget, the read's grace (what is there is still read). */
    static long withGrace(long deadline) {
        return System.nanoTime() >= deadline ? deadline + READ_GRACE_NS : deadline;
    }

    /** Out of time (the grace after --timeout-seconds included) before a topic was read: no verdict. */
    static final class OutOfTimeException extends RuntimeException {
        OutOfTimeException(String message) {
            super(message);
        }
    }

    private static void readToEnd(KafkaConsumer<byte[], byte[]> consumer, String topic,
                                  Consumer<ConsumerRecord<byte[], byte[]>> each, long deadline) {
        Map<TopicPartition, Long> end = assignFromStart(consumer, List.of(topic), deadline);
        catchUp(consumer, end, each, deadline, topic);
    }

    /** Reads until every partition reached {@code end}; past the deadline's grace, {@link OutOfTimeException}. */
    private static void catchUp(KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> end,
                                Consumer<ConsumerRecord<byte[], byte[]>> each, long deadline, String what) {
        long graceEnds = deadline + READ_GRACE_NS;
        while (!reached(consumer, end, graceEnds)) {
            if (System.nanoTime() >= graceEnds) {
                throw new OutOfTimeException("could not read " + what + " to its end within --timeout-seconds and "
                        + READ_GRACE_NS / 1_000_000_000L + " s more");
            }
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL)) each.accept(r);
        }
    }

    private void readLabels(KafkaConsumer<byte[], byte[]> in, KafkaConsumer<byte[], byte[]> out, LabelLedger joins,
                            ParserLimits limits, long deadline, long settleMs) {
        readToEnd(in, ratingsTopic, r -> joins.expect(labelTheJobReads(r.value(), limits)), deadline);
        System.out.printf(Locale.ROOT, "audit: %,d valid labels owe a labeled prediction each%n", joins.report(0).labels());
        EventCodec<LabeledPrediction> joinCodec = EventCodec.of(LabeledPrediction.class);
        readUntilSettled(out, List.of(labeledTopic), r -> {
            try {
                joins.observe(joinCodec.decode(r.value()));
            } catch (RuntimeException e) {
                joins.observeUnreadable();
            }
        }, joins::missing, () -> {
            LabelLedger.Report r = joins.report(0);
            return String.format(Locale.ROOT, "audit: %,d labeled predictions, %,d labels not joined yet",
                    r.labeledPredictions(), r.missing());
        }, deadline, settleMs);
    }

    private static void readOutcomes(KafkaConsumer<byte[], byte[]> consumer, String predictions, String deadLetters,
                                     OutcomeLedger ledger, long deadline, long settleMs) {
        EventCodec<Prediction> predictionCodec = EventCodec.of(Prediction.class);
        EventCodec<DeadLetter> deadLetterCodec = EventCodec.of(DeadLetter.class);
        readUntilSettled(consumer, List.of(predictions, deadLetters), r -> {
            try {
                if (r.topic().equals(predictions)) ledger.observe(predictionCodec.decode(r.value()));
                else ledger.observe(deadLetterCodec.decode(r.value()));
            } catch (RuntimeException e) {
                ledger.observeUnreadable();
            }
        }, ledger::missing, () -> {
            OutcomeLedger.Report r = ledger.report(0);
            return String.format(Locale.ROOT, "audit: %,d predictions, %,d dead letters, %,d outcomes missing",
                    r.predictions(), r.deadLetters(), r.missing());
        }, deadline, settleMs);
    }

    /**
     * Reads {@code topics} from their start into {@code each} until nothing is {@code missing} (or the deadline),
     * then on to the end offsets the topics had at that moment (a backlog behind the last missing outcome may hold
     * duplicates) and {@code settleMs} more for late ones; a {@code progress} line every 10 s.
     */
    private static void readUntilSettled(KafkaConsumer<byte[], byte[]> consumer, List<String> topics,
                                         Consumer<ConsumerRecord<byte[], byte[]>> each,
                                         LongSupplier missing,
                                         Supplier<String> progress, long deadline, long settleMs) {
        assignFromStart(consumer, topics, deadline);
        long settleUntil = Long.MAX_VALUE;
        Map<TopicPartition, Long> endWhenComplete = null;
        long nextProgress = System.nanoTime() + 10_000_000_000L;
        while (true) {
            long now = System.nanoTime();
            if (missing.getAsLong() == 0 && settleUntil == Long.MAX_VALUE) {
                settleUntil = Math.min(now + settleMs * 1_000_000, Math.max(now, deadline)); // within the budget
                if (settleUntil - now < settleMs * 1_000_000) {
                    System.out.printf(Locale.ROOT, "audit: %s complete; %.1f s of the %.1f s asked are left to settle"
                            + " for late duplicates (--timeout-seconds)%n", String.join(" and ", topics),
                            (settleUntil - now) / 1e9, settleMs / 1e3);
                }
                endWhenComplete = consumer.endOffsets(consumer.assignment(), untilDeadline(withGrace(deadline)));
            }
            if (now >= settleUntil) { // the rest of the backlog, where duplicates may sit, is read even past the deadline
                catchUp(consumer, endWhenComplete, each, deadline, String.join(" and ", topics));
                return;
            }
            if (settleUntil == Long.MAX_VALUE && now >= deadline) {
                // out of time with outcomes missing: what is there now is read before they are counted missing
                catchUp(consumer, consumer.endOffsets(consumer.assignment(), untilDeadline(deadline + READ_GRACE_NS)),
                        each, deadline, String.join(" and ", topics));
                return;
            }
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL)) each.accept(r);
            if (now >= nextProgress) {
                System.out.println(progress.get());
                nextProgress = now + 10_000_000_000L;
            }
        }
    }

    private static Map<TopicPartition, Long> assignFromStart(KafkaConsumer<byte[], byte[]> consumer, List<String> topics,
                                                             long deadline) {
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : topics) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, untilDeadline(withGrace(deadline)));
            if (infos == null || infos.isEmpty()) {
                throw new dev.marquee.tools.ExistingTopics.MissingTopicException("topic " + topic + " does not exist"
                        + " (a typo? `marquee kafka` creates marquee's topics; infra/kafka/create-topics.sh does on a cluster)");
            }
            for (PartitionInfo p : infos) partitions.add(new TopicPartition(topic, p.partition()));
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        return consumer.endOffsets(partitions, untilDeadline(withGrace(deadline)));
    }

    private static boolean reached(KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> end, long deadline) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey(), untilDeadline(deadline)) < e.getValue()) return false;
        }
        return true;
    }

    /** How long one blocking call may wait at most: what --timeout-seconds gives, up to the 30 s cap, at least 1 s. */
    static long untilDeadlineCapSeconds(double timeoutSeconds) {
        return Math.max(1, Math.min(30, (long) Math.ceil(timeoutSeconds)));
    }

    /**
     * What is left of --timeout-seconds for one blocking Kafka call, at most 30 s (a broker that answers nothing in
     * that time is not there: a misspelt --bootstrap fails then, not at the end of the whole timeout) and at least a
     * second, so a call at the deadline can still answer.
     */
    static Duration untilDeadline(long deadline) {
        return Duration.ofNanos(Math.max(1_000_000_000L, Math.min(30_000_000_000L, deadline - System.nanoTime())));
    }

    private static Properties consumerProps(String bootstrap, Properties extra) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "2000");
        p.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false"); // an audit creates nothing
        // records deleted (retention) under the reader fail the read: a jump to the end would skip them unsaid
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
        p.putAll(extra);
        return p;
    }

    private static void print(OutcomeLedger.Report r) {
        System.out.printf(Locale.ROOT, "audit: requests %,d records (%,d outcomes owed); predictions %,d; dead letters %,d; "
                        + "missing %,d; duplicates %,d; unexpected %,d; unreadable %,d%n",
                r.requestRecords(), r.expectedOutcomes(), r.predictions(), r.deadLetters(), r.missing(),
                r.duplicates(), r.unexpected(), r.unreadable());
        if (r.outsideRange() > 0) {
            System.out.printf(Locale.ROOT, "audit: %,d outcomes of request records not read (before the first offset"
                    + " read, deleted by retention, or after the last, written since): not audited%n", r.outsideRange());
        }
        r.missingSamples().forEach(id -> System.out.println("audit: missing    " + id));
        r.duplicateSamples().forEach(id -> System.out.println("audit: duplicate  " + id));
        r.unexpectedSamples().forEach(id -> System.out.println("audit: unexpected " + id));
    }

    private static void print(LabelLedger.Report r) {
        System.out.printf(Locale.ROOT, "audit: labels %,d (%,d invalid, owing nothing); labeled predictions %,d; "
                        + "missing %,d; duplicates %,d; unexpected %,d; unreadable %,d%s%n",
                r.labels(), r.invalidLabels(), r.labeledPredictions(), r.missing(), r.duplicates(), r.unexpected(),
                r.unreadable(), r.otherModels() > 0 ? String.format(Locale.ROOT, "; %,d other models' joins left out",
                        r.otherModels()) : "");
        r.missingSamples().forEach(id -> System.out.println("audit: label not joined " + id));
        r.duplicateSamples().forEach(id -> System.out.println("audit: label joined more than once " + id));
        r.unexpectedSamples().forEach(id -> System.out.println("audit: joined without a label " + id));
    }
}

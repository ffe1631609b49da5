package dev.marquee.data.replay;

import dev.marquee.data.event.Rating;
import dev.marquee.data.json.EventCodec;
import dev.marquee.data.movielens.Movie;
import dev.marquee.data.replay.drift.DriftInjector;
import dev.marquee.data.replay.drift.OutgoingRequest;
import dev.marquee.tools.SendFailures;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Sends ratings to Kafka as rating requests, in the order given, at a set rate or as fast as possible, each
 * optionally followed by its true rating on the ratings topic (or, {@code ratings-only}, the true ratings alone).
 * Records are keyed by the original user id, so one user's requests stay in order on one partition of their topic
 * and their ratings on one of theirs (drift changes request bodies, and the labels' user, title and timestamp with
 * them, so that labels still name the request as sent).
 */
public final class ReplayProducer {
    private final ReplayOptions options;
    private final Consumer<String> progress;
    private final RequestEncoder encoder = new RequestEncoder();
    private final EventCodec<Rating> ratingCodec = EventCodec.of(Rating.class);
    private volatile boolean stopRequested;
    /**
     * How long a stopped replay waits for the brokers to acknowledge what it handed over: with a send blocked on a full
     * buffer (max.block.ms, 15 s), within ReplayCommand's 30 s.
     */
    static final java.time.Duration STOP_GRACE = java.time.Duration.ofSeconds(10);

    /** @param progress receives a progress line every {@code progress-seconds} and none when null */
    public ReplayProducer(ReplayOptions options, Consumer<String> progress) {
        this.options = options;
        this.progress = progress == null ? line -> { } : progress;
    }

    /**
     * Asks a running replay to stop before its next record (Ctrl-C): what was handed to the producer gets {@link
     * #STOP_GRACE} more to be acknowledged (what is not fails, counted), and {@link #replay} returns the summary of what
     * the brokers acknowledged.
     */
    public void stop() {
        stopRequested = true;
    }

    public ReplaySummary replay(List<Rating> rows) {
        return replay(rows, List.of());
    }

    /** @param catalog the movies the rows come from, which newest-title drift ranks by release date; may be empty */
    public ReplaySummary replay(List<Rating> rows, Collection<Movie> catalog) {
        DriftInjector drift = options.drift.injector(rows, catalog);
        AtomicLong errors = new AtomicLong();
        AtomicReference<String> firstError = new AtomicReference<>();
        // What the brokers acknowledged: the summary reports these, not what was planned (a refusal stops the loop)
        AtomicLong sentRequests = new AtomicLong();
        AtomicLong sentRecords = new AtomicLong();
        AtomicLong sentRatings = new AtomicLong();
        // handed to the producer and not yet answered (acknowledged or failed): what the end waits for
        AtomicLong outstanding = new AtomicLong();
        long records = 0;
        long start;
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProperties())) {
            // Fetch the topic's metadata first: an unreachable broker or a missing topic fails here, once,
            // and the rate and progress lines measure sending, not connecting.
            if (options.sendsRequests()) producer.partitionsFor(options.topic);
            if (options.sendsRatings()) producer.partitionsFor(options.ratingsTopic);
            start = System.nanoTime();
            long nextProgress = start + (long) (options.progressSeconds * 1e9);
            Pacer pacer = new Pacer(options.rate / options.envelopeSize);
            org.apache.kafka.clients.producer.Callback onRating = (meta, e) -> {
                if (e == null) sentRatings.incrementAndGet();
                else failed(errors, firstError, e);
                outstanding.decrementAndGet();
            };
            int n = options.envelopeSize;
            for (int from = 0; from < rows.size(); from += n) {
                if (errors.get() > 0) break; // the broker refused or is gone: stop and say so rather than time out per record
                pacer.awaitSlot(records, () -> stopRequested);
                if (stopRequested) break;
                List<Rating> chunk = rows.subList(from, Math.min(rows.size(), from + n));
                byte[] key = chunk.get(0).userId.getBytes(StandardCharsets.UTF_8);
                // built also when only ratings go out: the labels carry the drifted fields of the requests as sent
                List<OutgoingRequest> requests = requests(from, chunk, drift);
                if (options.sendsRequests()) {
                    int size = chunk.size();
                    try {
                        producer.send(new ProducerRecord<>(options.topic, key, encode(requests)), (meta, e) -> {
                            if (e != null) {
                                failed(errors, firstError, e);
                            } else {
                                sentRecords.incrementAndGet();
                                sentRequests.addAndGet(size);
                            }
                            outstanding.decrementAndGet();
                        });
                        outstanding.incrementAndGet(); // after the send: one that throws has no callback
                    } catch (KafkaException e) { // refused before an earlier record's callback said why
                        failed(errors, firstError, SendFailures.cause(e));
                        break;
                    }
                }
                records++;
                // A record refused at once (too large) fails here: its labels would name requests never sent
                if (errors.get() > 0) break;
                if (options.sendsRatings()) {
                    for (int i = 0; i < chunk.size() && !stopRequested; i++) { // each send may block on a full buffer
                        Rating r = chunk.get(i);
                        try {
                            producer.send(new ProducerRecord<>(options.ratingsTopic,
                                    r.userId.getBytes(StandardCharsets.UTF_8), ratingCodec.encode(label(r, requests.get(i)))), onRating);
                        } catch (KafkaException e) {
                            failed(errors, firstError, SendFailures.cause(e));
                            break;
                        }
                        outstanding.incrementAndGet();
                    }
                }
                long now = System.nanoTime();
                if (now >= nextProgress) {
                    long sent = Math.min(rows.size(), from + n);
                    progress.accept(String.format(Locale.ROOT, "replay: %,d/%,d %s (%d%%), %,.0f/s, %,d errors",
                            sent, rows.size(), options.sendsRequests() ? "requests" : "ratings", sent * 100 / Math.max(1, rows.size()), sent / ((now - start) / 1e9), errors.get()));
                    nextProgress = now + (long) (options.progressSeconds * 1e9);
                }
            }
            // the end waits for every answer, but a Ctrl-C meanwhile (a flush could wait delivery.timeout.ms, 2 min) stops
            // the wait: what the brokers do not acknowledge within the grace fails, counted, and the summary is printed
            // before the shutdown hook's own wait ends
            while (outstanding.get() > 0 && !stopRequested) {
                java.util.concurrent.locks.LockSupport.parkNanos(50_000_000L);
            }
            if (stopRequested) producer.close(STOP_GRACE);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        if (!options.drift.isNone()) {
            progress.accept(String.format(Locale.ROOT, "replay: drift changed %,d of %,d requests", drift.affected(), drift.seen()));
        }
        if (!options.sendsRequests()) {
            return new ReplaySummary(0, 0, sentRatings.get(), errors.get(), seconds, firstError.get(), 0, rows.size());
        }
        return new ReplaySummary(sentRequests.get(), sentRecords.get(), sentRatings.get(), errors.get(), seconds,
                firstError.get(), rows.size(), options.sendsRatings() ? rows.size() : 0);
    }

    private static void failed(AtomicLong errors, AtomicReference<String> firstError, Exception e) {
        errors.incrementAndGet();
        firstError.compareAndSet(null, e.toString());
    }

    private List<OutgoingRequest> requests(int firstIndex, List<Rating> chunk, DriftInjector drift) {
        List<OutgoingRequest> requests = new ArrayList<>(chunk.size());
        for (int i = 0; i < chunk.size(); i++) requests.add(drift.next(options.requestIdPrefix + (firstIndex + i), chunk.get(i)));
        return requests;
    }

    private byte[] encode(List<OutgoingRequest> requests) {
        return options.envelopeSize == 1 ? encoder.single(requests.get(0)) : encoder.envelope(requests);
    }

    /**
     * The true rating of a request as it was sent: a drifted request's user id and title (a producer whose
     * catalog changed also reports its ratings in the new catalog's titles), so labels join the predictions
     * served and a retrain learns what the traffic now holds. A field whose type was changed keeps the row's.
     */
    static Rating label(Rating row, OutgoingRequest sent) {
        if (!sent.drifted()) return row;
        return new Rating(sent.userId() == null ? row.userId : sent.userId(),
                sent.movieTitle() == null ? row.movieTitle : sent.movieTitle(), row.rating, sent.timestamp());
    }

    private Properties producerProperties() {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, options.bootstrap);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, "131072");
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "marquee-replay");
        p.putAll(options.producerProperties);
        return p;
    }
}

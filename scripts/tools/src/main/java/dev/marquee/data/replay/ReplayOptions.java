package dev.marquee.data.replay;

import dev.marquee.data.event.TopicNames;
import dev.marquee.data.config.SettingException;
import dev.marquee.data.config.Settings;
import dev.marquee.data.replay.drift.DriftInjection;
import dev.marquee.tools.OptionRanges;
import java.util.Properties;

/** How to replay: where to, how fast, in what shape. {@link ReplayCommand} builds it from the command line. */
public final class ReplayOptions {
    public static final String BOOTSTRAP = "bootstrap";
    public static final String TOPIC = "topic";
    public static final String RATINGS_TOPIC = "ratings-topic";
    public static final String WITH_RATINGS = "with-ratings";
    public static final String RATINGS_ONLY = "ratings-only";
    public static final String RATE = "rate";
    public static final String ENVELOPE_SIZE = "envelope-size";
    public static final String REQUEST_ID_PREFIX = "request-id-prefix";
    public static final String PROGRESS_SECONDS = "progress-seconds";
    static final double DEFAULT_RATE = 0;
    static final int DEFAULT_ENVELOPE_SIZE = 1;
    static final String DEFAULT_REQUEST_ID_PREFIX = "replay-";
    static final double DEFAULT_PROGRESS_SECONDS = 2;

    public final String bootstrap;
    public final String topic;
    public final String ratingsTopic;
    public final boolean withRatings;
    /**
     * Send the rows' true ratings only, not their requests: labels that come later than the requests of an
     * earlier replay of the same rows (same data, selection and drift options), matched by user, title and
     * timestamp; they carry no request id.
     */
    public final boolean ratingsOnly;
    /** Requests per second; 0 for as fast as possible. */
    public final double rate;
    /** Requests per record: 1 sends plain objects, more sends TF-Serving envelopes. */
    public final int envelopeSize;
    public final String requestIdPrefix;
    public final double progressSeconds;
    /** Extra Kafka producer properties (security settings, tuning); they win over the defaults. */
    public final Properties producerProperties;
    /** What drift to inject into the requests ({@code drift-*} settings); {@link DriftInjection#none()} by default. */
    public final DriftInjection drift;

    public ReplayOptions(Settings s, Properties producerProperties) {
        this(s.string(BOOTSTRAP, defaultBootstrap()), s.string(TOPIC, TopicNames.RATING_REQUESTS),
                s.string(RATINGS_TOPIC, TopicNames.RATINGS), s.bool(WITH_RATINGS, false), s.bool(RATINGS_ONLY, false),
                s.doubleInRange(RATE, DEFAULT_RATE, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY),
                s.intInRange(ENVELOPE_SIZE, DEFAULT_ENVELOPE_SIZE, Integer.MIN_VALUE, Integer.MAX_VALUE),
                s.string(REQUEST_ID_PREFIX, DEFAULT_REQUEST_ID_PREFIX),
                s.doubleInRange(PROGRESS_SECONDS, DEFAULT_PROGRESS_SECONDS, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY),
                producerProperties, DriftInjection.fromSettings(s));
    }

    /** The options, checked: values out of range fail with a {@link SettingException}. */
    public ReplayOptions(String bootstrap, String topic, String ratingsTopic, boolean withRatings, boolean ratingsOnly,
                         double rate, int envelopeSize, String requestIdPrefix, double progressSeconds,
                         Properties producerProperties, DriftInjection drift) {
        this.bootstrap = bootstrap;
        this.topic = topic;
        this.ratingsTopic = ratingsTopic;
        if (withRatings && ratingsOnly) {
            throw new SettingException("--" + WITH_RATINGS + " and --" + RATINGS_ONLY + " exclude each other: the first "
                    + "sends each rating after its request, the second the ratings alone");
        }
        this.withRatings = withRatings;
        this.ratingsOnly = ratingsOnly;
        this.rate = OptionRanges.between("--" + RATE, rate, 0, 10_000_000);
        this.envelopeSize = OptionRanges.between("--" + ENVELOPE_SIZE, envelopeSize, 1, 10_000);
        this.requestIdPrefix = requestIdPrefix;
        this.progressSeconds = OptionRanges.between("--" + PROGRESS_SECONDS, progressSeconds, 0.1, 3600);
        this.producerProperties = producerProperties;
        this.drift = java.util.Objects.requireNonNull(drift, "drift");
    }

    private ReplayOptions(ReplayOptions base, DriftInjection drift) {
        this.bootstrap = base.bootstrap;
        this.topic = base.topic;
        this.ratingsTopic = base.ratingsTopic;
        this.withRatings = base.withRatings;
        this.ratingsOnly = base.ratingsOnly;
        this.rate = base.rate;
        this.envelopeSize = base.envelopeSize;
        this.requestIdPrefix = base.requestIdPrefix;
        this.progressSeconds = base.progressSeconds;
        this.producerProperties = base.producerProperties;
        this.drift = drift;
    }

    /** Whether the rows' requests go out (not with {@link #ratingsOnly}). */
    public boolean sendsRequests() {
        return !ratingsOnly;
    }

    /** Whether the rows' true ratings go out ({@link #withRatings} or {@link #ratingsOnly}). */
    public boolean sendsRatings() {
        return withRatings || ratingsOnly;
    }

    /** These options with another drift injection. */
    public ReplayOptions withDrift(DriftInjection drift) {
        return new ReplayOptions(this, java.util.Objects.requireNonNull(drift, "drift"));
    }

    public static ReplayOptions of(Settings s) {
        return new ReplayOptions(s, new Properties());
    }

    static String defaultBootstrap() {
        String env = System.getenv("MARQUEE_BOOTSTRAP");
        return env == null || env.isBlank() ? "localhost:9092" : env.trim();
    }
}

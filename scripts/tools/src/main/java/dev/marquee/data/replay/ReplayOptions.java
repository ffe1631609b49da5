package dev.marquee.data.replay;

import dev.marquee.data.event.TopicNames;
import dev.marquee.data.config.Settings;
import dev.marquee.data.replay.drift.DriftInjection;
import java.util.Properties;

/** How to replay: where to, how fast, in what shape. Built from {@code --key value} settings. */
public final class ReplayOptions {
    public static final String BOOTSTRAP = "bootstrap";
    public static final String TOPIC = "topic";
    public static final String RATINGS_TOPIC = "ratings-topic";
    public static final String WITH_RATINGS = "with-ratings";
    public static final String RATE = "rate";
    public static final String ENVELOPE_SIZE = "envelope-size";
    public static final String REQUEST_ID_PREFIX = "request-id-prefix";
    public static final String PROGRESS_SECONDS = "progress-seconds";

    public final String bootstrap;
    public final String topic;
    public final String ratingsTopic;
    public final boolean withRatings;
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
        this.bootstrap = s.string(BOOTSTRAP, defaultBootstrap());
        this.topic = s.string(TOPIC, TopicNames.RATING_REQUESTS);
        this.ratingsTopic = s.string(RATINGS_TOPIC, TopicNames.RATINGS);
        this.withRatings = s.bool(WITH_RATINGS, false);
        this.rate = s.doubleInRange(RATE, 0, 0, 10_000_000);
        this.envelopeSize = s.intInRange(ENVELOPE_SIZE, 1, 1, 10_000);
        this.requestIdPrefix = s.string(REQUEST_ID_PREFIX, "replay-");
        this.progressSeconds = s.doubleInRange(PROGRESS_SECONDS, 2, 0.1, 3600);
        this.producerProperties = producerProperties;
        this.drift = DriftInjection.fromSettings(s);
    }

    private ReplayOptions(ReplayOptions base, DriftInjection drift) {
        this.bootstrap = base.bootstrap;
        this.topic = base.topic;
        this.ratingsTopic = base.ratingsTopic;
        this.withRatings = base.withRatings;
        this.rate = base.rate;
        this.envelopeSize = base.envelopeSize;
        this.requestIdPrefix = base.requestIdPrefix;
        this.progressSeconds = base.progressSeconds;
        this.producerProperties = base.producerProperties;
        this.drift = drift;
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

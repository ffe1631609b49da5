package dev.marquee.tools;

import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.ApiException;

/**
 * What a failed {@code producer.send} means. A producer the brokers refused (its producer id, a topic's WRITE) reports
 * the refusal to the first record's callback, but a record sent before that callback ran is refused by {@code send}
 * itself with "Cannot execute transactional method because we are in an error state", the refusal as its cause.
 */
public final class SendFailures {
    private SendFailures() {}

    /** The brokers' own error in {@code e}'s causes (an authorization refusal, a record too large), else {@code e}. */
    public static Exception cause(KafkaException e) {
        for (Throwable c = e; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof ApiException api) return api;
        }
        return e;
    }
}

package dev.marquee.data.event;

/**
 * Reasons put into events (model statuses, retrain outcomes) come from exception messages of any length, such as a
 * TensorFlow error quoting a graph. A record larger than the brokers take fails its producer, and the job or the
 * trainer with it, every time the same reason comes back after a restart: so reasons are cut to a size any broker
 * takes; the log has them whole.
 */
public final class Reasons {
    public static final int MAX_CHARS = 4_000;

    private Reasons() {}

    /** The reason cut to {@link #MAX_CHARS} characters (never half a character), with its length said; null stays null. */
    public static String clipped(String reason) {
        if (reason == null || reason.length() <= MAX_CHARS) return reason;
        int end = MAX_CHARS;
        if (Character.isHighSurrogate(reason.charAt(end - 1))) end--;
        return reason.substring(0, end) + "... (" + reason.length() + " characters; the log has them all)";
    }
}

package dev.marquee.data.json;

/** An event could not be encoded or decoded. */
public class EventCodecException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public EventCodecException(String message, Throwable cause) {
        super(message, cause);
    }
}

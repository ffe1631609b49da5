package dev.marquee.model;

/**
 * A request's value that an imported model's integer input cannot take (a user id that is not an integer, a
 * timestamp beyond int32): the request, not the model, is at fault.
 */
public final class NonNumericIdException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    NonNumericIdException(String message) {
        super(message);
    }
}

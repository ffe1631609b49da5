package dev.marquee.data.movielens;

/**
 * The MovieLens directory or one of its files is missing. The message says what is missing, where it was
 * looked for and how to get the data, so command-line tools can print {@link #getMessage()} instead of a
 * stack trace.
 */
public class MovieLensNotFoundException extends RuntimeException {
    public MovieLensNotFoundException(String message) {
        super(message);
    }
}

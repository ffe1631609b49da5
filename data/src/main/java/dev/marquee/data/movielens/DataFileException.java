package dev.marquee.data.movielens;

/**
 * A data file could not be read: a bad row (with its 1-based line number) or an I/O failure. The message
 * names the file and the line so that it can be shown to a user as is.
 */
public class DataFileException extends RuntimeException {
    private final String source;
    private final long line;

    public DataFileException(String source, long line, String problem) {
        this(source, line, problem, null);
    }

    public DataFileException(String source, long line, String problem, Throwable cause) {
        super(source + (line > 0 ? ", line " + line : "") + ": " + problem, cause);
        this.source = source;
        this.line = line;
    }

    /** The file (or other source) name. */
    public String source() {
        return source;
    }

    /** The 1-based line of the bad row, or 0 when the problem is not tied to one line. */
    public long line() {
        return line;
    }
}

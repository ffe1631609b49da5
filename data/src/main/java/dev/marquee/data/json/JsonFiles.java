package dev.marquee.data.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Small JSON files beside a model version (assets, contract, card), in {@link EventJson}'s snake_case. */
public final class JsonFiles {
    private JsonFiles() {}

    /** Writes {@code value} pretty-printed as UTF-8 JSON. */
    public static void write(Path file, Object value) throws IOException {
        Files.write(file, EventJson.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(value));
    }

    /**
     * Reads {@code file}; a malformed or invalid one is an {@link IOException} "bad WHAT FILE: reason", one that cannot
     * be read "cannot read WHAT FILE: reason" (the system's own words may name no file: "Is a directory"). An absent
     * file is the {@link java.nio.file.NoSuchFileException} itself, for callers that treat absence apart.
     */
    public static <T> T read(Path file, Class<T> type, String what) throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (java.nio.file.NoSuchFileException e) {
            throw e;
        } catch (java.nio.file.FileSystemException e) { // names the file, and for a denied read says only "permission denied"
            throw new IOException("cannot read " + what + ": " + dev.marquee.data.config.Commands.describe(e), e);
        } catch (IOException e) {
            throw new IOException("cannot read " + what + " " + file + ": " + (e.getMessage() != null ? e.getMessage() : e), e);
        }
        try {
            return EventJson.mapper().readValue(bytes, type);
        } catch (JsonProcessingException e) { // the parser's own words, without its second line (the location)
            throw new IOException("bad " + what + " " + file + ": " + e.getOriginalMessage()
                    + (e.getLocation() != null ? " (line " + e.getLocation().getLineNr() + ", column "
                            + e.getLocation().getColumnNr() + ")" : ""), e);
        } catch (IllegalArgumentException e) {
            throw new IOException("bad " + what + " " + file + ": " + e.getMessage(), e);
        }
    }
}

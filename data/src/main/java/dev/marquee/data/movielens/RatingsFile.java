package dev.marquee.data.movielens;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.marquee.data.event.Rating;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PushbackReader;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A generic ratings file (UTF-8) with the fields {@code user_id}, {@code movie_title}, {@code rating},
 * {@code timestamp}, in one of two formats:
 *
 * <ul>
 *   <li>{@link Format#CSV}: RFC 4180, a header row naming the four columns in any order (extra columns are
 *       ignored), titles quoted when they hold commas or quotes;
 *   <li>{@link Format#JSON_LINES}: one object per line,
 *       {@code {"user_id":"587","movie_title":"Devil's Advocate, The (1997)","rating":4,"timestamp":892870992}};
 *       when reading, a file that is one JSON array of such objects is accepted too.
 * </ul>
 *
 * <p>The format follows the extension ({@code .csv}; {@code .jsonl}, {@code .ndjson}, {@code .json}); for
 * other names the content decides: JSON if it starts with '{' or '['. A bad row stops the read with a
 * {@link DataFileException} naming the file and line. {@code user_id} may be a JSON number (it becomes its
 * text), {@code rating} a number from 0.5 to 5.5, {@code timestamp} an integer (seconds since the epoch).
 */
public final class RatingsFile {
    public enum Format { CSV, JSON_LINES }

    public static final String USER_ID = "user_id";
    public static final String MOVIE_TITLE = "movie_title";
    public static final String RATING = "rating";
    public static final String TIMESTAMP = "timestamp";
    private static final List<String> COLUMNS = List.of(USER_ID, MOVIE_TITLE, RATING, TIMESTAMP);

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final ObjectReader LINE_READER =
            MAPPER.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).with(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                    .with(JsonParser.Feature.STRICT_DUPLICATE_DETECTION) // as labels are: never the last key silently
                    .without(com.fasterxml.jackson.databind.cfg.JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES);
    /** An array's elements read as the lines are: a timestamp's fraction exactly. */
    private static final ObjectReader ELEMENT_READER = MAPPER.reader().with(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .without(com.fasterxml.jackson.databind.cfg.JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES);
    private static final JsonFactory JSON = MAPPER.getFactory();

    private RatingsFile() {}

    /** Every rating in the file, in file order; the format from the name or content. */
    public static List<Rating> read(Path file) {
        List<Rating> out = new ArrayList<>();
        forEach(file, out::add);
        return out;
    }

    /** Every rating in the file, in the given format. */
    public static List<Rating> read(Path file, Format format) {
        List<Rating> out = new ArrayList<>();
        forEach(file, format, out::add);
        return out;
    }

    /** Streams the file's ratings to {@code sink} without holding them; the format from the name or content. */
    public static void forEach(Path file, Consumer<Rating> sink) {
        forEach(file, formatOf(file), sink);
    }

    public static void forEach(Path file, Format format, Consumer<Rating> sink) {
        refuseCompressed(file);
        java.io.LineNumberReader counted = null;
        try (java.io.LineNumberReader in = new java.io.LineNumberReader(Files.newBufferedReader(file, StandardCharsets.UTF_8))) {
            counted = in;
            read(in, format, file.toString(), sink);
        } catch (CharacterCodingException e) {
            // decoded ahead of the lines read, in blocks of a few thousand characters: the bad byte is after this line
            throw new DataFileException(file.toString(), counted == null ? 0 : counted.getLineNumber(),
                    "not valid UTF-8 text after this line " + hint().substring(1), e);
        } catch (IOException e) {
            throw new DataFileException(file.toString(), 0, "cannot read: " + e, e);
        }
    }

    /** Reads ratings from a character stream; {@code source} names it in error messages. */
    public static void read(Reader in, Format format, String source, Consumer<Rating> sink) throws IOException {
        if (format == Format.CSV) {
            readCsv(in, source, sink);
        } else {
            readJson(in, source, sink);
        }
    }

    private static String hint() {
        return " (a file saved as Windows-1252 or Latin-1, as spreadsheets do? convert it: iconv -f windows-1252 -t utf-8)";
    }

    /** Whether {@code file} is a CSV whose header names this reader's columns (user_id, movie_title, ...). */
    static boolean hasOwnHeader(Path file) {
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String header = in.readLine();
            if (header == null) return false;
            String h = header.replace("\uFEFF", "").replace("\"", "").toLowerCase(Locale.ROOT);
            return java.util.Arrays.stream(h.split(",")).map(String::trim).toList().containsAll(List.of(USER_ID, MOVIE_TITLE));
        } catch (IOException e) {
            return false;
        }
    }

    /** A gzip, zip, bzip2 or xz file would otherwise be "not valid UTF-8 text": say what it is. */
    private static void refuseCompressed(Path file) {
        byte[] head = new byte[6];
        int n;
        try (java.io.InputStream in = Files.newInputStream(file)) {
            n = in.readNBytes(head, 0, head.length);
        } catch (IOException e) {
            throw new DataFileException(file.toString(), 0, "cannot read: " + e, e);
        }
        String kind = n >= 2 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b ? "gzip"
                : n >= 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4 ? "zip"
                : n >= 3 && head[0] == 'B' && head[1] == 'Z' && head[2] == 'h' ? "bzip2"
                : n >= 6 && (head[0] & 0xff) == 0xfd && head[1] == '7' && head[2] == 'z' && head[3] == 'X' ? "xz" : null;
        if (kind != null) {
            throw new DataFileException(file.toString(), 0, "a " + kind + "-compressed file: decompress it first (ratings"
                    + " are read as UTF-8 text)");
        }
    }

    /** The format a file's name implies, else the one its first non-blank character implies. */
    public static Format formatOf(Path file) {
        Format byName = formatOfName(file.getFileName().toString());
        if (byName != null) {
            return byName;
        }
        refuseCompressed(file);
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            int c = in.read();
            while (c == '\uFEFF' || (c != -1 && Character.isWhitespace(c))) {
                c = in.read();
            }
            return c == '{' || c == '[' ? Format.JSON_LINES : Format.CSV;
        } catch (IOException e) {
            throw new DataFileException(file.toString(), 0, "cannot read: " + e, e);
        }
    }

    /** CSV for {@code .csv}, JSON lines for {@code .jsonl}, {@code .ndjson} and {@code .json}, else null. */
    public static Format formatOfName(String fileName) {
        String name = fileName.toLowerCase(Locale.ROOT);
        if (name.endsWith(".csv")) {
            return Format.CSV;
        }
        if (name.endsWith(".jsonl") || name.endsWith(".ndjson") || name.endsWith(".json")) {
            return Format.JSON_LINES;
        }
        return null;
    }

    /** Writes the ratings in the format the file name implies (see {@link #formatOfName}). */
    public static void write(Path file, Collection<Rating> ratings) {
        Format format = formatOfName(file.getFileName().toString());
        if (format == null) {
            throw new IllegalArgumentException("cannot tell the ratings format from the name " + file
                    + ": use .csv, .jsonl or .json, or pass the format");
        }
        write(file, ratings, format);
    }

    public static void write(Path file, Collection<Rating> ratings, Format format) {
        try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            write(out, ratings, format);
        } catch (IOException e) {
            throw new DataFileException(file.toString(), 0, "cannot write: " + e, e);
        }
    }

    /** Writes the ratings to a character stream (not closed). */
    public static void write(Writer out, Collection<Rating> ratings, Format format) throws IOException {
        if (format == Format.CSV) {
            out.write(String.join(",", COLUMNS));
            out.write('\n');
            for (Rating r : ratings) {
                out.write(CsvRecords.quote(r.userId));
                out.write(',');
                out.write(CsvRecords.quote(r.movieTitle));
                out.write(',');
                out.write(formatRating(r.rating));
                out.write(',');
                out.write(Long.toString(r.timestamp));
                out.write('\n');
            }
        } else {
            try (JsonGenerator g = JSON.createGenerator(out).disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET)) {
                g.setRootValueSeparator(null);
                for (Rating r : ratings) {
                    g.writeStartObject();
                    g.writeStringField(USER_ID, r.userId);
                    g.writeStringField(MOVIE_TITLE, r.movieTitle);
                    g.writeNumberField(RATING, r.rating);
                    g.writeNumberField(TIMESTAMP, r.timestamp);
                    g.writeEndObject();
                    g.writeRaw('\n');
                }
            }
        }
        out.flush();
    }

    /** "4" for whole ratings, else the shortest text that reads back as the same float ("3.5"). */
    static String formatRating(float rating) {
        if (rating == Math.rint(rating) && Math.abs(rating) < 1e9f) {
            return Long.toString((long) rating);
        }
        return Float.toString(rating);
    }

    private static void readCsv(Reader in, String source, Consumer<Rating> sink) throws IOException {
        CsvRecords csv = new CsvRecords(in, source);
        List<String> header = csv.next();
        while (header != null && isBlank(header)) {
            header = csv.next();
        }
        if (header == null) {
            return;
        }
        Map<String, Integer> index = headerIndex(header, source, csv.recordLine());
        int userCol = index.get(USER_ID);
        int titleCol = index.get(MOVIE_TITLE);
        int ratingCol = index.get(RATING);
        int timeCol = index.get(TIMESTAMP);
        Strings shared = new Strings();
        for (List<String> row = csv.next(); row != null; row = csv.next()) {
            if (isBlank(row)) {
                continue;
            }
            long line = csv.recordLine();
            if (row.size() != header.size()) {
                throw new DataFileException(source, line,
                        "expected " + header.size() + " fields as in the header, got " + row.size());
            }
            // a user id's edge blanks are the CSV's layout ("587, Heat (1995), 4, ..."), not the id: kept, every user
            // would be unknown to requests that send "587" (a title's are kept: resolution ignores them)
            sink.accept(new Rating(
                    shared.user(text(row.get(userCol).strip(), USER_ID, source, line)),
                    shared.title(text(row.get(titleCol), MOVIE_TITLE, source, line)),
                    parseRating(row.get(ratingCol).trim(), source, line),
                    parseTimestamp(row.get(timeCol).trim(), source, line)));
        }
    }

    /**
     * One String per title and per run of a user's rows, as the ml-latest reader keeps them: a file of ML-32M's size
     * otherwise held about three times the memory (178 against 54 bytes per row, measured on 2 million rows).
     */
    private static final class Strings {
        private final Map<String, String> titles = new HashMap<>();
        private String lastUser;

        String user(String user) {
            if (user.equals(lastUser)) return lastUser;
            lastUser = user;
            return user;
        }

        String title(String title) {
            String known = titles.putIfAbsent(title, title);
            return known == null ? title : known;
        }
    }

    private static Map<String, Integer> headerIndex(List<String> header, String source, long line) {
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < header.size(); i++) {
            String name = header.get(i).replace("\uFEFF", "").trim().toLowerCase(Locale.ROOT);
            if (index.put(name, i) != null && COLUMNS.contains(name)) {
                throw new DataFileException(source, line, "column " + name + " appears twice in the header");
            }
        }
        List<String> missing = COLUMNS.stream().filter(c -> !index.containsKey(c)).toList();
        if (!missing.isEmpty()) {
            if (header.size() == 1 && header.get(0).strip().matches("\\d+\t\\d+\t\\d+(\\.\\d+)?\t\\d+")) {
                throw new DataFileException(source, line, "this is MovieLens 100K's own tab-separated format (u.data,"
                        + " u1.base, u1.test): pass its folder instead (--data DIR; --split u1 for u1.base/u1.test)");
            }
            throw new DataFileException(source, line, "the CSV header " + header + " lacks the column(s) "
                    + missing + "; expected a header with " + String.join(", ", COLUMNS) + " in any order");
        }
        return index;
    }

    private static void readJson(Reader in, String source, Consumer<Rating> sink) throws IOException {
        PushbackReader pushback = new PushbackReader(in, 1);
        int c = pushback.read();
        long line = 1;
        while (c == '\uFEFF' || (c != -1 && Character.isWhitespace(c))) {
            if (c == '\n') {
                line++;
            }
            c = pushback.read();
        }
        if (c == -1) {
            return;
        }
        pushback.unread(c);
        if (c == '[') {
            readJsonArray(pushback, source, line, sink);
        } else {
            readJsonLines(new BufferedReader(pushback), source, line, sink);
        }
    }

    private static void readJsonLines(BufferedReader in, String source, long firstLine, Consumer<Rating> sink)
            throws IOException {
        Strings shared = new Strings();
        long n = firstLine - 1;
        for (String text = in.readLine(); text != null; text = in.readLine()) {
            n++;
            if (text.isBlank()) {
                continue;
            }
            JsonNode node;
            try {
                node = LINE_READER.readTree(text);
            } catch (JsonProcessingException e) {
                throw new DataFileException(source, n, "not valid JSON: " + e.getOriginalMessage());
            } catch (NumberFormatException e) { // an exponent beyond BigDecimal's (1e2147483648)
                throw new DataFileException(source, n, "not valid JSON: a number out of range (" + e.getMessage() + ")");
            }
            sink.accept(fromJson(node, source, n, shared));
        }
    }

    private static void readJsonArray(Reader in, String source, long firstLine, Consumer<Rating> sink)
            throws IOException {
        Strings shared = new Strings();
        try (JsonParser p = JSON.createParser(in)) {
            p.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION); // a key twice in an element: refused, as in a line
            p.nextToken(); // START_ARRAY
            for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
                long line = firstLine - 1 + p.currentTokenLocation().getLineNr();
                if (t == null) {
                    throw new DataFileException(source, line, "the JSON array is never closed");
                }
                JsonNode node;
                try {
                    node = ELEMENT_READER.readTree(p);
                } catch (NumberFormatException e) {
                    throw new DataFileException(source, line, "not valid JSON: a number out of range (" + e.getMessage() + ")");
                }
                sink.accept(fromJson(node, source, line, shared));
            }
            // two arrays one after the other (`cat a.json b.json`): the second would be lost without a word
            if (p.nextToken() != null) {
                throw new DataFileException(source, firstLine - 1 + p.currentTokenLocation().getLineNr(),
                        "content after the JSON array's closing ]: one array per file (or JSON lines, one object per line)");
            }
        } catch (JsonProcessingException e) {
            long line = e.getLocation() == null ? 0 : firstLine - 1 + e.getLocation().getLineNr();
            throw new DataFileException(source, line, "not valid JSON: " + e.getOriginalMessage());
        }
    }

    private static Rating fromJson(JsonNode node, String source, long line, Strings shared) {
        if (node == null || !node.isObject()) {
            throw new DataFileException(source, line, "expected a JSON object with " + String.join(", ", COLUMNS));
        }
        JsonNode user = field(node, USER_ID, source, line);
        String userId;
        if (user.isTextual()) {
            userId = text(user.textValue(), USER_ID, source, line);
        } else if (user.isIntegralNumber()) {
            userId = user.asText();
        } else {
            throw new DataFileException(source, line, USER_ID + " must be a string or an integer, got " + user);
        }
        JsonNode title = field(node, MOVIE_TITLE, source, line);
        if (!title.isTextual()) {
            throw new DataFileException(source, line, MOVIE_TITLE + " must be a string, got " + title);
        }
        JsonNode rating = field(node, RATING, source, line);
        float value;
        if (rating.isNumber()) {
            value = checkFinite(rating.floatValue(), rating.asText(), source, line);
        } else if (rating.isTextual()) {
            value = parseRating(rating.textValue().trim(), source, line);
        } else {
            throw new DataFileException(source, line, RATING + " must be a number, got " + rating);
        }
        JsonNode time = field(node, TIMESTAMP, source, line);
        long timestamp;
        if (time.isIntegralNumber() && time.canConvertToLong()) {
            timestamp = inSeconds(time.longValue(), source, line);
        } else if (time.isFloatingPointNumber()) {
            timestamp = parseTimestamp(time.asText(), source, line); // 892870992.0, as pandas writes a float column
        } else if (time.isTextual()) {
            timestamp = parseTimestamp(time.textValue().trim(), source, line);
        } else {
            throw new DataFileException(source, line,
                    TIMESTAMP + " must be an integer (seconds since the epoch), got " + time);
        }
        return new Rating(shared.user(userId), shared.title(text(title.textValue(), MOVIE_TITLE, source, line)), value,
                timestamp);
    }

    private static JsonNode field(JsonNode node, String name, String source, long line) {
        JsonNode value = node.get(name);
        if (value == null || value.isNull()) {
            throw new DataFileException(source, line, "missing field " + name);
        }
        return value;
    }

    private static String text(String value, String column, String source, long line) {
        if (dev.marquee.data.parse.RequestParser.isBlank(value)) { // the request parser's blank: also U+00A0, U+200B...
            throw new DataFileException(source, line, column + (value.isEmpty() ? " is empty" : " is blank"));
        }
        // As the request parser refuses: no request could carry it, and a line break would split a vocabulary file
        int bad = dev.marquee.data.parse.RequestParser.firstBadCharacter(value);
        if (bad >= 0) {
            throw new DataFileException(source, line, column + " has a control character or an unpaired surrogate at "
                    + "character " + bad);
        }
        return value;
    }

    private static float parseRating(String s, String source, long line) {
        try {
            return checkFinite(Float.parseFloat(s), s, source, line);
        } catch (NumberFormatException e) {
            throw new DataFileException(source, line, RATING + " \"" + s + "\" is not a number");
        }
    }

    private static float checkFinite(float value, String text, String source, long line) {
        if (!Float.isFinite(value)) {
            throw new DataFileException(source, line, RATING + " \"" + text + "\" is not a finite number");
        }
        // the range the job and the trainer take labels in: a model trained on another scale (1 to 10) would serve
        // it, while every label it gets online is refused and every retrain from this data fails the probe
        if (value < Rating.MIN_LABEL || value > Rating.MAX_LABEL) {
            throw new DataFileException(source, line, RATING + " " + text + " is outside " + Rating.MIN_LABEL + " to "
                    + Rating.MAX_LABEL + ", the range ratings are taken in (rescale another scale to MovieLens' 1 to 5)");
        }
        return value;
    }

    private static long parseTimestamp(String s, String source, long line) {
        if (s.indexOf('.') >= 0 || s.indexOf('e') >= 0 || s.indexOf('E') >= 0) {
            return inSeconds(wholeDecimal(s, source, line), source, line); // not an exception per row of a float column
        }
        long timestamp;
        try {
            timestamp = Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new DataFileException(source, line, TIMESTAMP + " \"" + s + "\" is not an integer (seconds since the epoch)");
        }
        return inSeconds(timestamp, source, line);
    }

    /** "892870992.0" (a float column's text) is that whole number, as the request parser takes it; "1.5" is refused. */
    private static long wholeDecimal(String s, String source, long line) {
        try {
            if (s.length() > 40) throw new NumberFormatException("too long"); // BigDecimal's parse: quadratic in length
            java.math.BigDecimal d = new java.math.BigDecimal(s);
            if (d.signum() == 0 || d.scale() <= 0 || d.stripTrailingZeros().scale() <= 0) return d.longValueExact();
        } catch (NumberFormatException | ArithmeticException e) {
            // below
        }
        throw new DataFileException(source, line, TIMESTAMP + " \"" + s + "\" is not an integer (seconds since the epoch)");
    }

    /**
     * Refuses a timestamp after {@link Rating#LATEST_TIMESTAMP}: milliseconds, most likely. Trained on, it would make
     * every (user, day) bias a day of 86 seconds and the reference's hours noise, and the job refuses the same
     * values in requests and labels, so it shows only after a version is published.
     */
    static long inSeconds(long timestamp, String source, long line) {
        if (timestamp > Rating.LATEST_TIMESTAMP) {
            throw new DataFileException(source, line, TIMESTAMP + " " + timestamp + " is after 2100-01-01 ("
                    + Rating.LATEST_TIMESTAMP + "): timestamps must be seconds since the epoch, and this looks like milliseconds");
        }
        return timestamp;
    }

    private static boolean isBlank(List<String> row) {
        return row.size() == 1 && row.get(0).isBlank();
    }
}

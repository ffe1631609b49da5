package dev.marquee.data.movielens;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The line formats of MovieLens 100K's files, read and written: {@code u.data} (tab-separated
 * user, item, rating, timestamp), {@code u.item} (pipe-separated, 5 columns then 19 genre flags) and
 * {@code u.user} (pipe-separated id, age, gender, occupation, zip). All files are ISO-8859-1 (a {@code u.item}
 * re-encoded to UTF-8 is read as such).
 */
public final class MovieLensFormat {
    /** The files' encoding: "Misérables" is stored as the single byte 0xE9 for "é". */
    public static final Charset CHARSET = StandardCharsets.ISO_8859_1;

    // One-digit days occur ("4-Feb-1971"), so parse "d"; write "dd" as most of the file does.
    private static final DateTimeFormatter DATE_IN = DateTimeFormatter.ofPattern("d-MMM-yyyy", Locale.ENGLISH);
    private static final DateTimeFormatter DATE_OUT = DateTimeFormatter.ofPattern("dd-MMM-yyyy", Locale.ENGLISH);
    private static final Pattern TITLE_YEAR = Pattern.compile("\\((\\d{4})\\)");
    private static final int ITEM_COLUMNS = 5 + Genres.ALL.size();

    private MovieLensFormat() {}

    /** Reads {@code u.data}-format ratings in file order. */
    public static List<MovieLensRating> readRatings(Path file) {
        List<MovieLensRating> out = new ArrayList<>(100_000);
        forEachLine(file, (line, n) -> out.add(parseRating(line, file, n)));
        return out;
    }

    /** Reads {@code u.item}, in file order. */
    public static List<Movie> readMovies(Path file) {
        List<Movie> out = new ArrayList<>(2_000);
        forEachLine(file, titlesCharset(file), (line, n) -> out.add(parseMovie(line, file, n)));
        return out;
    }

    /**
     * ISO-8859-1, as GroupLens ships {@code u.item}; UTF-8 for a copy re-encoded to it (mirrors and repositories do),
     * which ISO-8859-1 would read as "MisÃ©rables". Such a file is valid UTF-8 with bytes above 0x7F; the original
     * is not (its "é" is the lone byte 0xE9).
     */
    static Charset titlesCharset(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new DataFileException(file.toString(), 0, "cannot read: " + e, e);
        }
        boolean high = false;
        for (byte b : bytes) {
            if (b < 0) {
                high = true;
                break;
            }
        }
        if (!high) return CHARSET;
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                    .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT).decode(java.nio.ByteBuffer.wrap(bytes));
            return StandardCharsets.UTF_8;
        } catch (java.nio.charset.CharacterCodingException notUtf8) {
            return CHARSET;
        }
    }

    /** Reads {@code u.user}, in file order. */
    public static List<User> readUsers(Path file) {
        List<User> out = new ArrayList<>(1_000);
        forEachLine(file, (line, n) -> out.add(parseUser(line, file, n)));
        return out;
    }

    static MovieLensRating parseRating(String line, Path file, long n) {
        // Hand-rolled split: this runs 100k times per read, String.split's regex would dominate.
        int t1 = line.indexOf('\t');
        int t2 = t1 < 0 ? -1 : line.indexOf('\t', t1 + 1);
        int t3 = t2 < 0 ? -1 : line.indexOf('\t', t2 + 1);
        if (t3 < 0 || line.indexOf('\t', t3 + 1) >= 0) {
            throw bad(file, n, "expected 4 tab-separated fields (user, item, rating, timestamp), got: " + quote(line));
        }
        int user = parseInt(line.substring(0, t1), "user id", file, n);
        int item = parseInt(line.substring(t1 + 1, t2), "item id", file, n);
        int rating = parseInt(line.substring(t2 + 1, t3), "rating", file, n);
        if (rating < dev.marquee.data.event.Rating.MIN_LABEL || rating > dev.marquee.data.event.Rating.MAX_LABEL) {
            // as the other readers: a model trained on another scale would serve it while every online label is refused
            throw bad(file, n, "rating " + rating + " is outside " + dev.marquee.data.event.Rating.MIN_LABEL + " to "
                    + dev.marquee.data.event.Rating.MAX_LABEL + ", the range ratings are taken in (rescale another scale"
                    + " to MovieLens' 1 to 5)");
        }
        long timestamp = RatingsFile.inSeconds(parseLong(line.substring(t3 + 1), "timestamp", file, n), file.toString(), n);
        return new MovieLensRating(user, item, rating, timestamp);
    }

    static Movie parseMovie(String line, Path file, long n) {
        String[] f = line.split("\\|", -1);
        if (f.length != ITEM_COLUMNS) {
            throw bad(file, n, "expected " + ITEM_COLUMNS + " '|'-separated fields, got " + f.length);
        }
        int id = parseInt(f[0], "movie id", file, n);
        String title = f[1];
        Optional<LocalDate> date = Optional.empty();
        if (!f[2].isBlank()) {
            try {
                date = Optional.of(LocalDate.parse(f[2].trim(), DATE_IN));
            } catch (DateTimeParseException e) {
                throw bad(file, n, "release date " + quote(f[2]) + " is not d-MMM-yyyy (e.g. 01-Jan-1995)");
            }
        }
        List<String> genres = new ArrayList<>(3);
        for (int g = 0; g < Genres.ALL.size(); g++) {
            String flag = f[5 + g].trim();
            if (flag.equals("1")) {
                genres.add(Genres.ALL.get(g));
            } else if (!flag.equals("0")) {
                throw bad(file, n, "genre flag " + Genres.ALL.get(g) + " is " + quote(flag) + ", expected 0 or 1");
            }
        }
        OptionalInt year = date.map(d -> OptionalInt.of(d.getYear())).orElseGet(() -> yearInTitle(title));
        return new Movie(id, title, date, year, genres, f[4]);
    }

    static User parseUser(String line, Path file, long n) {
        String[] f = line.split("\\|", -1);
        if (f.length != 5) {
            throw bad(file, n, "expected 5 '|'-separated fields (id, age, gender, occupation, zip), got " + f.length);
        }
        return new User(parseInt(f[0], "user id", file, n), parseInt(f[1], "age", file, n), f[2], f[3], f[4]);
    }

    /** The last "(yyyy)" in a title, e.g. 1995 for "Misérables, Les (1995)". */
    public static OptionalInt yearInTitle(String title) {
        Matcher m = TITLE_YEAR.matcher(title);
        int year = -1;
        while (m.find()) {
            year = Integer.parseInt(m.group(1));
        }
        return year < 0 ? OptionalInt.empty() : OptionalInt.of(year);
    }

    /** The {@code u.data} line for a rating, without the newline. */
    public static String formatRating(MovieLensRating r) {
        return r.userId() + "\t" + r.itemId() + "\t" + r.rating() + "\t" + r.timestamp();
    }

    /** The {@code u.item} line for a movie, without the newline. Titles must not contain '|'. */
    public static String formatMovie(Movie m) {
        if (m.title().indexOf('|') >= 0 || m.title().indexOf('\n') >= 0) {
            throw new IllegalArgumentException("a u.item title cannot contain '|' or a newline: " + m.title());
        }
        StringBuilder b = new StringBuilder(128);
        b.append(m.id()).append('|').append(m.title()).append('|')
                .append(m.releaseDate().map(DATE_OUT::format).orElse("")).append("||").append(m.imdbUrl());
        for (String genre : Genres.ALL) {
            b.append('|').append(m.genres().contains(genre) ? '1' : '0');
        }
        return b.toString();
    }

    /** The {@code u.user} line for a user, without the newline. */
    public static String formatUser(User u) {
        return u.id() + "|" + u.age() + "|" + u.gender() + "|" + u.occupation() + "|" + u.zip();
    }

    interface LineHandler {
        void accept(String line, long lineNumber);
    }

    /** Every non-empty line with its 1-based number. */
    static void forEachLine(Path file, LineHandler handler) {
        forEachLine(file, CHARSET, handler);
    }

    static void forEachLine(Path file, Charset charset, LineHandler handler) {
        try (BufferedReader in = Files.newBufferedReader(file, charset)) {
            long n = 0;
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                n++;
                // a copy re-encoded to UTF-8 by an editor that marks it so: the mark is not part of the first id
                if (n == 1 && line.startsWith("\uFEFF")) line = line.substring(1);
                if (!line.isEmpty()) {
                    handler.accept(line, n);
                }
            }
        } catch (IOException e) {
            throw new DataFileException(file.toString(), 0, "cannot read: " + e, e);
        }
    }

    static void writeLines(Path file, List<String> lines) {
        try {
            Files.write(file, lines, CHARSET);
        } catch (IOException e) {
            throw new DataFileException(file.toString(), 0, "cannot write: " + e, e);
        }
    }

    static <T> void writeAll(Path file, List<T> rows, Function<T, String> format) {
        List<String> lines = new ArrayList<>(rows.size());
        rows.forEach(r -> lines.add(format.apply(r)));
        writeLines(file, lines);
    }

    private static int parseInt(String s, String what, Path file, long n) {
        try {
            return Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            throw bad(file, n, what + " " + quote(s) + " is not an integer");
        }
    }

    private static long parseLong(String s, String what, Path file, long n) {
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            throw bad(file, n, what + " " + quote(s) + " is not an integer");
        }
    }

    private static DataFileException bad(Path file, long n, String problem) {
        return new DataFileException(file.toString(), n, problem);
    }

    private static String quote(String s) {
        return "\"" + (s.length() > 80 ? s.substring(0, 80) + "…" : s) + "\"";
    }
}

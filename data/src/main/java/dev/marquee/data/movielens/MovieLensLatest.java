package dev.marquee.data.movielens;

import dev.marquee.data.event.Rating;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * MovieLens in the format of ML-20M and later (ml-latest-small, ml-25m, ml-32m): {@code ratings.csv}
 * ({@code userId,movieId,rating,timestamp}, half-star ratings 0.5 to 5.0, seconds) and {@code movies.csv}
 * ({@code movieId,title,genres}, RFC 4180 quoting), both UTF-8 with a header row.
 *
 * <p>Found as a directory holding both files, or as a ratings file (its header names {@code userId} and
 * {@code movieId}) with {@code movies.csv} beside it. Ratings become {@link Rating} events keyed by the user id
 * as text and the movie's title from {@code movies.csv}. {@code ratings.csv} is read line by line (ML-32M has
 * 32 million rows); only the resulting events are held.
 */
public final class MovieLensLatest {
    public static final String RATINGS = "ratings.csv";
    public static final String MOVIES = "movies.csv";
    /** How commands name the data (model cards' {@code data.source}); {@link #describedPath} reads it back. */
    public static final String DESCRIPTION_PREFIX = "MovieLens (ml-latest format) at ";
    private static final List<String> RATING_COLUMNS = List.of("userid", "movieid", "rating", "timestamp");
    private static final int MISSING_EXAMPLES = 5;

    private final Path ratingsFile;
    private final Path moviesFile;
    private Map<Integer, Movie> movies;

    private MovieLensLatest(Path ratingsFile) {
        this.ratingsFile = ratingsFile;
        this.moviesFile = ratingsFile.resolveSibling(MOVIES);
    }

    /**
     * The dataset at {@code path} when it is in this format: a directory holding {@value #RATINGS}, or a CSV
     * file whose header names {@code userId} and {@code movieId}; empty for anything else (MovieLens 100K, a
     * user_id/movie_title ratings file, a missing path).
     *
     * @throws DataFileException when the format is recognised but {@value #MOVIES} is not beside the ratings
     */
    public static Optional<MovieLensLatest> detect(Path path) {
        Path abs = path.toAbsolutePath().normalize();
        Path ratings;
        if (Files.isDirectory(abs) && Files.isRegularFile(abs.resolve(RATINGS))) {
            ratings = abs.resolve(RATINGS);
            if (!hasRatingsHeader(ratings) && RatingsFile.hasOwnHeader(ratings)) {
                throw new DataFileException(ratings.toString(), 1, "a ratings file of user_id, movie_title, rating and"
                        + " timestamp, not MovieLens' ml-latest format (userId, movieId): give the file itself, not its folder");
            }
        } else if (Files.isRegularFile(abs) && hasRatingsHeader(abs)) {
            ratings = abs;
        } else {
            return Optional.empty();
        }
        if (!Files.isRegularFile(ratings.resolveSibling(MOVIES))) {
            throw new DataFileException(ratings.toString(), 0, MOVIES + " is missing beside it ("
                    + ratings.resolveSibling(MOVIES) + "); MovieLens' ml-latest format keys ratings by movieId"
                    + " and takes the titles from " + MOVIES);
        }
        return Optional.of(new MovieLensLatest(ratings));
    }

    /**
     * Writes {@code ratings} in this format into {@code dir}: movieIds numbered 1, 2, ... by first appearance
     * of each title, titles quoted where RFC 4180 needs it, genres "(no genres listed)". User ids are written
     * as they are and must hold no comma, quote or line break (MovieLens' are integers).
     */
    public static MovieLensLatest write(Path dir, Collection<Rating> ratings) {
        Map<String, Integer> ids = new LinkedHashMap<>();
        try {
            Files.createDirectories(dir);
            try (Writer out = Files.newBufferedWriter(dir.resolve(RATINGS), StandardCharsets.UTF_8)) {
                out.write("userId,movieId,rating,timestamp\n");
                for (Rating r : ratings) {
                    if (!CsvRecords.quote(r.userId).equals(r.userId) || r.userId.indexOf(' ') >= 0) {
                        throw new IllegalArgumentException("a ratings.csv userId cannot hold \"" + r.userId + "\"");
                    }
                    int id = ids.computeIfAbsent(r.movieTitle, t -> ids.size() + 1);
                    out.write(r.userId + "," + id + "," + RatingsFile.formatRating(r.rating) + "," + r.timestamp + "\n");
                }
            }
            try (Writer out = Files.newBufferedWriter(dir.resolve(MOVIES), StandardCharsets.UTF_8)) {
                out.write("movieId,title,genres\n");
                for (Map.Entry<String, Integer> e : ids.entrySet()) {
                    out.write(e.getValue() + "," + CsvRecords.quote(e.getKey()) + ",(no genres listed)\n");
                }
            }
        } catch (IOException e) {
            throw new DataFileException(dir.toString(), 0, "cannot write: " + e, e);
        }
        return new MovieLensLatest(dir.toAbsolutePath().normalize().resolve(RATINGS));
    }

    /** The path a {@link #description()} names, or empty when {@code source} is not such a description. */
    public static Optional<String> describedPath(String source) {
        return source != null && source.startsWith(DESCRIPTION_PREFIX) && source.length() > DESCRIPTION_PREFIX.length()
                ? Optional.of(source.substring(DESCRIPTION_PREFIX.length()))
                : Optional.empty();
    }

    private static boolean hasRatingsHeader(Path file) {
        if (!file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".csv")) {
            return false;
        }
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String header = in.readLine();
            if (header == null) {
                return false;
            }
            List<String> names = columns(header);
            return names.contains("userid") && names.contains("movieid");
        } catch (IOException e) {
            return false; // not text this reader understands; the caller's other readers say why
        }
    }

    private static List<String> columns(String header) {
        return Arrays.stream(header.replace("\uFEFF", "").split(",", -1))
                .map(c -> unquote(c.trim()).toLowerCase(Locale.ROOT)).toList();
    }

    /** A field re-exported with every value quoted ("1","31","2.5",...): its quotes are not part of it. */
    private static String unquote(String field) {
        return field.length() >= 2 && field.charAt(0) == '"' && field.charAt(field.length() - 1) == '"'
                ? field.substring(1, field.length() - 1) : field;
    }

    /** The ratings file; {@value #MOVIES} is beside it. */
    public Path ratingsFile() {
        return ratingsFile;
    }

    /** The directory when the ratings file is its {@value #RATINGS}, else the ratings file: what to pass again. */
    public Path path() {
        return ratingsFile.getFileName().toString().equals(RATINGS) ? ratingsFile.getParent() : ratingsFile;
    }

    /** "MovieLens (ml-latest format) at PATH": names the data so that a later command can find it again. */
    public String description() {
        return DESCRIPTION_PREFIX + path();
    }

    /**
     * {@value #MOVIES} by movieId, in file order. Genres are the file's ({@code |}-separated; "(no genres
     * listed)" is none); the release year is the title's "(yyyy)", there is no release date.
     */
    public synchronized Map<Integer, Movie> movies() {
        if (movies == null) {
            movies = Collections.unmodifiableMap(readMovies());
        }
        return movies;
    }

    /** Every rating, in file order. */
    public List<Rating> ratings() {
        List<Rating> out = new ArrayList<>();
        forEachRating(out::add);
        return out;
    }

    /**
     * Streams the ratings to {@code sink} in file order. A movieId missing from {@value #MOVIES} stops the read
     * once the file is through, with how many rows and which ids; a malformed line stops it at once.
     */
    public void forEachRating(Consumer<Rating> sink) {
        Map<Integer, Movie> byId = movies();
        String source = ratingsFile.toString();
        Map<Integer, Long> missing = new TreeMap<>();
        long missingRows = 0;
        try (BufferedReader in = Files.newBufferedReader(ratingsFile, StandardCharsets.UTF_8)) {
            String header = in.readLine();
            if (header == null) {
                return;
            }
            int[] cols = ratingColumns(columns(header), source);
            int width = columns(header).size();
            int[] comma = new int[width + 1];
            String lastUserText = null;
            String lastUser = null;
            long n = 1;
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                n++;
                if (line.isBlank()) {
                    continue;
                }
                splitFields(line, width, comma, source, n);
                String userText = field(line, comma, cols[0]);
                // Rows come grouped by user: one String per run of a user's rows instead of one per row.
                String user = userText.equals(lastUserText) ? lastUser : userText;
                if (user.isEmpty()) {
                    throw new DataFileException(source, n, "userId is empty");
                }
                lastUserText = userText;
                lastUser = user;
                int movieId = parseMovieId(field(line, comma, cols[1]), source, n);
                float rating = parseRating(field(line, comma, cols[2]), source, n);
                long timestamp = parseTimestamp(field(line, comma, cols[3]), source, n);
                Movie movie = byId.get(movieId);
                if (movie == null) {
                    missingRows++;
                    if (missing.size() < MISSING_EXAMPLES || missing.containsKey(movieId)) {
                        missing.merge(movieId, n, Math::min);
                    }
                    continue;
                }
                sink.accept(new Rating(user, movie.title(), rating, timestamp));
            }
        } catch (CharacterCodingException e) {
            throw new DataFileException(source, 0, "not valid UTF-8 text (a file saved as Windows-1252 or Latin-1, as spreadsheets do? convert it: iconv -f windows-1252 -t utf-8)", e);
        } catch (IOException e) {
            throw new DataFileException(source, 0, "cannot read: " + e, e);
        }
        if (missingRows > 0) {
            StringBuilder examples = new StringBuilder();
            missing.forEach((id, line) -> examples.append(examples.length() == 0 ? "" : ", ")
                    .append(id).append(" (line ").append(line).append(')'));
            throw new DataFileException(source, 0, missingRows + " rating(s) name a movieId that " + moviesFile
                    + " has no title for, e.g. movieId " + examples);
        }
    }

    private static int[] ratingColumns(List<String> header, String source) {
        int[] cols = new int[RATING_COLUMNS.size()];
        List<String> absent = new ArrayList<>();
        for (int i = 0; i < cols.length; i++) {
            cols[i] = header.indexOf(RATING_COLUMNS.get(i));
            if (cols[i] < 0) {
                absent.add(RATING_COLUMNS.get(i));
            }
        }
        if (!absent.isEmpty()) {
            throw new DataFileException(source, 1, "the header " + header + " lacks " + absent
                    + "; expected userId,movieId,rating,timestamp");
        }
        return cols;
    }

    /** Fills {@code comma} with the field boundaries: field i is between comma[i] and comma[i + 1]. */
    private static void splitFields(String line, int width, int[] comma, String source, long n) {
        comma[0] = -1;
        int count = 1;
        for (int i = line.indexOf(','); i >= 0; i = line.indexOf(',', i + 1)) {
            if (count == width) {
                throw new DataFileException(source, n, "expected " + width + " comma-separated fields, got more: "
                        + clip(line));
            }
            comma[count++] = i;
        }
        if (count != width) {
            throw new DataFileException(source, n, "expected " + width + " comma-separated fields, got " + count
                    + ": " + clip(line));
        }
        comma[width] = line.length();
    }

    private static String field(String line, int[] comma, int col) {
        return unquote(line.substring(comma[col] + 1, comma[col + 1]).trim());
    }

    private static int parseMovieId(String s, String source, long n) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            throw new DataFileException(source, n, "movieId \"" + clip(s) + "\" is not an integer");
        }
    }

    private static float parseRating(String s, String source, long n) {
        float value;
        try {
            value = Float.parseFloat(s);
        } catch (NumberFormatException e) {
            throw new DataFileException(source, n, "rating \"" + clip(s) + "\" is not a number");
        }
        if (!(value >= 0.5f && value <= 5.0f)) {
            throw new DataFileException(source, n, "rating " + s + " is outside 0.5 to 5.0");
        }
        return value;
    }

    private static long parseTimestamp(String s, String source, long n) {
        long timestamp;
        try {
            timestamp = Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new DataFileException(source, n, "timestamp \"" + clip(s)
                    + "\" is not an integer (seconds since the epoch)");
        }
        return RatingsFile.inSeconds(timestamp, source, n);
    }

    private Map<Integer, Movie> readMovies() {
        String source = moviesFile.toString();
        Map<Integer, Movie> byId = new LinkedHashMap<>();
        Map<String, String> sameTitle = new HashMap<>();
        try (BufferedReader in = Files.newBufferedReader(moviesFile, StandardCharsets.UTF_8)) {
            CsvRecords csv = new CsvRecords(in, source);
            List<String> header = csv.next();
            if (header == null) {
                throw new DataFileException(source, 0, "is empty; expected a header movieId,title,genres");
            }
            List<String> names = header.stream().map(c -> c.replace("\uFEFF", "").trim().toLowerCase(Locale.ROOT))
                    .toList();
            int idCol = names.indexOf("movieid");
            int titleCol = names.indexOf("title");
            int genresCol = names.indexOf("genres");
            if (idCol < 0 || titleCol < 0) {
                throw new DataFileException(source, 1, "the header " + header
                        + " lacks movieId or title; expected movieId,title,genres");
            }
            for (List<String> row = csv.next(); row != null; row = csv.next()) {
                long n = csv.recordLine();
                if (row.size() == 1 && row.get(0).isBlank()) {
                    continue;
                }
                if (row.size() != header.size()) {
                    throw new DataFileException(source, n, "expected " + header.size()
                            + " fields as in the header, got " + row.size() + " (a title with a comma must be quoted)");
                }
                int id = parseMovieId(row.get(idCol).trim(), source, n);
                String title = row.get(titleCol);
                if (title.isBlank()) {
                    throw new DataFileException(source, n, "title is empty");
                }
                if (dev.marquee.data.parse.RequestParser.firstBadCharacter(title) >= 0) {
                    throw new DataFileException(source, n, "title has a control character or an unpaired surrogate");
                }
                title = sameTitle.computeIfAbsent(title, t -> t);
                List<String> genres = genresCol < 0 ? List.of() : genres(row.get(genresCol));
                OptionalInt year = MovieLensFormat.yearInTitle(title);
                if (byId.put(id, new Movie(id, title, Optional.empty(), year, genres, "")) != null) {
                    throw new DataFileException(source, n, "movieId " + id + " appears twice");
                }
            }
        } catch (CharacterCodingException e) {
            throw new DataFileException(source, 0, "not valid UTF-8 text (a file saved as Windows-1252 or Latin-1, as spreadsheets do? convert it: iconv -f windows-1252 -t utf-8)", e);
        } catch (IOException e) {
            throw new DataFileException(source, 0, "cannot read: " + e, e);
        }
        return byId;
    }

    private static List<String> genres(String field) {
        if (field.isBlank() || field.trim().equals("(no genres listed)")) {
            return List.of();
        }
        return Arrays.stream(field.split("\\|")).map(String::trim).filter(g -> !g.isEmpty()).toList();
    }

    private static String clip(String s) {
        return s.length() <= 80 ? s : s.substring(0, 80) + "…";
    }

    /**
     * Titles that more than one movieId carries, each with its ids in file order. Requests name movies by title, so
     * such ids are one title to the model: the same film listed twice, or (in the larger releases) two films of one
     * name and year, whose ratings are then merged.
     */
    public Map<String, List<Integer>> sharedTitles() {
        Map<String, List<Integer>> ids = new LinkedHashMap<>();
        for (Movie m : movies().values()) ids.computeIfAbsent(m.title(), t -> new ArrayList<>(1)).add(m.id());
        ids.values().removeIf(list -> list.size() < 2);
        return ids;
    }

    /** One line for a reader of this data, or empty when no title is shared: how many, and the first few. */
    public Optional<String> sharedTitlesNote() {
        Map<String, List<Integer>> shared = sharedTitles();
        if (shared.isEmpty()) return Optional.empty();
        List<String> first = shared.entrySet().stream().limit(3).map(e -> "\"" + clip(e.getKey()) + "\" (movieIds "
                + e.getValue().stream().map(String::valueOf).collect(java.util.stream.Collectors.joining(", ")) + ")").toList();
        return Optional.of(shared.size() + " title(s) of " + moviesFile + " belong to more than one movieId and are "
                + "read as one title (requests name movies by title): " + String.join(", ", first)
                + (shared.size() > 3 ? ", ..." : ""));
    }

    @Override
    public String toString() {
        return description();
    }
}

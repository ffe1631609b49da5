package dev.marquee.data.synth;

import dev.marquee.data.event.Rating;
import dev.marquee.data.movielens.Genres;
import dev.marquee.data.movielens.Movie;
import dev.marquee.data.movielens.MovieLensDir;
import dev.marquee.data.movielens.MovieLensRating;
import dev.marquee.data.movielens.MovieLensWriter;
import dev.marquee.data.movielens.User;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Random;

/**
 * A seeded generator of MovieLens-like data for tests: users, movies titled "Synthetic Movie 17 (1994)",
 * and ratings {@code round(mean + userBias + itemBias + noise)} clipped to 1..5, with timestamps that
 * increase over a range. The same settings and seed always give the same data.
 *
 * <pre>{@code
 * SyntheticRatings.Dataset data = new SyntheticRatings(42).users(50).movies(80).ratingsPerUser(20).generate();
 * data.writeMovieLensFiles(tempDir);   // u.data, u.item, u.user, u.genre, u1.base, u1.test
 * }</pre>
 */
public final class SyntheticRatings {
    private static final List<String> OCCUPATIONS = List.of(
            "administrator", "artist", "educator", "engineer", "librarian", "other", "programmer", "student",
            "technician", "writer");

    private final long seed;
    private int users = 20;
    private int movies = 30;
    private int ratingsPerUser = 10;
    private double mean = 3.5;
    private double userBiasSd = 0.5;
    private double itemBiasSd = 0.7;
    private double noiseSd = 0.6;
    private long startTimestamp = 874_724_710L; // MovieLens 100K's first rating
    private long endTimestamp = 893_286_638L;   // and its last

    /** The value of a {@code --data} option that asks for generated rows: {@code synthetic} or {@code synthetic:N}. */
    public static final String OPTION_PREFIX = "synthetic";

    /** True when a {@code --data} value asks for generated rows. */
    public static boolean isOption(String data) {
        return data != null && (data.equals(OPTION_PREFIX) || data.startsWith(OPTION_PREFIX + ":"));
    }

    /**
     * About {@code n} MovieLens-like ratings for a {@code --data synthetic[:N]} option (default 10,000): about
     * 20 ratings per user, as in MovieLens, over at most 1,682 movies.
     */
    public static List<Rating> fromOption(String data, long seed) {
        int n = 10_000;
        if (!data.equals(OPTION_PREFIX)) {
            try {
                n = Integer.parseInt(data.substring(OPTION_PREFIX.length() + 1));
            } catch (NumberFormatException e) {
                n = -1;
            }
            if (n < 1) throw new IllegalArgumentException("--data synthetic:N needs a whole number N >= 1, got '" + data + "'");
        }
        int users = Math.max(1, (int) Math.ceil(n / 20.0));
        List<Rating> generated = new SyntheticRatings(seed).users(users).movies(Math.min(1682, Math.max(40, users * 2)))
                .ratingsPerUser(20).generate().ratings();
        return generated.subList(0, Math.min(n, generated.size()));
    }

    public SyntheticRatings(long seed) {
        this.seed = seed;
    }

    public SyntheticRatings users(int count) {
        this.users = positive(count, "users");
        return this;
    }

    public SyntheticRatings movies(int count) {
        this.movies = positive(count, "movies");
        return this;
    }

    /** Distinct movies each user rates (at most the number of movies). */
    public SyntheticRatings ratingsPerUser(int count) {
        this.ratingsPerUser = positive(count, "ratingsPerUser");
        return this;
    }

    /** Mean and standard deviations of the latent model (defaults 3.5, 0.5, 0.7, 0.6). */
    public SyntheticRatings latent(double mean, double userBiasSd, double itemBiasSd, double noiseSd) {
        this.mean = mean;
        this.userBiasSd = userBiasSd;
        this.itemBiasSd = itemBiasSd;
        this.noiseSd = noiseSd;
        return this;
    }

    /** Timestamps spread from {@code start} to {@code end} seconds (default: MovieLens 100K's range). */
    public SyntheticRatings timeRange(long start, long end) {
        if (end < start) {
            throw new IllegalArgumentException("time range end " + end + " is before start " + start);
        }
        this.startTimestamp = start;
        this.endTimestamp = end;
        return this;
    }

    /** The title of synthetic movie {@code id}, e.g. "Synthetic Movie 17 (1994)". */
    public static String title(int id, int year) {
        return "Synthetic Movie " + id + " (" + year + ")";
    }

    public Dataset generate() {
        Random random = new Random(seed);
        List<Movie> movieList = new ArrayList<>(movies);
        double[] itemBias = new double[movies + 1];
        for (int id = 1; id <= movies; id++) {
            int year = 1930 + random.nextInt(68);
            LocalDate date = LocalDate.of(year, 1 + random.nextInt(12), 1 + random.nextInt(28));
            List<String> genres = new ArrayList<>();
            for (int g = 1 + random.nextInt(3); g > 0; g--) {
                String genre = Genres.ALL.get(1 + random.nextInt(Genres.ALL.size() - 1));
                if (!genres.contains(genre)) {
                    genres.add(genre);
                }
            }
            genres.sort((a, b) -> Genres.ALL.indexOf(a) - Genres.ALL.indexOf(b));
            movieList.add(new Movie(id, title(id, year), Optional.of(date), OptionalInt.of(year), genres,
                    "http://example.invalid/synthetic/" + id));
            itemBias[id] = random.nextGaussian() * itemBiasSd;
        }
        List<User> userList = new ArrayList<>(users);
        double[] userBias = new double[users + 1];
        for (int id = 1; id <= users; id++) {
            userList.add(new User(id, 18 + random.nextInt(50), random.nextBoolean() ? "M" : "F",
                    OCCUPATIONS.get(random.nextInt(OCCUPATIONS.size())),
                    String.format(java.util.Locale.ROOT, "%05d", random.nextInt(100_000))));
            userBias[id] = random.nextGaussian() * userBiasSd;
        }

        int perUser = Math.min(ratingsPerUser, movies);
        List<int[]> pairs = new ArrayList<>(users * perUser);
        List<Integer> itemIds = new ArrayList<>(movies);
        for (int id = 1; id <= movies; id++) {
            itemIds.add(id);
        }
        for (int user = 1; user <= users; user++) {
            Collections.shuffle(itemIds, random);
            for (int k = 0; k < perUser; k++) {
                pairs.add(new int[] {user, itemIds.get(k)});
            }
        }
        Collections.shuffle(pairs, random);
        List<MovieLensRating> ratings = new ArrayList<>(pairs.size());
        double step = pairs.size() > 1 ? (double) (endTimestamp - startTimestamp) / (pairs.size() - 1) : 0;
        for (int i = 0; i < pairs.size(); i++) {
            int user = pairs.get(i)[0];
            int item = pairs.get(i)[1];
            double latent = mean + userBias[user] + itemBias[item] + random.nextGaussian() * noiseSd;
            int stars = (int) Math.max(1, Math.min(5, Math.round(latent)));
            long timestamp = startTimestamp + (long) Math.floor(i * step);
            ratings.add(new MovieLensRating(user, item, stars, timestamp));
        }
        return new Dataset(movieList, userList, ratings, mean, userBias, itemBias, seed);
    }

    private static int positive(int n, String what) {
        if (n <= 0) {
            throw new IllegalArgumentException(what + " must be positive, got " + n);
        }
        return n;
    }

    /** Generated data: movies, users and ratings in timestamp order, plus the latent truth. */
    public static final class Dataset {
        private final List<Movie> movies;
        private final List<User> users;
        private final List<MovieLensRating> ratings;
        private final double mean;
        private final double[] userBias;
        private final double[] itemBias;
        private final long seed;

        Dataset(List<Movie> movies, List<User> users, List<MovieLensRating> ratings, double mean,
                double[] userBias, double[] itemBias, long seed) {
            this.movies = List.copyOf(movies);
            this.users = List.copyOf(users);
            this.ratings = List.copyOf(ratings);
            this.mean = mean;
            this.userBias = userBias;
            this.itemBias = itemBias;
            this.seed = seed;
        }

        public List<Movie> movies() {
            return movies;
        }

        public List<User> users() {
            return users;
        }

        /** Ratings with numeric ids, timestamps non-decreasing. */
        public List<MovieLensRating> movieLensRatings() {
            return ratings;
        }

        /** The ratings as label events (user id as text, movie title), timestamps non-decreasing. */
        public List<Rating> ratings() {
            Map<Integer, String> titles = new LinkedHashMap<>();
            movies.forEach(m -> titles.put(m.id(), m.title()));
            List<Rating> out = new ArrayList<>(ratings.size());
            ratings.forEach(r -> out.add(r.toRating(titles.get(r.itemId()))));
            return out;
        }

        /** The noiseless, unrounded rating the generator centred on: mean + user bias + item bias. */
        public double expectedRating(int userId, int itemId) {
            return mean + userBias[userId] + itemBias[itemId];
        }

        /**
         * Writes {@code u.data}, {@code u.item}, {@code u.user}, {@code u.genre} in MovieLens 100K's format
         * (ISO-8859-1), and {@code u1.base}/{@code u1.test}, a seeded 80/20 cut of the ratings.
         */
        public MovieLensDir writeMovieLensFiles(Path dir) {
            MovieLensWriter writer = new MovieLensWriter(dir);
            writer.writeMovies(movies);
            writer.writeUsers(users);
            writer.writeGenres();
            writer.writeRatings(MovieLensDir.U_DATA, ratings);
            List<MovieLensRating> base = new ArrayList<>();
            List<MovieLensRating> test = new ArrayList<>();
            Random random = new Random(seed ^ 0x5DEECE66DL);
            for (MovieLensRating r : ratings) {
                (random.nextDouble() < 0.8 ? base : test).add(r);
            }
            writer.writeRatings(MovieLensDir.U1_BASE, base);
            writer.writeRatings(MovieLensDir.U1_TEST, test);
            return MovieLensDir.at(dir);
        }
    }
}

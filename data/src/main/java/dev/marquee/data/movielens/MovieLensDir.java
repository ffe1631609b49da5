package dev.marquee.data.movielens;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Where MovieLens 100K lives on this machine. The dataset is never part of the repository (licence); it is
 * found, in this order, at an explicitly given path, at the environment variable {@value #ENV}, or at
 * {@value #DEFAULT_RELATIVE} resolved against the working directory (the repository root when tools are
 * run from there). {@code scripts/fetch-movielens} downloads it.
 *
 * <p>Resolution checks that {@link #CORE_FILES} exist and otherwise throws
 * {@link MovieLensNotFoundException} with a message meant for people, not a stack trace.
 */
public final class MovieLensDir {
    public static final String ENV = "MOVIELENS_DIR";
    public static final String DEFAULT_RELATIVE = "../shared/data/ml-100k";
    /** Set by the Maven build for tests: the absolute default path. */
    public static final String TEST_DEFAULT_ENV = "MARQUEE_TEST_MOVIELENS_DEFAULT";
    /** The project's root, set by the Maven build for tests: a relative {@value #ENV} resolves against it. */
    static final String TEST_ROOT_ENV = "MARQUEE_TEST_ROOT";
    /** Why the last {@link #findForTests} found nothing, for the skip message. */
    private static volatile String notFoundForTests;

    public static final String U_DATA = "u.data";
    public static final String U_ITEM = "u.item";
    public static final String U_USER = "u.user";
    public static final String U1_BASE = "u1.base";
    public static final String U1_TEST = "u1.test";
    public static final List<String> CORE_FILES = List.of(U_DATA, U_ITEM, U_USER);

    private static final String HOW_TO_GET =
            "Download it with scripts/fetch-movielens, or set " + ENV + " to the directory holding "
                    + String.join(", ", CORE_FILES) + ".";

    /** What a --data path may be, for a path that is none of them. */
    private static final String ACCEPTED = "--data takes a MovieLens 100K directory (" + String.join(", ", CORE_FILES)
            + "), MovieLens' current format (ML-20M and later, ml-latest, ml-25m, ml-32m: a directory with ratings.csv"
            + " and movies.csv, or that ratings.csv), or a ratings .csv/.jsonl file with user_id, movie_title, rating"
            + " and timestamp; not ML-1M or ML-10M's .dat files, nor a compressed file (unpack it first).";

    /** A few of a directory's file names, for a message. */
    private static String contents(Path dir) {
        try (java.util.stream.Stream<Path> files = Files.list(dir)) {
            List<String> names = files.map(f -> f.getFileName().toString()).sorted().toList();
            if (names.isEmpty()) return "nothing";
            return String.join(", ", names.subList(0, Math.min(6, names.size())))
                    + (names.size() > 6 ? " and " + (names.size() - 6) + " more" : "");
        } catch (java.io.IOException e) {
            return "files that cannot be listed (" + e.getMessage() + ")";
        }
    }

    private final Path path;
    private final String origin;

    private MovieLensDir(Path path, String origin) {
        this.path = path;
        this.origin = origin;
    }

    /** The directory from {@value #ENV}, else the default, checked. */
    public static MovieLensDir resolve() {
        return resolve(null);
    }

    /** The given directory if not null/blank, else {@value #ENV}, else the default, checked. */
    public static MovieLensDir resolve(String explicitPath) {
        return resolve(explicitPath, System.getenv(), Path.of(""));
    }

    /**
     * Resolution with the environment and working directory passed in (for tests and launchers).
     *
     * @param explicitPath a path given on a command line or in a setting; null or blank for none
     * @param env the environment variables to consult for {@value #ENV}
     * @param workingDir the directory {@value #DEFAULT_RELATIVE} and relative paths resolve against
     */
    public static MovieLensDir resolve(String explicitPath, Map<String, String> env, Path workingDir) {
        if (explicitPath != null && !explicitPath.isBlank()) {
            return at(workingDir.resolve(explicitPath.trim()), "given path");
        }
        String fromEnv = env.get(ENV);
        if (fromEnv != null && !fromEnv.isBlank()) {
            return at(workingDir.resolve(fromEnv.trim()), "from " + ENV);
        }
        return at(workingDir.resolve(DEFAULT_RELATIVE), "default " + DEFAULT_RELATIVE + ", " + ENV + " not set");
    }

    /** The given directory, checked. */
    public static MovieLensDir at(Path dir) {
        return at(dir, "given path");
    }

    private static MovieLensDir at(Path dir, String origin) {
        Path abs = dir.toAbsolutePath().normalize();
        boolean given = origin.equals("given path");
        if (!Files.isDirectory(abs)) {
            if (given && !Files.exists(abs)) {
                // the trainer passes the path its serving version's card recorded: $MOVIELENS_DIR is then the remedy
                throw new MovieLensNotFoundException(abs + " does not exist. " + ACCEPTED + " For MovieLens 100K: "
                        + HOW_TO_GET);
            }
            throw new MovieLensNotFoundException(given ? abs + " is not data this reads. " + ACCEPTED
                    : "MovieLens 100K not found: " + abs + " (" + origin + ") is not a directory. " + HOW_TO_GET);
        }
        List<String> missing = new ArrayList<>();
        for (String name : CORE_FILES) {
            if (!Files.isRegularFile(abs.resolve(name))) {
                missing.add(name);
            }
        }
        if (!missing.isEmpty() && given && missing.size() == CORE_FILES.size()) {
            throw new MovieLensNotFoundException(abs + " holds " + contents(abs) + ": not data this reads. " + ACCEPTED);
        }
        if (!missing.isEmpty()) {
            throw new MovieLensNotFoundException("MovieLens 100K incomplete at " + abs + " (" + origin
                    + "): missing " + String.join(", ", missing) + ". " + (given ? "Complete it (scripts/fetch-movielens "
                    + abs + " downloads it whole) or give another --data." : HOW_TO_GET));
        }
        return new MovieLensDir(abs, origin);
    }

    /**
     * For tests: {@value #ENV} if set, else {@value #TEST_DEFAULT_ENV} (set by the Maven build), else the
     * default; empty when the dataset is not there, so the caller can skip with
     * {@link #testSkipMessage()}. A relative {@value #ENV} means the project's root ({@value #TEST_ROOT_ENV}, set by
     * the Maven build), where {@code mvn} runs, not the module's folder the tests run in.
     */
    public static Optional<MovieLensDir> findForTests() {
        return findForTests(System.getenv());
    }

    static Optional<MovieLensDir> findForTests(Map<String, String> env) {
        String root = env.get(TEST_ROOT_ENV);
        Path rootDir = root == null || root.isBlank() ? Path.of("") : Path.of(root);
        String fromEnv = env.get(ENV);
        String buildDefault = env.get(TEST_DEFAULT_ENV);
        try {
            // the origin, not "given path": a test's message is about the environment, not a --data option
            Optional<MovieLensDir> found = Optional.of(fromEnv != null && !fromEnv.isBlank()
                    ? at(rootDir.resolve(fromEnv.trim()), "from " + ENV)
                    : buildDefault != null && !buildDefault.isBlank()
                            ? at(rootDir.resolve(buildDefault.trim()), "the build's default, " + ENV + " not set")
                            : resolve(null, Map.of(), rootDir));
            notFoundForTests = null;
            return found;
        } catch (MovieLensNotFoundException e) {
            notFoundForTests = e.getMessage();
            return Optional.empty();
        }
    }

    /** Why a test that needs the real dataset was skipped. */
    public static String testSkipMessage() {
        String why = notFoundForTests;
        return "MovieLens 100K not available (set " + ENV + " or run scripts/fetch-movielens)"
                + (why == null ? "" : ": " + why) + "; skipping";
    }
    /** The absolute, normalised directory. */
    public Path path() {
        return path;
    }

    /** A file in the directory that must exist (for example {@value #U1_BASE}). */
    public Path require(String fileName) {
        Path file = path.resolve(fileName);
        if (!Files.isRegularFile(file)) {
            throw new MovieLensNotFoundException("MovieLens 100K at " + path + " (" + origin + ") has no "
                    + fileName + ". " + HOW_TO_GET);
        }
        return file;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MovieLensDir && ((MovieLensDir) o).path.equals(path);
    }

    @Override
    public int hashCode() {
        return Objects.hash(path);
    }

    @Override
    public String toString() {
        return path + " (" + origin + ")";
    }
}

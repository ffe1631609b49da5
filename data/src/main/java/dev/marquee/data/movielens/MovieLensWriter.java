package dev.marquee.data.movielens;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** Writes MovieLens 100K-format files (ISO-8859-1) into a directory, e.g. synthetic data for tests. */
public final class MovieLensWriter {
    private final Path dir;

    public MovieLensWriter(Path dir) {
        this.dir = dir;
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new DataFileException(dir.toString(), 0, "cannot create directory: " + e, e);
        }
    }

    public Path dir() {
        return dir;
    }

    /** {@code u.item}. */
    public Path writeMovies(List<Movie> movies) {
        return write(MovieLensDir.U_ITEM, movies, MovieLensFormat::formatMovie);
    }

    /** {@code u.user}. */
    public Path writeUsers(List<User> users) {
        return write(MovieLensDir.U_USER, users, MovieLensFormat::formatUser);
    }

    /** A {@code u.data}-format file, e.g. {@code u.data}, {@code u1.base}, {@code u1.test}. */
    public Path writeRatings(String fileName, List<MovieLensRating> ratings) {
        return write(fileName, ratings, MovieLensFormat::formatRating);
    }

    /** {@code u.genre}: "name|index" per genre. */
    public Path writeGenres() {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < Genres.ALL.size(); i++) {
            lines.add(Genres.ALL.get(i) + "|" + i);
        }
        Path file = dir.resolve("u.genre");
        MovieLensFormat.writeLines(file, lines);
        return file;
    }

    private <T> Path write(String fileName, List<T> rows, Function<T, String> format) {
        Path file = dir.resolve(fileName);
        MovieLensFormat.writeAll(file, rows, format);
        return file;
    }
}

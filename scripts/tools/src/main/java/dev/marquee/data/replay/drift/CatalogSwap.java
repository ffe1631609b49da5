package dev.marquee.data.replay.drift;

import dev.marquee.data.synth.SyntheticRatings;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Swaps in another catalog: each affected request's title is renamed to one of a list of titles, read from a
 * file or generated, by a fixed seeded mapping (the same movie always gets the same new name, as when a producer
 * switches to another catalog's names; with fewer new titles than old ones, several share one). Its ratings keep
 * their signal, so a retrain can learn the new names from labels. Titles are ("Synthetic Movie 123 (2031)": release years from 2030 on, so no generated title
 * is one of MovieLens' or of {@link SyntheticRatings}' rows).
 */
public final class CatalogSwap implements DriftKind {
    public static final int DEFAULT_SYNTHETIC_TITLES = 1_000;
    private static final long SALT = 2;

    private final List<String> titles;
    private final String source;

    private CatalogSwap(List<String> titles, String source) {
        if (titles.isEmpty()) throw new IllegalArgumentException("the swapped-in catalog has no titles");
        this.titles = List.copyOf(titles);
        this.source = source;
    }

    /** Titles given directly. */
    public static CatalogSwap of(List<String> titles) {
        return new CatalogSwap(titles, "a given list");
    }

    /** {@code count} generated titles, "Synthetic Movie 1 (2031)" to "Synthetic Movie N (...)". */
    public static CatalogSwap synthetic(int count) {
        if (count < 1) throw new IllegalArgumentException("a synthetic catalog needs at least 1 title, got " + count);
        List<String> titles = new ArrayList<>(count);
        for (int id = 1; id <= count; id++) titles.add(SyntheticRatings.title(id, 2030 + id % 10));
        return new CatalogSwap(titles, "generated titles");
    }

    /** One title per line of a UTF-8 file; blank lines are skipped, a leading byte order mark is ignored. */
    public static CatalogSwap fromFile(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException(file + " is not valid UTF-8 text");
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + file + " (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")");
        }
        List<String> titles = new ArrayList<>(lines.size());
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (i == 0 && line.startsWith("\uFEFF")) line = line.substring(1);
            line = line.strip();
            if (dev.marquee.data.parse.RequestParser.isBlank(line)) continue; // blank to the parser too: U+00A0, U+200B...
            // what the scoring job's parser would refuse: every drifted request would be a dead letter, not a new title
            int bad = dev.marquee.data.parse.RequestParser.firstBadCharacter(line);
            if (bad >= 0) {
                throw new IllegalArgumentException(file + " line " + (i + 1) + ": a control character (a tab, say: one"
                        + " title per line, nothing else) or an unpaired surrogate at index " + bad + " of the title");
            }
            if (line.length() > dev.marquee.data.parse.ParserLimits.DEFAULT_MAX_TITLE_CHARS) {
                throw new IllegalArgumentException(file + " line " + (i + 1) + ": " + line.length() + " characters, more"
                        + " than the scoring job takes in a title by default (" + dev.marquee.data.parse.ParserLimits
                        .DEFAULT_MAX_TITLE_CHARS + ")");
            }
            titles.add(line);
        }
        if (titles.isEmpty()) throw new IllegalArgumentException(file + " has no titles (one title per line)");
        return new CatalogSwap(titles, file.toString());
    }

    public List<String> titles() {
        return titles;
    }

    @Override
    public String describe() {
        return String.format(Locale.ROOT, "titles from another catalog (%,d titles from %s)", titles.size(), source);
    }

    @Override
    public RequestDrift start(DriftContext context, long seed) {
        long salt = Seeds.derive(seed, SALT).nextLong();
        return request -> {
            String original = request.movieTitle();
            long h = salt ^ (original == null ? 0 : original.hashCode());
            h *= 0x9E3779B97F4A7C15L;
            h ^= h >>> 32;
            request.movieTitle(titles.get((int) Math.floorMod(h, (long) titles.size())));
        };
    }
}

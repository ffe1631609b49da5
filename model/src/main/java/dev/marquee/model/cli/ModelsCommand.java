package dev.marquee.model.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.marquee.data.config.CliArgs;
import dev.marquee.data.config.SettingException;
import dev.marquee.data.config.Settings;
import dev.marquee.model.BiasBaseline;
import dev.marquee.model.ServingState;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.Set;

/**
 * {@code marquee models}: lists a model's published versions with their test RMSE (from each
 * {@code model_card.json}), and which one is latest, pinned and serving; {@code --pin}, {@code --unpin} and
 * {@code --retain} change that first.
 */
final class ModelsCommand implements Command {
    static final String PIN = "pin";
    static final String UNPIN = "unpin";
    static final String RETAIN = "retain";
    private static final CliArgs ARGS = new CliArgs(Set.of(RegistryOptions.REGISTRY, RegistryOptions.NAME, PIN,
            RETAIN), Set.of(UNPIN, "help"));

    @Override
    public String name() {
        return "models";
    }

    @Override
    public String summary() {
        return "list published versions (test RMSE; serving, shadow, pinned, held); pin, unpin, retain";
    }

    @Override
    public String usage() {
        return String.join("\n",
                "usage: marquee models [options]",
                RegistryOptions.USAGE_LINES,
                "  --pin N                serve version N whatever else happens, until --unpin (beats the serving",
                "                         pointer and every automatic move: docs/RETRAINING.md)",
                "  --unpin                serve the serving pointer's version again",
                "  --retain N             delete all but the newest N versions (the pinned one is kept)",
                "Lists the versions after any change. Example:",
                "  marquee models --pin 3");
    }

    @Override
    public int run(String[] args, Console console) throws Exception {
        Settings s = ARGS.parse(args).settings();
        int changes = (s.has(PIN) ? 1 : 0) + (s.bool(UNPIN, false) ? 1 : 0) + (s.has(RETAIN) ? 1 : 0);
        if (changes > 1) {
            throw new SettingException("give one of --pin, --unpin, --retain at a time");
        }
        RegistryOptions r = RegistryOptions.of(s, console);
        r.existingVersions();
        if (s.has(PIN)) {
            long version = r.existingVersion(s.longInRange(PIN, 0, 1, Long.MAX_VALUE));
            r.registry.pin(r.name, version);
            console.out().println("models: pinned " + r.name + " to version " + version);
        } else if (s.bool(UNPIN, false)) {
            OptionalLong was = r.registry.pinned(r.name);
            r.registry.unpin(r.name);
            console.out().println(was.isPresent() ? "models: unpinned " + r.name + " (was version "
                    + was.getAsLong() + "); the serving pointer's version " + r.registry.serving(r.name).orElse(0) + " serves" : "models: " + r.name + " was not pinned");
        } else if (s.has(RETAIN)) {
            int keep = s.intInRange(RETAIN, 0, 1, Integer.MAX_VALUE);
            List<Long> deleted = r.registry.retain(r.name, keep);
            console.out().println(deleted.isEmpty() ? "models: nothing to delete"
                    : "models: deleted versions " + deleted);
        }
        list(r, console);
        return 0;
    }

    private static void list(RegistryOptions r, Console console) throws java.io.IOException {
        List<Long> versions = r.registry.versions(r.name);
        OptionalLong latest = r.registry.latest(r.name);
        OptionalLong pinned = r.registry.pinned(r.name);
        OptionalLong serving = r.registry.serving(r.name);
        ServingState state = r.registry.state(r.name);
        console.out().println("models: " + r.name + " in " + r.base() + ": " + state
                + (pinned.isPresent() ? "; pinned to v" + pinned.getAsLong() + ", which overrides it" : ""));
        console.out().printf(Locale.ROOT, "%7s  %-10s  %-16s  %9s  %9s  %-20s  %s%n", "version", "arch", "split",
                "test RMSE", "biases", "created", "");
        for (long v : versions) {
            JsonNode card = CardFields.read(r.registry.versionDir(r.name, v));
            String arch = CardFields.architecture(card);
            List<String> marks = new ArrayList<>();
            if (latest.isPresent() && latest.getAsLong() == v) marks.add("latest");
            if (pinned.isPresent() && pinned.getAsLong() == v) marks.add("pinned");
            if (serving.isPresent() && serving.getAsLong() == v) marks.add("serving");
            if (state.shadow == v && pinned.isEmpty()) marks.add("shadow (" + state.shadowRole + ")");
            if (state.isHeld(v)) marks.add("held: " + state.held.get(v));
            console.out().printf(Locale.ROOT, "%7d  %-10s  %-16s  %9s  %9s  %-20s  %s%n", v, arch,
                    card.at("/data/split").asText("?"), rmse(CardFields.testRmse(card, arch)),
                    rmse(CardFields.testRmse(card, BiasBaseline.NAME)), created(card), String.join(", ", marks));
        }
    }

    /** The card's creation time to the second, e.g. 2026-11-24T19:47:36Z. */
    private static String created(JsonNode card) {
        String text = card.path("created").asText("?");
        try {
            return Instant.parse(text).truncatedTo(ChronoUnit.SECONDS).toString();
        } catch (DateTimeParseException e) {
            return text;
        }
    }

    private static String rmse(double value) {
        return Double.isNaN(value) ? "-" : String.format(Locale.ROOT, "%.4f", value);
    }
}

package dev.marquee.model.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.marquee.data.config.SettingException;
import dev.marquee.model.EvaluationReport;
import dev.marquee.model.BiasBaseline;
import dev.marquee.model.ServingState;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code marquee models}: lists a model's published versions with their test RMSE (from each
 * {@code model_card.json}), and which one is latest, pinned and serving; {@code --pin}, {@code --unpin} and
 * {@code --retain} change that first.
 */
@Command(name = "models",
        header = "list published versions (test RMSE; serving, shadow, pinned, held); pin, unpin, retain", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"List published versions (test RMSE; serving, shadow, pinned, held); pin, unpin, retain.",
                "Lists the versions after any change."},
        footer = {"Example:", "  marquee models --pin 3"})
public final class ModelsCommand extends ConsoleCommand {
    @Mixin
    RegistryOptions registryOptions;

    @Option(names = "--pin", paramLabel = "N", description = {"serve version N whatever else happens, until --unpin"
            + " (beats the serving pointer and every automatic move: docs/RETRAINING.md)"})
    Long pin;

    @Option(names = "--unpin", description = "serve the serving pointer's version again")
    boolean unpin;

    @Option(names = "--retain", paramLabel = "N",
            description = "delete all but the newest N versions (the pinned, serving and shadow versions are kept too)")
    Integer retain;

    public ModelsCommand() {}

    public ModelsCommand(Console console) {
        super(console);
    }

    /** What a registry change does to jobs already running (OPERATIONS.md). */
    private static final String RUNNING_JOBS = "; jobs started now follow it; a running `marquee trainer` announces it on"
            + " model-updates within a second and running jobs switch (with no trainer running, they switch at their"
            + " next restart, or use `marquee promote`/`rollback`, which announce it themselves)";

    @Override
    protected int run() throws Exception {
        Console console = console();
        int changes = (pin != null ? 1 : 0) + (unpin ? 1 : 0) + (retain != null ? 1 : 0);
        if (changes > 1) {
            throw new SettingException("give one of --pin, --unpin, --retain at a time");
        }
        OpenedRegistry r = registryOptions.open(console);
        r.existingVersions();
        if (pin != null) {
            long version = r.existingVersion(OptionRange.check("--pin", pin, 1, Long.MAX_VALUE));
            r.registry.pin(r.name, version);
            console.out().println("models: pinned " + r.name + " to version " + version + RUNNING_JOBS);
        } else if (unpin) {
            OptionalLong was;
            boolean unreadablePin = false;
            try {
                was = r.registry.pinned(r.name);
            } catch (IOException unreadable) { // a pin file written by hand with something else in it: removed all the same
                console.out().println("models: " + unreadable.getMessage() + "; removing it");
                was = OptionalLong.empty();
                unreadablePin = true;
            }
            r.registry.unpin(r.name);
            String serves = "the serving pointer's version " + r.registry.serving(r.name).orElse(0) + " serves" + RUNNING_JOBS;
            console.out().println(was.isPresent() ? "models: unpinned " + r.name + " (was version " + was.getAsLong() + "); "
                    + serves : unreadablePin ? "models: removed the unreadable pin of " + r.name + "; " + serves
                    : "models: " + r.name + " was not pinned");
        } else if (retain != null) {
            int keep = OptionRange.check("--retain", retain, 1, Integer.MAX_VALUE);
            var retention = r.registry.retainReporting(r.name, keep);
            console.out().println(retention.deleted().isEmpty() ? "models: nothing to delete"
                    : "models: deleted versions " + retention.deleted());
            retention.notDeleted().forEach((folder, why) -> console.err().println("models: warning: the retired version"
                    + " folder " + folder + " could not be deleted (the next retention tries again): " + why));
        }
        list(r, console);
        return 0;
    }

    private static void list(OpenedRegistry r, Console console) throws java.io.IOException {
        List<Long> versions = r.registry.versions(r.name);
        OptionalLong latest = r.registry.latest(r.name);
        OptionalLong pinned = r.registry.pinned(r.name);
        ServingState state;
        try {
            state = r.registry.state(r.name);
            console.out().println("models: " + r.name + " in " + r.base() + ": " + state
                    + (pinned.isPresent() ? "; pinned to v" + pinned.getAsLong() + ", which overrides it" : ""));
        } catch (java.io.IOException e) {
            if (pinned.isEmpty()) throw e;
            // pinned (perhaps just now, as that message asks): the pin serves; the listing goes on without the pointer
            console.out().println("models: " + r.name + " in " + r.base() + ": pinned to v" + pinned.getAsLong()
                    + ", which serves; " + e.getMessage());
            state = ServingState.serving(pinned.getAsLong(), "the serving pointer cannot be read", 0);
        }
        OptionalLong serving = pinned.isPresent() ? pinned : r.registry.serving(r.name);
        List<JsonNode> cards = new ArrayList<>();
        int splitWidth = 16; // as wide as the longest split name ("random-80/10/10-seed42"), so the columns stay aligned
        for (long v : versions) {
            JsonNode card = CardFields.read(r.registry.versionDir(r.name, v));
            cards.add(card);
            splitWidth = Math.max(splitWidth, card.at("/data/split").asText("?").length());
        }
        String row = "%7s  %-10s  %-" + splitWidth + "s  %9s  %9s  %-20s  %s%n";
        console.out().printf(Locale.ROOT, row, "version", "arch", "split", "test RMSE", "biases", "created", "");
        boolean validationShown = false;
        for (int i = 0; i < versions.size(); i++) {
            long v = versions.get(i);
            JsonNode card = cards.get(i);
            String arch = CardFields.architecture(card);
            List<String> marks = new ArrayList<>();
            if (latest.isPresent() && latest.getAsLong() == v) marks.add("latest");
            if (pinned.isPresent() && pinned.getAsLong() == v) marks.add("pinned");
            if (serving.isPresent() && serving.getAsLong() == v) marks.add("serving");
            if (state.shadow == v && pinned.isEmpty()) marks.add("shadow (" + state.shadowRole + ")");
            if (state.isHeld(v)) marks.add("held: " + state.held.get(v));
            // a refit version's fair baseline is the one refit on the same train + validation rows (decision 0011); it
            // has a test row only with --score-test, and without one the validation RMSEs are shown (the model's is its
            // first run's)
            boolean refitVersion = card.path("refit").asBoolean(false);
            boolean refit = refitVersion && card.at("/metrics").path(EvaluationReport.REFIT_BASELINE).has("test");
            if (refitVersion) marks.add("refit");
            boolean tested = !Double.isNaN(CardFields.testRmse(card, arch));
            validationShown |= !tested && !Double.isNaN(CardFields.validationRmse(card, arch));
            console.out().printf(Locale.ROOT, row, v, arch,
                    card.at("/data/split").asText("?"), heldOutRmse(card, arch, tested),
                    heldOutRmse(card, refit ? EvaluationReport.REFIT_BASELINE : BiasBaseline.NAME, tested), created(card),
                    String.join(", ", marks));
        }
        if (validationShown) {
            console.out().println("(v: validation RMSE; that version's test part was not scored, `marquee train --score-test`)");
        }
    }

    /** The test RMSE, or when the test part was not scored the validation RMSE marked "v". */
    private static String heldOutRmse(JsonNode card, String predictor, boolean tested) {
        if (tested) {
            return rmse(CardFields.testRmse(card, predictor));
        }
        double validation = CardFields.validationRmse(card, predictor);
        return Double.isNaN(validation) ? "-" : rmse(validation) + " v";
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

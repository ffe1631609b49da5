package dev.marquee.model.cli;

import dev.marquee.data.event.DeadLetter;
import dev.marquee.data.event.RatingRequest;
import dev.marquee.data.event.SourcePosition;
import dev.marquee.data.parse.ParseResult;
import dev.marquee.data.parse.ParserLimits;
import dev.marquee.data.parse.RequestParser;
import dev.marquee.model.BatchScorer;
import dev.marquee.model.NonNumericIdException;
import dev.marquee.model.ScoredBatch;
import dev.marquee.model.ScorerThreads;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code marquee predict}: reads a TF-Serving predict request (or one instance object) on standard input,
 * validates it with the same parser as the scoring job (its default settings, plus the version's own signature name,
 * which the job takes only when parser.signature-names lists it), scores it with a published version, and prints
 * TF Serving's response. Invalid input prints {@code {"error": "..."}} and exits 1, as TF Serving answers
 * with an error body (nothing is scored then), and so does a model that fails on the request or answers a rating
 * that is not a finite number (the job's SCORING_FAILED dead letters).
 */
@Command(name = "predict",
        header = "score a TF-Serving request read on stdin; print TF Serving's response", sortOptions = false,
        description = {"Score a TF-Serving request from standard input, print TF Serving's response.",
                "Standard input: {\"signature_name\":\"serving_default\",\"instances\":[{\"user_id\":\"587\","
                        + "\"movie_title\":\"Devil's Advocate, The (1997)\",\"timestamp\":892870992}, ...]}, or one instance.",
                "Standard output: {\"predictions\":[{\"output_1\":[32 floats],\"output_2\":[32 floats],"
                        + "\"output_3\":[rating]}, ...]}, or {\"error\":\"...\"} with exit code 1 for invalid input, or for a"
                        + " model that fails on it or answers no finite rating.",
                "An imported model answers with its own output names: its rating output ([r], or r for a rating of"
                        + " shape [n]) and its --embedding-output; a signature whose only output is the rating answers"
                        + " {\"predictions\":[r, ...]}, as TF Serving does.",
                "The request is checked as the scoring job checks it with its default parser.* settings, except that"
                        + " signature_name may also be the version's own signature (one imported with --signature): the"
                        + " job takes that name only when parser.signature-names lists it; and, for a version imported"
                        + " without a timestamp input, a request may leave out timestamp (the job takes that only with"
                        + " parser.missing-timestamp=record-time)."},
        footer = {"Example:",
                "  echo '{\"user_id\":\"587\",\"movie_title\":\"Heat (1995)\",\"timestamp\":892870992}' | marquee predict"})
public final class PredictCommand extends ConsoleCommand {
    private static final int MAX_ERRORS_SHOWN = 5;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    boolean help;

    @Mixin
    ModelChoice model;

    public PredictCommand() {}

    public PredictCommand(Console console) {
        super(console);
    }

    /**
     * One line of TF-Serving JSON, in UTF-8 as JSON is whatever the locale's charset: an error echoes the user's
     * input ("user_id 'Jürgen' ..."), which System.out under an ISO-8859-1 or ASCII locale would mangle.
     */
    private static void answer(Console console, String json) {
        byte[] line = (json + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        console.out().write(line, 0, line.length);
        console.out().flush();
    }

    @Override
    protected int run() throws Exception {
        Console console = console();
        ModelChoice.ModelLocation location = model.locate(console);
        // the scoring job's default parser, and the signature this version was imported with by its own name too
        dev.marquee.model.ModelContract contract = dev.marquee.model.ModelContract.of(location.dir());
        java.util.Map<String, String> settings = new java.util.HashMap<>();
        settings.put(dev.marquee.data.parse.ParserLimits.SIGNATURE_NAMES, RequestParser.SERVING_DEFAULT + "," + contract.signature());
        // a version without a timestamp input: its TF-Serving clients send none (the model never reads it)
        if (contract.timestampInput() == null) settings.put(dev.marquee.data.parse.ParserLimits.MISSING_TIMESTAMP, "record-time");
        RequestParser parser = new RequestParser(dev.marquee.data.parse.ParserLimits.from(new dev.marquee.data.config.Settings(settings)));
        byte[] body = readInput(console, parser.limits());
        if (body.length > parser.limits().maxPayloadBytes) {
            answer(console, TfServingJson.error("TOO_LARGE: the input is larger than " + parser.limits().maxPayloadBytes
                    + " bytes, predict's limit (the scoring job's default parser.max-payload-bytes); send fewer instances"));
            return CliException.FAILURE;
        }
        ParseResult parsed = parser.parse(body, new SourcePosition("stdin", 0, 0, System.currentTimeMillis()));
        if (!parsed.deadLetters().isEmpty()) {
            answer(console, TfServingJson.error(describe(parsed.deadLetters())));
            return CliException.FAILURE;
        }
        List<RatingRequest> requests = parsed.requests();
        int n = requests.size();
        String[] users = new String[n];
        String[] titles = new String[n];
        long[] timestamps = new long[n];
        for (int i = 0; i < n; i++) {
            users[i] = requests.get(i).userId;
            titles[i] = requests.get(i).movieTitle;
            timestamps[i] = requests.get(i).timestamp;
        }
        ScoredBatch scored;
        String answer;
        try (BatchScorer scorer = BatchScorer.open(location.dir(), ScorerThreads.callerThread())) {
            try {
                scored = scorer.score(users, titles, timestamps, true);
            } catch (NonNumericIdException e) {
                answer(console, TfServingJson.error(e.getMessage()));
                return CliException.FAILURE;
            } catch (RuntimeException e) {
                // as TF Serving answers a failing model, and as the job's SCORING_FAILED dead letter says it
                answer(console, TfServingJson.error("SCORING_FAILED: the model failed on this request: " + firstLine(e)));
                return CliException.FAILURE;
            }
            String notFinite = nonFiniteRatings(scored);
            if (notFinite != null) {
                answer(console, TfServingJson.error(notFinite));
                return CliException.FAILURE;
            }
            answer = TfServingJson.predictions(scored, scorer.contract(), scorer.signatureOutputs());
        }
        answer(console, answer);
        long unknown = java.util.stream.IntStream.range(0, n).filter(scored::anyOov).count();
        if (unknown > 0) {
            console.err().println("predict: " + unknown + " of " + n + " instances have a user or title the model "
                    + "does not know (scored with its out-of-vocabulary bucket)");
        }
        return 0;
    }

    /** The job never writes a rating that is not a finite number (a SCORING_FAILED dead letter instead): nor does predict. */
    static String nonFiniteRatings(ScoredBatch scored) {
        List<String> parts = new ArrayList<>();
        int count = 0;
        for (int i = 0; i < scored.size(); i++) {
            float rating = scored.ratings()[i];
            if (Float.isFinite(rating)) continue;
            if (count++ < MAX_ERRORS_SHOWN) parts.add("instance " + i + ": SCORING_FAILED: the model answered " + rating + ", not a rating");
        }
        if (count == 0) return null;
        if (count > MAX_ERRORS_SHOWN) parts.add("and " + (count - MAX_ERRORS_SHOWN) + " more");
        return String.join("; ", parts);
    }

    private static String firstLine(RuntimeException e) {
        String message = e.getMessage();
        if (message == null || message.isBlank()) return e.getClass().getSimpleName();
        return message.strip().lines().findFirst().orElse(e.getClass().getSimpleName());
    }

    /** Standard input, at most one byte over the parser's limit (so a larger input is known as such). */
    private static byte[] readInput(Console console, ParserLimits limits) throws IOException {
        return console.in().readNBytes(limits.maxPayloadBytes + 1);
    }

    private static String describe(List<DeadLetter> deadLetters) {
        List<String> parts = new ArrayList<>();
        for (DeadLetter d : deadLetters.subList(0, Math.min(MAX_ERRORS_SHOWN, deadLetters.size()))) {
            parts.add((d.instanceIndex >= 0 ? "instance " + d.instanceIndex + ": " : "") + d.errorCode + ": "
                    + d.error);
        }
        if (deadLetters.size() > MAX_ERRORS_SHOWN) {
            parts.add("and " + (deadLetters.size() - MAX_ERRORS_SHOWN) + " more invalid instances");
        }
        return String.join("; ", parts);
    }
}

package dev.marquee.model.trainer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.marquee.data.event.ModelUpdate;
import dev.marquee.data.event.RetrainOutcome;
import dev.marquee.data.json.EventCodec;
import dev.marquee.model.DurableFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The outcomes of settled deferred candidates, kept in the registry ({@code <base>/<name>/unsent-outcomes/}) from
 * their settling until the brokers acknowledge them. A settled candidate has left {@code deferred/}, so nothing
 * else would ever answer its request again: a worker stopped by a failed write (or killed) before the outcome was
 * acknowledged sends it at its next start. One sent twice (acknowledged, then the worker died before deleting its
 * file) is harmless: the trigger reads a request's settled answer once.
 */
final class UnsentOutcomes {
    static final String DIR = "unsent-outcomes";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final EventCodec<RetrainOutcome> OUTCOMES = EventCodec.of(RetrainOutcome.class);
    private static final EventCodec<ModelUpdate> UPDATES = EventCodec.of(ModelUpdate.class);

    private final Path dir;
    private final Consumer<String> out;
    private final Map<Retrainer.Result, Path> files = new IdentityHashMap<>();
    private long sequence;

    UnsentOutcomes(Path modelDir, Consumer<String> out) {
        this.dir = modelDir.resolve(DIR);
        this.out = out;
    }

    /**
     * Writes each result down before it is sent. One that cannot be written (a full volume) is still sent; only a
     * failed send as well would lose it, as before this file existed, and the log says so.
     */
    List<Retrainer.Result> keep(List<Retrainer.Result> results) {
        for (Retrainer.Result r : results) {
            Path file = dir.resolve(String.format(java.util.Locale.ROOT, "%013d-%06d.json",
                    Math.max(0, r.outcome().finishedAtMs), sequence++ % 1_000_000));
            try {
                if (!Files.isDirectory(dir)) {
                    Files.createDirectories(dir);
                    DurableFiles.enterableByAll(dir); // the registry's folders are rwxr-xr-x whatever the umask (MODEL.md)
                }
                byte[] bytes = encode(r);
                DurableFiles.replace(file, temp -> Files.write(temp, bytes));
                files.put(r, file);
            } catch (IOException | RuntimeException e) {
                out.accept("trainer: could not keep the outcome of request " + r.outcome().requestId + " (" + r.outcome().outcome
                        + ") in " + dir + " until it is sent (" + e + "); if its write fails too, it is lost");
            }
        }
        return results;
    }

    /** The brokers acknowledged {@code r}: its file goes. A file that cannot be deleted means one more send, later. */
    void sent(Retrainer.Result r) {
        Path file = files.remove(r);
        if (file == null) return;
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            out.accept("trainer: could not delete " + file + " (" + e + "); its outcome is sent again at the next start");
        }
    }

    /**
     * What earlier workers settled and did not see acknowledged, oldest first; each is forgotten once {@link #sent}.
     * A file that cannot be read as an outcome (damaged) is moved aside with a {@code .unreadable} suffix and named in
     * the log, not sent and not retried at every start. A folder that cannot be listed (another user's, closed) is
     * named in the log: the worker starts without them.
     */
    List<Retrainer.Result> pending() {
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) return List.of();
        List<Path> names;
        try (Stream<Path> entries = Files.list(dir)) {
            names = entries.filter(p -> p.getFileName().toString().endsWith(".json")
                    && Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).sorted().toList();
        } catch (IOException | UncheckedIOException e) {
            out.accept("trainer: cannot list " + dir + " (" + e + "): outcomes settled before the last stop and never"
                    + " acknowledged, if any, are not sent");
            return List.of();
        }
        List<Retrainer.Result> pending = new ArrayList<>();
        for (Path file : names) {
            Retrainer.Result r;
            byte[] bytes;
            try {
                bytes = Files.readAllBytes(file);
            } catch (IOException e) { // the file, not its content: kept, for the next start to send
                out.accept("trainer: cannot read " + file + " now (" + e + "): not sent; kept for the next start");
                continue;
            }
            try {
                r = decode(bytes);
            } catch (IOException | RuntimeException e) {
                out.accept("trainer: " + file + " is not a settled outcome (" + e + "): moved aside, not sent");
                try {
                    Files.move(file, file.resolveSibling(file.getFileName() + ".unreadable"));
                } catch (IOException moveFailed) {
                    out.accept("trainer: could not move " + file + " aside (" + moveFailed + ")");
                }
                continue;
            }
            files.put(r, file);
            pending.add(r);
        }
        return pending;
    }

    private static byte[] encode(Retrainer.Result r) throws IOException {
        ObjectNode node = JSON.createObjectNode();
        node.set("outcome", JSON.readTree(OUTCOMES.encode(r.outcome())));
        node.set("update", r.update() == null ? null : JSON.readTree(UPDATES.encode(r.update())));
        return JSON.writeValueAsBytes(node);
    }

    private static Retrainer.Result decode(byte[] bytes) throws IOException {
        JsonNode node = JSON.readTree(bytes);
        JsonNode outcome = node == null ? null : node.get("outcome");
        if (outcome == null || !outcome.isObject()) throw new IOException("no \"outcome\" object");
        RetrainOutcome o = OUTCOMES.decode(JSON.writeValueAsBytes(outcome));
        if (o == null || o.requestId == null || o.outcome == null) throw new IOException("an outcome without its request id or outcome");
        JsonNode update = node.get("update");
        ModelUpdate u = update == null || update.isNull() ? null : UPDATES.decode(JSON.writeValueAsBytes(update));
        return new Retrainer.Result(o, u);
    }
}

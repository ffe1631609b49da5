package dev.marquee.model;

import dev.marquee.data.json.JsonFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Model versions on a file system in TF Serving's layout: {@code <base>/<name>/<version>/} with
 * {@code saved_model.pb} inside, versions increasing integers.
 *
 * <p>Publishing is atomic: the version is written into a hidden directory beside the versions
 * ({@code <base>/<name>/.publishing-*}), then renamed to its number in one step. A reader (TF Serving,
 * {@link #versions}) sees either no version or the whole of it; a publish that fails or is killed midway
 * leaves no version (a killed one leaves a hidden directory, which nothing treats as a version and
 * {@link #removeAbandoned} deletes). Only directories named by a version number as the registry writes it are
 * versions ({@code 1}, {@code 12}; not {@code 0} or {@code 007}).
 *
 * <p>Published is not serving: the serving pointer ({@code <base>/<name>/serving.json}, a
 * {@link ServingState}) names the version to serve and the one in shadow; a pin ({@code <base>/<name>/PINNED},
 * the version number as text, set by a person) overrides it. A registry without a pointer (written before
 * pointers existed) serves its latest version until something moves the pointer.
 */
public final class ModelRegistry {
    public static final String SAVED_MODEL_FILE = "saved_model.pb";
    public static final String PIN_FILE = "PINNED";
    public static final String SERVING_FILE = "serving.json";
    static final String TEMP_PREFIX = ".publishing-";
    /** How the folders of publishes in progress are named (a version is written there, then renamed). */
    public static final String TEMP_FOLDER_PREFIX = TEMP_PREFIX;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
    /** The registry's id, at its base: a dot name, which no model can have. */
    public static final String ID_FILE = ".registry-id";
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9-]{8,64}");
    private static final Pattern VERSION = Pattern.compile("[1-9][0-9]{0,17}"); // no 0, no leading zeros: a folder "007" is not version 7
    private static final int MAX_PUBLISH_ATTEMPTS = 100;
    private static final String POINTER_FIELDS = "its fields: serving, shadow, shadow_role, held";

    /** Writes one version's files into the (temporary) directory it is given. */
    @FunctionalInterface
    public interface VersionWriter {
        void write(Path dir) throws IOException;
    }

    private final Path base;

    private static final java.util.regex.Pattern URI_SCHEME = java.util.regex.Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*://");

    /**
     * Where a registry named by a person lives: a directory (relative ones as they are), or a {@code file://} URI. The
     * registry is a POSIX directory, local or mounted (decision 0018): any other URI ({@code s3://}, {@code hdfs://})
     * is refused here, not taken for a relative folder named {@code s3:}.
     *
     * @throws IllegalArgumentException with the reason, for a person to read
     */
    public static Path baseOf(String where) {
        if (!URI_SCHEME.matcher(where).find()) return Path.of(where);
        if (where.regionMatches(true, 0, "file://", 0, 7)) {
            try {
                return Path.of(java.net.URI.create(where));
            } catch (IllegalArgumentException | java.nio.file.FileSystemNotFoundException e) {
                throw new IllegalArgumentException("the model registry '" + where + "' is not a usable file:// URI (give"
                        + " three slashes, file:///path, and spaces as %20, or the plain path): " + e.getMessage());
            }
        }
        throw new IllegalArgumentException("the model registry must be a directory on a local or mounted file system"
                + " (a shared volume on a cluster; object stores and HDFS are not supported, docs/decisions/"
                + "0018-the-registry-on-a-posix-volume.md); got '" + where + "'");
    }

    /** A registry rooted at {@code base}, created when first published to. */
    public ModelRegistry(Path base) {
        this.base = base.toAbsolutePath().normalize();
        if (Files.exists(this.base) && !Files.isDirectory(this.base)) {
            throw new IllegalArgumentException("model registry " + this.base + " exists and is not a directory");
        }
    }

    public Path base() {
        return base;
    }

    /** Whether {@code name} can name a model: letters, digits, '.', '_' and '-', starting with a letter or digit. */
    public static boolean isValidName(String name) {
        return name != null && NAME.matcher(name).matches();
    }

    public Path modelDir(String name) {
        if (!isValidName(name)) {
            throw new IllegalArgumentException("bad model name '" + name
                    + "': use letters, digits, '.', '_' and '-', starting with a letter or digit");
        }
        return base.resolve(name);
    }

    public Path versionDir(String name, long version) {
        return modelDir(name).resolve(Long.toString(version));
    }

    /**
     * Writes a new version aside and renames it into place as the next number (above every version on disk and
     * every one the pointer or the pin names); returns its number.
     * The writer must produce {@value #SAVED_MODEL_FILE}. On any failure the partial files are deleted and
     * no version appears.
     */
    public long publish(String name, VersionWriter writer) throws IOException {
        return publish(name, writer, null);
    }

    /**
     * As {@link #publish(String, VersionWriter)}, for a writer that moves its files in from elsewhere: on any
     * failure {@code undo} is given the temporary directory first, to move them back, and the directory is deleted
     * only when that succeeded (else it is left as an abandoned publish, {@link #removeAbandoned}, with whatever
     * could not be moved back, and the undo's failure is added to the thrown one).
     */
    public long publish(String name, VersionWriter writer, VersionWriter undo) throws IOException {
        Path modelDir = createModelDir(name);
        idOrMake(); // a first version (train, import) gives the registry its id before any update is announced
        Path temp = Files.createTempDirectory(modelDir, TEMP_PREFIX);
        long[] moved = {0};
        try {
            DurableFiles.enterableByAll(temp); // createTempDirectory makes it owner-only (setgid inherited, kept)
            writer.write(temp);
            if (!Files.isRegularFile(temp.resolve(SAVED_MODEL_FILE))) {
                throw new IOException("refusing to publish " + name + ": no " + SAVED_MODEL_FILE + " was written");
            }
            // every file the writer made (the graph, variables, assets, copies of an import's files) with the writer's
            // umask or the source's mode: a scoring job or TF Serving running as another user must read them all
            DurableFiles.readableByAllTree(temp);
            if (DurableFiles.groupWritable(modelDir)) DurableFiles.groupWritableFoldersTree(temp);
            DurableFiles.syncTree(temp);
            return locked(name, () -> {
                long next = highestKnown(name) + 1;
                for (int attempt = 0; attempt < MAX_PUBLISH_ATTEMPTS; attempt++) {
                    long version = next + attempt;
                    Path target = modelDir.resolve(Long.toString(version));
                    if (Files.exists(target)) {
                        continue;
                    }
                    try {
                        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
                        moved[0] = version;
                        DurableFiles.sync(modelDir);
                        return version;
                    } catch (FileSystemException raced) {
                        if (!Files.exists(target)) {
                            throw raced;
                        }
                        // another publisher took this number: try the next
                    }
                }
                throw new IOException("could not find a free version number for " + name);
            });
        } catch (IOException | RuntimeException | Error e) {
            // renamed into place, the version is published: a failure after that (letting go of the lock) must not
            // make the caller take it for unpublished and publish it again, nor undo files that are no longer in temp
            if (moved[0] > 0) return moved[0];
            if (undo != null) {
                try {
                    undo.write(temp);
                } catch (IOException | RuntimeException undoFailed) {
                    e.addSuppressed(new IOException("could not move the files back; they are left in " + temp,
                            undoFailed));
                    throw e;
                }
            }
            Folders.deleteRecursively(temp);
            throw e;
        }
    }

    /**
     * The model's folder, created when missing (with the registry's base): a folder created here is opened to group
     * and others (read and enter; made with the writer's umask, and servers may run as another user). Folders that
     * exist are left as their owner made them.
     */
    public Path createModelDir(String name) throws IOException {
        boolean newBase = !Files.isDirectory(base);
        Path dir = modelDir(name);
        boolean newModel = !Files.isDirectory(dir);
        Files.createDirectories(dir);
        if (newBase) DurableFiles.enterableByAll(base);
        if (newModel) DurableFiles.enterableByAll(dir);
        return dir;
    }

    /**
     * The highest version number in use: on disk, or named by the pointer (serving, shadow, held) or the pin. A
     * version deleted by hand may still be named (held, say), so a new one must not take its number again.
     */
    private long highestKnown(String name) throws IOException {
        long highest = latest(name).orElse(0);
        if (hasPointer(name)) {
            ServingState state = state(name);
            highest = Math.max(highest, Math.max(state.serving, state.shadow));
            for (long held : state.held.keySet()) highest = Math.max(highest, held);
        }
        OptionalLong pin = pinned(name);
        return pin.isPresent() ? Math.max(highest, pin.getAsLong()) : highest;
    }

    /**
     * This registry's id, which model updates carry so that a scoring job or trigger ignores another registry's
     * announcements (two deployments of one model name on one Kafka cluster), read from {@link #ID_FILE}. Only read:
     * the registry's writers make it ({@link #idOrMake}). Empty where there is none yet, it cannot be read, it holds
     * something else, or is being written this moment: no update is refused on an id that is not known.
     */
    public java.util.Optional<String> id() {
        try {
            String text = Files.readString(base.resolve(ID_FILE), StandardCharsets.UTF_8).strip();
            return ID.matcher(text).matches() ? java.util.Optional.of(text) : java.util.Optional.empty();
        } catch (IOException e) {
            return java.util.Optional.empty();
        }
    }

    /**
     * {@link #id}, made (a random UUID) when the registry has none: by its writers, a version's publication and the
     * trainer's, promote's and rollback's announcements. Empty where the base cannot be written.
     */
    public java.util.Optional<String> idOrMake() {
        java.util.Optional<String> known = id();
        if (known.isPresent() || !Files.isDirectory(base)) return known;
        Path file = base.resolve(ID_FILE);
        Path temp = null;
        try {
            // written whole and readable by all (the scoring jobs may run as another user) before it takes its name,
            // by a link that fails when another writer was first: no reader ever sees it empty
            temp = Files.createTempFile(base, ID_FILE + "-", ".tmp");
            Files.writeString(temp, java.util.UUID.randomUUID() + "\n", StandardCharsets.UTF_8);
            DurableFiles.sync(temp);
            DurableFiles.readableByAll(temp);
            try {
                Files.createLink(file, temp);
            } catch (UnsupportedOperationException | java.nio.file.FileSystemException noLinks) {
                if (noLinks instanceof java.nio.file.FileAlreadyExistsException) throw noLinks;
                // no hard links here: an exclusive create (a rename would replace another writer's); a reader that
                // comes between its creation and its content finds no id for that moment, which refuses nothing
                Files.writeString(file, Files.readString(temp, StandardCharsets.UTF_8), StandardCharsets.UTF_8,
                        java.nio.file.StandardOpenOption.CREATE_NEW, java.nio.file.StandardOpenOption.WRITE,
                        java.nio.file.StandardOpenOption.SYNC);
                DurableFiles.readableByAll(file);
            }
            DurableFiles.sync(base);
        } catch (IOException | UnsupportedOperationException e) {
            // another was first (read below), or the base cannot be written
        } finally {
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException e) {
                    // left as an abandoned temporary file; harmless
                }
            }
        }
        return id();
    }

    /** Model names under the base, sorted. */
    public List<String> models() throws IOException {
        List<String> out = new ArrayList<>();
        if (!Files.isDirectory(base)) {
            return out;
        }
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(base, Files::isDirectory)) {
            for (Path d : dirs) {
                String n = d.getFileName().toString();
                if (NAME.matcher(n).matches()) {
                    out.add(n);
                }
            }
        }
        out.sort(Comparator.naturalOrder());
        return out;
    }

    /** Published versions of a model, ascending. */
    public List<Long> versions(String name) throws IOException {
        Path dir = modelDir(name);
        List<Long> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(dir, Files::isDirectory)) {
            for (Path d : dirs) {
                String n = d.getFileName().toString();
                if (VERSION.matcher(n).matches()) {
                    out.add(Long.parseLong(n));
                }
            }
        }
        out.sort(Comparator.naturalOrder());
        return out;
    }

    public OptionalLong latest(String name) throws IOException {
        List<Long> v = versions(name);
        return v.isEmpty() ? OptionalLong.empty() : OptionalLong.of(v.get(v.size() - 1));
    }

    /** Pins a published version: {@link #serving} returns it until {@link #unpin}. */
    public void pin(String name, long version) throws IOException {
        Path dir = modelDir(name);
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("cannot pin " + name + " to version " + version + ": not published");
        }
        // checked under the lock: a concurrent retain (another process's `models --retain`) may delete it
        locked(name, () -> {
            // its folder, not a listing: a network volume's client may cache a listing for a minute, and a version
            // just published (a rollback to it) would be refused
            if (!Files.isDirectory(versionDir(name, version))) {
                throw new IllegalArgumentException("cannot pin " + name + " to version " + version
                        + ": not published (have " + versions(name) + ")");
            }
            DurableFiles.replace(dir.resolve(PIN_FILE),
                    f -> Files.writeString(f, Long.toString(version) + "\n", StandardCharsets.UTF_8));
            return null;
        });
    }

    /**
     * Removes the pin (whatever the file holds). A shadow in the pointer was not scored while the pin served, so its
     * time in shadow starts again now: else a pin longer than the candidate's expiry retires it at the first look.
     */
    public void unpin(String name) throws IOException {
        unpin(name, System.currentTimeMillis());
    }

    /** As {@link #unpin(String)}, at {@code nowMs}. */
    public void unpin(String name, long nowMs) throws IOException {
        Path dir = modelDir(name);
        if (!Files.isDirectory(dir)) return;
        locked(name, () -> {
            if (!Files.deleteIfExists(dir.resolve(PIN_FILE))) return null;
            DurableFiles.sync(dir);
            if (hasPointer(name)) {
                ServingState state;
                try {
                    state = state(name);
                } catch (IOException unreadable) {
                    return null; // unpinned all the same; the pointer, broken by hand, is the reader's to report
                }
                if (state.hasShadow()) {
                    state.shadowSinceMs = nowMs;
                    state.judgedForMs = 0;
                    writeState(name, state);
                }
            }
            return null;
        });
    }

    public OptionalLong pinned(String name) throws IOException {
        Path pin = modelDir(name).resolve(PIN_FILE);
        if (Files.notExists(pin)) { // absent, not merely unreadable: a file that cannot be looked at fails the read below
            return OptionalLong.empty();
        }
        String text;
        try {
            text = Files.readString(pin, StandardCharsets.UTF_8).trim();
        } catch (java.nio.file.NoSuchFileException unpinnedMeanwhile) { // `models --unpin` between the look and the read
            return OptionalLong.empty();
        }
        if (!VERSION.matcher(text).matches()) {
            throw new IOException("bad pin file " + pin + ": '" + text + "' is not a version number");
        }
        return OptionalLong.of(Long.parseLong(text));
    }

    /** The version to serve: the pinned one if any, else the serving pointer's, else (no pointer yet) the latest. */
    public OptionalLong serving(String name) throws IOException {
        OptionalLong pin = pinned(name);
        if (pin.isPresent()) return pin;
        ServingState state = state(name);
        return state.serving > 0 ? OptionalLong.of(state.serving) : latest(name);
    }

    /**
     * The serving pointer as written; without one, a state serving the latest version (0 when none), held
     * list empty. A pin is not part of it: see {@link #serving}.
     */
    public ServingState state(String name) throws IOException {
        Path file = modelDir(name).resolve(SERVING_FILE);
        // only when it is known to be absent: a pointer that cannot be looked at now (an I/O error on a network
        // volume) fails the read below, instead of serving the latest version in its place
        if (Files.notExists(file)) {
            return ServingState.serving(latest(name).orElse(0), "no serving pointer yet: the latest version", 0);
        }
        ServingState s;
        try {
            s = JsonFiles.read(file, ServingState.class, "serving pointer");
        } catch (IOException e) {
            if (!(e.getCause() instanceof com.fasterxml.jackson.core.JsonProcessingException)) throw e;
            throw new IOException(e.getMessage() + " (fix it by hand: serving, shadow, held; deleting it would serve"
                    + " the latest version, a held one too, and lose the held list: pin the right version first with"
                    + " `marquee models --pin N`, which writes the pin before it reads this file)", e);
        }
        if (s == null || s.serving < 1) { // a hand edit (`{}`, `null`, a misspelt key): never "the latest" in its place
            throw new IOException("bad serving pointer " + file + ": it names no serving version (" + POINTER_FIELDS
                    + "; fix it by hand, or pin the right version first with `marquee models --pin N`)");
        }
        if (s.held == null) s.held = new TreeMap<>();
        return s;
    }

    /** Whether the serving pointer has been written (else {@link #state} falls back to the latest version). */
    public boolean hasPointer(String name) {
        return !Files.notExists(modelDir(name).resolve(SERVING_FILE)); // unknown counts as there: never written over
    }

    /**
     * Writes the pointer at the latest version when there is none yet, so that a later publish cannot become
     * "the latest" and serve by accident; returns the state written, or null when a pointer existed (or no version).
     */
    public ServingState adoptLatest(String name) throws IOException {
        if (hasPointer(name) || latest(name).isEmpty()) return null;
        return locked(name, () -> {
            if (hasPointer(name)) return null;
            ServingState s = ServingState.serving(latest(name).getAsLong(),
                    "adopted the latest version as the serving pointer", System.currentTimeMillis());
            writeState(name, s);
            return s;
        });
    }

    /** Computes the pointer's next state from the current one; null leaves it as it is. */
    @FunctionalInterface
    public interface StateChange {
        ServingState next(ServingState current) throws IOException;
    }

    /**
     * Reads the pointer, computes the next state and writes it, all under the model's lock, so that no other
     * writer (thread or process) writes in between and loses this change or has its own lost; returns the state
     * written, or null when {@code change} returned null.
     */
    public ServingState updateState(String name, StateChange change) throws IOException {
        return locked(name, () -> {
            ServingState next = change.next(state(name));
            if (next != null) writeState(name, next);
            return next;
        });
    }

    /** An action on the model's pointer state ({@link #locked}). */
    @FunctionalInterface
    public interface LockedAction<T> {
        T run() throws IOException;
    }

    /**
     * Runs {@code action} holding the model's registry lock ({@code <base>/<name>/.lock}): every read-modify-write
     * of serving.json or PINNED must, in this process and any other. Keep it short: other writers wait. Reentrant.
     */
    public <T> T locked(String name, LockedAction<T> action) throws IOException {
        return RegistryLock.holding(createModelDir(name), action::run);
    }

    /**
     * Replaces the serving pointer in one step; the versions it names must be published. A change computed from
     * the current state belongs in {@link #updateState} (or {@link #locked}): else another writer's change between
     * the read and this write is lost.
     */
    public void writeState(String name, ServingState state) throws IOException {
        if (state.serving < 1) throw new IllegalArgumentException("cannot point " + name + " at no serving version");
        for (long v : new long[] {state.serving, state.shadow}) {
            // the version's own folder, not a listing: a network volume's client may cache a listing for a minute
            if (v > 0 && !Files.isDirectory(versionDir(name, v))) {
                throw new IllegalArgumentException("cannot point " + name + " at version " + v
                        + ": not published (have " + versions(name) + ")");
            }
        }
        Path dir = createModelDir(name);
        locked(name, () -> {
            DurableFiles.replace(dir.resolve(SERVING_FILE), f -> JsonFiles.write(f, state));
            return null;
        });
    }

    /** Points serving at {@code version} (no shadow), keeping the held list: a person's or the first model's promotion. */
    public ServingState serve(String name, long version, String reason) throws IOException {
        return updateState(name, s -> {
            ServingState next = s.with(version, 0, null, reason, System.currentTimeMillis());
            long dropped = s.candidateDroppedBy(next); // whoever drops a candidate holds it (ServingState)
            if (dropped > 0) next.hold(dropped, ENDED_BY_SERVE + version + " was made to serve: " + reason);
            return next;
        });
    }

    /** How a candidate {@link #serve} ended is held: the reason starts so, then the version made to serve. */
    private static final String ENDED_BY_SERVE = "the candidate in shadow was ended when version ";

    /** The candidate that {@code after}, the state {@link #serve} returned for {@code version}, holds as ended; 0 none. */
    public static long candidateEndedBy(ServingState after, long version) {
        String prefix = ENDED_BY_SERVE + version + " ";
        for (Map.Entry<Long, String> e : after.held.entrySet()) {
            if (e.getValue() != null && e.getValue().startsWith(prefix)) return e.getKey();
        }
        return 0;
    }

    /**
     * Keeps the newest {@code keep} versions (and the pinned, serving and shadow ones), deleting older ones;
     * returns the deleted version numbers.
     */
    public List<Long> retain(String name, int keep) throws IOException {
        return retainReporting(name, keep).deleted();
    }

    /**
     * What a retention round did: the versions it took out of the registry, and the retired folders (this round's or
     * an earlier one's) it could not delete, each with why (another process deleting the same folder is not one).
     */
    public record Retention(List<Long> deleted, Map<Path, String> notDeleted) {}

    /** As {@link #retain}, saying which retired folders could not be deleted and why. */
    public Retention retainReporting(String name, int keep) throws IOException {
        if (keep < 1) {
            throw new IllegalArgumentException("keep must be at least 1, got " + keep);
        }
        if (!Files.isDirectory(modelDir(name))) return new Retention(List.of(), Map.of());
        List<Long> deleted = locked(name, () -> retainLocked(name, keep));
        // outside the lock: deleting version trees on a network volume takes long, and a promote or the promoter's
        // round must not wait for it (a sweep racing another's skips what it cannot delete; the next round finishes).
        // The folders earlier rounds renamed aside and could not delete are tried again: no longer versions, nothing
        // else would ever see them.
        Map<Path, String> failed = new TreeMap<>();
        deleteEntries(name, TEMP_PREFIX + "deleting-", Long.MAX_VALUE, failed);
        return new Retention(deleted, failed);
    }

    /** Renames the versions to delete aside (each gone from the registry in one step); the sweep deletes them. */
    private List<Long> retainLocked(String name, int keep) throws IOException {
        List<Long> versions = versions(name);
        OptionalLong pin = pinned(name);
        ServingState state = state(name);
        List<Long> deleted = new ArrayList<>();
        for (int i = 0; i < versions.size() - keep; i++) {
            long v = versions.get(i);
            if ((pin.isPresent() && pin.getAsLong() == v) || v == state.serving || v == state.shadow) {
                continue;
            }
            // Renamed aside, so the version disappears in one step; unique, so one an earlier round could not delete
            // does not stand in the way
            Path aside = modelDir(name).resolve(TEMP_PREFIX + "deleting-" + v + "-" + System.nanoTime());
            Files.move(versionDir(name, v), aside, StandardCopyOption.ATOMIC_MOVE);
            deleted.add(v); // no longer a version; the sweep after the lock deletes it
        }
        try {
            forgetHeldVersionsGone(name, state);
        } catch (IOException | RuntimeException e) {
            // the versions are deleted all the same; the held list is trimmed by the next round
        }
        return deleted;
    }

    /** How many held entries of versions no longer on disk the pointer keeps: the newest, which a trigger may ask about. */
    static final int HELD_OF_DELETED_KEPT = 10;

    /**
     * Drops the held entries of versions retention deleted, but the {@value #HELD_OF_DELETED_KEPT} newest: the list
     * would otherwise grow by every retired candidate for as long as the model lives, and the promoter reads it many
     * times a second. The newest stay, so a candidate retired a moment before a publish deleted it is still known
     * as held to the retraining trigger (which asks about the latest candidate only).
     */
    private void forgetHeldVersionsGone(String name, ServingState state) throws IOException {
        if (!Files.isRegularFile(modelDir(name).resolve(SERVING_FILE))) return;
        java.util.Set<Long> present = new java.util.HashSet<>(versions(name));
        List<Long> gone = new ArrayList<>();
        for (long v : state.held.keySet()) if (!present.contains(v)) gone.add(v);
        if (gone.size() <= HELD_OF_DELETED_KEPT) return;
        gone.sort(null);
        for (long v : gone.subList(0, gone.size() - HELD_OF_DELETED_KEPT)) state.held.remove(v);
        writeState(name, state);
    }

    /** Deletes hidden directories left by publishes that were killed midway; returns how many. */
    public int removeAbandoned(String name) throws IOException {
        return Folders.deleteEntriesStartingWith(modelDir(name), TEMP_PREFIX);
    }

    /**
     * As {@link #removeAbandoned(String)}, but only entries in which nothing changed for {@code untouchedFor}:
     * a publish in progress (another process's {@code import} or {@code train}) keeps writing into its folder.
     */
    public int removeAbandoned(String name, Duration untouchedFor) throws IOException {
        return deleteEntries(name, TEMP_PREFIX, System.currentTimeMillis() - untouchedFor.toMillis(), null);
    }

    /**
     * Deletes the model folder's entries named {@code prefix}... in which nothing changed since {@code beforeMs}
     * ({@link Long#MAX_VALUE}: all of them); how many. One that cannot be deleted (another user's files, a busy network
     * volume) must not stop a trainer's start or a retention round: it is tried again next time.
     */
    private int deleteEntries(String name, String prefix, long beforeMs, Map<Path, String> failed) throws IOException {
        Path dir = modelDir(name);
        if (!Files.isDirectory(dir)) return 0;
        int n = 0;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, p -> p.getFileName().toString().startsWith(prefix))) {
            for (Path p : entries) {
                try {
                    if (beforeMs == Long.MAX_VALUE || newestChange(p) < beforeMs) {
                        Folders.deleteRecursively(p);
                        n++;
                    }
                } catch (IOException | java.io.UncheckedIOException e) {
                    // tried again next time (a folder another user left unreadable, one renamed while walked)
                    Throwable why = e instanceof java.io.UncheckedIOException u ? u.getCause() : e;
                    if (failed != null && !(why instanceof java.nio.file.NoSuchFileException)) { // not another's sweep
                        failed.put(p, why instanceof java.nio.file.AccessDeniedException
                                ? "permission denied on " + why.getMessage() + " (another user's version? the registry's"
                                        + " folders must be writable by its group: docs/OPERATIONS.md)"
                                : why.toString());
                    }
                }
            }
        }
        return n;
    }

    private static long newestChange(Path root) throws IOException {
        try (java.util.stream.Stream<Path> walk = Files.walk(root)) {
            long newest = Long.MIN_VALUE;
            for (Path p : walk.toList()) newest = Math.max(newest, Files.getLastModifiedTime(p).toMillis());
            return newest;
        }
    }

}

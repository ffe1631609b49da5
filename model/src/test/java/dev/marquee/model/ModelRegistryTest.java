package dev.marquee.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.marquee.infra.testing.ChildRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelRegistryTest {
    @TempDir
    Path base;

    private static void fakeModel(Path dir) throws IOException {
        Files.writeString(dir.resolve("saved_model.pb"), "pb");
        Files.createDirectories(dir.resolve("variables"));
    }

    /** A pointer broken by hand: one line that says where and what to do, not Jackson's two-line location dump. */
    @Test
    void aBrokenServingPointerIsReportedInOneLineWithWhatToDo() throws IOException {
        ModelRegistry registry = new ModelRegistry(base);
        registry.publish("movies", ModelRegistryTest::fakeModel);
        registry.serve("movies", 1, "test");
        Files.writeString(base.resolve("movies/serving.json"), "{\"serving\": 1,");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> registry.state("movies"))
                .isInstanceOf(IOException.class)
                .hasMessageStartingWith("bad serving pointer " + base.resolve("movies/serving.json") + ": ")
                .hasMessageContaining("(line 1, column")
                .hasMessageContaining("(fix it by hand: serving, shadow, held;").hasMessageContaining("pin the right version first")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    /** A pointer edited by hand into naming no version is refused: serving "the latest" in its place may serve a held one. */
    @Test
    void aServingPointerThatNamesNoVersionIsRefusedNotReadAsTheLatest() throws IOException {
        ModelRegistry registry = new ModelRegistry(base);
        registry.publish("movies", ModelRegistryTest::fakeModel);
        registry.publish("movies", ModelRegistryTest::fakeModel);
        registry.serve("movies", 1, "test");
        for (String edited : List.of("{\"serving_version\": 1}", "{}", "null", "{\"serving\": 0}")) {
            Files.writeString(base.resolve("movies/serving.json"), edited);
            assertThatThrownBy(() -> registry.serving("movies")).as(edited).isInstanceOf(IOException.class)
                    .hasMessageStartingWith("bad serving pointer " + base.resolve("movies/serving.json")
                            + ": it names no serving version");
            assertThatThrownBy(() -> registry.state("movies")).as(edited).isInstanceOf(IOException.class);
        }
        assertThatThrownBy(() -> registry.writeState("movies", new ServingState()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /** Version numbers as the registry writes them: a pin of 0 or a folder "007" is not a version. */
    @Test
    void aPinOfZeroAndAZeroPaddedFolderAreNotVersions() throws IOException {
        ModelRegistry registry = new ModelRegistry(base);
        registry.publish("movies", ModelRegistryTest::fakeModel);
        Files.createDirectories(base.resolve("movies/007"));
        assertThat(registry.versions("movies")).containsExactly(1L);
        assertThat(registry.publish("movies", ModelRegistryTest::fakeModel)).isEqualTo(2);
        Files.writeString(base.resolve("movies/PINNED"), "0\n");
        assertThatThrownBy(() -> registry.pinned("movies")).isInstanceOf(IOException.class)
                .hasMessageContaining("'0' is not a version number");
        Files.writeString(base.resolve("movies/PINNED"), "02\n");
        assertThatThrownBy(() -> registry.pinned("movies")).isInstanceOf(IOException.class);
    }

    @Test
    void publishesIncreasingVersions() throws IOException {
        ModelRegistry registry = new ModelRegistry(base);
        assertThat(registry.latest("movies")).isEmpty();
        assertThat(registry.publish("movies", ModelRegistryTest::fakeModel)).isEqualTo(1);
        assertThat(registry.publish("movies", ModelRegistryTest::fakeModel)).isEqualTo(2);
        assertThat(registry.versions("movies")).containsExactly(1L, 2L);
        assertThat(registry.latest("movies")).hasValue(2);
        assertThat(registry.models()).containsExactly("movies");
        assertThat(base.resolve("movies/2/saved_model.pb")).isRegularFile();
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(base.resolve("movies/2")))).isEqualTo("rwxr-xr-x");
        assertThat(hiddenEntries()).isZero();
    }

    @Test
    void anInterruptedPublishLeavesNoVersion() throws IOException {
        ModelRegistry registry = new ModelRegistry(base);
        registry.publish("movies", ModelRegistryTest::fakeModel);
        assertThatThrownBy(() -> registry.publish("movies", dir -> {
            fakeModel(dir);
            Files.writeString(dir.resolve("variables/variables.index"), "half");
            throw new IOException("disk full");
        })).hasMessage("disk full");
        assertThat(registry.versions("movies")).containsExactly(1L);
        assertThat(hiddenEntries()).isZero();
        assertThat(registry.publish("movies", ModelRegistryTest::fakeModel)).isEqualTo(2);
    }

    @Test
    void aKilledPublishIsInvisibleAndCanBeCleanedUp() throws IOException {
        ModelRegistry registry = new ModelRegistry(base);
        registry.publish("movies", ModelRegistryTest::fakeModel);
        // What a publisher killed midway leaves behind: its hidden working directory.
        Path abandoned = Files.createDirectories(base.resolve("movies/.publishing-123"));
        fakeModel(abandoned);
        assertThat(registry.versions("movies")).containsExactly(1L);
        assertThat(registry.latest("movies")).hasValue(1);
        assertThat(registry.removeAbandoned("movies")).isEqualTo(1);
        assertThat(abandoned).doesNotExist();
    }

    @Test
    void onlyPublishFoldersUntouchedForLongEnoughAreAbandoned() throws IOException {
        ModelRegistry registry = new ModelRegistry(base);
        registry.publish("movies", ModelRegistryTest::fakeModel);
        Path old = Files.createDirectories(base.resolve("movies/.publishing-killed"));
        fakeModel(old);
        Path writing = Files.createDirectories(base.resolve("movies/.publishing-in-progress"));
        fakeModel(writing);
        java.nio.file.attribute.FileTime twoHoursAgo = java.nio.file.attribute.FileTime.fromMillis(
                System.currentTimeMillis() - 7_200_000);
        try (Stream<Path> tree = Files.walk(old)) {
            for (Path p : tree.toList()) Files.setLastModifiedTime(p, twoHoursAgo);
        }
        Files.setLastModifiedTime(writing, twoHoursAgo); // its folder is old, a file in it was just written
        assertThat(registry.removeAbandoned("movies", java.time.Duration.ofHours(1))).isEqualTo(1);
        assertThat(old).doesNotExist();
        assertThat(writing).isDirectory();
        assertThat(registry.versions("movies")).containsExactly(1L);
    }

    /** A latest version deleted by hand is still named (held): its number is never given to another version. */
    @Test
    void aNumberThePointerStillNamesIsNotReusedAfterAManualDelete() throws IOException {
        ModelRegistry registry = new ModelRegistry(base);
        for (int i = 0; i < 3; i++) registry.publish("movies", ModelRegistryTest::fakeModel);
        registry.updateState("movies", s -> s.with(1, 0, null, "test", 0).hold(3, "rolled back"));
        Folders.deleteRecursively(base.resolve("movies/3")); // a person removes the bad version
        assertThat(registry.publish("movies", ModelRegistryTest::fakeModel)).isEqualTo(4);
        assertThat(registry.state("movies").isHeld(4)).isFalse();
        assertThat(registry.versions("movies")).containsExactly(1L, 2L, 4L);
    }

    @Test
    void aVersionWithoutASavedModelIsRefused() throws IOException {
        ModelRegistry registry = new ModelRegistry(base);
        assertThatThrownBy(() -> registry.publish("movies", dir -> Files.writeString(dir.resolve("x"), "x")))
                .hasMessageContaining("no saved_model.pb");
        assertThat(registry.versions("movies")).isEmpty();
        assertThat(hiddenEntries()).isZero();
    }

    @Test
    void pinOverridesLatestUntilUnpinned() throws IOException {
        ModelRegistry registry = new ModelRegistry(base);
        registry.publish("movies", ModelRegistryTest::fakeModel);
        registry.publish("movies", ModelRegistryTest::fakeModel);
        registry.pin("movies", 1);
        assertThat(registry.serving("movies")).hasValue(1);
        registry.publish("movies", ModelRegistryTest::fakeModel);
        assertThat(registry.serving("movies")).hasValue(1);
        registry.unpin("movies");
        assertThat(registry.serving("movies")).hasValue(3);
        assertThatThrownBy(() -> registry.pin("movies", 9)).hasMessageContaining("not published");
    }

    /**
     * Making another version serve (train's, import --serve's) ends a candidate in shadow: it is held, as every other
     * path that drops one holds it, so that the trigger does not wait for it and automation does not serve it.
     */
    @Test
    void servingAnotherVersionHoldsTheCandidateItEnds() throws Exception {
        ModelRegistry registry = new ModelRegistry(base);
        for (int i = 0; i < 3; i++) registry.publish("movies", ModelRegistryTest::fakeModel);
        long now = System.currentTimeMillis();
        registry.writeState("movies", ServingState.serving(1, "first", now).with(1, 2, ServingState.CANDIDATE, "shadow", now));
        ServingState after = registry.serve("movies", 3, "trained by hand");
        assertThat(after.serving).isEqualTo(3);
        assertThat(after.shadow).isZero();
        assertThat(after.isHeld(2)).isTrue();
        assertThat(after.held.get(2L)).contains("ended when version 3 was made to serve");
        assertThat(ModelRegistry.candidateEndedBy(after, 3)).as("what train and import --serve print").isEqualTo(2);
        assertThat(ModelRegistry.candidateEndedBy(after, 13)).isZero();
        assertThat(registry.serve("movies", 3, "again").held).as("a watch or no shadow: nothing more held").hasSize(1);
    }

    /**
     * Retention deletes under the model's lock: a pin, a rollback or the promoter checking that a version exists under
     * it would otherwise see it there, and announce a version deleted the next moment.
     */
    @Test
    void retentionWaitsForTheLockBeforeItDeletes() throws Exception {
        ModelRegistry registry = new ModelRegistry(base);
        registry.publish("movies", ModelRegistryTest::fakeModel);
        registry.publish("movies", ModelRegistryTest::fakeModel);
        registry.serve("movies", 2, "test");
        CountDownLatch locked = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<Object> holder = pool.submit(() -> registry.locked("movies", () -> {
                locked.countDown();
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    throw new IOException(e);
                }
                return null;
            }));
            assertThat(locked.await(30, TimeUnit.SECONDS)).isTrue();
            java.util.concurrent.atomic.AtomicReference<Thread> retainer = new java.util.concurrent.atomic.AtomicReference<>();
            Future<List<Long>> retain = pool.submit(() -> {
                retainer.set(Thread.currentThread());
                return registry.retain("movies", 1);
            });
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> retain.isDone()
                    || retainer.get() != null && retainer.get().getState() == Thread.State.WAITING);
            assertThat(retain.isDone()).as("retention waits for the lock").isFalse();
            assertThat(registry.versions("movies")).containsExactly(1L, 2L);
            release.countDown();
            holder.get(30, TimeUnit.SECONDS);
            assertThat(retain.get(30, TimeUnit.SECONDS)).containsExactly(1L);
            assertThat(registry.versions("movies")).containsExactly(2L);
        } finally {
            release.countDown();
            pool.shutdownNow();
        }
    }

    /** A version deleted while a pin waits for the lock is not pinned: the check is made under the lock. */
    @Test
    void aPinWaitingForTheLockSeesAVersionDeletedMeanwhile() throws Exception {
        ModelRegistry registry = new ModelRegistry(base);
        registry.publish("movies", ModelRegistryTest::fakeModel);
        registry.publish("movies", ModelRegistryTest::fakeModel);
        registry.serve("movies", 2, "test");
        CountDownLatch locked = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<List<Long>> retain = pool.submit(() -> registry.locked("movies", () -> {
                locked.countDown();
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    throw new IOException(e);
                }
                return registry.retain("movies", 1); // reentrant: deletes version 1
            }));
            assertThat(locked.await(30, TimeUnit.SECONDS)).isTrue();
            java.util.concurrent.atomic.AtomicReference<Thread> pinner = new java.util.concurrent.atomic.AtomicReference<>();
            Future<?> pin = pool.submit(() -> {
                pinner.set(Thread.currentThread());
                registry.pin("movies", 1);
                return null;
            });
            // the pin is parked on the lock (before its check with the fix, after it without)
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(
                    () -> pinner.get() != null && pinner.get().getState() == Thread.State.WAITING);
            release.countDown();
            assertThat(retain.get(30, TimeUnit.SECONDS)).containsExactly(1L);
            assertThatThrownBy(() -> pin.get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("not published");
            assertThat(registry.pinned("movies")).isEmpty();
        } finally {
            release.countDown();
            pool.shutdownNow();
        }
    }

    @Test
    void theServingPointerNotTheLatestServesAndAPinBeatsIt() throws IOException {
        ModelRegistry registry = new ModelRegistry(base);
        registry.publish("movies", ModelRegistryTest::fakeModel);
        registry.publish("movies", ModelRegistryTest::fakeModel);
        assertThat(registry.serving("movies")).as("no pointer yet: the latest").hasValue(2);
        registry.serve("movies", 1, "test");
        registry.publish("movies", ModelRegistryTest::fakeModel);
        assertThat(registry.serving("movies")).as("published is not serving").hasValue(1);
        ServingState shadowed = registry.state("movies").with(1, 3, ServingState.CANDIDATE, "candidate", 5L).hold(2, "rolled back");
        registry.writeState("movies", shadowed);
        ServingState read = new ModelRegistry(base).state("movies");
        assertThat(read.serving).isEqualTo(1);
        assertThat(read.shadow).isEqualTo(3);
        assertThat(read.shadowRole).isEqualTo(ServingState.CANDIDATE);
        assertThat(read.shadowSinceMs).isEqualTo(5L);
        assertThat(read.held).containsEntry(2L, "rolled back");
        registry.pin("movies", 2);
        assertThat(registry.serving("movies")).as("a pin beats the pointer").hasValue(2);
        registry.unpin("movies");
        assertThat(registry.serving("movies")).hasValue(1);
        assertThatThrownBy(() -> registry.serve("movies", 9, "x")).hasMessageContaining("not published");
    }

    @Test
    void retentionKeepsTheServingAndShadowVersions() throws IOException {
        ModelRegistry registry = new ModelRegistry(base);
        for (int i = 0; i < 5; i++) {
            registry.publish("movies", ModelRegistryTest::fakeModel);
        }
        registry.writeState("movies", registry.state("movies").with(2, 1, ServingState.WATCH, "promoted", 1L));
        assertThat(registry.retain("movies", 2)).containsExactly(3L);
        assertThat(registry.versions("movies")).containsExactly(1L, 2L, 4L, 5L);
    }

    /** Every retired candidate is held: retention forgets those it deleted, but the newest few, for the trigger. */
    @Test
    void retentionForgetsTheHeldEntriesOfTheVersionsItDeletedButTheNewest() throws IOException {
        ModelRegistry registry = new ModelRegistry(base);
        int published = ModelRegistry.HELD_OF_DELETED_KEPT + 6;
        for (int i = 0; i < published; i++) registry.publish("movies", ModelRegistryTest::fakeModel);
        ServingState state = registry.state("movies").with(published, 0, null, "promoted", 1L);
        for (long v = 1; v < published; v++) state.hold(v, "retired on live labels");
        registry.writeState("movies", state);

        assertThat(registry.retain("movies", 2)).hasSize(published - 2);

        assertThat(registry.versions("movies")).containsExactly((long) published - 1, (long) published);
        // held: the one version left that is held, and the newest of those deleted
        assertThat(registry.state("movies").held.keySet()).hasSize(1 + ModelRegistry.HELD_OF_DELETED_KEPT)
                .contains((long) published - 1, (long) published - 2).doesNotContain(1L, 2L);
        assertThat(registry.state("movies").serving).isEqualTo(published);
    }

    /** A version renamed aside whose deletion failed (a network volume) is deleted by the next retention. */
    @Test
    void retentionFinishesADeletionAnEarlierRoundLeftHalfDone() throws IOException {
        ModelRegistry registry = new ModelRegistry(base);
        for (int i = 0; i < 3; i++) registry.publish("movies", ModelRegistryTest::fakeModel);
        Path leftover = registry.versionDir("movies", 1).resolveSibling(".publishing-deleting-0");
        Files.createDirectories(leftover.resolve("variables"));
        Files.writeString(leftover.resolve("saved_model.pb"), "half deleted");

        registry.retain("movies", 3);

        assertThat(leftover).doesNotExist();
        assertThat(registry.versions("movies")).containsExactly(1L, 2L, 3L);
    }

    @Test
    void aHeldReasonIsCutToItsLimit() {
        ServingState s = new ServingState().hold(3, "x".repeat(10_000));
        assertThat(s.held.get(3L)).hasSize(ServingState.MAX_HELD_REASON_CHARS).endsWith("...");
        assertThat(new ServingState().hold(4, "short").held.get(4L)).isEqualTo("short");
    }

    @Test
    void retentionKeepsTheNewestAndThePinned() throws IOException {
        ModelRegistry registry = new ModelRegistry(base);
        for (int i = 0; i < 5; i++) {
            registry.publish("movies", ModelRegistryTest::fakeModel);
        }
        registry.pin("movies", 1);
        assertThat(registry.retain("movies", 2)).containsExactly(2L, 3L);
        assertThat(registry.versions("movies")).containsExactly(1L, 4L, 5L);
    }

    /**
     * Writers of the pointer in two threads of this JVM (two registry objects, as the trainer's request loop and
     * promoter have) and in another process, each adding its own held versions by read-modify-write: with the
     * registry's lock none of the updates is lost. The other process signals it is ready and all three start
     * together, so their writes overlap (without the file lock this loses updates).
     */
    @Test
    void writersRacingOnThePointerNeverLoseAnUpdate() throws Exception {
        ModelRegistry registry = new ModelRegistry(base);
        registry.publish("movies", ModelRegistryTest::fakeModel);
        registry.writeState("movies", ServingState.serving(1, "start", 0));
        int each = 200;
        Process other = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), RegistryWriterMain.class.getName(), base.toString(), "movies",
                "3000", Integer.toString(each)).redirectErrorStream(true).start();
        StringBuilder otherOutput = new StringBuilder();
        CountDownLatch otherReady = new CountDownLatch(1);
        Thread drain = new Thread(() -> {
            try (var lines = new java.io.BufferedReader(new java.io.InputStreamReader(other.getInputStream()))) {
                for (String line; (line = lines.readLine()) != null; ) {
                    synchronized (otherOutput) {
                        otherOutput.append(line).append('\n');
                    }
                    if (line.equals(RegistryWriterMain.READY)) otherReady.countDown();
                }
            } catch (IOException e) {
                synchronized (otherOutput) {
                    otherOutput.append(e);
                }
            }
        });
        drain.start();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<?>> writers = new ArrayList<>();
            for (long first : new long[] {1000, 2000}) {
                writers.add(pool.submit(() -> {
                    ModelRegistry own = new ModelRegistry(base);
                    own.state("movies");
                    go.await();
                    for (long key = first; key < first + each; key++) {
                        long held = key;
                        own.updateState("movies", s -> s.with(s.serving, 0, null, "thread", 0).hold(held, "by a thread"));
                    }
                    return null;
                }));
            }
            if (!otherReady.await(60, TimeUnit.SECONDS)) {
                other.destroyForcibly();
                drain.join(10_000);
                synchronized (otherOutput) {
                    throw new AssertionError("the other writer never got ready:\n" + otherOutput);
                }
            }
            other.getOutputStream().write('\n');
            other.getOutputStream().close();
            go.countDown();
            for (Future<?> w : writers) w.get(120, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
        boolean exited = other.waitFor(120, TimeUnit.SECONDS);
        if (!exited) other.destroyForcibly();
        drain.join(10_000);
        String output;
        synchronized (otherOutput) {
            output = otherOutput.toString();
        }
        assertThat(exited).as(output).isTrue();
        assertThat(other.exitValue()).as(output).isZero();
        ServingState end = registry.state("movies");
        assertThat(end.held).hasSize(3 * each);
        assertThat(end.held.keySet()).contains(1000L, 1000L + each - 1, 2000L, 2000L + each - 1, 3000L, 3000L + each - 1);
        assertThat(hiddenEntries()).isZero();
    }

    @Test
    void everyRegistryFileIsReadableByAll() throws IOException {
        ModelRegistry registry = new ModelRegistry(base);
        registry.publish("movies", ModelRegistryTest::fakeModel);
        registry.pin("movies", 1);
        registry.serve("movies", 1, "test");
        for (String file : List.of(ModelRegistry.PIN_FILE, ModelRegistry.SERVING_FILE)) {
            assertThat(java.nio.file.attribute.PosixFilePermissions.toString(
                    Files.getPosixFilePermissions(base.resolve("movies").resolve(file)))).as(file).isEqualTo("rw-r--r--");
        }
        // the lock is written (locked) by the trainer and by people's commands, who may be different users
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(base.resolve("movies/.lock")))).isEqualTo("rw-rw-r--");
    }

    @Test
    void badNamesAndBasesAreRejected() throws IOException {
        ModelRegistry registry = new ModelRegistry(base);
        assertThatThrownBy(() -> registry.modelDir("../evil")).hasMessageContaining("bad model name");
        assertThatThrownBy(() -> registry.modelDir(".hidden")).hasMessageContaining("bad model name");
        Path file = Files.writeString(base.resolve("file"), "x");
        assertThatThrownBy(() -> new ModelRegistry(file)).hasMessageContaining("not a directory");
    }

    /** Left-overs of a publish or a pointer write (the registry's {@code .lock} is meant to stay). */
    private long hiddenEntries() throws IOException {
        try (Stream<Path> s = Files.list(base.resolve("movies"))) {
            return s.filter(p -> p.getFileName().toString().startsWith(ModelRegistry.TEMP_PREFIX)).count();
        }
    }

    /**
     * Every file and folder of a version is readable by all, whatever the writer's umask or an imported file's mode:
     * a scoring job or TF Serving may run as another user.
     */
    @Test
    void aVersionsFilesAreReadableByAllWhateverTheWriterMadeThem() throws Exception {
        ModelRegistry registry = new ModelRegistry(base.resolve("new-registry"));
        long v = registry.publish("movies", dir -> {
            fakeModel(dir);
            Path vars = dir.resolve("variables");
            Files.writeString(vars.resolve("variables.index"), "i");
            Path assets = Files.createDirectories(dir.resolve("assets"));
            Files.writeString(assets.resolve("users.txt"), "u");
            for (Path f : List.of(dir.resolve("saved_model.pb"), vars.resolve("variables.index"), assets.resolve("users.txt"))) {
                Files.setPosixFilePermissions(f, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
            }
            for (Path d : List.of(vars, assets)) {
                Files.setPosixFilePermissions(d, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
            }
        });
        Path version = registry.versionDir("movies", v);
        try (var walk = Files.walk(version)) {
            for (Path p : walk.toList()) {
                assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(p)))
                        .as("%s", version.relativize(p)).isEqualTo(Files.isDirectory(p) ? "rwxr-xr-x" : "rw-r--r--");
            }
        }
        for (Path made : List.of(registry.base(), registry.modelDir("movies"))) {
            assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(made)))
                    .as("%s, made by the publish", made).endsWith("r-xr-x");
        }

        // a registry an operator made for one group (setgid, no access for others) is left as they made it
        Path shared = Files.createDirectories(base.resolve("group-registry/movies"));
        for (Path d : List.of(shared.getParent(), shared)) Files.setAttribute(d, "unix:mode", 02770);
        new ModelRegistry(shared.getParent()).publish("movies", ModelRegistryTest::fakeModel);
        for (Path d : List.of(shared.getParent(), shared)) {
            assertThat(Integer.toOctalString((Integer) Files.getAttribute(d, "unix:mode") & 07777)).as("%s", d).isEqualTo("2770");
        }
        // and its versions' folders are its group's to write too: another member's retention deletes them
        Path published = shared.resolve("1");
        try (var walk = Files.walk(published)) {
            for (Path p : walk.filter(Files::isDirectory).toList()) {
                assertThat(Files.getPosixFilePermissions(p)).as("%s", p)
                        .contains(java.nio.file.attribute.PosixFilePermission.GROUP_WRITE);
            }
        }
    }

    /** A retired folder that cannot be deleted is named with why, so the commands can say so; the next round retries. */
    @Test
    void aRetiredVersionThatCannotBeDeletedIsReportedWithWhy() throws Exception {
        ModelRegistry registry = new ModelRegistry(base);
        for (int i = 0; i < 3; i++) registry.publish("movies", ModelRegistryTest::fakeModel);
        registry.serve("movies", 3, "test");
        Path stuck = Files.createDirectories(base.resolve("movies/.publishing-deleting-0"));
        Path file = Files.writeString(stuck.resolve("saved_model.pb"), "pb");
        try (var undeletable = dev.marquee.model.testing.Undeletable.make(file)) {
            ModelRegistry.Retention round = registry.retainReporting("movies", 2);
            assertThat(round.deleted()).containsExactly(1L);
            assertThat(round.notDeleted()).containsOnlyKeys(stuck);
            assertThat(round.notDeleted().get(stuck)).contains(file.toString());
        }
        ModelRegistry.Retention next = registry.retainReporting("movies", 2);
        assertThat(next.notDeleted()).as("deleted by the next round").isEmpty();
        assertThat(stuck).doesNotExist();
    }

    /**
     * A pointer that exists but cannot be looked at (an I/O error on a network volume; here a link to itself) is an
     * error, not "no pointer yet": the latest version must not serve in its place, nor the pointer be written over.
     */
    @Test
    void aPointerThatCannotBeReadIsAnErrorNotAMissingPointer() throws Exception {
        ModelRegistry registry = new ModelRegistry(base);
        registry.publish("movies", ModelRegistryTest::fakeModel);
        registry.publish("movies", ModelRegistryTest::fakeModel);
        Path pointer = registry.modelDir("movies").resolve(ModelRegistry.SERVING_FILE);
        Files.createSymbolicLink(pointer, pointer.getFileName());
        assertThatThrownBy(() -> registry.serving("movies")).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> registry.state("movies")).isInstanceOf(IOException.class);
        assertThat(registry.hasPointer("movies")).isTrue();
        assertThat(registry.adoptLatest("movies")).as("nothing adopted over it").isNull();
        assertThat(Files.isSymbolicLink(pointer)).isTrue();

        Path pin = registry.modelDir("movies").resolve(ModelRegistry.PIN_FILE);
        Files.createSymbolicLink(pin, pin.getFileName());
        assertThatThrownBy(() -> registry.pinned("movies")).isInstanceOf(IOException.class);
    }

    /**
     * A registry's id is made once, by whichever writer asks first, and every reader of the folder (many at once) gets
     * the same; another folder has another; a file that holds no id gives none, and is not a model. Readers only
     * read: a registry without one, or a folder that does not exist, is left as it is.
     */
    @Test
    void aRegistrysIdIsMadeOnceAndTheSameForEveryReader(@TempDir Path other) throws Exception {
        Path missing = base.resolve("no-such-registry");
        assertThat(new ModelRegistry(missing).id()).isEmpty();
        assertThat(new ModelRegistry(missing).idOrMake()).isEmpty();
        assertThat(missing).as("a reader makes no folder").doesNotExist();
        Path shared = Files.createDirectories(base.resolve("registry-with-id"));
        assertThat(new ModelRegistry(shared).id()).isEmpty();
        assertThat(shared.resolve(ModelRegistry.ID_FILE)).doesNotExist();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<java.util.Optional<String>>> asked = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                asked.add(pool.submit(() -> {
                    go.await();
                    return new ModelRegistry(shared).idOrMake();
                }));
            }
            go.countDown();
            java.util.Set<String> ids = new java.util.HashSet<>();
            for (Future<java.util.Optional<String>> f : asked) ids.add(f.get(60, TimeUnit.SECONDS).orElseThrow());
            assertThat(ids).hasSize(1);
            assertThat(Files.readString(shared.resolve(ModelRegistry.ID_FILE)).strip()).isEqualTo(ids.iterator().next());
            assertThat(new ModelRegistry(shared).models()).isEmpty();
        } finally {
            pool.shutdownNow();
        }
        assertThat(new ModelRegistry(other).idOrMake()).isPresent().isNotEqualTo(new ModelRegistry(shared).id());
        Files.writeString(other.resolve(ModelRegistry.ID_FILE), "not an id!\n");
        assertThat(new ModelRegistry(other).id()).isEmpty();
    }

    /** A first version published (train, import) gives the registry its id, before any update is announced. */
    @Test
    void publishingGivesTheRegistryItsId() throws Exception {
        ModelRegistry registry = new ModelRegistry(base.resolve("fresh"));
        registry.publish("m", ModelRegistryTest::fakeModel);
        assertThat(registry.id()).isPresent();
    }

    /**
     * The id file is readable by every user whatever the writer's umask (the scoring jobs may run as another user,
     * and an id they cannot read turns the check off), and no temporary file is left beside it.
     */
    @Test
    void theIdIsReadableByAllWhateverTheWritersUmask() throws Exception {
        Path registry = Files.createDirectories(base.resolve("umask-077"));
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ChildRun writer = ChildRun.of(new ProcessBuilder("sh", "-c", "umask 077; exec \"$0\" -cp \"$1\" "
                + RegistryIdMain.class.getName() + " \"$2\"", javaBin, System.getProperty("java.class.path"), registry.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD), java.time.Duration.ofSeconds(60));
        String printed = writer.out().strip();
        Path file = registry.resolve(ModelRegistry.ID_FILE);
        assertThat(printed).isEqualTo(Files.readString(file).strip());
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-r--r--");
        try (Stream<Path> left = Files.list(registry)) {
            assertThat(left.map(p -> p.getFileName().toString())).containsExactly(ModelRegistry.ID_FILE);
        }
    }
}

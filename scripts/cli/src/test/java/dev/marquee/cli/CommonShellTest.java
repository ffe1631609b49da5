package dev.marquee.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.infra.testing.ChildEnvironment;
import dev.marquee.infra.testing.ChildRun;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The scripts' shared library (scripts/lib/common.sh), run by bash as the scripts run it. */
class CommonShellTest {
    private static final Path COMMON = Path.of("").toAbsolutePath().getParent().resolve("lib/common.sh");

    @TempDir
    Path dir;

    private record Run(int status, String out, String err) {}

    private Run bash(String script, String path) throws IOException, InterruptedException {
        return bash(script, path, "");
    }

    /** {@code script} after common.sh, with set -euo pipefail as the scripts have it, and {@code root} as $ROOT. */
    private Run bash(String script, String path, String root) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", "set -euo pipefail; source '" + COMMON + "'; " + script);
        ChildEnvironment.scrub(pb.environment());
        pb.environment().put("PATH", path);
        pb.environment().put("ROOT", root);
        pb.environment().put("MARQUEE_STATE", dir.resolve("state").toString());
        Path out = dir.resolve("out.txt");
        Path err = dir.resolve("err.txt");
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("bash ended").isTrue();
        return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    /** A PATH whose getconf reports {@code glibc}, ahead of the real one (java and mvn still found). */
    private String pathWithGlibc(String glibc) throws IOException {
        return pathWithGetconf("glibc-" + glibc, "echo 'glibc " + glibc + "'");
    }

    private String pathWithGetconf(String name, String body) throws IOException {
        Path bin = Files.createDirectories(dir.resolve("bin-" + name));
        Path getconf = bin.resolve("getconf");
        Files.writeString(getconf, "#!/bin/sh\n" + body + "\n", StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(getconf, PosixFilePermissions.fromString("rwxr-xr-x"));
        String javaBin = Path.of(System.getProperty("java.home"), "bin").toString();
        return bin + ":" + javaBin + ":" + System.getenv("PATH");
    }

    /** scripts/{@code script} with {@code args}: its exit status and standard error. */
    private Run script(String script, String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("bash",
                COMMON.getParent().getParent().resolve(script).toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        ChildEnvironment.scrub(pb.environment());
        pb.environment().put("MARQUEE_STATE", dir.resolve("state").toString());
        Path err = dir.resolve(script + "-err.txt");
        Process p = pb.redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(err.toFile()).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as(script + " ended").isTrue();
        return new Run(p.exitValue(), "", Files.readString(err));
    }

    /**
     * java_waited: a TERM to the script alone (a supervisor's, `kill PID`) reaches the JVM, and the script's own
     * traps (its TERM trap, then its EXIT trap, which removes what the JVM reads) run only once the JVM has stopped:
     * a `java` in the foreground was left running under its deleted classes (bench-drift) before. Without a TERM
     * trap of its own the script exits 143; with one (cluster-e2e's, naming why it stopped) that trap decides.
     */
    @Test
    void javaWaitedStopsTheJvmBeforeTheScriptsTrapsRun() throws Exception {
        Path bin = Files.createDirectories(dir.resolve("bin-java"));
        Path fakeJava = bin.resolve("java");
        // a JVM stand-in whose shutdown (its hooks) takes a second: what the script's traps must not overtake
        Files.writeString(fakeJava, "#!/bin/bash\ntrap 'sleep 1; touch \"$1/stopped\"; exit 143' TERM\n"
                + "touch \"$1/started\"\nsleep 60 & wait $!\n", StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(fakeJava, PosixFilePermissions.fromString("rwxr-xr-x"));
        String order = "[ -f '%1$s/stopped' ] && echo %2$s-after-the-jvm >> '%1$s/order' || echo %2$s-overtook >> '%1$s/order'";

        Process plain = startWaited(bin, "trap \"" + String.format(order, dir, "exit") + "\" EXIT");
        assertThat(plain.exitValue()).isEqualTo(143);
        assertThat(Files.readAllLines(dir.resolve("order"))).containsExactly("exit-after-the-jvm");

        Files.delete(dir.resolve("order"));
        Files.delete(dir.resolve("started"));
        Files.delete(dir.resolve("stopped"));
        Process ownTrap = startWaited(bin, "trap \"" + String.format(order, dir, "exit") + "\" EXIT; trap \""
                + String.format(order, dir, "term") + "; exit 99\" TERM");
        assertThat(ownTrap.exitValue()).as("the script's own TERM trap decides").isEqualTo(99);
        assertThat(Files.readAllLines(dir.resolve("order"))).containsExactly("term-after-the-jvm", "exit-after-the-jvm");
    }

    /**
     * A TERM that reaches the script after java_waited set its traps but before the JVM's pid is known (sent here
     * by a DEBUG trap as the {@code java} command is about to run) still stops the JVM: without that the script
     * would wait out the whole run of a JVM nobody told to stop.
     */
    @Test
    void javaWaitedStopsAJvmWhoseSignalCameBeforeItsPid() throws Exception {
        Path bin = Files.createDirectories(dir.resolve("bin-java-early"));
        Path fakeJava = bin.resolve("java");
        Files.writeString(fakeJava, "#!/bin/bash\nsleep 120 & wait $!\ntouch \"$1/ran-out\"\n", StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(fakeJava, PosixFilePermissions.fromString("rwxr-xr-x"));
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", "set -euo pipefail; source '" + COMMON + "'; set -o functrace; "
                + "trap '[[ \"$BASH_COMMAND\" != java\\ * ]] || kill -TERM $$' DEBUG; java_waited '" + dir
                + "'; echo not-reached >> '" + dir + "/order'");
        ChildEnvironment.scrub(pb.environment());
        pb.environment().put("PATH", bin + ":" + System.getenv("PATH"));
        Process p = pb.redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        boolean ended = p.waitFor(30, TimeUnit.SECONDS);
        if (!ended) p.destroyForcibly();
        assertThat(ended).as("the script ended without waiting out its JVM").isTrue();
        assertThat(p.exitValue()).isEqualTo(143);
        assertThat(dir.resolve("order")).doesNotExist();
        assertThat(dir.resolve("ran-out")).doesNotExist();
    }

    /** A script with {@code traps} running java_waited on the stand-in in {@code bin}, sent TERM once it started. */
    private Process startWaited(Path bin, String traps) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", "set -euo pipefail; source '" + COMMON + "'; " + traps
                + "; java_waited '" + dir + "'; echo not-reached >> '" + dir + "/order'");
        ChildEnvironment.scrub(pb.environment());
        pb.environment().put("PATH", bin + ":" + System.getenv("PATH"));
        Process p = pb.redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!Files.exists(dir.resolve("started")) && System.nanoTime() < deadline) {
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
        assertThat(dir.resolve("started")).as("the stand-in started").exists();
        p.destroy(); // SIGTERM to bash alone
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("bash ended").isTrue();
        return p;
    }

    /** More rows than one request holds: a usage error naming the limit, before any Python or model is needed. */
    @Test
    void checkPythonInteropRefusesMoreRowsThanOneRequestHolds() throws Exception {
        Run r = script("check-python-interop", "--rows", "20000");
        assertThat(r.status()).as(r.err()).isEqualTo(2);
        assertThat(r.err()).contains("--rows is at most 10000");
    }

    /** A tolerance that is not a positive number is refused before Python is installed or a model trained. */
    @Test
    void checkPythonInteropRefusesAToleranceThatIsNotAPositiveNumber() throws Exception {
        for (String bad : List.of("abc", "0", "-1e-5", "1e")) {
            Run r = script("check-python-interop", "--tolerance", bad);
            assertThat(r.status()).as(bad + ": " + r.err()).isEqualTo(2);
            assertThat(r.err()).contains("--tolerance must be a number above 0 (such as 1e-5), got '" + bad + "'");
        }
    }

    /** A rate so low that a drift window holding 450 requests would outlast drift.window.ms's day is refused. */
    @Test
    void runLocalRefusesARateTooLowForADriftWindow() throws Exception {
        Run r = script("run-local", "--rate", "0.001");
        assertThat(r.status()).as(r.err()).isEqualTo(2);
        assertThat(r.err()).contains("--rate must be 0 (as fast as possible) or at least 0.01/s, got '0.001'");
    }

    private record FetchRun(int exitValue, String stderr) { }

    /** scripts/fetch-movielens FOLDER (run in {@code workDir}, else here) with MOVIELENS_URL = {@code url}. */
    private FetchRun fetchMovieLens(String folder, Path workDir, String url) throws Exception {
        return fetchMovieLens(folder, workDir, url, System.getenv("PATH"));
    }

    private FetchRun fetchMovieLens(String folder, Path workDir, String url, String path) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("bash", COMMON.getParent().getParent().resolve("fetch-movielens").toString(), folder);
        ChildEnvironment.scrub(pb.environment());
        pb.environment().put("PATH", path);
        if (workDir != null) pb.directory(workDir.toFile());
        pb.environment().put("MOVIELENS_URL", url);
        pb.environment().put("MARQUEE_STATE", dir.resolve("state").toString());
        Path err = dir.resolve("fetch-err.txt");
        Process p = pb.redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(err.toFile()).start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("fetch-movielens ended").isTrue();
        return new FetchRun(p.exitValue(), Files.readString(err));
    }

    /** A target folder that cannot be made stops before the download, with the remedy, not after it with mkdir's error. */
    @Test
    void fetchMovieLensStopsBeforeDownloadingWhenItCannotCreateTheTarget() throws Exception {
        Path notAFolder = Files.writeString(dir.resolve("a-file"), "");
        FetchRun run = fetchMovieLens(notAFolder.resolve("ml-100k").toString(), null, "file://" + dir.resolve("nothing-here.zip"));
        String stderr = run.stderr();
        assertThat(run.exitValue()).as(stderr).isEqualTo(2);
        assertThat(stderr).contains("cannot create " + notAFolder).contains("export MOVIELENS_DIR=")
                .doesNotContain("downloading");
    }

    /** A download that is no zip (a proxy's or a portal's page answered 200) is said as such, not as unzip's text. */
    @Test
    void fetchMovieLensSaysWhenTheDownloadIsNoZip() throws Exception {
        aDownloadThatIsNoZipIsSaid(System.getenv("PATH"));
    }

    /** The same where unzip is not installed, and the JDK's jar tool unpacks. */
    @Test
    void fetchMovieLensWithoutUnzipSaysWhenTheDownloadIsNoZip() throws Exception {
        Path bin = Files.createDirectories(dir.resolve("bin-without-unzip"));
        // this JVM's own bin first: Maven may run on JAVA_HOME with no JDK's java and jar on PATH
        List<String> folders = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin").toString()));
        folders.addAll(List.of(System.getenv("PATH").split(":")));
        for (String folder : folders) {
            Path from = Path.of(folder).toAbsolutePath();
            if (folder.isEmpty() || !Files.isDirectory(from)) continue;
            try (java.util.stream.Stream<Path> tools = Files.list(from)) {
                for (Path tool : (Iterable<Path>) tools::iterator) {
                    Path link = bin.resolve(tool.getFileName());
                    if (!tool.getFileName().toString().equals("unzip") && !Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                        Files.createSymbolicLink(link, tool);
                    }
                }
            }
        }
        assertThat(bin.resolve("unzip")).doesNotExist();
        aDownloadThatIsNoZipIsSaid(bin.toString());
    }

    private void aDownloadThatIsNoZipIsSaid(String path) throws Exception {
        Path page = Files.writeString(dir.resolve("page.zip"), "<html>sign in to the network</html>\n");
        Path target = dir.resolve("ml-100k");
        FetchRun run = fetchMovieLens(target.toString(), null, "file://" + page, path);
        String stderr = run.stderr();
        assertThat(run.exitValue()).as(stderr).isEqualTo(1);
        assertThat(stderr).contains("did not give a zip file (a proxy's or a portal's page instead?)")
                .as("what came instead: file's verdict, or its size without file").containsPattern("HTML|text|\\d+ bytes");
        assertThat(target).doesNotExist();
        assertThat(dir.resolve("ml-100k.partial")).as("nothing half-unpacked beside it").doesNotExist();
    }

    /**
     * A copy that does not check (a filtered u.data, say) is replaced by the download, and the script says why and
     * keeps the old one aside instead of deleting it. The "download" is a local archive of the right shape.
     */
    @Test
    void fetchMovieLensSaysWhyItReplacesACopyAndKeepsTheOldOne() throws Exception {
        Path archiveDir = dir.resolve("archive/ml-100k");
        Files.createDirectories(archiveDir);
        for (String f : List.of("u.data:100000", "u.item:1682", "u.user:943", "u1.base:80000", "u1.test:20000")) {
            String[] nameLines = f.split(":");
            Files.writeString(archiveDir.resolve(nameLines[0]), "1\t1\t5\t881250949\n".repeat(Integer.parseInt(nameLines[1])));
        }
        Path zip = dir.resolve("ml-100k.zip");
        ProcessBuilder zipper = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jar").toString(), "cfM", zip.toString(), "-C", dir.resolve("archive").toString(), "ml-100k");
        ChildEnvironment.scrub(zipper.environment());
        Process z = zipper.inheritIO().start();
        assertThat(z.waitFor(60, TimeUnit.SECONDS) && z.exitValue() == 0).as("archive made").isTrue();
        Path target = dir.resolve("ml-100k");
        Files.createDirectories(target);
        Files.writeString(target.resolve("u.data"), "1\t1\t5\t881250949\n".repeat(5));

        FetchRun run = fetchMovieLens(target.toString(), null, "file://" + zip);
        String stderr = run.stderr();
        assertThat(run.exitValue()).as(stderr).isZero();
        assertThat(stderr).contains("replacing the copy at " + target + ", which did not check")
                .contains(target.resolve("u.data") + " has 5 lines, expected 100000").contains("kept at " + target + ".old");
        assertThat(Files.readAllLines(target.resolve("u.data"))).hasSize(100_000);
        assertThat(Files.readAllLines(Path.of(target + ".old").resolve("u.data"))).as("the old copy, aside").hasSize(5);

        // the folder spelt with a trailing slash (tab completion), existing and empty, or new and relative
        Path slashed = Files.createDirectories(dir.resolve("sp ace/ml"));
        Path fresh = dir.resolve("sp ace/new");
        for (String[] given : new String[][] {{slashed + "/", dir.toString(), "ml"}, {"new/", dir.resolve("sp ace").toString(), "new"}}) {
            FetchRun again = fetchMovieLens(given[0], Path.of(given[1]), "file://" + zip);
            String said = again.stderr();
            assertThat(again.exitValue()).as(said).isZero();
            assertThat(said).as("a path to paste").contains("export MOVIELENS_DIR=" + dir.toString().replace(" ", "\\ ")
                    + "/sp\\ ace/" + given[2] + "\n");
        }
        for (Path t : List.of(slashed, fresh)) {
            assertThat(Files.readAllLines(t.resolve("u.data"))).as(t.toString()).hasSize(100_000);
            try (var inside = Files.list(t)) {
                assertThat(inside.map(e -> e.getFileName().toString())).as("nothing of the script's inside " + t)
                        .noneMatch(n -> n.startsWith("."));
            }
        }
        try (var beside = Files.list(dir.resolve("sp ace"))) {
            assertThat(beside.map(e -> e.getFileName().toString())).containsExactlyInAnyOrder("ml", "new");
        }
    }

    /**
     * A job takes its default and max parallelism and checkpoint settings from where it is submitted: the cluster's
     * CLI config carries them all, or a job submitted without --parallelism ran at 1 and lost its checkpoints on cancel.
     */
    @Test
    void theClustersClientConfigCarriesTheJobsParallelismAndEveryCheckpointSetting() throws Exception {
        Path cluster = COMMON.resolveSibling("cluster.sh");
        Run r = bash("MARQUEE_CLUSTER_DIR='" + dir.resolve("cluster") + "'; source '" + cluster + "'; REST_PORT=18081;"
                + " JM_RPC_PORT=16123; cluster_write_conf; cat \"$CLUSTER_DIR/conf-client/config.yaml\"", System.getenv("PATH"));
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.out()).contains("rest.port: 18081", "parallelism.default: 2",
                "execution.checkpointing.externalized-checkpoint-retention: RETAIN_ON_CANCELLATION",
                "execution.checkpointing.timeout: 2 min", "execution.checkpointing.tolerable-failed-checkpoints: 3")
                .as("the directories are this cluster's, given to its JVMs").doesNotContain("execution.checkpointing.dir");
        Run three = bash("MARQUEE_CLUSTER_DIR='" + dir.resolve("cluster3") + "'; MARQUEE_CLUSTER_TASKMANAGERS=3;"
                + " source '" + cluster + "'; REST_PORT=18081; JM_RPC_PORT=16123; cluster_write_conf;"
                + " cat \"$CLUSTER_DIR/conf-client/config.yaml\"", System.getenv("PATH"));
        assertThat(three.out()).as("every slot of the cluster").contains("parallelism.default: 3");
        Run overridden = bash("MARQUEE_CLUSTER_DIR='" + dir.resolve("cluster-opts") + "';"
                + " MARQUEE_CLUSTER_FLINK_OPTS='taskmanager.numberOfTaskSlots=2 execution.checkpointing.timeout=10min"
                + " pipeline.max-parallelism=256';"
                + " source '" + cluster + "'; REST_PORT=18081; JM_RPC_PORT=16123; cluster_write_conf;"
                + " cat \"$CLUSTER_DIR/conf-client/config.yaml\"", System.getenv("PATH"));
        assertThat(overridden.status()).as(overridden.err()).isZero();
        assertThat(overridden.out()).as("the JVMs' overrides count too")
                .contains("parallelism.default: 4", "execution.checkpointing.timeout: 10min",
                        "pipeline.max-parallelism: 256");
    }

    /** The cluster's numbers from the environment are checked when cluster.sh is read, naming the variable. */
    @Test
    void theClustersNumbersFromTheEnvironmentAreCheckedBeforeAnythingStarts() throws Exception {
        Path cluster = COMMON.resolveSibling("cluster.sh");
        for (String bad : List.of("MARQUEE_CLUSTER_TASKMANAGERS=two", "MARQUEE_CLUSTER_TASKMANAGERS=0",
                "MARQUEE_CLUSTER_PARTITIONS=08", "MARQUEE_CLUSTER_KAFKA_PORT=abc", "MARQUEE_CLUSTER_REST_PORT=65500")) {
            Run r = bash("MARQUEE_CLUSTER_DIR='" + dir.resolve("cluster") + "'; " + bad + "; source '" + cluster
                    + "'; echo sourced", System.getenv("PATH"));
            String name = bad.substring(0, bad.indexOf('='));
            assertThat(r.status()).as(bad + ": " + r.err()).isEqualTo(2);
            assertThat(r.err()).as(bad).startsWith("marquee: " + name + " must be a whole number from ")
                    .contains("got '" + bad.substring(bad.indexOf('=') + 1) + "'");
            assertThat(r.out()).doesNotContain("sourced");
        }
        Run fine = bash("MARQUEE_CLUSTER_DIR='" + dir.resolve("cluster") + "'; MARQUEE_CLUSTER_TASKMANAGERS=3;"
                + " MARQUEE_CLUSTER_KAFKA_PORT=29092; source '" + cluster + "'; echo \"$CLUSTER_TASKMANAGERS\"",
                System.getenv("PATH"));
        assertThat(fine.status()).as(fine.err()).isZero();
        assertThat(fine.out().strip()).isEqualTo("3");
    }

    /** A cluster left running writes a checkpoint's lines a minute (more at exactly-once): its logs roll, as Flink's own. */
    @Test
    void theClustersLogsRollOverBySize() throws Exception {
        Path cluster = COMMON.resolveSibling("cluster.sh");
        Run r = bash("MARQUEE_CLUSTER_DIR='" + dir.resolve("cluster") + "'; source '" + cluster + "'; REST_PORT=18081;"
                + " JM_RPC_PORT=16123; cluster_write_conf; cat \"$CLUSTER_DIR/conf/log4j.properties\"", System.getenv("PATH"));
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.out()).contains("appender.main.type = RollingFile", "appender.main.filePattern = ${sys:log.file}.%i",
                "appender.main.policies.size.size = 100MB", "appender.main.strategy.max = 10");
        java.util.Properties log4j = new java.util.Properties();
        log4j.load(new java.io.StringReader(r.out()));
        assertThat(log4j.getProperty("rootLogger.appenderRef.file.ref")).isEqualTo(log4j.getProperty("appender.main.name"));
    }

    /**
     * What the scripts take from the environment and their path options is a local path: a file:/// URI becomes its
     * path, percent-escapes decoded as the Java commands decode them; another URI stops the script naming the setting,
     * instead of becoming a folder named "s3:" under the working directory.
     */
    @Test
    void uriValuesOfPathSettingsAreReadOrRefused() throws Exception {
        Run file = bash("export MARQUEE_REGISTRY='file:///mnt/my%20registry'; source '" + COMMON + "';"
                + " printf '%s' \"$MARQUEE_REGISTRY\"", System.getenv("PATH"));
        assertThat(file.status()).as(file.err()).isZero();
        assertThat(file.out()).isEqualTo("/mnt/my registry");
        Run s3 = bash("export MARQUEE_E2E_REGISTRY='s3://bucket/registry'; source '" + COMMON + "'; echo reached",
                System.getenv("PATH"));
        assertThat(s3.status()).isEqualTo(2);
        assertThat(s3.out()).doesNotContain("reached");
        assertThat(s3.err()).startsWith("marquee: MARQUEE_E2E_REGISTRY must be a path (or a file:/// URI) on a local or"
                + " mounted file system, not s3://bucket/registry");
        Run option = bash("absolute_option_values '--out --registry' --registry=hdfs://nn/r --out o; echo reached",
                System.getenv("PATH"));
        assertThat(option.status()).isEqualTo(2);
        assertThat(option.err()).contains("--registry must be a path");
        for (String bad : new String[] {"file:///data/50%off", "file:///srv/a\\cache", "file:///x?q", "file:///a%00b"}) {
            Run refused = bash("export MARQUEE_REGISTRY='" + bad + "'; source '" + COMMON + "'; echo reached",
                    System.getenv("PATH"));
            assertThat(refused.status()).as(bad).isEqualTo(2);
            assertThat(refused.err()).as(bad).startsWith("marquee: MARQUEE_REGISTRY is not a usable file:/// URI");
        }
        Run cluster = bash("export MARQUEE_CLUSTER_DIR='s3://bucket/cluster'; source '" + COMMON + "'; echo reached",
                System.getenv("PATH"));
        assertThat(cluster.status()).isEqualTo(2);
        assertThat(cluster.err()).startsWith("marquee: MARQUEE_CLUSTER_DIR must be a path");
        Run relative = bash("cd '" + dir + "'; export MARQUEE_REGISTRY=reg; source '" + COMMON + "';"
                + " printf '%s' \"$MARQUEE_REGISTRY\"", System.getenv("PATH"));
        assertThat(relative.out()).isEqualTo(dir.toRealPath() + "/reg");
        Run colon = bash("cd '" + dir + "'; printf '%s' \"$(local_path X 'a/b://c')\"", System.getenv("PATH"));
        assertThat(colon.out()).as("not a URI: no scheme before its ://").isEqualTo("a/b://c");
    }

    /**
     * run-local notes a serving version trained on other rows than those of the demo's split, read from its model
     * card as marquee writes them: a trained one names no part, an import does, a retrained one has a retrain section.
     */
    @Test
    void theDemoNotesOnlyVersionsTrainedOnOtherRowsThanItsSplit() throws Exception {
        java.util.function.BiFunction<String, dev.marquee.model.ModelCard, String> note = (name, card) -> {
            try {
                Path version = Files.createDirectories(dir.resolve("registry").resolve(name));
                card.write(version);
                Run r = bash("trained_on_other_rows '" + version + "'", System.getenv("PATH"));
                assertThat(r.status()).as(r.err()).isZero();
                return r.out().trim();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        };
        java.util.function.BiFunction<String, String, java.util.Map<String, Object>> data = (split, part) -> {
            java.util.Map<String, Object> d = new java.util.LinkedHashMap<>();
            d.put("source", "MovieLens 100K at /data/ml-100k");
            d.put("split", split);
            if (part != null) d.put("part", part);
            d.put("trained_rows", 80000);
            return d;
        };
        java.util.Map<String, Object> metrics = java.util.Map.of("default", java.util.Map.of("test", java.util.Map.of("rmse", 0.93)));
        assertThat(note.apply("trained", new dev.marquee.model.ModelCard().put("architecture", "default")
                .put("data", data.apply("random-80/10/10-seed42", null)).put("metrics", metrics)))
                .as("marquee train --split random, as the demo trains version 1").isEmpty();
        assertThat(note.apply("imported", new dev.marquee.model.ModelCard().put("architecture", "imported")
                .put("contract", java.util.Map.of("signature", "serving_default"))
                .put("data", data.apply("time-60/20/20", "train")).put("metrics", metrics)))
                .isEqualTo("time-60/20/20 train");
        assertThat(note.apply("all", new dev.marquee.model.ModelCard().put("data", data.apply("time-60/20/20", "all"))))
                .as("every row").isEmpty();
        assertThat(note.apply("retrained", new dev.marquee.model.ModelCard().put("architecture", "default")
                .put("data", data.apply("validation", null)).put("metrics", metrics)
                .put("retrain", java.util.Map.of("base_version", 1)))).as("a retrain, judged on validation").isEmpty();
        assertThat(note.apply("other seed", new dev.marquee.model.ModelCard().put("data", data.apply("random-80/10/10-seed7", null))))
                .isEqualTo("random-80/10/10-seed7");
        assertThat(note.apply("no data", new dev.marquee.model.ModelCard().put("architecture", "imported"))).isEmpty();
    }

    /**
     * The cluster's lib/ is assembled again when the root pom moves a version it takes: a property (Flink's) or a
     * managed version of a library pinned there (lz4), or the cluster would keep running the old jar parent-first.
     */
    @Test
    void theClustersLibKeyFollowsEveryVersionTheRootPomGivesIt() throws Exception {
        Path cluster = COMMON.resolveSibling("cluster.sh");
        Path realRoot = COMMON.getParent().getParent().getParent();
        Path root = dir.resolve("root");
        Files.createDirectories(root.resolve("scripts/lib/cluster"));
        Files.copy(realRoot.resolve("scripts/lib/cluster/pom.xml"), root.resolve("scripts/lib/cluster/pom.xml"));
        String pom = Files.readString(realRoot.resolve("pom.xml"));
        java.util.function.Function<String, String> key = text -> {
            try {
                Files.writeString(root.resolve("pom.xml"), text);
                Run r = bash("source '" + cluster + "'; MARQUEE_ROOT='" + root + "'; cluster_lib_key", System.getenv("PATH"));
                assertThat(r.status()).as(r.err()).isZero();
                return r.out().trim();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        };
        String before = key.apply(pom);
        assertThat(key.apply(pom)).as("the same poms, the same key").isEqualTo(before);
        String lz4 = "<artifactId>lz4-java</artifactId>\n        <version>";
        assertThat(pom).contains(lz4);
        assertThat(key.apply(pom.replace(lz4 + "1.", lz4 + "9."))).as("lz4's managed version moved").isNotEqualTo(before);
        assertThat(key.apply(pom.replaceFirst("<flink.version>[^<]*<", "<flink.version>9.9.9<")))
                .as("Flink's version moved").isNotEqualTo(before);
        String managed = "<dependencyManagement>\n    <dependencies>";
        assertThat(pom).contains(managed);
        assertThat(key.apply(pom.replace(managed, managed + "\n      <dependency>\n        <groupId>org.example</groupId>\n"
                + "        <artifactId>a-test-library</artifactId>\n        <version>${assertj.version}</version>\n"
                + "      </dependency>"))).as("a managed test library, by a property lib/ does not use").isEqualTo(before);
    }

    /**
     * A cluster's processes are found by its folder's path in their command lines: the folder given with a trailing
     * slash, or through a symbolic link, must name the same cluster, or `down` stops nothing and `up` wipes a running one.
     */
    @Test
    void aClustersFolderIsNamedTheSameHoweverItIsSpelt() throws Exception {
        Path cluster = COMMON.resolveSibling("cluster.sh");
        Path real = Files.createDirectories(dir.resolve("real-cluster"));
        Path link = Files.createSymbolicLink(dir.resolve("link-cluster"), real);
        for (String spelt : List.of(real + "/", link.toString(), link + "/", real + "/./")) {
            Run r = bash("MARQUEE_CLUSTER_DIR='" + spelt + "'; source '" + cluster + "'; printf '%s' \"$CLUSTER_DIR\"",
                    System.getenv("PATH"));
            assertThat(r.status()).as(r.err()).isZero();
            assertThat(r.out()).as(spelt).isEqualTo(real.toRealPath().toString());
        }
        // a process started by earlier scripts, with the folder spelt through the link: still this cluster's
        Run alive = bash("MARQUEE_CLUSTER_DIR='" + real + "'; source '" + cluster + "'; mkdir -p \"$CLUSTER_DIR/run\";"
                + " bash -c 'sleep 60; true' x '-Dmarquee.cluster=" + link + "/' & echo $! > \"$CLUSTER_DIR/run/kafka.pid\";"
                + " for i in $(seq 1 1000); do tr '\\0' '\\n' < /proc/$!/cmdline | grep -q '^-Dmarquee.cluster=' && break; done;"
                + " if pid_alive kafka; then echo alive; else echo dead; fi; kill $!", System.getenv("PATH"));
        assertThat(alive.out()).as(alive.err()).isEqualTo("alive\n");
    }

    /**
     * Two `cluster up`s of one folder at once would both find it down and start two of everything on the same files:
     * the second stops with one line. The JVMs an `up` starts do not inherit its lock, so once that `up` has ended a
     * running cluster does not block the next one.
     */
    @Test
    void oneClusterUpAtATimeAndItsJvmsDoNotKeepTheLock() throws Exception {
        Path cluster = COMMON.resolveSibling("cluster.sh");
        Path bin = Files.createDirectories(dir.resolve("bin-fake-java"));
        Path java = bin.resolve("java");
        Files.writeString(java, "#!/bin/sh\nexec sleep 120\n", StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        String path = bin + ":" + System.getenv("PATH");
        String prelude = "MARQUEE_CLUSTER_DIR='" + dir.resolve("cluster") + "'; source '" + cluster + "'; ";

        ProcessBuilder first = new ProcessBuilder("bash", "-c", "set -euo pipefail; source '" + COMMON + "'; " + prelude
                + "cluster_lock_up; mkdir -p \"$CLUSTER_DIR/run\"; start_jvm kafka /dev/null; echo locked; read -r line");
        ChildEnvironment.scrub(first.environment());
        first.environment().put("PATH", path);
        first.environment().put("MARQUEE_STATE", dir.resolve("state").toString());
        Process up = first.redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            var lines = new java.io.BufferedReader(new java.io.InputStreamReader(up.getInputStream(), StandardCharsets.UTF_8));
            assertThat(lines.readLine()).as("the first up took the lock").isEqualTo("locked");

            Run second = bash(prelude + "cluster_lock_up; echo locked", path);
            assertThat(second.status()).as(second.out()).isEqualTo(1);
            assertThat(second.err()).isEqualTo("marquee: another 'scripts/cluster up' of "
                    + dir.resolve("cluster").toRealPath() + " is running: wait for it, or scripts/cluster status\n");

            up.getOutputStream().close();
            assertThat(up.waitFor(60, TimeUnit.SECONDS)).as("the first up ended").isTrue();
            Run third = bash(prelude + "kill -0 \"$(pid_of kafka)\"; cluster_lock_up; echo locked", path);
            assertThat(third.out()).as(third.err()).isEqualTo("locked\n");
        } finally {
            up.destroyForcibly();
            bash(prelude + "kill \"$(pid_of kafka)\" 2>/dev/null || true", path);
        }
    }

    /**
     * Locking that fails for another reason than another `up` (a file system without locks, an unwritable lock file)
     * does not pass for one: without locks the cluster starts unlocked, saying so; an unusable lock file is named.
     */
    @Test
    void aLockThatCannotBeTakenIsNotTakenForAnotherUp() throws Exception {
        Path cluster = COMMON.resolveSibling("cluster.sh");
        Path bin = Files.createDirectories(dir.resolve("bin-no-locks"));
        Path flock = bin.resolve("flock");
        Files.writeString(flock, "#!/bin/sh\nexit 71\n", StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(flock, PosixFilePermissions.fromString("rwxr-xr-x"));
        String prelude = "MARQUEE_CLUSTER_DIR='" + dir.resolve("cluster") + "'; source '" + cluster + "'; ";
        Run noLocks = bash(prelude + "cluster_lock_up; echo going on", bin + ":" + System.getenv("PATH"));
        assertThat(noLocks.out()).as(noLocks.err()).isEqualTo("going on\n");
        assertThat(noLocks.err()).contains("could not lock").contains("flock exit 71").contains("going on unlocked");

        Files.delete(dir.resolve("cluster/.up.lock"));
        Files.createDirectories(dir.resolve("cluster/.up.lock"));
        Run unusable = bash(prelude + "cluster_lock_up; echo going on", System.getenv("PATH"));
        assertThat(unusable.status()).isEqualTo(1);
        assertThat(unusable.err()).isEqualTo("marquee: cannot write " + dir.resolve("cluster").toRealPath()
                + "/.up.lock: set MARQUEE_CLUSTER_DIR to a folder you can write\n");
    }

    /** The benchmarks' test classpath is written again when any pom is newer (a version bumped in the root pom). */
    @Test
    void theBenchmarksTestClasspathFollowsEveryPom() throws Exception {
        Path root = Files.createDirectories(dir.resolve("root"));
        Path classpath = Files.createDirectories(root.resolve("job/target")).resolve("test-classpath.txt");
        Files.writeString(classpath, "a.jar");
        Path rootPom = Files.writeString(root.resolve("pom.xml"), "<project/>");
        Files.setLastModifiedTime(rootPom, java.nio.file.attribute.FileTime.fromMillis(
                Files.getLastModifiedTime(classpath).toMillis() - 60_000));
        String script = "MARQUEE_ROOT='" + root + "'; maven_step() { echo \"ran $1\"; }; ensure_test_classpath c.log; echo done";
        Run current = bash(script, System.getenv("PATH"));
        assertThat(current.out()).as(current.err()).isEqualTo("done\n");
        Files.setLastModifiedTime(rootPom, java.nio.file.attribute.FileTime.fromMillis(
                Files.getLastModifiedTime(classpath).toMillis() + 60_000));
        Run stale = bash(script, System.getenv("PATH"));
        assertThat(stale.out()).as(stale.err()).isEqualTo("ran c.log\ndone\n");
    }

    /**
     * Each JVM the scripts start gets a temporary folder of its own under the state folder, kept while that JVM runs
     * and removed by the next script once it has ended, however it ended (here: kill -9), so what a stopped JVM
     * leaves there does not pile up. A java.io.tmpdir in MARQUEE_JAVA_OPTS is left to decide alone.
     */
    @Test
    void aJvmsTemporaryFolderIsItsOwnAndGoesWhenTheJvmHasEnded() throws Exception {
        String tmpOption = "jvm_opts job; printf '%s\\n' \"${JVM_OPTS[@]}\" | sed -n 's/^-Djava.io.tmpdir=//p'";
        ProcessBuilder first = new ProcessBuilder("bash", "-c", "set -euo pipefail; source '" + COMMON + "'; "
                + tmpOption + "; exec sleep 120");
        ChildEnvironment.scrub(first.environment());
        first.environment().put("MARQUEE_STATE", dir.resolve("state").toString());
        first.environment().remove("MARQUEE_JAVA_OPTS");
        Process running = first.redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            var lines = new java.io.BufferedReader(new java.io.InputStreamReader(running.getInputStream(), StandardCharsets.UTF_8));
            Path runningTmp = Path.of(lines.readLine());
            assertThat(runningTmp.getParent()).isEqualTo(dir.resolve("state/tmp"));
            assertThat(runningTmp.getFileName().toString()).startsWith(running.pid() + "-");
            Files.writeString(runningTmp.resolve("flink-rpc-akka.jar"), "left by a JVM");

            Run second = bash(tmpOption, System.getenv("PATH"));
            Path secondTmp = Path.of(second.out().strip());
            assertThat(secondTmp.getParent()).as(second.err()).isEqualTo(dir.resolve("state/tmp"));
            assertThat(secondTmp).isDirectory().isNotEqualTo(runningTmp);
            assertThat(runningTmp.resolve("flink-rpc-akka.jar")).as("kept while its JVM runs").exists();

            running.destroyForcibly();
            assertThat(running.waitFor(60, TimeUnit.SECONDS)).as("killed").isTrue();
            Run third = bash(tmpOption, System.getenv("PATH"));
            assertThat(runningTmp).as("gone once its JVM ended by kill -9").doesNotExist();
            assertThat(secondTmp).as("gone once its shell ended").doesNotExist();
            try (var left = Files.list(dir.resolve("state/tmp"))) {
                assertThat(left.map(p -> p.getFileName().toString()).toList())
                        .containsExactly(Path.of(third.out().strip()).getFileName().toString());
            }

            Run own = bash("MARQUEE_JAVA_OPTS='-Djava.io.tmpdir=/var/tmp/mine'; " + tmpOption, System.getenv("PATH"));
            assertThat(Path.of(third.out().strip()).getParent()).isEqualTo(dir.resolve("state/tmp"));
            assertThat(own.out()).as(own.err()).isEqualTo("/var/tmp/mine\n");
        } finally {
            running.destroyForcibly();
        }
    }

    /**
     * A build deletes and writes again the classes the scripts' JVMs run on: while one of this checkout's runs (its
     * temporary folder locked, or run-local's lock held by another run-local), a build is refused in one line naming
     * it, and goes ahead once it has ended. run-local's own build does not count its own lock.
     */
    @Test
    void noBuildUnderTheClassesOfARunningJvm() throws Exception {
        Path bin = Files.createDirectories(dir.resolve("bin-mvn17"));
        Path mvn = bin.resolve("mvn");
        Path ran = dir.resolve("mvn-ran");
        Files.writeString(mvn, "#!/bin/sh\nif [ \"$1\" = -v ]; then echo 'Apache Maven 3.9.9'; echo 'Java version: 17.0.15, vendor: X';"
                + " exit 0; fi\necho \"$*\" >> '" + ran + "'\n", StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(mvn, PosixFilePermissions.fromString("rwxr-xr-x"));
        String path = bin + ":" + Path.of(System.getProperty("java.home"), "bin") + ":" + System.getenv("PATH");

        ProcessBuilder jvm = new ProcessBuilder("bash", "-c", "set -euo pipefail; source '" + COMMON + "'; "
                + "jvm_opts job; echo started; exec sleep 120");
        ChildEnvironment.scrub(jvm.environment());
        jvm.environment().put("MARQUEE_STATE", dir.resolve("state").toString());
        Process running = jvm.redirectError(ProcessBuilder.Redirect.DISCARD).start();
        Path runLocalLock = Files.createDirectories(dir.resolve("state/run-local")).resolve(".lock");
        Files.writeString(runLocalLock, "");
        Process runLocal = new ProcessBuilder("bash", "-c", "exec 8>'" + runLocalLock + "'; flock -n 8; echo held; exec sleep 120")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start(); // one process, so killing it frees the lock
        try {
            assertThat(new java.io.BufferedReader(new java.io.InputStreamReader(running.getInputStream())).readLine())
                    .isEqualTo("started");
            assertThat(new java.io.BufferedReader(new java.io.InputStreamReader(runLocal.getInputStream())).readLine())
                    .isEqualTo("held");

            Run refused = bash("ensure_built", path);
            assertThat(refused.status()).isEqualTo(1);
            assertThat(refused.err()).startsWith("marquee: sources changed since the last build, but JVMs of this"
                    + " checkout run on its classes (pid " + running.pid() + ", scripts/run-local; ps -eo pid,args | grep -F -e ")
                    .contains("/run-local/tmp | grep -v 'grep -F' lists them)").endsWith("Stop them first, then run this again\n");
            assertThat(ran).as("no build started").doesNotExist();

            // a JVM whose java.io.tmpdir the user chose still counts
            ProcessBuilder ownTmp = new ProcessBuilder("bash", "-c", "set -euo pipefail; source '" + COMMON + "'; "
                    + "MARQUEE_JAVA_OPTS=-Djava.io.tmpdir=/var/tmp; jvm_opts job; echo started; exec sleep 120");
            ChildEnvironment.scrub(ownTmp.environment());
            ownTmp.environment().put("MARQUEE_STATE", dir.resolve("state").toString());
            Process withOwnTmp = ownTmp.redirectError(ProcessBuilder.Redirect.DISCARD).start();
            try {
                assertThat(new java.io.BufferedReader(new java.io.InputStreamReader(withOwnTmp.getInputStream())).readLine())
                        .isEqualTo("started");
                Run alsoRefused = bash("ensure_built", path);
                assertThat(alsoRefused.status()).isEqualTo(1);
                assertThat(alsoRefused.err()).contains("pid " + withOwnTmp.pid() + ",", "pid " + running.pid() + ",");
            } finally {
                withOwnTmp.destroyForcibly();
                assertThat(withOwnTmp.waitFor(60, TimeUnit.SECONDS)).isTrue();
            }

            running.destroyForcibly();
            assertThat(running.waitFor(60, TimeUnit.SECONDS)).isTrue();
            runLocal.destroyForcibly();
            assertThat(runLocal.waitFor(60, TimeUnit.SECONDS)).isTrue();
            // a script another one started inherits its locks (run-local's `marquee train`, cluster-e2e's `marquee
            // replay` after its jvm_opts): those are its own family's, whose JVMs do not run yet
            String child = "bash -c \"source '" + COMMON + "'; ensure_built; echo built\"";
            Run underRunLocal = bash("exec 8>'" + runLocalLock + "'; flock -n 8; " + child, path);
            assertThat(underRunLocal.out()).as(underRunLocal.err()).isEqualTo("built\n");
            Files.delete(dir.resolve("state/build.stamp"));
            // run-local's own build, its lock on fd 8 closed for Maven (bash keeps a copy, which is still its own)
            Run runLocalItself = bash("exec 8>'" + runLocalLock + "'; flock -n 8; ensure_built 8>&-; echo built", path);
            assertThat(runLocalItself.out()).as(runLocalItself.err()).isEqualTo("built\n");
            Files.delete(dir.resolve("state/build.stamp"));
            Run underAJvmsScript = bash("jvm_opts job; " + child, path);
            assertThat(underAJvmsScript.out()).as(underAJvmsScript.err()).isEqualTo("built\n");
            assertThat(Files.readAllLines(ran)).anyMatch(line -> line.contains(" install "));
        } finally {
            running.destroyForcibly();
            runLocal.destroyForcibly();
        }
    }

    /**
     * The refusal's listing command finds the scripts' JVMs and run-local's of this checkout, and not itself, whatever
     * ASCII characters the state folder's path holds.
     */
    @Test
    void theBuildRefusalsListingFindsTheJvmsWhateverTheStateFolderIsCalled() throws Exception {
        Path state = dir.resolve("c++ (2)[x] $HOME 'q'/state");
        Path bin = Files.createDirectories(dir.resolve("bin-mvn17"));
        Files.writeString(bin.resolve("mvn"), "#!/bin/sh\nif [ \"$1\" = -v ]; then echo 'Java version: 17.0.15, vendor: X'; fi\n");
        Files.setPosixFilePermissions(bin.resolve("mvn"), PosixFilePermissions.fromString("rwxr-xr-x"));
        String path = bin + ":" + Path.of(System.getProperty("java.home"), "bin") + ":" + System.getenv("PATH");
        // a stand-in JVM: its command line carries the options a JVM gets
        ProcessBuilder jvm = new ProcessBuilder("bash", "-c", "set -euo pipefail; source '" + COMMON + "'; "
                + "jvm_opts job; echo started; exec perl -e 'sleep 120' -- \"${JVM_OPTS[@]}\"");
        ChildEnvironment.scrub(jvm.environment());
        jvm.environment().put("MARQUEE_STATE", state.toString());
        Process running = jvm.redirectError(ProcessBuilder.Redirect.DISCARD).start();
        ProcessBuilder demoJvm = new ProcessBuilder("bash", "-c", "set -euo pipefail; source '" + COMMON + "'; "
                + "MARQUEE_RUN_LOCAL_DIR=\"$MARQUEE_STATE/run-local\"; jvm_opts job; echo started; exec perl -e 'sleep 120' -- \"${JVM_OPTS[@]}\"");
        ChildEnvironment.scrub(demoJvm.environment());
        demoJvm.environment().put("MARQUEE_STATE", state.toString());
        Process demo = demoJvm.redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            assertThat(new java.io.BufferedReader(new java.io.InputStreamReader(running.getInputStream())).readLine())
                    .isEqualTo("started");
            assertThat(new java.io.BufferedReader(new java.io.InputStreamReader(demo.getInputStream())).readLine())
                    .isEqualTo("started");
            ProcessBuilder build = new ProcessBuilder("bash", "-c", "set -euo pipefail; source '" + COMMON + "'; ensure_built");
            ChildEnvironment.scrub(build.environment());
            build.environment().put("MARQUEE_STATE", state.toString());
            build.environment().put("PATH", path);
            ChildRun refused = ChildRun.of(build.redirectOutput(ProcessBuilder.Redirect.DISCARD), Duration.ofSeconds(60));
            String err = refused.err();
            assertThat(refused.exitValue()).as(err).isEqualTo(1);
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("; (ps -eo .*) lists them\\)").matcher(err);
            assertThat(m.find()).as(err).isTrue();
            String listed = ChildRun.of(new ProcessBuilder("bash", "-c", m.group(1)).redirectError(ProcessBuilder.Redirect.DISCARD),
                    Duration.ofSeconds(60)).out();
            assertThat(listed).as(m.group(1)).containsPattern("(?m)^\\s*" + running.pid() + " perl ")
                    .containsPattern("(?m)^\\s*" + demo.pid() + " perl ").doesNotContain("grep -F");
        } finally {
            running.destroyForcibly();
            demo.destroyForcibly();
        }
    }

    /**
     * Where the state folder's file system has no file locks (flock fails with another status than "held"), no lock
     * is taken for a running JVM's, and no build is refused.
     */
    @Test
    void withoutFileLocksNoBuildIsRefused() throws Exception {
        Path bin = Files.createDirectories(dir.resolve("bin-no-flock-locks"));
        Files.writeString(bin.resolve("flock"), "#!/bin/sh\nexit 65\n");
        Files.writeString(bin.resolve("mvn"), "#!/bin/sh\nif [ \"$1\" = -v ]; then echo 'Java version: 17.0.15, vendor: X'; fi\n");
        for (String tool : List.of("flock", "mvn")) {
            Files.setPosixFilePermissions(bin.resolve(tool), PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        Files.createDirectories(dir.resolve("state/tmp/4242-abc"));
        Files.writeString(dir.resolve("state/tmp/4242-abc/.lock"), "");
        Files.createDirectories(dir.resolve("state/run-local"));
        Files.writeString(dir.resolve("state/run-local/.lock"), "");
        Run run = bash("ensure_built; echo built", bin + ":" + Path.of(System.getProperty("java.home"), "bin") + ":"
                + System.getenv("PATH"));
        assertThat(run.out()).as(run.err()).isEqualTo("built\n");
        assertThat(dir.resolve("state/tmp/4242-abc")).as("not known to be abandoned either").isDirectory();
    }

    /** A state folder that cannot be made (under a file, say, or on a read-only disk) is one line naming the remedy. */
    @Test
    void aStateFolderThatCannotBeWrittenIsOneLine() throws Exception {
        Path file = Files.writeString(dir.resolve("not-a-folder"), "");
        Run r = bash("MARQUEE_STATE='" + file.resolve("state") + "'; ensure_state_dir; echo unreachable", System.getenv("PATH"));
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.out()).doesNotContain("unreachable");
        assertThat(r.err().strip()).startsWith("marquee: cannot write " + file.resolve("state"))
                .endsWith("set MARQUEE_STATE to a folder you can write").doesNotContain("mkdir:");
    }

    /** tensorflow-java 1.1's JNI library needs glibc 2.34: an older system is refused before anything is built. */
    @Test
    void aSystemWithAGlibcOlderThanTensorFlowNeedsIsRefusedInOneLine() throws Exception {
        Run old = bash("require_tools", pathWithGlibc("2.31"));
        assertThat(old.status()).isNotZero();
        assertThat(old.err().strip()).isEqualTo("marquee: this machine has glibc 2.31: TensorFlow for Java's native library"
                + " needs glibc 2.34 or later (Debian 12, Ubuntu 22.04, RHEL 9 or later)");

        for (String fine : List.of("2.34", "2.36", "3.0")) {
            Run run = bash("require_tools; echo checked", pathWithGlibc(fine));
            assertThat(run.err()).as("glibc %s", fine).doesNotContain("glibc");
            assertThat(run.out()).as("glibc %s", fine).contains("checked");
        }
    }

    /**
     * The java on PATH is 17 but Maven runs on JAVA_HOME's older Java: the build is refused with that reason, not
     * started to fail on "release version 17 not supported".
     */
    /** A CPU without AVX (a VM's kvm64 model, say) is refused in words: TensorFlow would abort Java at the first load. */
    @Test
    void aCpuWithoutAvxIsRefusedInOneLine() throws Exception {
        Path noAvx = Files.writeString(dir.resolve("cpuinfo-no-avx"),
                "processor\t: 0\nflags\t\t: fpu sse2 sse4_2 avx512_bf16x\n\nprocessor\t: 1\nflags\t\t: fpu avx\n");
        String path = Path.of(System.getProperty("java.home"), "bin") + ":" + System.getenv("PATH");
        Run refused = bash("MARQUEE_CPUINFO='" + noAvx + "'; require_tools", path);
        assertThat(refused.status()).isNotZero();
        assertThat(refused.err()).startsWith("marquee: this CPU has no AVX").contains("x86-64-v3");

        Path avx = Files.writeString(dir.resolve("cpuinfo-avx"), "processor\t: 0\nflags\t\t: fpu sse2 avx avx2\n");
        Path arm = Files.writeString(dir.resolve("cpuinfo-arm"), "processor\t: 0\nFeatures\t: fp asimd\n");
        for (Path fine : List.of(avx, arm)) {
            Run run = bash("MARQUEE_CPUINFO='" + fine + "'; require_tools; echo checked", path);
            assertThat(run.err()).as(fine.toString()).doesNotContain("AVX");
            assertThat(run.out()).as(fine.toString()).contains("checked");
        }
    }

    /**
     * Java 24 and later warn, in several lines from every JVM, about TensorFlow's native libraries and sun.misc.Unsafe
     * unless told to allow them; the options that say so must still start Java 17, which knows only the first.
     */
    @Test
    void theJvmsAllowNativeAccessAndUnsafeWithOptionsTheirJavaKnows() throws Exception {
        String javaBin = Path.of(System.getProperty("java.home"), "bin").toString();
        String list = "printf '%s\\n' \"${JDK_ACCESS_OPTS[@]}\"";
        Run real = bash("jdk_access_opts; " + list + "; java \"${JDK_ACCESS_OPTS[@]}\" -version",
                javaBin + ":" + System.getenv("PATH"));
        assertThat(real.status()).as(real.err()).isZero();
        assertThat(real.err()).doesNotContain("WARNING").doesNotContain("Unrecognized");
        assertThat(real.out().lines().toList()).first().isEqualTo("--enable-native-access=ALL-UNNAMED");
        assertThat(real.out().contains("--sun-misc-unsafe-memory-access=allow")).as("Java " + Runtime.version().feature())
                .isEqualTo(Runtime.version().feature() >= 23);

        // the Java on PATH decides, asked once: what require_tools found is not asked again
        Path bin = Files.createDirectories(dir.resolve("bin-java24"));
        Path java = bin.resolve("java");
        Files.writeString(java, "#!/bin/sh\necho asked >> '" + dir.resolve("java-asked") + "'\necho '    java.specification.version = 24' >&2\n",
                StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        String fakePath = bin + ":" + System.getenv("PATH");
        assertThat(bash("jdk_access_opts; " + list, fakePath).out().lines().toList())
                .containsExactly("--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow");
        assertThat(bash("JAVA_SPEC=17; jdk_access_opts; " + list, fakePath).out().lines().toList())
                .containsExactly("--enable-native-access=ALL-UNNAMED");
        assertThat(Files.readAllLines(dir.resolve("java-asked"))).hasSize(1);
        Run jvm = bash("JAVA_SPEC=25; jvm_opts job; printf '%s\\n' \"${JVM_OPTS[@]}\"", fakePath);
        assertThat(jvm.out().lines().toList()).contains("--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow");
    }

    @Test
    void aMavenOnAnOlderJavaIsRefusedBeforeTheBuild() throws Exception {
        Path bin = Files.createDirectories(dir.resolve("bin-mvn11"));
        Path mvn = bin.resolve("mvn");
        Files.writeString(mvn, "#!/bin/sh\nif [ \"$1\" = -v ]; then echo 'Apache Maven 3.9.9'; echo 'Java version: 11.0.2, vendor: X';"
                + " exit 0; fi\necho built >> '" + dir.resolve("mvn-ran") + "'\n", StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(mvn, PosixFilePermissions.fromString("rwxr-xr-x"));
        String javaBin = Path.of(System.getProperty("java.home"), "bin").toString();
        Run run = bash("ensure_built", bin + ":" + javaBin + ":" + System.getenv("PATH"));
        assertThat(run.status()).as(run.err()).isEqualTo(1);
        assertThat(run.err()).contains("Maven runs on Java 11.0.2").contains("marquee needs 17 or later");
        assertThat(dir.resolve("mvn-ran")).as("no build started").doesNotExist();

        // a Maven that does not start at all (JAVA_HOME naming a removed JDK) says so, not exit silently
        Path broken = Files.createDirectories(dir.resolve("bin-mvn-broken"));
        Path brokenMvn = broken.resolve("mvn");
        Files.writeString(brokenMvn, "#!/bin/sh\necho 'The JAVA_HOME environment variable is not defined correctly' >&2; exit 1\n",
                StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(brokenMvn, PosixFilePermissions.fromString("rwxr-xr-x"));
        Run none = bash("ensure_built", broken + ":" + javaBin + ":" + System.getenv("PATH"));
        assertThat(none.status()).isEqualTo(1);
        assertThat(none.err()).contains("marquee: mvn does not start").contains("JAVA_HOME environment variable");
    }

    /**
     * Where getconf cannot tell on a glibc host (this one's ldd is glibc's), the version is not checked, and nothing
     * ends silently; musl's is refused (aMuslSystemIsRefusedInOneLine).
     */
    @Test
    void aGetconfThatCannotTellOnAGlibcHostLeavesTheCheckOut() throws Exception {
        Run run = bash("require_tools; echo checked", pathWithGetconf("musl", "echo 'getconf: GNU_LIBC_VERSION: unknown' >&2; exit 1"));
        assertThat(run.err()).doesNotContain("glibc");
        assertThat(run.out()).contains("checked");
    }

    /** musl (Alpine) has no glibc at all: refused before anything is built, not at the first model load. */
    @Test
    void aMuslSystemIsRefusedInOneLine() throws Exception {
        String path = pathWithGetconf("musl-ldd", "echo 'getconf: GNU_LIBC_VERSION: unknown' >&2; exit 1");
        Path ldd = Path.of(path.substring(0, path.indexOf(':'))).resolve("ldd");
        Files.writeString(ldd, "#!/bin/sh\necho 'musl libc (x86_64)' >&2\necho 'Version 1.2.4' >&2\nexit 1\n", StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(ldd, PosixFilePermissions.fromString("rwxr-xr-x"));
        Run run = bash("require_tools; echo checked", path);
        assertThat(run.status()).isNotZero();
        assertThat(run.out()).doesNotContain("checked");
        assertThat(run.err().strip()).startsWith("marquee: this machine's C library is musl").contains("glibc 2.34 or later");
    }

    /** A Maven older than the one the project is built with is named, and the build still tried. */
    @Test
    void aMavenOlderThanTheTestedOneIsNamedAndTheBuildTried() throws Exception {
        Path bin = Files.createDirectories(dir.resolve("bin-mvn363"));
        Path mvn = bin.resolve("mvn");
        Files.writeString(mvn, "#!/bin/sh\nif [ \"$1\" = -v ]; then echo 'Apache Maven 3.6.3'; echo 'Java version: 17.0.2, vendor: X';"
                + " exit 0; fi\necho built >> '" + dir.resolve("mvn-ran") + "'\n", StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(mvn, PosixFilePermissions.fromString("rwxr-xr-x"));
        String javaBin = Path.of(System.getProperty("java.home"), "bin").toString();
        Run run = bash("ensure_built", bin + ":" + javaBin + ":" + System.getenv("PATH"));
        assertThat(run.status()).as(run.err()).isZero();
        assertThat(run.err()).contains("marquee: Maven 3.6.3 is older than the 3.8 this project is built with");
        assertThat(dir.resolve("mvn-ran")).as("the build was tried").exists();

        Files.writeString(mvn, Files.readString(mvn).replace("3.6.3", "3.10.1"));
        Files.delete(dir.resolve("state").resolve("build.stamp"));
        assertThat(bash("ensure_built", bin + ":" + javaBin + ":" + System.getenv("PATH")).err()).doesNotContain("older");
    }

    /**
     * The scripts run this checkout's modules from their target/classes: the local Maven repository's jars of the same
     * version may come from another checkout's {@code mvn install}.
     */
    @Test
    void aModulesClasspathTakesThisCheckoutsModulesInsteadOfTheRepositorysJars() throws Exception {
        for (String name : List.of("checkout", "R&D marquee", "C#\\x")) {
            classpathOfACheckoutAt(dir.resolve(name));
        }
    }

    /** The benchmarks measure this checkout's code: its modules and their test classes, not another's installed jars. */
    @Test
    void theBenchmarksClasspathTakesThisCheckoutsModulesAndTheirTestClasses() throws Exception {
        Path root = dir.resolve("bench checkout");
        Path repo = dir.resolve("m2/repository");
        String classpath = String.join(":",
                repo + "/dev/marquee/marquee-data/0.1.0-SNAPSHOT/marquee-data-0.1.0-SNAPSHOT.jar",
                repo + "/dev/marquee/marquee-infra/0.1.0-SNAPSHOT/marquee-infra-0.1.0-SNAPSHOT-tests.jar",
                repo + "/org/apache/kafka/kafka-clients/4.2.0/kafka-clients-4.2.0.jar",
                repo + "/dev/marquee/marquee-model/0.1.0-SNAPSHOT/marquee-model-0.1.0-SNAPSHOT-tests.jar",
                repo + "/dev/marquee/marquee-tools/0.1.0-SNAPSHOT/marquee-tools-0.1.0-SNAPSHOT.jar");
        Files.writeString(Files.createDirectories(root.resolve("job/target")).resolve("test-classpath.txt"), classpath);

        Run run = bash("MARQUEE_ROOT=\"$ROOT\"; bench_cp", System.getenv("PATH"), root.toString());
        assertThat(run.status()).as(run.err()).isZero();
        assertThat(run.out().split(":")).containsExactly(
                root + "/job/target/test-classes",
                root + "/job/target/classes",
                root + "/data/target/classes",
                root + "/infra/target/test-classes",
                repo + "/org/apache/kafka/kafka-clients/4.2.0/kafka-clients-4.2.0.jar",
                root + "/model/target/test-classes",
                root + "/scripts/tools/target/classes");
    }

    private void classpathOfACheckoutAt(Path root) throws Exception {
        Path repo = dir.resolve("m2/repository");
        String classpath = String.join(":",
                repo + "/dev/marquee/marquee-data/0.1.0-SNAPSHOT/marquee-data-0.1.0-SNAPSHOT.jar",
                repo + "/org/apache/kafka/kafka-clients/4.2.0/kafka-clients-4.2.0.jar",
                repo + "/dev/marquee/marquee-job/0.1.0-SNAPSHOT/marquee-job-0.1.0-SNAPSHOT.jar",
                repo + "/dev/marquee/marquee-tools/0.1.0-SNAPSHOT/marquee-tools-0.1.0-SNAPSHOT.jar");
        Path file = Files.createDirectories(root.resolve("scripts/cli/target")).resolve("classpath.txt");
        Files.writeString(file, classpath);

        Run run = bash("MARQUEE_ROOT=\"$ROOT\"; module_cp job", System.getenv("PATH"), root.toString());
        assertThat(run.status()).as(run.err()).isZero();
        assertThat(run.out().split(":")).containsExactly(
                root + "/job/target/classes",
                root + "/data/target/classes",
                repo + "/org/apache/kafka/kafka-clients/4.2.0/kafka-clients-4.2.0.jar",
                root + "/job/target/classes",
                root + "/scripts/tools/target/classes");
    }
}

package dev.marquee.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.infra.testing.ChildEnvironment;
import dev.marquee.job.config.JobArguments;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The standalone cluster's library (scripts/lib/cluster.sh), sourced after common.sh as scripts/cluster does. */
class ClusterShellTest {
    private static final Path LIB = Path.of("").toAbsolutePath().getParent().resolve("lib");

    /** A JobManager's /jobs/overview as Flink 2.2 writes it: fields in this order, one object per job. */
    private static final String OVERVIEW = "{\"jobs\":["
            + job("aaaa", "marquee scoring", "FINISHED")
            + "," + job("bbbb", "marquee scoring", "RESTARTING")
            + "," + job("cccc", "marquee scoring b", "RUNNING")
            + "," + job("dddd", "marquee scoring", "CANCELED")
            + "," + job("eeee", "marquee scoring", "RUNNING") + "]}";

    @TempDir
    Path dir;

    private static String job(String id, String name, String state) {
        return "{\"jid\":\"" + id + "\",\"name\":\"" + name + "\",\"start-time\":1,\"end-time\":-1,\"duration\":5,"
                + "\"state\":\"" + state + "\",\"last-modification\":2,\"tasks\":{\"running\":2,\"canceling\":0,"
                + "\"failed\":0,\"finished\":0,\"total\":2},\"pending-operators\":0}";
    }

    private String bash(String script) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", "set -euo pipefail; source '" + LIB.resolve("common.sh")
                + "'; source '" + LIB.resolve("cluster.sh") + "'; " + script);
        ChildEnvironment.scrub(pb.environment());
        pb.environment().put("MARQUEE_STATE", dir.resolve("state").toString());
        Path in = Files.writeString(dir.resolve("overview.json"), OVERVIEW);
        Path out = dir.resolve("out.txt");
        Path err = dir.resolve("err.txt");
        Process p = pb.redirectInput(in.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("bash ended").isTrue();
        assertThat(p.exitValue()).as(Files.readString(err)).isZero();
        return Files.readString(out);
    }

    /**
     * {@code scripts/cluster status} for scripts and cron: 0 while every process of the cluster runs and the REST API
     * answers, 3 once a TaskManager is killed ({@code kill-taskmanager} removes its pid file: it is still one of the
     * cluster's), 1 without a cluster. The processes are stand-ins carrying the cluster's marker, and the REST API a
     * stand-in answering as Flink's does.
     */
    @Test
    void statusExitsThreeWhenAPartIsDown() throws Exception {
        Path cluster = Files.createDirectories(dir.resolve("cluster/run")).getParent().toRealPath();
        com.sun.net.httpserver.HttpServer rest = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
        rest.createContext("/", exchange -> {
            byte[] body = (exchange.getRequestURI().getPath().equals("/overview")
                    ? "{\"taskmanagers\":2,\"slots-total\":4}" : "{\"jobs\":[]}").getBytes(java.nio.charset.StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        rest.start();
        List<Process> parts = new java.util.ArrayList<>();
        try {
            Files.writeString(cluster.resolve("run/cluster.env"), "KAFKA_PORT=1\nREST_PORT=" + rest.getAddress().getPort()
                    + "\nJM_RPC_PORT=2\nSTARTED_TASKMANAGERS=2\n");
            for (String part : List.of("kafka", "jobmanager", "taskmanager-1", "taskmanager-2")) {
                Process p = new ProcessBuilder("bash", "-c", "exec -a \"$0\" sleep 600", "-Dmarquee.cluster=" + cluster).start();
                parts.add(p);
                Files.writeString(cluster.resolve("run/" + part + ".pid"), p.pid() + "\n");
            }
            assertThat(cluster("status", cluster)).as("all up").isZero();
            assertThat(cluster("kill-taskmanager 1", cluster)).isZero();
            assertThat(cluster("status", cluster)).as("TaskManager 1 killed").isEqualTo(3);
            assertThat(Files.readString(dir.resolve("err.txt"))).containsPattern("TaskManager 1 +not running");
            assertThat(cluster("status", dir.resolve("no-cluster"))).as("no cluster").isEqualTo(1);
        } finally {
            parts.forEach(Process::destroyForcibly);
            rest.stop(0);
        }
    }

    private int cluster(String command, Path clusterDir) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", "exec '" + LIB.getParent().resolve("cluster") + "' " + command);
        ChildEnvironment.scrub(pb.environment());
        pb.environment().put("MARQUEE_STATE", dir.resolve("state").toString());
        pb.environment().put("MARQUEE_CLUSTER_DIR", clusterDir.toString());
        Process p = pb.redirectOutput(dir.resolve("out.txt").toFile()).redirectError(dir.resolve("err.txt").toFile()).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("scripts/cluster " + command + " ended").isTrue();
        return p.exitValue();
    }

    /** What submit refuses on: a job of that model not yet ended (restarting counts), never another model's. */
    @Test
    void liveJobsOfOneNameAreThoseNotEnded() throws Exception {
        assertThat(bash("live_jobs_named 'marquee scoring'")).isEqualTo("bbbb\neeee\n");
        assertThat(bash("live_jobs_named 'marquee scoring b'")).isEqualTo("cccc\n");
        assertThat(bash("live_jobs_named 'marquee scoring c'")).isEmpty();
    }

    @Test
    void theOverviewReadsAsOneLinePerJob() throws Exception {
        assertThat(bash("jobs_of_overview").lines()).hasSize(5)
                .startsWith("aaaa\tmarquee scoring\tFINISHED").contains("cccc\tmarquee scoring b\tRUNNING");
    }

    /**
     * What submit reads from the job's arguments (its model, and whether a broker and registry were given) is what the
     * job itself reads: single or double dash, with or without '=', the last one given winning, a value never a key.
     */
    @Test
    void submitReadsTheJobsArgumentsAsTheJobDoes() throws Exception {
        List<List<String>> cases = List.of(
                List.of("--model.name", "b"),
                List.of("-model.name", "b"),
                List.of("-model.name=b"),
                List.of("--model.name=b", "--batch.size", "64", "-model.name", "c"),
                List.of("--kafka.bootstrap-servers", "-model.name", "--model.name", "d"),
                List.of("--model.registry", "-model.name=e"),
                List.of("-kafka.bootstrap-servers", "broker:9092", "-model.registry=/r"),
                List.of("--batch.size", "64"));
        for (List<String> args : cases) {
            Map<String, String> job = JobArguments.parse(args.toArray(String[]::new));
            String quoted = String.join(" ", args.stream().map(a -> "'" + a + "'").toList());
            for (String key : List.of("model.name", "kafka.bootstrap-servers", "model.registry")) {
                String shell = bash("job_arg " + key + " " + quoted + " || echo '(not given)'");
                assertThat(shell).as(key + " in " + args)
                        .isEqualTo(job.getOrDefault(key, "(not given)") + "\n");
            }
        }
    }

    /**
     * submit's check for a job of the model already running: refused unless meant (--allow-second-job), and then at
     * exactly-once only with a transactional-id prefix of the new job's own (the default one is the first job's).
     */
    @Test
    void aSecondJobOfAModelIsRefusedUnlessMeantAndAtExactlyOnceUnlessItHasItsOwnTransactionalIds() throws Exception {
        String check = "second_job_check marquee 'marquee scoring' ";
        assertThat(bash(check + "'' 0 --delivery.guarantee exactly-once; echo ok")).as("none runs").isEqualTo("ok\n");
        assertThat(bash(check + "abcd 1; echo ok")).as("meant, at-least-once by default").isEqualTo("ok\n");
        assertThat(bash(check + "abcd 1 --delivery.guarantee at-least-once; echo ok")).isEqualTo("ok\n");
        assertThat(bash(check + "abcd 1 --delivery.guarantee exactly-once --delivery.transactional-id-prefix m-2; echo ok"))
                .as("its own prefix").isEqualTo("ok\n");

        String[] notMeant = refused(check + "abcd 0");
        assertThat(notMeant[1]).contains("job abcd (marquee scoring) already runs").contains("--allow-second-job");
        for (String exactlyOnce : List.of("--delivery.guarantee exactly-once", "--delivery.guarantee=exactly-once")) {
            String[] shared = refused(check + "abcd 1 --model.name marquee " + exactlyOnce);
            assertThat(shared[1]).as(exactlyOnce).contains("needs a transactional-id prefix of its own")
                    .contains("--delivery.transactional-id-prefix");
        }
    }

    /** {@code script} as bash() runs it, expected to stop with exit 2: its stdout and stderr. */
    private String[] refused(String script) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", "set -euo pipefail; source '" + LIB.resolve("common.sh")
                + "'; source '" + LIB.resolve("cluster.sh") + "'; " + script);
        ChildEnvironment.scrub(pb.environment());
        pb.environment().put("MARQUEE_STATE", dir.resolve("state").toString());
        Path out = dir.resolve("out.txt");
        Path err = dir.resolve("err.txt");
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("bash ended").isTrue();
        assertThat(p.exitValue()).as(Files.readString(err)).isEqualTo(2);
        return new String[] {Files.readString(out), Files.readString(err)};
    }

    /** --from-jar takes a file:/// URI as the other path options do, and refuses another scheme in one line. */
    @Test
    void clusterE2eTakesTheOlderJarAsAFileUri() throws Exception {
        Path jar = Files.writeString(Files.createDirectories(dir.resolve("old release")).resolve("marquee job.jar"), "x");
        String uri = "file://" + jar.toString().replace(" ", "%20");
        for (var c : java.util.Map.of(uri, "--from-jar needs the upgrade rehearsal",
                "s3://bucket/old.jar", "--from-jar must be a path (or a file:/// URI)").entrySet()) {
            ProcessBuilder pb = new ProcessBuilder(LIB.resolveSibling("cluster-e2e").toString(), "--from-jar", c.getKey(),
                    "--no-upgrade");
            ChildEnvironment.scrub(pb.environment());
            pb.environment().put("MARQUEE_STATE", dir.resolve("state").toString());
            Path err = dir.resolve("err.txt");
            Process p = pb.redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(err.toFile()).start();
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("cluster-e2e ended").isTrue();
            assertThat(p.exitValue()).as(Files.readString(err)).isEqualTo(2);
            assertThat(Files.readString(err)).as(c.getKey()).contains(c.getValue()).doesNotContain("no such file");
        }
    }

    /**
     * A second scripts/cluster-e2e of the same folder stops in one line (exit 2) before it touches anything: it would
     * purge the first run's cluster, and its clean-up stop it.
     */
    @Test
    void aSecondClusterE2eOfOneFolderStopsBeforeTouchingTheFirst() throws Exception {
        Path clusterDir = Files.createDirectories(dir.resolve("e2e"));
        Path lock = clusterDir.resolve(".e2e.lock");
        Process first = new ProcessBuilder("bash", "-c", "exec 4>>'" + lock + "'; flock -n 4; echo held; exec sleep 120")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start(); // one process, so killing it frees the lock
        try {
            var lines = new java.io.BufferedReader(new java.io.InputStreamReader(first.getInputStream()));
            assertThat(lines.readLine()).isEqualTo("held");
            Path marker = Files.createDirectories(clusterDir.resolve("run")).resolve("kafka.pid");
            Files.writeString(marker, "999999999\n");

            ProcessBuilder pb = new ProcessBuilder(LIB.resolveSibling("cluster-e2e").toString());
            ChildEnvironment.scrub(pb.environment());
            pb.environment().put("MARQUEE_STATE", dir.resolve("state").toString());
            pb.environment().put("MARQUEE_E2E_CLUSTER_DIR", clusterDir.toString());
            // should the lock not hold, a Maven that fails at once, not a build from inside a test
            Path bin = Files.createDirectories(dir.resolve("bin"));
            Files.writeString(bin.resolve("mvn"), "#!/bin/sh\nexit 1\n");
            bin.resolve("mvn").toFile().setExecutable(true);
            pb.environment().put("PATH", bin + ":" + System.getenv("PATH"));
            Path err = dir.resolve("err.txt");
            Process second = pb.redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(err.toFile()).start();
            assertThat(second.waitFor(60, TimeUnit.SECONDS)).as("the second run ended").isTrue();
            assertThat(second.exitValue()).as(Files.readString(err)).isEqualTo(2);
            assertThat(Files.readString(err)).isEqualTo("marquee: another scripts/cluster-e2e of " + clusterDir
                    + " is running: wait for it\n");
            assertThat(marker).as("the first run's cluster untouched").hasContent("999999999\n");
        } finally {
            first.destroyForcibly();
        }
    }

    /**
     * Where the folder's file system has no file locks (flock fails with another status than "held"), cluster-e2e says
     * it goes on unlocked instead of claiming another run (here it then stops at a Maven that fails at once).
     */
    @Test
    void withoutFileLocksClusterE2eGoesOnUnlocked() throws Exception {
        Path clusterDir = Files.createDirectories(dir.resolve("e2e-no-locks"));
        Path bin = Files.createDirectories(dir.resolve("bin-no-locks"));
        Files.writeString(bin.resolve("flock"), "#!/bin/sh\nexit 65\n");
        Files.writeString(bin.resolve("mvn"), "#!/bin/sh\nexit 1\n");
        bin.resolve("flock").toFile().setExecutable(true);
        bin.resolve("mvn").toFile().setExecutable(true);
        ProcessBuilder pb = new ProcessBuilder(LIB.resolveSibling("cluster-e2e").toString());
        ChildEnvironment.scrub(pb.environment());
        pb.environment().put("MARQUEE_STATE", dir.resolve("state").toString());
        pb.environment().put("MARQUEE_E2E_CLUSTER_DIR", clusterDir.toString());
        pb.environment().put("PATH", bin + ":" + System.getenv("PATH"));
        Path err = dir.resolve("err-no-locks.txt");
        Process run = pb.redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(err.toFile()).start();
        assertThat(run.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(Files.readString(err)).contains("could not lock " + clusterDir + "/.e2e.lock (flock exit 65")
                .contains("going on unlocked").doesNotContain("another scripts/cluster-e2e").contains("mvn does not start");
    }
}

package dev.marquee.cli;

import static org.assertj.core.api.Assertions.assertThat;

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
        pb.environment().put("MARQUEE_STATE", dir.resolve("state").toString());
        Path in = Files.writeString(dir.resolve("overview.json"), OVERVIEW);
        Path out = dir.resolve("out.txt");
        Path err = dir.resolve("err.txt");
        Process p = pb.redirectInput(in.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("bash ended").isTrue();
        assertThat(p.exitValue()).as(Files.readString(err)).isZero();
        return Files.readString(out);
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
}

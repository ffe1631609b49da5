package dev.marquee.data.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.marquee.data.config.Commands;
import dev.marquee.tools.CommandRun;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class DashboardCommandTest {
    @TempDir
    Path tmp;

    @Test
    void defaultsServeOnLoopbackAndReadDriftMetrics() {
        DashboardOptions o = parse();
        assertThat(o.host()).isEqualTo("127.0.0.1");
        assertThat(o.port()).isEqualTo(8088);
        assertThat(o.topic()).isEqualTo("drift-metrics");
        assertThat(o.maxReports()).isEqualTo(2000);
        assertThat(o.modelName()).isEqualTo("marquee");
        String env = System.getenv("MARQUEE_BOOTSTRAP");
        assertThat(o.bootstrap()).isEqualTo(env != null ? env : "localhost:9092");
    }

    @Test
    void readsEverySetting() {
        DashboardOptions o = parse("--bootstrap", "k1:9093", "--topic=dm", "--host", "0.0.0.0",
                "--port", "0", "--max-reports", "50", "--consumer-prop", "security.protocol=SSL",
                "--consumer-prop=fetch.min.bytes=2");
        assertThat(o.bootstrap()).isEqualTo("k1:9093");
        assertThat(o.topic()).isEqualTo("dm");
        assertThat(o.host()).isEqualTo("0.0.0.0");
        assertThat(o.port()).isZero();
        assertThat(o.maxReports()).isEqualTo(50);
        assertThat(o.clientProps())
                .containsEntry("bootstrap.servers", "k1:9093")
                .containsEntry("security.protocol", "SSL")
                .containsEntry("fetch.min.bytes", "2");
    }

    @Test
    void badSettingsAreNamedInOneLineWithExitTwo() {
        assertBad("--port must be between 0 and 65535, got 70000", "--port", "70000");
        assertBad("--max-reports must be between 1 and 20000, got 0", "--max-reports", "0");
        assertBad("--max-reports must be between 1 and 20000, got 20001", "--max-reports", "20001");
        assertBad("KEY=VALUE", "--consumer-prop", "novalue");
        assertBad("--colour", "--colour", "red");
    }

    @Test
    void urlsBracketIpv6Hosts() {
        assertThat(DashboardCommand.url("127.0.0.1", 8088)).isEqualTo("http://127.0.0.1:8088/");
        assertThat(DashboardCommand.url("::1", 80)).isEqualTo("http://[::1]:80/");
    }

    /** scripts/run-local reads the URL from the file instead of the log; no broker is needed to serve the page. */
    @Test
    void writesItsUrlToTheUrlFileOnceServingAndDeletesItOnStop() throws Exception {
        Path urlFile = tmp.resolve("run/dashboard-url");
        DashboardCommand command = new DashboardCommand();
        CommandLine line = Commands.commandLine(command);
        CompletableFuture<Integer> exit = new CompletableFuture<>();
        Thread serving = new Thread(() -> exit.complete(line.execute("--bootstrap", "127.0.0.1:1", "--port", "0",
                "--url-file", urlFile.toString())), "dashboard-under-test");
        serving.start();
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(urlFile) || exit.isDone());
            List<String> lines = Files.readAllLines(urlFile);
            assertThat(lines).hasSize(1);
            assertThat(lines.get(0)).matches("http://127\\.0\\.0\\.1:\\d+/");
            assertThat(lines.get(0)).doesNotEndWith(":0/");
            HttpResponse<String> page = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(lines.get(0))).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(Files.list(urlFile.getParent())).containsExactly(urlFile); // no temporary file left beside it
        } finally {
            serving.interrupt();
        }
        assertThat(exit.get(30, TimeUnit.SECONDS)).isZero();
        assertThat(urlFile).doesNotExist();
    }

    /** Two models' scoring jobs on one drift-metrics topic: the page plots its model's reports only. */
    @Test
    void anotherModelsReportsAreNotPlotted() {
        dev.marquee.data.event.DriftReport ours = new dev.marquee.data.event.DriftReport();
        ours.modelName = "marquee";
        dev.marquee.data.event.DriftReport theirs = new dev.marquee.data.event.DriftReport();
        theirs.modelName = "another";
        dev.marquee.data.event.DriftReport older = new dev.marquee.data.event.DriftReport(); // names none
        assertThat(DriftReportReader.ofModel(ours, "marquee")).isTrue();
        assertThat(DriftReportReader.ofModel(theirs, "marquee")).isFalse();
        assertThat(DriftReportReader.ofModel(older, "marquee")).isTrue();
        assertThat(parse("--model-name", "another").modelName()).isEqualTo("another");
    }

    private static DashboardOptions parse(String... args) {
        DashboardCommand command = new DashboardCommand();
        new CommandLine(command).parseArgs(args);
        return command.options();
    }

    private static void assertBad(String message, String... args) {
        CommandRun run = CommandRun.of(new DashboardCommand(), args);
        assertThat(run.exitCode()).isEqualTo(Commands.USAGE);
        assertThat(run.errLines()).hasSize(2);
        assertThat(run.errLines().get(0)).startsWith("marquee dashboard: ").contains(message);
    }
}

package dev.marquee.data.dashboard;

import dev.marquee.data.testing.Prerequisites;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Runs headless Chromium once per call (a fresh profile each time) to dump a page's DOM after its scripts ran,
 * or to take a screenshot. The browser is {@code /usr/bin/chromium} unless {@code -Dchromium.path} names another.
 */
final class HeadlessChromium {
    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private final Path binary;

    private HeadlessChromium(Path binary) {
        this.binary = binary;
    }

    /**
     * The browser; without one the test is aborted with a message saying how to get one, or fails in CI
     * ({@code CI=true}), where the browser is always installed.
     */
    static HeadlessChromium findOrAbort() {
        Path binary = Paths.get(System.getProperty("chromium.path", "/usr/bin/chromium"));
        Prerequisites.assumeOrFailInCi(Files.isExecutable(binary), "no Chromium at " + binary
                + ": install it (apt-get install -y chromium) or point -Dchromium.path at one; the dashboard's browser test needs it");
        return new HeadlessChromium(binary);
    }

    /** The DOM after the page's scripts ran for {@code virtualTimeMs} of virtual time. */
    String dumpDom(String url, int virtualTimeMs) throws IOException, InterruptedException {
        return run(List.of("--virtual-time-budget=" + virtualTimeMs, "--dump-dom", url), null);
    }

    void screenshot(String url, Path png, int width, int height, int virtualTimeMs) throws IOException, InterruptedException {
        Files.createDirectories(png.toAbsolutePath().getParent());
        Files.deleteIfExists(png);
        run(List.of("--virtual-time-budget=" + virtualTimeMs, "--hide-scrollbars",
                "--window-size=" + width + "," + height, "--screenshot=" + png.toAbsolutePath(), url), png);
    }

    private String run(List<String> args, Path expectedFile) throws IOException, InterruptedException {
        Path profile = Files.createTempDirectory("marquee-chromium-");
        Path stderr = profile.resolveSibling(profile.getFileName() + ".log");
        Path stdout = profile.resolveSibling(profile.getFileName() + ".out");
        try {
            List<String> command = new ArrayList<>(List.of(binary.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                    "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                    "--disable-sync", "--disable-extensions", "--user-data-dir=" + profile));
            command.addAll(args);
            Process p = new ProcessBuilder(command).redirectError(stderr.toFile()).redirectOutput(stdout.toFile()).start();
            p.getOutputStream().close();
            if (!p.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("Chromium did not finish within " + DEADLINE + ": " + command);
            }
            if (p.exitValue() != 0 || (expectedFile != null && !Files.exists(expectedFile))) {
                throw new IllegalStateException("Chromium failed (exit " + p.exitValue() + "): " + command + "\n" + tail(stderr));
            }
            return Files.readString(stdout, StandardCharsets.UTF_8);
        } finally {
            deleteTree(profile);
            Files.deleteIfExists(stderr);
            Files.deleteIfExists(stdout);
        }
    }

    private static String tail(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }
}

package dev.marquee.data.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.TestSource;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

/**
 * Writes why each test or test class was skipped to {@code target/skipped-tests-<runner>.txt} (runner: the
 * {@value #RUNNER_PROPERTY} system property the build sets, surefire or failsafe), one line each, and deletes that
 * file when nothing was skipped. Maven's console gives only the count, and a class whose {@code @BeforeAll} assumption
 * fails (MovieLens absent, say) is not even counted there: without this its reason would be nowhere. Registered
 * through {@code META-INF/services} in data's test-jar, which every module's tests have.
 */
public final class SkippedTestsReport implements TestExecutionListener {
    static final String RUNNER_PROPERTY = "marquee.test.runner";

    private final Path folder;
    private final String runner;
    private final List<String> lines = new ArrayList<>();

    public SkippedTestsReport() {
        this(Path.of("target"), System.getProperty(RUNNER_PROPERTY, "tests"));
    }

    SkippedTestsReport(Path folder, String runner) {
        this.folder = folder;
        this.runner = runner;
    }

    @Override
    public void executionSkipped(TestIdentifier test, String reason) {
        lines.add(name(test) + ": " + reason);
    }

    @Override
    public void executionFinished(TestIdentifier test, TestExecutionResult result) {
        if (result.getStatus() == TestExecutionResult.Status.ABORTED) {
            lines.add(name(test) + ": " + result.getThrowable().map(Throwable::getMessage).orElse("aborted"));
        }
    }

    @Override
    public void testPlanExecutionFinished(TestPlan plan) {
        if (!Files.isDirectory(folder)) return; // not a build's module folder: nowhere of ours to write
        Path report = folder.resolve("skipped-tests-" + runner + ".txt");
        try {
            if (lines.isEmpty()) {
                Files.deleteIfExists(report);
            } else {
                Files.write(report, lines, StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            System.err.println("could not write " + report + ": " + e.getMessage());
        }
    }

    private static String name(TestIdentifier test) {
        TestSource source = test.getSource().orElse(null);
        if (source instanceof MethodSource m) return m.getClassName() + "#" + m.getMethodName() + " " + test.getDisplayName();
        if (source instanceof ClassSource c) return c.getClassName();
        return test.getDisplayName();
    }
}

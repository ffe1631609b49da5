package dev.marquee.data.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.launcher.core.LauncherConfig;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

class SkippedTestsReportTest {
    @TempDir
    Path target;

    /** What the build's console would not say: a class skipped by its @BeforeAll, and a method's own skip. */
    @Test
    void everySkipIsWrittenWithItsReason() {
        run(WithoutItsData.class, ASkippedMethod.class);
        Path report = target.resolve("skipped-tests-tests.txt");
        assertThat(report).exists();
        assertThat(contents(report)).containsExactlyInAnyOrder(
                WithoutItsData.class.getName() + ": Assumption failed: the data is not there; skipping",
                ASkippedMethod.class.getName() + "#notNow notNow(): Assumption failed: not on this machine",
                ASkippedMethod.class.getName() + "#disabled disabled(): not yet");
    }

    @Test
    void aRunWithoutSkipsLeavesNoReport() throws Exception {
        Files.writeString(target.resolve("skipped-tests-tests.txt"), "an earlier run's\n");
        run(NothingSkipped.class);
        assertThat(target.resolve("skipped-tests-tests.txt")).doesNotExist();
    }

    private void run(Class<?>... classes) {
        LauncherDiscoveryRequestBuilder request = LauncherDiscoveryRequestBuilder.request();
        for (Class<?> c : classes) request.selectors(selectClass(c));
        // this build's own report is registered by service loading: kept out of this launcher
        LauncherFactory.create(LauncherConfig.builder().enableTestExecutionListenerAutoRegistration(false).build())
                .execute(request.build(), new SkippedTestsReport(target, "tests"));
    }

    private static java.util.List<String> contents(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static class WithoutItsData {
        @BeforeAll
        static void data() {
            Assumptions.assumeTrue(false, "the data is not there; skipping");
        }

        @Test
        void usesIt() {}
    }

    static class ASkippedMethod {
        @Test
        void notNow() {
            Assumptions.assumeTrue(false, "not on this machine");
        }

        @Disabled("not yet")
        @Test
        void disabled() {}

        @Test
        void runs() {}
    }

    static class NothingSkipped {
        @Test
        void runs() {}
    }
}

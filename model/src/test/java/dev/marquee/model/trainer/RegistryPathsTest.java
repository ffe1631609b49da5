package dev.marquee.model.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RegistryPathsTest {
    @TempDir
    Path tmp;

    @Test
    void pathsInsideTheRegistryAreAcceptedEvenBeforeTheyExist() throws Exception {
        Path base = Files.createDirectories(tmp.resolve("registry"));
        Path inside = base.resolve("marquee/rejected/r-1");
        assertThat(RegistryPaths.requireInside(base, inside)).isEqualTo(base.toRealPath().resolve("marquee/rejected/r-1"));
        assertThat(RegistryPaths.requireInside(base, base.resolve("marquee/./x/../3"))).isEqualTo(base.toRealPath().resolve("marquee/3"));
    }

    @Test
    void dotDotOutOfTheRegistryIsRefused() throws Exception {
        Path base = Files.createDirectories(tmp.resolve("registry"));
        assertThatThrownBy(() -> RegistryPaths.requireInside(base, base.resolve("marquee/../../elsewhere")))
                .isInstanceOf(RegistryPaths.OutsideRegistryException.class).hasMessageContaining("outside the registry");
        // a sibling whose name merely starts with the base's is outside too
        assertThatThrownBy(() -> RegistryPaths.requireInside(base, tmp.resolve("registry2/marquee")))
                .isInstanceOf(RegistryPaths.OutsideRegistryException.class);
    }

    @Test
    void aSymbolicLinkInsideTheRegistryThatLeadsOutIsRefused() throws Exception {
        Path base = Files.createDirectories(tmp.resolve("registry"));
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        Files.createDirectories(base.resolve("marquee"));
        Files.createSymbolicLink(base.resolve("marquee/rejected"), outside);
        assertThatThrownBy(() -> RegistryPaths.requireInside(base, base.resolve("marquee/rejected/r-1")))
                .isInstanceOf(RegistryPaths.OutsideRegistryException.class).hasMessageContaining(outside.toRealPath().toString());
        Files.createSymbolicLink(base.resolve("marquee/dangling"), tmp.resolve("nowhere"));
        assertThatThrownBy(() -> RegistryPaths.requireInside(base, base.resolve("marquee/dangling/x")))
                .isInstanceOf(RegistryPaths.OutsideRegistryException.class);
    }

    @Test
    void aLinkThatStaysInsideIsFine() throws Exception {
        Path base = Files.createDirectories(tmp.resolve("registry"));
        Path real = Files.createDirectories(base.resolve("marquee/3"));
        Files.createSymbolicLink(base.resolve("marquee/current"), real);
        assertThat(RegistryPaths.requireInside(base, base.resolve("marquee/current"))).isEqualTo(real.toRealPath());
    }

    @Test
    void requestIdsBecomeOneHarmlessFolderName() {
        assertThat(RegistryPaths.safeComponent("r-1.2_x")).isEqualTo("r-1.2_x");
        assertThat(RegistryPaths.safeComponent("../../etc/passwd")).isEqualTo(".._.._etc_passwd");
        assertThat(RegistryPaths.safeComponent("..")).isEqualTo("_..");
        assertThat(RegistryPaths.safeComponent(".")).isEqualTo("_.");
        assertThat(RegistryPaths.safeComponent("")).isEqualTo("_");
        assertThat(RegistryPaths.safeComponent(null)).isEqualTo("_");
        assertThat(RegistryPaths.safeComponent("a/b\\c\u0000d")).isEqualTo("a_b_c_d");
        assertThat(RegistryPaths.safeComponent("x".repeat(300))).hasSize(100);
    }
}

package dev.marquee.data.testing;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;

class PrerequisitesTest {
    @Test
    void aMissingPrerequisiteSkipsOutsideCi() {
        assertThatThrownBy(() -> Prerequisites.assumeOrFailInCi(false, "no dataset", Map.of()))
                .isInstanceOf(TestAbortedException.class).hasMessageContaining("no dataset");
        assertThatThrownBy(() -> Prerequisites.assumeOrFailInCi(false, "no dataset", Map.of("CI", "false")))
                .isInstanceOf(TestAbortedException.class);
    }

    @Test
    void aMissingPrerequisiteFailsInCi() {
        assertThatThrownBy(() -> Prerequisites.assumeOrFailInCi(false, "no dataset", Map.of("CI", "true")))
                .isInstanceOf(AssertionError.class).isNotInstanceOf(TestAbortedException.class)
                .hasMessageContaining("no dataset").hasMessageContaining("CI=true");
    }

    @Test
    void aPresentPrerequisiteNeitherSkipsNorFails() {
        assertThatCode(() -> Prerequisites.assumeOrFailInCi(true, "no dataset", Map.of("CI", "true"))).doesNotThrowAnyException();
        assertThatCode(() -> Prerequisites.assumeOrFailInCi(true, "no dataset", Map.of())).doesNotThrowAnyException();
    }
}

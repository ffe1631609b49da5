package dev.marquee.job.trigger;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.model.ModelCard;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RegistryCardRmseTest {
    @TempDir
    Path registry;

    private void card(long version, String metrics) throws IOException {
        Path dir = Files.createDirectories(registry.resolve("marquee").resolve(Long.toString(version)));
        Files.writeString(dir.resolve(ModelCard.FILE_NAME),
                "{\"architecture\": \"default\", \"metrics\": {\"default\": " + metrics + "}}");
    }

    @Test
    void theTestRmseElseTheValidationRmseElseNothing() throws IOException {
        card(1, "{\"validation\": {\"rmse\": 1.03}, \"test\": {\"rmse\": 1.02}}");
        card(2, "{\"validation\": {\"rmse\": 0.91}}");
        card(3, "{}");
        RegistryCardRmse rmse = new RegistryCardRmse(registry.toString(), "marquee");
        assertThat(rmse.testRmse(1)).hasValue(1.02);
        assertThat(rmse.testRmse(2)).hasValue(0.91);
        assertThat(rmse.testRmse(3)).isEmpty();
        assertThat(rmse.testRmse(4)).isEmpty();
    }
}

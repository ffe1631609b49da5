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

    /** A card once read is kept (a published version never changes), for the last versions asked about only. */
    @Test
    void aCardIsKeptForTheLastVersionsAskedAboutOnly() throws IOException {
        card(1, "{\"test\": {\"rmse\": 1.02}}");
        RegistryCardRmse rmse = new RegistryCardRmse(registry.toString(), "marquee");
        assertThat(rmse.testRmse(1)).hasValue(1.02);
        Files.delete(registry.resolve("marquee").resolve("1").resolve(ModelCard.FILE_NAME));
        assertThat(rmse.testRmse(1)).as("kept: not read again").hasValue(1.02);
        for (long v = 2; v <= RegistryCardRmse.VERSIONS_KEPT; v++) {
            card(v, "{\"test\": {\"rmse\": 1.0}}");
            assertThat(rmse.testRmse(v)).hasValue(1.0);
        }
        assertThat(rmse.testRmse(1)).as("still among the last %d", RegistryCardRmse.VERSIONS_KEPT).hasValue(1.02);
        for (long v = 2; v <= RegistryCardRmse.VERSIONS_KEPT + 1; v++) {
            card(v, "{\"test\": {\"rmse\": 1.0}}");
            rmse.testRmse(v);
        }
        assertThat(rmse.testRmse(1)).as("forgotten, read again, and its card is gone").isEmpty();
    }
}

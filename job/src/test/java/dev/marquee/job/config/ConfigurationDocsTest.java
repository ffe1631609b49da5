package dev.marquee.job.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigurationDocsTest {
    @Test
    void theDocumentIsWhatTheOptionsAndTheTemplateMake() throws IOException {
        Path root = repositoryRoot();
        String expected = ConfigurationDocs.render(Files.readString(root.resolve(ConfigurationDocs.TEMPLATE), StandardCharsets.UTF_8));
        String actual = Files.readString(root.resolve(ConfigurationDocs.OUTPUT), StandardCharsets.UTF_8);
        assertThat(actual)
                .as(ConfigurationDocs.OUTPUT + " is stale (a setting or " + ConfigurationDocs.TEMPLATE + " changed):"
                        + " regenerate it with " + ConfigurationDocs.COMMAND)
                .isEqualTo(expected);
    }

    @Test
    void everyOptionAndKeyFamilyHasARow() {
        String doc = ConfigurationDocs.render(placingEverySection());
        ConfigurationDocs.sections().forEach(s -> s.rows().forEach(r -> assertThat(doc).contains("| `" + r.key() + "` |")));
        assertThat(doc).contains("| `kafka.property.<name>` | string |", "| `drift.threshold.<metric>` | double |",
                "| `batch.size` | int | `256` | rows per micro-batch at most |",
                "| `trigger.cooldown-ms` | long | `1800000` (30 min) |",
                "| `checkpoint.interval-ms` | long | `60000` (1 min) at-least-once, `10000` exactly-once |");
    }

    @Test
    void aTemplateMustPlaceEachSectionOnce() {
        assertThatThrownBy(() -> ConfigurationDocs.render("# nothing\n"))
                .hasMessageContaining("the template places no table for").hasMessageContaining("scoring.kafka");
        assertThatThrownBy(() -> ConfigurationDocs.render(placingEverySection() + "<!-- options: trigger -->\n"))
                .hasMessageContaining("'trigger' placed twice");
        assertThatThrownBy(() -> ConfigurationDocs.render(placingEverySection() + "<!-- options: scoring.typo -->\n"))
                .hasMessageContaining("no option section 'scoring.typo'");
    }

    @Test
    void everyDocumentedDefaultIsAcceptedByItsJob() {
        for (OptionSection section : ScoringJobOptions.SECTIONS) {
            for (OptionRow row : section.rows()) {
                if (row.option() == null) continue;
                Map<String, String> setting = Map.of(row.key(), OptionRow.format(row.option().defaultValue()));
                assertThatCode(() -> JobSettings.from(setting)).as(row.key()).doesNotThrowAnyException();
            }
        }
        for (OptionRow row : TriggerJobOptions.TRIGGER.rows()) {
            Object value = row.option().defaultValue();
            String text = value instanceof Double && ((Double) value).isNaN() ? "off" : OptionRow.format(value);
            assertThatCode(() -> TriggerSettings.from(Map.of(row.key(), text))).as(row.key()).doesNotThrowAnyException();
        }
    }

    /** The audit takes the job's parser settings by these keys (--parser-setting): the same set as the job's. */
    @Test
    void theParsersKeysAreTheJobsParserOptions() {
        java.util.List<String> declared = new java.util.ArrayList<>();
        for (OptionSection section : ScoringJobOptions.SECTIONS) {
            for (OptionRow row : section.rows()) {
                if (row.key().startsWith("parser.")) declared.add(row.key());
            }
        }
        assertThat(declared).containsExactlyInAnyOrderElementsOf(dev.marquee.data.parse.ParserLimits.KEYS);
    }

    private static String placingEverySection() {
        StringBuilder b = new StringBuilder();
        ConfigurationDocs.sections().forEach(s -> b.append("<!-- options: ").append(s.id()).append(" -->\n"));
        return b.toString();
    }

    /** The module's tests run in job/; the document is the repository's. */
    private static Path repositoryRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve(ConfigurationDocs.TEMPLATE))) dir = dir.getParent();
        assertThat(dir).as("no " + ConfigurationDocs.TEMPLATE + " above the working directory").isNotNull();
        return dir;
    }
}

package dev.marquee.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A version without a title file has no catalog; one whose title file cannot be read (a network file system's I/O
 * error, here a symbolic link to itself) is an error, tried again by the caller, not a version without a catalog.
 */
class TrainedModelTitleCatalogTest {
    @TempDir
    Path version;

    @Test
    void anAbsentTitleFileIsNoCatalogAndAnUnreadableOneIsAnError() throws IOException {
        assertThat(TrainedModel.titleCatalog(version)).isEmpty();
        Path titles = Files.createDirectories(version.resolve(TrainedModel.ASSETS)).resolve(TrainedModel.TITLES_FILE);
        Files.createSymbolicLink(titles, titles.getFileName());
        assertThatThrownBy(() -> TrainedModel.titleCatalog(version)).isInstanceOf(IOException.class);
        Files.delete(titles);
        Files.writeString(titles, "Heat (1995)\n");
        assertThat(TrainedModel.titleCatalog(version)).isPresent();
    }
}

package dev.marquee.data.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonFilesTest {
    @TempDir
    Path tmp;

    @Test
    void aFileThatCannotBeReadIsNamedWithWhatItIs() throws IOException {
        Path folder = Files.createDirectories(tmp.resolve("serving.json"));
        assertThatThrownBy(() -> JsonFiles.read(folder, Map.class, "serving pointer")).isInstanceOf(IOException.class)
                .hasMessageStartingWith("cannot read serving pointer " + folder + ": ");
    }

    @Test
    void aFileSystemErrorNamesTheFileOnceWithTheSystemsReason() throws IOException {
        Path loop = tmp.resolve("serving.json");
        Files.createSymbolicLink(loop, tmp.resolve("other.json"));
        Files.createSymbolicLink(tmp.resolve("other.json"), loop);
        assertThatThrownBy(() -> JsonFiles.read(loop, Map.class, "serving pointer"))
                .hasMessageStartingWith("cannot read serving pointer: " + loop + ": ") // the system's reason: ELOOP's words
                .satisfies(e -> assertThat(e.getMessage().split(java.util.regex.Pattern.quote(loop.toString()), -1)).as("the file named once").hasSize(2));
    }

    @Test
    void anAbsentFileIsTheSystemsOwnNoSuchFileAndAMalformedOneIsBad() throws IOException {
        assertThatThrownBy(() -> JsonFiles.read(tmp.resolve("none.json"), Map.class, "model contract"))
                .isExactlyInstanceOf(NoSuchFileException.class);
        Path bad = Files.writeString(tmp.resolve("bad.json"), "{\"a\": ");
        assertThatThrownBy(() -> JsonFiles.read(bad, Map.class, "model contract"))
                .hasMessageStartingWith("bad model contract " + bad + ": ");
        Path good = Files.writeString(tmp.resolve("good.json"), "{\"a\": 1}");
        assertThat(JsonFiles.read(good, Map.class, "model contract")).containsEntry("a", 1);
    }
}

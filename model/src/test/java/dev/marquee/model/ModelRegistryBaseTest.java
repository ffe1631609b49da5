package dev.marquee.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** How a registry named by a person (an option, an environment variable, a job setting) becomes a directory. */
class ModelRegistryBaseTest {
    @Test
    void pathsStayAsGivenAndFileUrisBecomePaths() {
        assertThat(ModelRegistry.baseOf(".marquee/registry")).isEqualTo(Path.of(".marquee/registry"));
        assertThat(ModelRegistry.baseOf("/data/registry")).isEqualTo(Path.of("/data/registry"));
        assertThat(ModelRegistry.baseOf("file:///data/my%20registry")).isEqualTo(Path.of("/data/my registry"));
        assertThat(ModelRegistry.baseOf("FILE:///data/registry")).isEqualTo(Path.of("/data/registry"));
        assertThat(ModelRegistry.baseOf("registry:v2")).as("a colon without //").isEqualTo(Path.of("registry:v2"));
    }

    @Test
    void otherUrisAreRefusedWithTheReason() {
        for (String uri : new String[] {"s3://bucket/registry", "hdfs://nn:8020/registry", "gs://b/r"}) {
            assertThatThrownBy(() -> ModelRegistry.baseOf(uri)).as(uri).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("must be a directory on a local or mounted file system")
                    .hasMessageEndingWith("got '" + uri + "'");
        }
        assertThatThrownBy(() -> ModelRegistry.baseOf("file://host/registry")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is not a usable file:// URI (give three slashes");
    }
}

package dev.marquee.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Map;
import java.util.stream.Stream;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Node;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Start-up options and clean-up of {@link EmbeddedKafka}; each test starts its own broker. */
class EmbeddedKafkaLifecycleITCase {

    @Test
    void listensOnTheChosenLoopbackPortAndAdvertisesIt() throws Exception {
        int port = freePort();
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().port(port).start()) {
            assertThat(kafka.bootstrapServers()).isEqualTo("127.0.0.1:" + port);
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
                Collection<Node> nodes = admin.describeCluster().nodes().get();
                assertThat(nodes).singleElement().satisfies(node -> {
                    assertThat(node.host()).isEqualTo("127.0.0.1");
                    assertThat(node.port()).isEqualTo(port);
                });
            }
        }
    }

    @Test
    void aTakenPortIsReportedClearly() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
            int port = taken.getLocalPort();

            assertThatThrownBy(() -> EmbeddedKafka.builder().port(port).start())
                    .isInstanceOf(EmbeddedKafka.PortInUseException.class)
                    .hasMessage("Port " + port + " on 127.0.0.1 is already in use");
        }
    }

    @Test
    void aTemporaryDataDirIsDeletedOnClose() {
        EmbeddedKafka kafka = EmbeddedKafka.start();
        Path dataDir = kafka.dataDir();
        assertThat(dataDir).isDirectory();

        kafka.close();
        assertThat(dataDir).doesNotExist();
        kafka.close(); // a second close does nothing
    }

    @Test
    void aGivenDataDirIsUsedAndKept(@TempDir Path tmp) throws IOException {
        Path dataDir = tmp.resolve("kafka-data");
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().dataDir(dataDir).start()) {
            assertThat(kafka.dataDir()).isEqualTo(dataDir.toAbsolutePath());
        }
        try (Stream<Path> files = Files.walk(dataDir)) {
            assertThat(files.map(Path::getFileName).map(Path::toString)).contains("meta.properties");
        }

        assertThatThrownBy(() -> EmbeddedKafka.builder().dataDir(dataDir).start())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("is not empty");
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
            return socket.getLocalPort();
        }
    }
}

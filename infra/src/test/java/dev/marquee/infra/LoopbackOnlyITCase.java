package dev.marquee.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Where the in-JVM broker listens, from the kernel's socket tables (/proc/self/fd and /proc/net/tcp*): the
 * client listener on loopback; the two sockets Kafka's test kit pre-binds itself (its controller listener and an
 * unused broker listener) on every interface, at random ports, as docs/RELIABILITY.md says. The kit binds them
 * with {@code new InetSocketAddress(port)} and offers no setting; if it ever learns one, this test fails and the
 * document must change.
 */
class LoopbackOnlyITCase {
    @Test
    void theClientListenerIsOnLoopbackAndOnlyTheKitsTwoPreboundSocketsAreNot() throws Exception {
        assumeTrue(Files.isReadable(Path.of("/proc/net/tcp")) && Files.isDirectory(Path.of("/proc/self/fd")),
                "no /proc here: the listening addresses cannot be read");
        Set<String> before = listeningOfThisProcess();
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            List<String> opened = new ArrayList<>(listeningOfThisProcess());
            opened.removeAll(before);
            assertThat(opened).as("the client listener").contains("127.0.0.1:" + kafka.port());
            List<String> everyInterface = opened.stream().filter(a -> !a.startsWith("127.0.0.1:")).toList();
            assertThat(everyInterface).as("the test kit's pre-bound controller and broker sockets").hasSize(2)
                    .allSatisfy(a -> assertThat(a).doesNotEndWith(":" + kafka.port()));
        }
    }

    /** "address:port" of every LISTEN socket whose inode is one of this process's file descriptors. */
    static Set<String> listeningOfThisProcess() throws IOException {
        Set<String> inodes = new HashSet<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : (Iterable<Path>) fds::iterator) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[")) inodes.add(target.substring(8, target.length() - 1));
                } catch (IOException gone) {
                    // closed meanwhile
                }
            }
        }
        Set<String> out = new HashSet<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            Path p = Path.of(table);
            if (!Files.isReadable(p)) continue;
            for (String line : Files.readAllLines(p)) {
                String[] f = line.trim().split("\\s+");
                if (f.length < 10 || !f[3].equals("0A") || !inodes.contains(f[9])) continue;
                String[] local = f[1].split(":");
                out.add(address(local[0]) + ":" + Integer.parseInt(local[1], 16));
            }
        }
        return out;
    }

    private static String address(String hex) {
        if (hex.length() == 8) {
            long v = Long.parseLong(hex, 16);
            return (v & 0xff) + "." + ((v >> 8) & 0xff) + "." + ((v >> 16) & 0xff) + "." + ((v >> 24) & 0xff);
        }
        if (hex.equals("0000000000000000FFFF00000100007F")) return "127.0.0.1";
        return "[" + hex + "]";
    }
}

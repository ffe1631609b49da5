package dev.marquee.data.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

class CommandsTest {
    @Command(name = "demo", mixinStandardHelpOptions = true, description = "a command for this test")
    static final class Demo implements Callable<Integer> {
        @Option(names = "--count", description = "how many (default: ${DEFAULT-VALUE})", defaultValue = "3")
        int count;

        @Option(names = "--fail", description = "what to throw: io, setting or other")
        String fail;

        @Override
        public Integer call() throws Exception {
            if ("io".equals(fail)) throw new NoSuchFileException("/nowhere/ratings.csv");
            if ("setting".equals(fail)) throw new SettingException("--count must be positive");
            if ("other".equals(fail)) throw new IllegalStateException("boom");
            return count == 3 ? Commands.OK : 7;
        }
    }

    @Command(name = "marquee", version = "marquee 9.9", subcommands = Demo.class)
    static final class Root implements Callable<Integer> {
        @Override
        public Integer call() {
            return Commands.OK;
        }
    }

    @Command(name = "echo", mixinStandardHelpOptions = true)
    static final class Echo implements Callable<Integer> {
        @Option(names = "--title")
        String title;

        @Override
        public Integer call() {
            return title.startsWith("@") ? Commands.OK : Commands.FAILED;
        }
    }

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine line = Commands.commandLine(new Demo());
        line.setOut(new PrintWriter(out, true));
        line.setErr(new PrintWriter(err, true));
        return line.execute(args);
    }

    @Test
    void helpIsGeneratedFromTheOptions() {
        assertThat(run("--help")).isEqualTo(Commands.OK);
        assertThat(out.toString()).contains("--count", "how many (default: 3)");
    }

    @Test
    void aTypedOptionRefusesAWrongValueInOneLineWithExitTwo() {
        assertThat(run("--count", "many")).isEqualTo(Commands.USAGE);
        assertThat(err.toString()).contains("marquee demo: ", "'many'", "see: marquee demo --help")
                .doesNotContain("at picocli");
    }

    @Test
    void anUnknownOptionIsAUsageError() {
        assertThat(run("--colour", "red")).isEqualTo(Commands.USAGE);
        assertThat(err.toString()).contains("--colour");
    }

    @Test
    void argumentsThatLookLikeSecretsAreNotEchoed() {
        String secret = "password=hunter2hunter2";
        assertThat(run(secret)).isEqualTo(Commands.USAGE);
        assertThat(err.toString()).doesNotContain("hunter2").contains("hidden");
    }

    @Test
    void failuresAreOneLineWithoutAStackTrace() {
        assertThat(run("--fail", "io")).isEqualTo(Commands.FAILED);
        assertThat(err.toString().strip()).isEqualTo("marquee demo: no such file or directory: /nowhere/ratings.csv");
    }

    @Test
    void aSettingRefusedAfterParsingIsAUsageError() {
        assertThat(run("--fail", "setting")).isEqualTo(Commands.USAGE);
        assertThat(err.toString()).contains("--count must be positive", "see: marquee demo --help");
    }

    @Test
    void unexpectedFailuresNameTheirClass() {
        assertThat(run("--fail", "other")).isEqualTo(Commands.FAILED);
        assertThat(err.toString()).contains("failed: java.lang.IllegalStateException: boom").doesNotContain("\tat ");
    }

    /** A failed copy or move names its target too: a full registry, not the model's source, is often the cause. */
    @Test
    void aFailedCopyNamesBothItsEnds() {
        assertThat(Commands.describe(new java.nio.file.FileSystemException("/exports/m/variables/v.data",
                "/registry/marquee/.publishing-1/variables/v.data", "No space left on device")))
                .isEqualTo("/exports/m/variables/v.data -> /registry/marquee/.publishing-1/variables/v.data: No space left"
                        + " on device");
        assertThat(Commands.describe(new java.nio.file.FileSystemException("/registry/marquee/serving.json", null,
                "Read-only file system"))).isEqualTo("/registry/marquee/serving.json: Read-only file system");
        assertThat(Commands.describe(new java.nio.file.AccessDeniedException("/a", "/registry/x", null)))
                .isEqualTo("permission denied: /a -> /registry/x");
        assertThat(Commands.describe(new java.nio.file.NoSuchFileException("/a"))).isEqualTo("no such file or directory: /a");
    }

    /** A Kafka client's chain of causes, each saying a part (where, which file, why), as one line; values masked. */
    @Test
    void causesJoinsEveryDistinctMessageOfTheChain() {
        Exception keystore = new RuntimeException("Failed to construct kafka consumer",
                new IllegalStateException("Failed to load SSL keystore /etc/kafka/trust.p12 of type PKCS12",
                        new java.io.IOException("keystore password was incorrect")));
        assertThat(Commands.causes(keystore)).isEqualTo("Failed to construct kafka consumer: Failed to load SSL keystore"
                + " /etc/kafka/trust.p12 of type PKCS12: keystore password was incorrect");
        Exception copied = new RuntimeException(new java.nio.file.NoSuchFileException("/etc/kafka/absent.p12"));
        assertThat(Commands.causes(copied)).as("a message that is its cause's: said once")
                .isEqualTo("no such file or directory: /etc/kafka/absent.p12");
        assertThat(Commands.causes(new RuntimeException("login failed", new IllegalArgumentException("password=hunter2"))))
                .isEqualTo("login failed: password=" + SecretMasking.MASK);
        assertThat(Commands.causes(new IllegalStateException())).isEqualTo("java.lang.IllegalStateException");
        assertThat(Commands.causes(new RuntimeException("Failed to construct kafka producer", new RuntimeException(
                new javax.security.auth.login.LoginException())))).as("a cause without a message is named")
                .isEqualTo("Failed to construct kafka producer: javax.security.auth.login.LoginException");
        // a file's own error says only its path, which the message above names: what failed is said
        assertThat(Commands.causes(new RuntimeException("Failed to load SSL keystore /a.p12 of type PKCS12",
                new NoSuchFileException("/a.p12")))).endsWith(": no such file or directory: /a.p12");
        assertThat(Commands.causes(new RuntimeException("Failed to load SSL keystore /a.p12 of type PKCS12",
                new java.nio.file.AccessDeniedException("/a.p12")))).endsWith(": permission denied: /a.p12");
    }

    /** A wrapper that says only "failed to construct" keeps its deepest cause, which says why. */
    @Test
    void anUnexpectedFailureNamesItsDeepestCause() {
        RuntimeException wrapped = new RuntimeException("Failed to construct kafka consumer",
                new IllegalArgumentException("No resolvable bootstrap urls given in bootstrap.servers"));
        assertThat(Commands.describe(wrapped)).startsWith("failed: java.lang.RuntimeException: Failed to construct")
                .contains("No resolvable bootstrap urls");
        assertThat(Commands.describe(new RuntimeException(new IllegalStateException("a\nb")))).doesNotContain("\n")
                .satisfies(d -> assertThat(d.split("IllegalStateException", -1)).as("named once").hasSize(2));
        assertThat(Commands.describe(new RuntimeException("x", new IllegalArgumentException("password=hunter2"))))
                .doesNotContain("hunter2").contains("password=");
        assertThat(Commands.describe(new RuntimeException(new IllegalArgumentException("password=hunter2"))))
                .as("a wrapper that copies its cause's message").doesNotContain("hunter2");
        String jaas = "Could not find a 'KafkaClient' entry in the JAAS configuration. System property"
                + " 'java.security.auth.login.config' is not set";
        assertThat(Commands.describe(new RuntimeException("Failed to construct kafka consumer",
                new IllegalArgumentException(jaas)))).as("no value to hide: the message is kept").contains(jaas);
    }

    @Test
    void subcommandsAnswerVersionWithTheirParents() {
        CommandLine line = Commands.commandLine(new Root());
        line.setOut(new PrintWriter(out, true));
        assertThat(line.execute("demo", "--version")).isEqualTo(Commands.OK);
        assertThat(out.toString().strip()).isEqualTo("marquee 9.9");
    }

    @Test
    void anArgumentStartingWithAtIsAValueNotAFileOfArguments(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("args"), "expanded");
        assertThat(Commands.run(new Echo(), "--title", "@" + file)).isEqualTo(Commands.OK);
    }
}

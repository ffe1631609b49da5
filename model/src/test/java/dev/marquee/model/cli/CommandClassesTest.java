package dev.marquee.model.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each model command class on its own, as the root {@code marquee} tool runs it: {@code --help} lists its options,
 * and a badly typed value is one line and exit 2, before any work.
 */
class CommandClassesTest {
    @TempDir
    Path tmp;

    static Stream<Arguments> commands() {
        return Stream.of(
                Arguments.of("train", (Function<Console, ConsoleCommand>) TrainCommand::new,
                        new String[] {"--data", "--split", "--arch", "--epochs", "--registry", "--name"},
                        new String[] {"--epochs", "many"}),
                Arguments.of("evaluate", (Function<Console, ConsoleCommand>) EvaluateCommand::new,
                        new String[] {"--version", "--model-dir", "--data", "--split", "--seed"},
                        new String[] {"--version", "latest"}),
                Arguments.of("models", (Function<Console, ConsoleCommand>) ModelsCommand::new,
                        new String[] {"--pin", "--unpin", "--retain", "--registry"},
                        new String[] {"--retain", "few"}),
                Arguments.of("predict", (Function<Console, ConsoleCommand>) PredictCommand::new,
                        new String[] {"--version", "--model-dir", "--registry", "--name"},
                        new String[] {"--version", "1.5"}),
                Arguments.of("import", (Function<Console, ConsoleCommand>) ImportCommand::new,
                        new String[] {"--model-dir", "--input", "--output", "--part", "--serve"},
                        new String[] {"--model-dir", "m", "--part", "most"}));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("commands")
    void helpListsTheOptionsAndABadValueIsOneLineExitTwo(String name, Function<Console, ConsoleCommand> command,
            String[] options, String[] badArgs) {
        Run help = run(command, "--help");
        assertThat(help.code).as(help.toString()).isZero();
        assertThat(help.out).contains("Usage: " + name).contains(options);

        Run bad = run(command, badArgs);
        assertThat(bad.code).as(bad.toString()).isEqualTo(2);
        assertThat(bad.err.lines()).as(bad.toString()).hasSize(2).first().asString()
                .startsWith("marquee " + name + ": ").contains("'" + badArgs[badArgs.length - 1] + "'");
        assertThat(bad.err).contains("see: marquee " + name + " --help");
        assertThat(bad.out).isEmpty();
    }

    /** A library that does not link (TensorFlow's, unpacked to a full disk) is one line naming the cache, exit 1. */
    @Test
    void aLibraryThatDoesNotLinkIsOneLineNamingJavaCppsCache() {
        @picocli.CommandLine.Command(name = "train")
        class Unlinked extends ConsoleCommand {
            Unlinked(Console console) {
                super(console);
            }

            @Override
            protected int run() {
                throw new UnsatisfiedLinkError("no jnitensorflow in java.library.path: No space left on device");
            }
        }
        Run r = run(Unlinked::new);
        assertThat(r.code).as(r.toString()).isEqualTo(1);
        assertThat(r.err.lines()).as(r.toString()).hasSize(1).first().asString().startsWith("marquee train: ")
                .contains("No space left on device", "org.bytedeco.javacpp.cachedir");
        assertThat(r.err).doesNotContain("\tat ");
    }

    /** A class of this build that does not match another is not blamed on TensorFlow's library. */
    @Test
    void aStaleClassIsOneLineAskingForABuild() {
        @picocli.CommandLine.Command(name = "models")
        class Stale extends ConsoleCommand {
            Stale(Console console) {
                super(console);
            }

            @Override
            protected int run() {
                throw new NoSuchMethodError("'void dev.marquee.data.X.y()'");
            }
        }
        Run r = run(Stale::new);
        assertThat(r.code).as(r.toString()).isEqualTo(1);
        assertThat(r.err.lines()).as(r.toString()).hasSize(1).first().asString().startsWith("marquee models: ")
                .contains("NoSuchMethodError", "build again").doesNotContain("glibc", "javacpp");
    }

    /** A TensorFlow class missing (its jar gone) asks for a build; one that could not initialise names the cache. */
    @Test
    void aMissingTensorFlowClassAsksForABuildAndOneThatCouldNotInitialiseNamesTheCache() {
        assertThat(dev.marquee.model.NativeLibraryFailure.describe(new NoClassDefFoundError("org/tensorflow/Graph")))
                .contains("build again").doesNotContain("glibc");
        assertThat(dev.marquee.model.NativeLibraryFailure.describe(new NoClassDefFoundError(
                "Could not initialize class org.tensorflow.internal.c_api.global.tensorflow")))
                .contains("glibc", "org.bytedeco.javacpp.cachedir");
        // the lower-case spelling, which JavaCPP reads first, may be this build's own (-DargLine, JAVA_TOOL_OPTIONS)
        String lower = System.getProperty("org.bytedeco.javacpp.cachedir");
        String before = System.getProperty("org.bytedeco.javacpp.cacheDir");
        System.clearProperty("org.bytedeco.javacpp.cachedir");
        System.setProperty("org.bytedeco.javacpp.cacheDir", "/big/disk/javacpp");
        try {
            assertThat(dev.marquee.model.NativeLibraryFailure.describe(new UnsatisfiedLinkError("no jnitensorflow")))
                    .as("JavaCPP reads either spelling").contains("/big/disk/javacpp");
        } finally {
            if (before == null) System.clearProperty("org.bytedeco.javacpp.cacheDir");
            else System.setProperty("org.bytedeco.javacpp.cacheDir", before);
            if (lower != null) System.setProperty("org.bytedeco.javacpp.cachedir", lower);
        }
    }

    private Run run(Function<Console, ConsoleCommand> command, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Console console = new Console(new ByteArrayInputStream(new byte[0]),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                Map.of(), tmp);
        int code = ConsoleCommand.execute(command.apply(console), args);
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private record Run(int code, String out, String err) {}
}

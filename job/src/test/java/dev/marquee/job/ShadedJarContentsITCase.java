package dev.marquee.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;

/**
 * The jar a cluster runs holds the Flink jobs and what they use, and nothing else: no operator tools, no
 * {@code marquee} command (scripts/cli), no test broker, no test classes or test libraries (docs/decisions/0009-modules-by-role.md).
 *
 * <p>The shaded jar is built only by {@code mvn -Pshaded verify} (shading takes ~35 s); that profile sets
 * {@code job.shaded.jar.required}, so there a missing jar fails. Plain {@code verify} skips with a message.
 */
class ShadedJarContentsITCase {

    private static final Pattern LEFT_OUT = Pattern.compile(
            "dev/marquee/(cli|tools|data/replay|data/dashboard|data/watch|job/audit|infra)/.*"
                    + "|org/junit/.*|org/testcontainers/.*"
                    + "|(.*/)?[^/$]*(Test|ITCase)(\\$[^/]*)?\\.class"
                    // what the cluster provides: Flink itself (the Kafka connector is the job's) and the logging backend
                    + "|org/apache/flink/(runtime|api|configuration|core|util|metrics|streaming/(api|runtime))/.*"
                    + "|org/slf4j/.*|org/apache/logging/.*"
                    // test libraries, and the test broker (kafka-clients has org/apache/kafka/server/ interfaces)
                    + "|org/assertj/.*|org/awaitility/.*|com/tngtech/.*|net/jqwik/.*|org/HdrHistogram/.*"
                    + "|kafka/(server|log|cluster|coordinator|network|raft|zk)/.*"
                    + "|org/apache/kafka/(raft|storage|metadata|controller|image|coordinator|network)/.*");

    @Test
    void theJobJarHoldsNoToolsAndNoTests() throws IOException {
        List<String> entries = entriesOf(shadedJar());

        assertThat(entries)
                .as("the jobs and the modules they use")
                .contains("dev/marquee/job/ScoringJob.class", "dev/marquee/job/trigger/RetrainTriggerJob.class",
                        "dev/marquee/data/event/Rating.class", "dev/marquee/model/Architecture.class")
                .as("the commands' logging, for the trainer and the model commands run from this jar (OPERATIONS.md)")
                .contains("log4j2-cli.properties")
                .as("a bundled jar's own dependency list, which names other versions").doesNotContain("META-INF/DEPENDENCIES");
        assertThat(entries.stream().filter(name -> LEFT_OUT.matcher(name).matches()))
                .as("tools, test fixtures and test classes in the job jar")
                .isEmpty();
        try (java.util.jar.JarFile jar = new java.util.jar.JarFile(shadedJar().toFile())) {
            assertThat(jar.getManifest().getMainAttributes().getValue("Main-Class"))
                    .as("what `flink run` and scripts/cluster submit start without -c").isEqualTo("dev.marquee.job.ScoringJob");
        }
    }

    /** The bundled jars' attribution notices are merged, not the first one kept (Apache License 2.0, section 4d). */
    @Test
    void theJobJarCarriesTheNoticesOfWhatItBundles() throws IOException {
        try (ZipFile zip = new ZipFile(shadedJar().toFile())) {
            ZipEntry notice = zip.getEntry("META-INF/NOTICE");
            assertThat(notice).as("META-INF/NOTICE").isNotNull();
            String text = new String(zip.getInputStream(notice).readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(text).as("the Kafka connector's and Jackson's notices").contains("Apache Flink").contains("Jackson");
        }
    }

    /**
     * The jar's licence is marquee's own, and every third-party library it bundles is named in its NOTICE with its
     * licence, the texts that are not Apache 2.0 beside it (BSD's clause 2: binaries reproduce the notice). A library
     * counts as bundled when a class of its jar on this test's class path is in the shaded jar, so a dependency added
     * later without a NOTICE line fails here.
     */
    @Test
    void theJobJarNamesTheLicenceOfEveryLibraryItBundles() throws IOException {
        try (ZipFile zip = new ZipFile(shadedJar().toFile())) {
            assertThat(text(zip, "META-INF/LICENSE")).as("META-INF/LICENSE: marquee's, the repository's LICENSE")
                    .isEqualTo(Files.readString(Path.of("..", "LICENSE")));
            String notice = text(zip, "META-INF/NOTICE");
            assertThat(notice).as("META-INF/NOTICE").contains("marquee job jar");
            List<String> bundled = new java.util.ArrayList<>();
            for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
                Path jar = Path.of(entry);
                if (!entry.endsWith(".jar") || !Files.isRegularFile(jar) || jar.getFileName().toString().startsWith("marquee-")) continue;
                String someClass = firstClass(jar);
                if (someClass != null && zip.getEntry(someClass) != null) bundled.add(jar.getParent().getParent().getFileName().toString());
            }
            assertThat(bundled).as("libraries found bundled").contains("kafka-clients", "protobuf-java", "zstd-jni", "jackson-core");
            // named in a list ("group:artifact" or ", artifact"), not only inside a licence file's name
            assertThat(bundled.stream().filter(artifact -> !Pattern.compile("(:|, )" + Pattern.quote(artifact) + "(?![\\w-])").matcher(notice).find()))
                    .as("bundled libraries that META-INF/NOTICE does not name").isEmpty();
            for (String text : List.of("LICENSE-protobuf-java.txt", "LICENSE-zstd-jni.txt", "LICENSE-lz4-xxhash.txt", "LICENSE-snappy.txt")) {
                assertThat(text(zip, "META-INF/licenses/" + text)).as(text).contains("Redistributions in binary form must reproduce");
            }
            assertThat(text(zip, "META-INF/licenses/LICENSE-FastDoubleParser.txt")).contains("MIT License");
        }
    }

    @Test
    void thePatternCatchesWhatMustStayOut() {
        assertThat(List.of("dev/marquee/data/replay/ReplayMain.class", "dev/marquee/data/dashboard/index.html",
                "dev/marquee/data/watch/WatchMain.class", "dev/marquee/job/audit/OutcomeLedger.class",
                "dev/marquee/infra/testing/KafkaBrokerExtension.class", "org/junit/jupiter/api/Test.class",
                "org/testcontainers/kafka/KafkaContainer.class", "dev/marquee/job/ScoringJobTest.class",
                "dev/marquee/job/it/ScoringJobITCase$1.class", "dev/marquee/cli/Marquee.class",
                "org/apache/flink/streaming/api/datastream/DataStream.class",
                "org/apache/flink/runtime/minicluster/MiniCluster.class", "org/apache/flink/api/common/JobID.class",
                "org/slf4j/Logger.class", "org/apache/logging/log4j/Logger.class", "org/assertj/core/api/Assertions.class",
                "org/awaitility/Awaitility.class", "net/jqwik/api/Property.class", "org/HdrHistogram/Histogram.class",
                "kafka/server/KafkaRaftServer.class", "org/apache/kafka/raft/RaftClient.class",
                "org/apache/kafka/metadata/BrokerRegistration.class"))
                .allMatch(name -> LEFT_OUT.matcher(name).matches());
        assertThat(List.of("dev/marquee/job/ScoringJob.class", "dev/marquee/data/drift/DriftReports.class",
                "dev/marquee/data/event/TopicNames.class", "dev/marquee/job/cli/ScoreCommand.class",
                "org/apache/flink/connector/kafka/source/KafkaSource.class",
                "org/apache/flink/streaming/connectors/kafka/table/KafkaDynamicSource.class",
                "org/apache/kafka/server/authorizer/Authorizer.class", "org/apache/kafka/clients/producer/KafkaProducer.class",
                "kafka/kafka-version.properties"))
                .noneMatch(name -> LEFT_OUT.matcher(name).matches());
    }

    private static Path shadedJar() {
        String configured = System.getProperty("job.shaded.jar");
        assumeTrue(configured != null, "job.shaded.jar is not set: run through Maven (failsafe sets it)");
        Path jar = Path.of(configured);
        if (!Boolean.getBoolean("job.shaded.jar.required")) {
            // the profile is on when CI is exactly "true"; Prerequisites reads CI more loosely: a CI run whose
            // profile missed it fails here instead of skipping
            dev.marquee.data.testing.Prerequisites.assumeOrFailInCi(Files.isRegularFile(jar),
                    "no shaded job jar at " + jar + ": it is built by mvn -Pshaded verify, which runs this check");
            // a jar an earlier build left (scripts/cluster builds one) would be checked in place of today's code
            assumeTrue(!olderThanTheClasses(jar), "the shaded job jar at " + jar + " is older than the classes it"
                    + " bundles (left by an earlier build): mvn -Pshaded verify builds a fresh one and checks it");
        }
        assertThat(jar).as("the shaded job jar (mvn -Pshaded builds it before integration tests)").isRegularFile();
        return jar;
    }

    /** Whether a class or resource of the modules the jar bundles was built after the jar. */
    private static boolean olderThanTheClasses(Path jar) {
        try {
            long built = Files.getLastModifiedTime(jar).toMillis();
            for (String module : List.of("target/classes", "../model/target/classes", "../data/target/classes")) {
                Path classes = Path.of(module);
                if (!Files.isDirectory(classes)) continue;
                try (java.util.stream.Stream<Path> files = Files.walk(classes)) {
                    if (files.filter(Files::isRegularFile).anyMatch(f -> modified(f) > built)) return true;
                }
            }
            return false;
        } catch (IOException e) {
            return false; // checked as it is: the assertions say what is wrong with it
        }
    }

    private static long modified(Path file) {
        try {
            return Files.getLastModifiedTime(file).toMillis();
        } catch (IOException e) {
            return 0;
        }
    }

    private static String text(ZipFile zip, String name) throws IOException {
        ZipEntry entry = zip.getEntry(name);
        assertThat(entry).as(name + " in the shaded jar").isNotNull();
        return new String(zip.getInputStream(entry).readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    }

    /** A class of the jar's own (not a multi-release or module descriptor), or null for a jar without classes. */
    private static String firstClass(Path jar) throws IOException {
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            return zip.stream().map(ZipEntry::getName)
                    .filter(name -> name.endsWith(".class") && !name.startsWith("META-INF/") && !name.endsWith("module-info.class"))
                    .findFirst().orElse(null);
        }
    }

    private static List<String> entriesOf(Path jar) throws IOException {
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            return zip.stream().map(ZipEntry::getName).toList();
        }
    }
}

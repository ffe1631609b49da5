package dev.marquee.job;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.core.importer.Location;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Which module may use which (docs/ARCHITECTURE.md, docs/decisions/0009-modules-by-role.md), checked on the main
 * classes of every module. It lives in the job's tests because only their classpath holds every module: data,
 * model, job, the tools (test scope) and infra (test scope). Maven's scopes already stop most wrong imports from
 * compiling; these rules catch what a pom change would let through, and a class put in a package of the wrong role.
 *
 * <p>The tools kept their package names when they moved to scripts/tools, so modules are told apart by package.
 * Plain JUnit tests rather than ArchUnit's own engine: Surefire's {@code -Dtest=} filter silently skips the engine's
 * field rules.
 */
class ModuleBoundariesTest {

    static final String[] TOOL_PACKAGES = {
            "dev.marquee.data.replay..", "dev.marquee.data.watch..", "dev.marquee.data.dashboard..", "dev.marquee.job.audit..",
            "dev.marquee.tools.."};

    private static final DescribedPredicate<JavaClass> TOOLS = resideInAnyPackage(TOOL_PACKAGES).as("tools");
    private static final DescribedPredicate<JavaClass> DATA =
            resideInAnyPackage("dev.marquee.data..").and(not(TOOLS)).as("data");
    private static final DescribedPredicate<JavaClass> JOB =
            resideInAnyPackage("dev.marquee.job..").and(not(TOOLS)).as("job");

    private static JavaClasses mainClasses;

    @BeforeAll
    static void importMainClasses() {
        mainClasses = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(new NoTestJars())
                .importPackages("dev.marquee");
    }

    @Test
    void modulesUseOnlyTheModulesBelowThem() {
        layeredArchitecture()
                .consideringOnlyDependenciesInLayers()
                .layer("data").definedBy(DATA)
                .layer("model").definedBy("dev.marquee.model..")
                .layer("job").definedBy(JOB)
                .layer("infra").definedBy("dev.marquee.infra..")
                .layer("tools").definedBy(TOOLS)
                .whereLayer("data").mayNotAccessAnyLayer()
                .whereLayer("model").mayOnlyAccessLayers("data")
                .whereLayer("job").mayOnlyAccessLayers("data", "model")
                .whereLayer("infra").mayOnlyAccessLayers("data")
                .check(mainClasses);
    }

    @Test
    void flinkJobsUseNoToolsAndNoInfra() {
        noClasses().that(JOB)
                .should().dependOnClassesThat(TOOLS.or(resideInAnyPackage("dev.marquee.infra..")))
                .because("the job jar ships the Flink jobs only; tools and the test broker stay out of it")
                .check(mainClasses);
    }

    @Test
    void nothingUsesTheMarqueeCommand() {
        noClasses()
                .should().dependOnClassesThat().resideInAPackage("dev.marquee.cli..")
                .because("the marquee command (scripts/cli) sits on top of every module, and the job jar must run without it")
                .check(mainClasses);
    }

    @Test
    void mainCodeUsesNoTestLibraries() {
        noClasses()
                .should().dependOnClassesThat().resideInAnyPackage("org.junit..", "org.testcontainers..")
                .because("test fixtures live in src/test and travel as test-jars")
                .check(mainClasses);
    }

    /** Guards the rules above against passing on an import that quietly missed a module or took in tests. */
    @Test
    void everyModuleIsImportedWithoutTests() {
        JavaClasses classes = mainClasses;
        assertThat(classes.contain("dev.marquee.data.event.Rating")).as("data").isTrue();
        assertThat(classes.contain("dev.marquee.model.Architecture")).as("model").isTrue();
        assertThat(classes.contain(ScoringJob.class)).as("job").isTrue();
        assertThat(classes.contain("dev.marquee.infra.Topics")).as("infra").isTrue();
        assertThat(classes.contain("dev.marquee.data.replay.ReplayMain")).as("tools").isTrue();
        assertThat(classes.contain("dev.marquee.job.audit.OutcomeLedger")).as("tools (audit)").isTrue();
        assertThat(classes.contain("dev.marquee.infra.testing.KafkaBrokerExtension")).as("a test fixture").isFalse();
        assertThat(classes.contain(ModuleBoundariesTest.class)).as("this test").isFalse();
    }

    /**
     * A {@code *Test} needs nothing (docs/TESTING.md): one that runs Flink is a {@code *PipelineTest}, one that also needs
     * a broker an {@code *ITCase}, so that the unit tests stay fast and the categories say what a test starts.
     */
    static final com.tngtech.archunit.lang.ArchRule UNIT_TESTS_START_NO_FLINK = noClasses()
            .that(new DescribedPredicate<JavaClass>("are unit tests (*Test, not *PipelineTest)") {
                @Override
                public boolean test(JavaClass c) {
                    String top = c.getName().replaceFirst("\\$.*", "");
                    return top.endsWith("Test") && !top.endsWith("PipelineTest");
                }
            })
            .should().dependOnClassesThat().haveFullyQualifiedName("org.apache.flink.runtime.minicluster.MiniCluster")
            .orShould().dependOnClassesThat().haveFullyQualifiedName("dev.marquee.job.pipeline.SharedMiniCluster")
            .orShould().dependOnClassesThat().haveFullyQualifiedName("dev.marquee.job.pipeline.PipelineRun")
            .orShould().dependOnClassesThat().haveFullyQualifiedName("org.apache.flink.test.junit5.MiniClusterExtension")
            .orShould().callMethodWhere(new DescribedPredicate<com.tngtech.archunit.core.domain.JavaMethodCall>(
                    "runs a Flink job (StreamExecutionEnvironment.execute or executeAsync, DataStream.executeAndCollect)") {
                @Override
                public boolean test(com.tngtech.archunit.core.domain.JavaMethodCall call) {
                    String name = call.getTarget().getName();
                    return (name.equals("execute") || name.equals("executeAsync"))
                            && call.getTargetOwner().isAssignableTo(StreamExecutionEnvironment.class)
                            || name.equals("executeAndCollect")
                            && call.getTargetOwner().isAssignableTo(org.apache.flink.streaming.api.datastream.DataStream.class);
                }
            });

    @Test
    void unitTestsStartNoFlinkCluster() {
        JavaClasses tests = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.ONLY_INCLUDE_TESTS)
                .withImportOption(new NoTestJars())
                .importPackages("dev.marquee.job");
        assertThat(tests.contain(ModuleBoundariesTest.class)).as("the job's test classes imported").isTrue();
        UNIT_TESTS_START_NO_FLINK.check(tests.that(not(new DescribedPredicate<JavaClass>("the rule's own fixture") {
            @Override
            public boolean test(JavaClass c) {
                return c.isEquivalentTo(RunsAJobFixture.class);
            }
        })));
    }

    @Test
    void theRuleCatchesATestThatRunsAJob() {
        JavaClasses fixture = new ClassFileImporter().importClasses(RunsAJobFixture.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> UNIT_TESTS_START_NO_FLINK.check(fixture))
                .isInstanceOf(AssertionError.class) // the violations, not the rule's own text, which names both
                .hasMessageContaining("RunsAJobFixture.run()> calls method <org.apache.flink.streaming.api.environment"
                        + ".StreamExecutionEnvironment.executeAsync()")
                .hasMessageContaining("RunsAJobFixture.collect()> calls method <org.apache.flink.streaming.api.datastream"
                        + ".DataStream");
    }

    /** What the rule must refuse: a unit test (nested in one) that runs a Flink job in its JVM. Never run. */
    static final class RunsAJobFixture {
        void run() throws Exception {
            StreamExecutionEnvironment.getExecutionEnvironment().fromData(1).print();
            StreamExecutionEnvironment.getExecutionEnvironment().executeAsync();
        }

        void collect() throws Exception {
            try (var rows = StreamExecutionEnvironment.getExecutionEnvironment().fromData(1).executeAndCollect()) {
                rows.hasNext();
            }
        }
    }

    /** Leaves out the modules' test-jars (DoNotIncludeTests knows target/test-classes, not *-tests.jar). */
    static final class NoTestJars implements ImportOption {
        @Override
        public boolean includes(Location location) {
            return !location.contains("-tests.jar");
        }
    }
}

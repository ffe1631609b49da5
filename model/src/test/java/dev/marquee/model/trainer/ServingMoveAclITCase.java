package dev.marquee.model.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.infra.testing.SecuredKafka;
import dev.marquee.model.ModelRegistry;
import dev.marquee.model.ServingState;
import dev.marquee.model.cli.Console;
import dev.marquee.model.testing.TestModels;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import org.apache.kafka.common.acl.AclOperation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * rollback and promote as a principal that may see model-updates but not write it (the scoring job's, say): refused
 * before the registry changes, naming the grant, not "the registry is updated, but Kafka failed".
 */
class ServingMoveAclITCase {
    @TempDir
    Path tmp;

    @Test
    void aPrincipalThatMayNotWriteTheUpdatesChangesNothing() throws Exception {
        try (SecuredKafka kafka = SecuredKafka.start("reader")) {
            kafka.createTopic("model-updates", 1);
            kafka.allow("reader", "model-updates", AclOperation.READ, AclOperation.DESCRIBE);
            ModelRegistry registry = new ModelRegistry(tmp.resolve("registry"));
            long v1 = TestModels.publish(registry, TestModels.data(1), 1);
            long v2 = TestModels.publishCopy(registry, TestModels.versionDir(registry, v1), false);
            registry.writeState(TestModels.NAME, ServingState.serving(v2, "the test", 0));

            for (BiFunction<String[], Console, Integer> command : List.<BiFunction<String[], Console, Integer>>of(
                    RollbackMain::run, PromoteMain::run)) {
                List<String> args = new ArrayList<>(List.of("--version", String.valueOf(v1), "--bootstrap",
                        kafka.bootstrapServers(), "--registry", registry.base().toString()));
                kafka.clientProps("reader").forEach((k, v) -> {
                    if (!k.equals("bootstrap.servers")) args.addAll(List.of("--kafka-prop", k + "=" + v));
                });
                CliRuns.Run run = run(command, args.toArray(String[]::new));
                assertThat(run.code()).as(run.toString()).isEqualTo(1);
                assertThat(run.err()).contains("topic model-updates may not be written by this principal")
                        .contains("grant it WRITE on model-updates").contains("nothing changed");
                assertThat(registry.pinned(TestModels.NAME)).as("no pin").isEmpty();
                assertThat(registry.state(TestModels.NAME).serving).as("the pointer as it was").isEqualTo(v2);
            }
        }
    }

    private CliRuns.Run run(BiFunction<String[], Console, Integer> main, String... args) {
        return CliRuns.run(tmp, main, args);
    }
}

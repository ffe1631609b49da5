package dev.marquee.data.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.marquee.data.config.Commands;
import dev.marquee.data.config.SettingException;
import dev.marquee.tools.CommandRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

class ReplayCommandTest {
    @Test
    void defaultsAreTheDocumentedOnes() {
        ReplayOptions o = parse();
        assertThat(o.topic).isEqualTo("rating-requests");
        assertThat(o.ratingsTopic).isEqualTo("ratings");
        assertThat(o.withRatings).isFalse();
        assertThat(o.ratingsOnly).isFalse();
        assertThat(o.sendsRequests()).isTrue();
        assertThat(o.sendsRatings()).isFalse();
        assertThat(o.rate).isZero();
        assertThat(o.envelopeSize).isEqualTo(1);
        assertThat(o.requestIdPrefix).isEqualTo("replay-");
        assertThat(o.progressSeconds).isEqualTo(2.0);
        assertThat(o.drift.isNone()).isTrue();
        assertThat(o.producerProperties).containsOnlyKeys("max.block.ms");
    }

    @Test
    void readsEveryOptionInBothForms() {
        ReplayOptions o = parse("--bootstrap=k1:9093", "--topic", "req", "--ratings-topic=lab", "--with-ratings",
                "--rate", "250", "--envelope-size=32", "--request-id-prefix", "x-", "--progress-seconds", "0.5",
                "--producer-prop", "security.protocol=SASL_SSL", "--producer-prop=max.block.ms=1000",
                "--drift-unseen-users", "--drift-share", "0.3", "--drift-start=10000");
        assertThat(o.bootstrap).isEqualTo("k1:9093");
        assertThat(o.topic).isEqualTo("req");
        assertThat(o.ratingsTopic).isEqualTo("lab");
        assertThat(o.withRatings).isTrue();
        assertThat(o.rate).isEqualTo(250.0);
        assertThat(o.envelopeSize).isEqualTo(32);
        assertThat(o.requestIdPrefix).isEqualTo("x-");
        assertThat(o.progressSeconds).isEqualTo(0.5);
        assertThat(o.producerProperties).containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("max.block.ms", "1000");
        assertThat(o.drift.describe()).isEqualTo("unseen user ids; from request 10,000 on, share 0.3, seed 42");
    }

    @Test
    void withRatingsAndRatingsOnlyTogetherAreRefused() {
        assertThatThrownBy(() -> parse("--with-ratings", "--ratings-only")).isInstanceOf(SettingException.class)
                .hasMessageContaining("exclude each other");
    }

    @Test
    void ratingsOnlySendsTheRatingsAndNoRequest() {
        ReplayOptions o = parse("--ratings-only");
        assertThat(o.ratingsOnly).isTrue();
        assertThat(o.sendsRequests()).isFalse();
        assertThat(o.sendsRatings()).isTrue();
    }

    /** A JAAS configuration is full of '=', quotes and spaces; it must arrive whole, split at the first '='. */
    @Test
    void producerPropertiesPassThroughWhole() {
        String jaas = "org.apache.kafka.common.security.scram.ScramLoginModule required "
                + "username=\"marquee\" password=\"s3cret=x\";";
        ReplayOptions o = parse("--producer-prop", "sasl.jaas.config=" + jaas,
                "--producer-prop=ssl.endpoint.identification.algorithm=", "--producer-prop", "security.protocol=SASL_SSL");
        assertThat(o.producerProperties).containsEntry("sasl.jaas.config", jaas)
                .containsEntry("ssl.endpoint.identification.algorithm", "")
                .containsEntry("security.protocol", "SASL_SSL");
    }

    @Test
    void theSelectionTakesTheDataOptions() {
        ReplayCommand command = command("--data", "synthetic:50", "--split", "time", "--limit", "7", "--seed", "3");
        RatingSelection.Selected selected = command.selection().load();
        assertThat(selected.rows).hasSize(7);
        assertThat(selected.description).contains("synthetic:50", "seed 3", "split time, part test");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "--rate -1                             | --rate must be between 0.0 and 1.0E7, got -1.0",
        "--envelope-size 0                     | --envelope-size must be between 1 and 10000, got 0",
        "--progress-seconds 0                  | --progress-seconds must be between 0.1 and 3600.0, got 0.0",
        "--limit -1                            | --limit must be 0 or more, got -1",
        "--drift-share 1.5 --drift-unseen-users | --drift-share must be between 0.0 and 1.0, got 1.5",
        "--drift-seed 9                        | need a drift kind",
        "--producer-prop novalue               | KEY=VALUE",
        "--part test                           | --part test needs --split time, u1 or random",
        "--split time --part bogus             | --part must be train, validation, test or all, got 'bogus'",
        "--split u1 --part validation          | --split u1 has no validation part",
    })
    void badValuesAreOneLineAndExitTwo(String commandLine, String message) {
        CommandRun run = CommandRun.of(new ReplayCommand(), commandLine.trim().split("\\s+"));
        assertThat(run.exitCode()).isEqualTo(Commands.USAGE);
        assertThat(run.errLines()).hasSize(2);
        assertThat(run.errLines().get(0)).startsWith("marquee replay: ").contains(message);
    }

    /** {@code --data "$DATA"} with DATA unset is no request for the default dataset. */
    @Test
    void anEmptyDataValueIsRefusedNotTakenForTheDefaultDataset() {
        CommandRun run = CommandRun.of(new ReplayCommand(), "--data", "");
        assertThat(run.exitCode()).isEqualTo(Commands.USAGE);
        assertThat(run.errLines().get(0)).isEqualTo("marquee replay: --data needs a folder, a ratings file or synthetic:N;"
                + " got an empty value");
    }

    /** No broker: the replay fails within its 15 s (REPLAY.md), not after the admin client's default minute. */
    @Test
    void anUnreachableBrokerFailsTheReplayWithinItsTimeout() {
        java.io.PrintStream stderr = System.err;
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        long started = System.nanoTime();
        CommandRun run;
        try {
            System.setErr(new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8));
            run = CommandRun.of(new ReplayCommand(), "--bootstrap", "127.0.0.1:1", "--data", "synthetic:10");
        } finally {
            System.setErr(stderr);
        }
        long seconds = java.util.concurrent.TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(err.toString(java.nio.charset.StandardCharsets.UTF_8)).contains("replay: Kafka failed")
                .contains("cannot list the topics");
        assertThat(seconds).as("well before the admin client's 60 s default").isLessThan(40);
    }

    @Test
    void tailNeedsATopic() {
        CommandRun run = CommandRun.of(new TopicTailCommand());
        assertThat(run.exitCode()).isEqualTo(Commands.USAGE);
        assertThat(run.errLines().get(0)).startsWith("marquee tail: ").contains("--topic");
        CommandRun negative = CommandRun.of(new TopicTailCommand(), "--topic", "t", "--show", "-1");
        assertThat(negative.exitCode()).isEqualTo(Commands.USAGE);
        assertThat(negative.errLines().get(0)).isEqualTo("marquee tail: --show must be between 0 and 1000000, got -1");
    }

    private static ReplayOptions parse(String... args) {
        return command(args).options();
    }

    private static ReplayCommand command(String... args) {
        ReplayCommand command = new ReplayCommand();
        new CommandLine(command).parseArgs(args);
        return command;
    }
}

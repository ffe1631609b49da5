package dev.marquee.cli;

import dev.marquee.data.config.Commands;
import dev.marquee.data.dashboard.DashboardCommand;
import dev.marquee.data.replay.ReplayCommand;
import dev.marquee.data.replay.TopicTailCommand;
import dev.marquee.data.watch.WatchCommand;
import dev.marquee.infra.LocalKafkaCommand;
import dev.marquee.job.audit.HostileRequestsCommand;
import dev.marquee.job.audit.OutcomeAuditCommand;
import dev.marquee.model.cli.EvaluateCommand;
import dev.marquee.model.cli.ImportCommand;
import dev.marquee.model.cli.ModelsCommand;
import dev.marquee.model.cli.PredictCommand;
import dev.marquee.model.cli.TrainCommand;
import dev.marquee.model.trainer.PromoteCommand;
import dev.marquee.model.trainer.RollbackCommand;
import dev.marquee.model.trainer.TrainerCommand;
import dev.marquee.job.cli.ScoreCommand;
import dev.marquee.job.cli.TriggerCommand;
import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code marquee}: every command of the project as a subcommand (scripts/marquee launches it). */
@Command(name = "marquee", mixinStandardHelpOptions = true, versionProvider = Marquee.Version.class,
        description = "Real-time movie-rating prediction on Apache Flink, Apache Kafka and TensorFlow for Java."
                + " Each command takes --help.",
        subcommands = {LocalKafkaCommand.class, ReplayCommand.class, TopicTailCommand.class, DashboardCommand.class,
            WatchCommand.class, TrainCommand.class, EvaluateCommand.class, ModelsCommand.class, PredictCommand.class,
            ImportCommand.class, TrainerCommand.class, RollbackCommand.class, PromoteCommand.class, ScoreCommand.class, TriggerCommand.class,
            HostileRequestsCommand.class, OutcomeAuditCommand.class, HelpCommand.class},
        synopsisSubcommandLabel = "COMMAND", usageHelpWidth = 110,
        footerHeading = "%nEnvironment:%n",
        footer = {"  MARQUEE_BOOTSTRAP  default bootstrap servers (localhost:9092)",
                "  MOVIELENS_DIR      the MovieLens 100K dataset",
                "  MARQUEE_REGISTRY   the model registry (default ./.marquee/registry)",
                "  MARQUEE_JAVA_OPTS  extra JVM options (scripts/marquee)",
                "The first run of scripts/marquee builds the project with Maven."})
public final class Marquee implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    public static void main(String[] args) {
        System.exit(Commands.commandLine(new Marquee()).execute(args));
    }

    /** {@code marquee} alone: the list of commands. */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return Commands.OK;
    }

    /** The project's version, from the build. */
    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() throws IOException {
            Properties p = new Properties();
            try (InputStream in = Marquee.class.getResourceAsStream("version.properties")) {
                if (in != null) p.load(in);
            }
            return new String[] {"marquee " + p.getProperty("version", "(unknown version)")};
        }
    }
}

package dev.marquee.infra;

import java.nio.file.Path;
import java.util.Optional;

/** What {@link LocalKafkaCommand} was asked for, checked. */
record LocalKafkaOptions(int port, int partitions, Optional<Path> dataDir, Optional<Path> bootstrapFile,
                         boolean createTopics) {

    Topics topics() {
        return Topics.defaults().withDataPartitions(partitions);
    }
}

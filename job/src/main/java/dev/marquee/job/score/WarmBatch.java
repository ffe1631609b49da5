package dev.marquee.job.score;

import dev.marquee.model.ModelContract;
import dev.marquee.model.ServingProbe;
import dev.marquee.model.TrainedModel;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * A batch of realistic inputs for warming a freshly loaded version: the first users and titles of the version's
 * own vocabularies (its most frequent ones), cycled to the batch size, so the warm-up looks up known terms as live
 * traffic mostly does. A version without vocabularies (imported without training data), or with user ids its
 * inputs cannot take, falls back to the probe's users and titles.
 */
record WarmBatch(String[] users, String[] titles, long[] timestamps) {

    static WarmBatch of(Path versionDir, ModelContract contract, int rows) throws IOException {
        Path assets = versionDir.resolve(TrainedModel.ASSETS);
        List<String> users = new ArrayList<>();
        for (String u : firstLines(assets.resolve(TrainedModel.USERS_FILE), rows)) {
            if (contract.check(u, ServingProbe.TIMESTAMP) == null) users.add(u);
        }
        if (users.isEmpty()) {
            users = List.of(ModelContract.STRING.equals(contract.userType())
                    ? ServingProbe.USERS : ServingProbe.INTEGER_USERS);
        }
        List<String> titles = firstLines(assets.resolve(TrainedModel.TITLES_FILE), rows);
        if (titles.isEmpty()) titles = List.of(ServingProbe.TITLES);
        String[] u = new String[rows];
        String[] t = new String[rows];
        long[] ts = new long[rows];
        for (int i = 0; i < rows; i++) {
            u[i] = users.get(i % users.size());
            t[i] = titles.get(i % titles.size());
            ts[i] = ServingProbe.TIMESTAMP;
        }
        return new WarmBatch(u, t, ts);
    }

    private static List<String> firstLines(Path file, int n) throws IOException {
        if (!Files.isRegularFile(file)) return List.of();
        try (Stream<String> lines = Files.lines(file, StandardCharsets.UTF_8)) {
            return lines.filter(l -> !l.isBlank()).limit(n).toList();
        }
    }
}

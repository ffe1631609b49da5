package dev.marquee.data.replay.drift;

import dev.marquee.data.event.Rating;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Replaces the user id with one never seen in the data: {@code new-<original id>}, so one user stays one user.
 * When some id in the rows already starts with {@code new-}, the prefix becomes {@code new1-}, {@code new2-},
 * ... until none does.
 */
public final class UnseenUsers implements DriftKind {
    public static final String PREFIX = "new";

    @Override
    public String describe() {
        return "unseen user ids";
    }

    @Override
    public RequestDrift start(DriftContext context, long seed) {
        String prefix = prefix(context.rows());
        return request -> request.userId(prefix + request.userId());
    }

    static String prefix(List<Rating> rows) {
        Set<String> ids = new HashSet<>();
        for (Rating r : rows) ids.add(r.userId);
        for (int k = 0; ; k++) {
            String candidate = PREFIX + (k == 0 ? "" : String.valueOf(k)) + "-";
            if (ids.stream().noneMatch(id -> id != null && id.startsWith(candidate))) return candidate;
        }
    }
}

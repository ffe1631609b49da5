package dev.marquee.data.replay.drift;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.data.event.Rating;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class UnseenUsersTest {
    @Test
    void everyUserBecomesOneNewUserNeverSeenInTheData() {
        List<Rating> rows = Requests.rows(500);
        Set<String> known = new HashSet<>();
        rows.forEach(r -> known.add(r.userId));
        DriftInjector injector = DriftInjection.builder().unseenUsers().build().injector(rows);
        Map<String, Set<String>> newIdsByUser = new HashMap<>();
        for (Rating r : rows) {
            String sent = injector.next("r", r).userId();
            assertThat(known).doesNotContain(sent);
            newIdsByUser.computeIfAbsent(r.userId, u -> new HashSet<>()).add(sent);
        }
        assertThat(newIdsByUser).hasSize(known.size());
        newIdsByUser.values().forEach(ids -> assertThat(ids).hasSize(1));
        assertThat(newIdsByUser.get("7")).containsExactly("new-7");
    }

    @Test
    void thePrefixMovesAsideWhenTheDataAlreadyUsesIt() {
        List<Rating> rows = List.of(new Rating("new-3", "A", 3, 1), new Rating("3", "A", 3, 2), new Rating("new1-x", "A", 3, 3));
        OutgoingRequest q = Requests.apply(new UnseenUsers(), rows, rows.get(0));
        assertThat(q.userId()).isEqualTo("new2-new-3");
    }
}

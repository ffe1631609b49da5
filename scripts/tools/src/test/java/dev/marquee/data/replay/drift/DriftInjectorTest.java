package dev.marquee.data.replay.drift;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.data.event.Rating;
import dev.marquee.data.replay.RequestEncoder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DriftInjectorTest {
    private final List<Rating> rows = Requests.rows(4_000);

    @Test
    void withoutDriftEveryRequestIsByteForByteTheUndriftedOne() {
        RequestEncoder encoder = new RequestEncoder();
        List<byte[]> sent = Requests.encodeAll(DriftInjection.none().injector(rows), rows);
        for (int i = 0; i < rows.size(); i++) assertThat(sent.get(i)).isEqualTo(encoder.single("r-" + i, rows.get(i)));
    }

    @Test
    void theFirstStartRequestsAreUnchangedAndAllLaterOnesDriftedAtShareOne() {
        DriftInjector injector = DriftInjection.builder().unseenUsers().start(1_000).build().injector(rows);
        for (int i = 0; i < rows.size(); i++) {
            OutgoingRequest q = injector.next("r-" + i, rows.get(i));
            assertThat(q.drifted()).as("request %d", i).isEqualTo(i >= 1_000);
            assertThat(q.userId()).isEqualTo(i >= 1_000 ? "new-" + rows.get(i).userId : rows.get(i).userId);
        }
        assertThat(injector.seen()).isEqualTo(4_000);
        assertThat(injector.affected()).isEqualTo(3_000);
    }

    @Test
    void aShareDriftsAboutThatFractionOfTheRequestsAfterTheStart() {
        DriftInjector injector = DriftInjection.builder().extraFields(1).start(1_000).share(0.25).build().injector(rows);
        List<Integer> drifted = driftedIndices(injector);
        assertThat(drifted).allMatch(i -> i >= 1_000);
        // 3,000 draws at p = 0.25: mean 750, standard deviation 24
        assertThat(drifted.size()).isBetween(650, 850);
        assertThat(injector.affected()).isEqualTo(drifted.size());
        assertThat(driftedIndices(DriftInjection.builder().extraFields(1).share(0).build().injector(rows))).isEmpty();
    }

    @Test
    void theSameSeedGivesTheSameBytesAndAnotherSeedOtherOnes() {
        DriftInjection.Builder drift = DriftInjection.builder().newestTitles(0.3).extraFields(4).share(0.5);
        List<byte[]> first = Requests.encodeAll(drift.seed(7).build().injector(rows), rows);
        List<byte[]> again = Requests.encodeAll(drift.seed(7).build().injector(rows), rows);
        List<byte[]> other = Requests.encodeAll(drift.seed(8).build().injector(rows), rows);
        for (int i = 0; i < rows.size(); i++) assertThat(again.get(i)).isEqualTo(first.get(i));
        int differ = 0;
        for (int i = 0; i < rows.size(); i++) if (!java.util.Arrays.equals(first.get(i), other.get(i))) differ++;
        assertThat(differ).isGreaterThan(rows.size() / 4);
    }

    @Test
    void whichRequestsDriftDependsOnTheSeedStartAndShareNotOnTheKinds() {
        List<Integer> users = driftedIndices(DriftInjection.builder().unseenUsers().start(100).share(0.3).seed(3).build().injector(rows));
        List<Integer> combined = driftedIndices(DriftInjection.builder().timestampSkew(25_200).typeChange("user_id")
                .extraFields(2).start(100).share(0.3).seed(3).build().injector(rows));
        assertThat(combined).isEqualTo(users);
    }

    @Test
    void combinedKindsAllApplyToEachAffectedRequest() {
        DriftInjector injector = DriftInjection.builder().extraFields(2).unseenUsers().timestampSkew(-60).newestTitles(0.1)
                .build().injector(rows);
        List<String> pool = new NewestTitles(0.1).pool(new DriftContext(rows, List.of()));
        for (int i = 0; i < 200; i++) {
            Rating r = rows.get(i);
            var parsed = Requests.parse(Requests.encode(injector.next("r-" + i, r))).requests().get(0);
            assertThat(parsed.userId).isEqualTo("new-" + r.userId);
            assertThat(parsed.timestamp).isEqualTo(r.timestamp - 60);
            assertThat(pool).contains(parsed.movieTitle);
            assertThat(parsed.extraFields).containsExactly("device", "country");
        }
    }

    @Test
    void envelopesCarryDriftedInstances() {
        DriftInjector injector = DriftInjection.builder().unseenUsers().start(1).build().injector(rows);
        List<OutgoingRequest> batch = new ArrayList<>();
        for (int i = 0; i < 3; i++) batch.add(injector.next("r-" + i, rows.get(i)));
        var parsed = Requests.parse(new RequestEncoder().envelope(batch)).requests();
        assertThat(parsed).extracting(q -> q.userId)
                .containsExactly(rows.get(0).userId, "new-" + rows.get(1).userId, "new-" + rows.get(2).userId);
    }

    private List<Integer> driftedIndices(DriftInjector injector) {
        List<Integer> drifted = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) if (injector.next("r-" + i, rows.get(i)).drifted()) drifted.add(i);
        return drifted;
    }
}

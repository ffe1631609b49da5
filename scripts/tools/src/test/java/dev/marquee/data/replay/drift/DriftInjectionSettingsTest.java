package dev.marquee.data.replay.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.marquee.data.config.SettingException;
import dev.marquee.data.config.Settings;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DriftInjectionSettingsTest {
    @Test
    void noDriftSettingsMeanNoDrift() {
        DriftInjection drift = DriftInjection.fromSettings(new Settings(Map.of("rate", "100")));
        assertThat(drift.isNone()).isTrue();
        assertThat(drift.describe()).isEqualTo("none");
        assertThat(DriftInjection.none().isNone()).isTrue();
    }

    @Test
    void everyKindIsReadInTheFixedOrderWithStartShareAndSeed() {
        DriftInjection drift = DriftInjection.fromSettings(settings(
                DriftInjection.EXTRA_FIELDS, "3", DriftInjection.TYPE_CHANGE, "timestamp, movie_title:object",
                DriftInjection.TIMESTAMP_SKEW, "-25200", DriftInjection.UNSEEN_USERS, "true",
                DriftInjection.TITLES, "newest:0.25", DriftInjection.START, "1_000", DriftInjection.SHARE, "0.5",
                DriftInjection.SEED, "9"));
        assertThat(drift.kinds()).hasSize(6);
        assertThat(((NewestTitles) drift.kinds().get(0)).fraction()).isEqualTo(0.25);
        assertThat(drift.kinds().get(1)).isInstanceOf(UnseenUsers.class);
        assertThat(((TimestampSkew) drift.kinds().get(2)).seconds()).isEqualTo(-25_200);
        assertThat((TypeChange) drift.kinds().get(3)).extracting(TypeChange::field, TypeChange::type)
                .containsExactly("timestamp", TypeChange.JsonType.STRING);
        assertThat((TypeChange) drift.kinds().get(4)).extracting(TypeChange::field, TypeChange::type)
                .containsExactly("movie_title", TypeChange.JsonType.OBJECT);
        assertThat(((ExtraFields) drift.kinds().get(5)).count()).isEqualTo(3);
        assertThat(drift.start()).isEqualTo(1_000);
        assertThat(drift.share()).isEqualTo(0.5);
        assertThat(drift.seed()).isEqualTo(9);
        assertThat(drift.describe()).isEqualTo("titles from the newest 25% of the catalog, unseen user ids, timestamps -25200 s, "
                + "timestamp sent as a string, movie_title sent as an object, 3 extra fields; from request 1,000 on, share 0.5, seed 9");
    }

    @Test
    void defaults() {
        DriftInjection drift = DriftInjection.fromSettings(settings(DriftInjection.TITLES, "newest"));
        assertThat(((NewestTitles) drift.kinds().get(0)).fraction()).isEqualTo(0.1);
        assertThat(drift.start()).isZero();
        assertThat(drift.share()).isEqualTo(1.0);
        assertThat(drift.seed()).isEqualTo(42);
    }

    @Test
    void badValuesAreClearSettingErrors() {
        assertBad("got 'newest:0'", DriftInjection.TITLES, "newest:0");
        assertBad("newest or newest:FRACTION", DriftInjection.TITLES, "oldest");
        assertBad("newest or newest:FRACTION", DriftInjection.TITLES, "newest:lots");
        assertBad("newest or newest:FRACTION", DriftInjection.TITLES, "newest:1.5");
        assertBad("drift-extra-fields must be between 1 and 1000, got 0", DriftInjection.EXTRA_FIELDS, "0");
        assertBad("drift-timestamp-skew must be a whole number", DriftInjection.TIMESTAMP_SKEW, "7h");
        assertBad("drift-share must be between 0.0 and 1.0, got 1.5", DriftInjection.EXTRA_FIELDS, "1", DriftInjection.SHARE, "1.5");
        assertBad("drift-start must be between 0 and", DriftInjection.EXTRA_FIELDS, "1", DriftInjection.START, "-1");
        assertBad("drift-unseen-users must be true or false", DriftInjection.UNSEEN_USERS, "maybe");
        assertBad("FIELD[:TYPE]", DriftInjection.TYPE_CHANGE, "rating");
        assertBad("FIELD[:TYPE]", DriftInjection.TYPE_CHANGE, "timestamp:float");
        assertBad("--drift-type-change: timestamp is a number already; choose string or object", DriftInjection.TYPE_CHANGE, "timestamp:number");
        assertBad("--drift-type-change names user_id twice", DriftInjection.TYPE_CHANGE, "user_id,user_id:object");
        assertBad("both replace movie_title; choose one", DriftInjection.TITLES, "newest", DriftInjection.CATALOG, "synthetic");
        assertBad("need a drift kind", DriftInjection.SHARE, "0.5");
    }

    private static void assertBad(String messagePart, String... keyValues) {
        assertThatThrownBy(() -> DriftInjection.fromSettings(settings(keyValues)))
                .isInstanceOf(SettingException.class).hasMessageContaining(messagePart);
    }

    private static Settings settings(String... keyValues) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) m.put(keyValues[i], keyValues[i + 1]);
        return new Settings(m);
    }
}

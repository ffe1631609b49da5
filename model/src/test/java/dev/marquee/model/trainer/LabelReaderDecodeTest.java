package dev.marquee.model.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marquee.data.event.Rating;
import dev.marquee.data.parse.ParserLimits;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The trainer keeps the labels the scoring job keeps (job: ParseRatingsTest), by the request parser's rules. */
class LabelReaderDecodeTest {
    private static final Rating EXPECTED = new Rating("196", "Heat (1995)", 4f, 892870992L);

    @Test
    void whatTheJobRefusesTheTrainerDoesNotLearn() {
        List<String> refused = List.of(
                "{\"user_id\":196.0,\"movie_title\":\"Heat (1995)\",\"rating\":4,\"timestamp\":892870992}",
                "{\"user_id\":\"196\",\"movie_title\":\"Heat (1995)\",\"rating\":4,\"timestamp\":892870992.5}",
                "{\"user_id\":true,\"movie_title\":\"Heat (1995)\",\"rating\":4,\"timestamp\":892870992}",
                "{\"user_id\":\"196\",\"movie_title\":\"Heat (1995)\",\"rating\":4,\"timestamp\":892870992,\"request_id\":42.0}");
        for (String label : refused) {
            assertThat(LabelReader.decode(label.getBytes(StandardCharsets.UTF_8))).as(label).isNull();
        }
    }

    @Test
    void whatTheJobTakesTheTrainerReadsAlike() {
        List<String> taken = List.of(
                "{\"user_id\":[\"196\"],\"movie_title\":[\"Heat (1995)\"],\"rating\":4,\"timestamp\":[892870992.0]}",
                "{\"user_id\":196,\"movie_title\":\"Heat (1995)\",\"rating\":\"4\",\"timestamp\":\"892870992\"}");
        for (String label : taken) {
            assertThat(LabelReader.decode(label.getBytes(StandardCharsets.UTF_8))).as(label).isEqualTo(EXPECTED);
        }
    }

    /** A blank request id is none to the job (it joins by user, title and time): a long blank one is not refused. */
    @Test
    void aBlankRequestIdIsNoneBeforeTheLimitsApply() {
        String label = "{\"user_id\":\"196\",\"movie_title\":\"Heat (1995)\",\"rating\":4,\"timestamp\":892870992,"
                + "\"request_id\":\"" + " ".repeat(300) + "\"}";
        Rating r = LabelReader.decode(label.getBytes(StandardCharsets.UTF_8));
        assertThat(r).isEqualTo(EXPECTED);
        assertThat(r.requestId).isNull();
    }

    @Test
    void aLabelLargerThanTheJobsPayloadLimitIsDropped() {
        String label = "{\"user_id\":\"196\",\"movie_title\":\"Heat (1995)\",\"rating\":4,\"timestamp\":892870992,"
                + "\"note\":\"" + "x".repeat(ParserLimits.defaults().maxPayloadBytes) + "\"}";
        assertThat(LabelReader.decode(label.getBytes(StandardCharsets.UTF_8))).isNull();
    }
    /** A job run with other parser settings keeps other labels: the trainer is given the same (--parser-setting). */
    @Test
    void theJobsParserSettingsDecideAsTheyDoInTheJob(@org.junit.jupiter.api.io.TempDir java.nio.file.Path registry) throws Exception {
        String longUser = "u".repeat(ParserLimits.defaults().maxUserIdChars + 10);
        byte[] label = ("{\"user_id\":\"" + longUser + "\",\"movie_title\":\"Heat (1995)\",\"rating\":4,"
                + "\"timestamp\":892870992}").getBytes(StandardCharsets.UTF_8);
        assertThat(LabelReader.decode(label)).as("over the default user-id limit").isNull();

        TrainerSettings settings = TrainerSettings.parse(new String[] {"--registry", registry.toString(), "--parser-setting",
                ParserLimits.MAX_USER_ID_CHARS + "=" + (longUser.length() + 1)}, dev.marquee.model.cli.Console.system());
        Rating r = LabelReader.decode(label, settings.parserLimits());
        assertThat(r).isNotNull();
        assertThat(r.userId).isEqualTo(longUser);

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> TrainerSettings.parse(new String[] {"--registry",
                        registry.toString(), "--parser-setting", "batch.size=10"}, dev.marquee.model.cli.Console.system()))
                .isInstanceOf(dev.marquee.data.config.SettingException.class).hasMessageContaining("got batch.size");
    }
}

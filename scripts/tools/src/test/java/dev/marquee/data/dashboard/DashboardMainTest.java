package dev.marquee.data.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.marquee.data.config.SettingException;
import org.junit.jupiter.api.Test;

class DashboardMainTest {
    @Test
    void defaultsServeOnLoopbackAndReadDriftMetrics() {
        DashboardOptions o = DashboardMain.parse(new String[0]);
        assertThat(o.host()).isEqualTo("127.0.0.1");
        assertThat(o.port()).isEqualTo(8088);
        assertThat(o.topic()).isEqualTo("drift-metrics");
        assertThat(o.maxReports()).isEqualTo(2000);
        assertThat(o.bootstrap()).isEqualTo(DashboardOptions.defaultBootstrap());
    }

    @Test
    void readsEverySetting() {
        DashboardOptions o = DashboardMain.parse(new String[] {"--bootstrap", "k1:9093", "--topic", "dm", "--host", "0.0.0.0",
                "--port", "0", "--max-reports", "50", "--consumer-prop", "security.protocol=SSL",
                "--consumer-prop", "fetch.min.bytes=2"});
        assertThat(o.bootstrap()).isEqualTo("k1:9093");
        assertThat(o.topic()).isEqualTo("dm");
        assertThat(o.host()).isEqualTo("0.0.0.0");
        assertThat(o.port()).isZero();
        assertThat(o.maxReports()).isEqualTo(50);
        assertThat(o.clientProps())
                .containsEntry("bootstrap.servers", "k1:9093")
                .containsEntry("security.protocol", "SSL")
                .containsEntry("fetch.min.bytes", "2");
    }

    @Test
    void helpAsksForTheUsageText() {
        assertThat(DashboardMain.parse(new String[] {"--help"})).isNull();
        assertThat(DashboardMain.USAGE).contains("--bootstrap", "--topic", "--host", "--port", "--max-reports", "--consumer-prop");
    }

    @Test
    void badSettingsAreNamed() {
        assertThatThrownBy(() -> DashboardMain.parse(new String[] {"--port", "70000"}))
                .isInstanceOf(SettingException.class).hasMessageContaining("port");
        assertThatThrownBy(() -> DashboardMain.parse(new String[] {"--max-reports", "0"}))
                .isInstanceOf(SettingException.class).hasMessageContaining("max-reports");
        assertThatThrownBy(() -> DashboardMain.parse(new String[] {"--consumer-prop", "novalue"}))
                .isInstanceOf(SettingException.class).hasMessageContaining("KEY=VALUE");
        assertThatThrownBy(() -> DashboardMain.parse(new String[] {"--colour", "red"}))
                .isInstanceOf(SettingException.class).hasMessageContaining("unknown option --colour");
    }
}

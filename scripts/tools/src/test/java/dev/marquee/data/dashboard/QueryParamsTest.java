package dev.marquee.data.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class QueryParamsTest {
    @Test
    void readsTheAfterIndex() {
        assertThat(QueryParams.afterIndex(null)).isEqualTo(-1L);
        assertThat(QueryParams.afterIndex("")).isEqualTo(-1L);
        assertThat(QueryParams.afterIndex("after=-1")).isEqualTo(-1L);
        assertThat(QueryParams.afterIndex("after=41")).isEqualTo(41L);
        assertThat(QueryParams.afterIndex("x=1&after=7")).isEqualTo(7L);
        assertThat(QueryParams.afterIndex("x=1")).isEqualTo(-1L);
    }

    @Test
    void refusesWhatIsNotAnIndex() {
        assertThat(QueryParams.afterIndex("after=")).isNull();
        assertThat(QueryParams.afterIndex("after=abc")).isNull();
        assertThat(QueryParams.afterIndex("after=-2")).isNull();
        assertThat(QueryParams.afterIndex("after=1.5")).isNull();
        assertThat(QueryParams.afterIndex("after=99999999999999999999")).isNull();
    }
}

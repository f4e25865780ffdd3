package io.tally.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tally.core.TallyException;
import io.tally.core.query.FilterOp;
import io.tally.core.query.FunnelOrder;
import io.tally.core.query.PropertyRef;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class QueryParserTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ZoneId UTC = ZoneOffset.UTC;
    private final QueryParser parser = new QueryParser(Clock.fixed(Instant.parse("2026-06-15T10:00:00Z"), UTC));

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text.replace('\'', '"'));
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    @Test
    void trendsWithFiltersBreakdownMathAndCompare() {
        TrendsQuery q = parser.parseTrends(json("""
                {'kind':'trends','series':[{'event':'buy','math':'p90','property':'price'}],
                 'filters':[{'property':'context.page.path','op':'contains','value':'/shop'},{'property':'qty','op':'gte','value':2}],
                 'breakdown':{'property':'plan','limit':3},'compare':true,'dateFrom':'2026-06-01','dateTo':'2026-06-14'}"""), UTC);
        assertThat(q.series().get(0).property()).isEqualTo("price");
        assertThat(q.filters().get(0).property()).isEqualTo(new PropertyRef.ContextField("page.path"));
        assertThat(q.filters().get(1).op()).isEqualTo(FilterOp.GTE);
        assertThat(q.filters().get(1).values().get(0).number()).isTrue();
        assertThat(q.breakdown().limit()).isEqualTo(3);
        assertThat(q.compare()).isTrue();
        assertThat(q.to()).isEqualTo(Instant.parse("2026-06-15T00:00:00Z"));
    }

    /** The clock is 2026-06-15T10:00Z, a Monday; Kolkata is 5:30 ahead. */
    @Test
    void relativeDatesAreWholeLocalDaysOrHoursAndDateTimesMayOmitTheOffset() {
        ZoneId kolkata = ZoneId.of("Asia/Kolkata");
        assertThat(range("'dateFrom':'-7d','dateTo':'-1d'", UTC)).containsExactly(Instant.parse("2026-06-08T00:00:00Z"), Instant.parse("2026-06-15T00:00:00Z"));
        assertThat(range("'dateFrom':'-1w','dateTo':'-1w'", UTC)).containsExactly(Instant.parse("2026-06-08T00:00:00Z"), Instant.parse("2026-06-09T00:00:00Z"));
        assertThat(range("'dateFrom':'-1m','dateTo':'-1d'", UTC)).containsExactly(Instant.parse("2026-05-15T00:00:00Z"), Instant.parse("2026-06-15T00:00:00Z"));
        assertThat(range("'dateFrom':'-1y','dateTo':'-1y'", UTC)).containsExactly(Instant.parse("2025-06-15T00:00:00Z"), Instant.parse("2025-06-16T00:00:00Z"));
        // hours are local full hours: 15:30 in Kolkata, so the hour two hours back starts at 13:00 local
        assertThat(range("'dateFrom':'-2h','dateTo':'-1h'", kolkata)).containsExactly(Instant.parse("2026-06-15T07:30:00Z"), Instant.parse("2026-06-15T09:30:00Z"));
        assertThat(range("'dateFrom':'-3d','dateTo':'-1d'", kolkata)).containsExactly(Instant.parse("2026-06-11T18:30:00Z"), Instant.parse("2026-06-14T18:30:00Z"));
        assertThat(range("'dateFrom':'2026-06-01T09:00','dateTo':'2026-06-01T17:30:00'", kolkata))
                .containsExactly(Instant.parse("2026-06-01T03:30:00Z"), Instant.parse("2026-06-01T12:00:00Z"));
        assertThatThrownBy(() -> range("'dateFrom':'-1q'", UTC)).isInstanceOf(TallyException.class).hasMessageContaining("dateFrom");
    }

    @Test
    void aQueryWithoutTimezoneUsesTheProjectsZone() {
        ZoneId berlin = ZoneId.of("Europe/Berlin");
        TrendsQuery q = parser.parseTrends(json("{'kind':'trends','series':[{'event':'buy'}],'dateFrom':'2026-03-29','dateTo':'2026-03-29'}"), berlin);
        assertThat(q.zone()).isEqualTo(berlin);
        assertThat(new Instant[] {q.from(), q.to()}).containsExactly(Instant.parse("2026-03-28T23:00:00Z"), Instant.parse("2026-03-29T22:00:00Z"));
        assertThat(parser.parseTrends(json("{'kind':'trends','series':[{'event':'buy'}],'timezone':'Asia/Tokyo'}"), berlin).zone())
                .isEqualTo(ZoneId.of("Asia/Tokyo"));
    }

    private Instant[] range(String dates, ZoneId zone) {
        TrendsQuery q = parser.parseTrends(json("{'kind':'trends','series':[{'event':'buy'}]," + dates + "}"), zone);
        return new Instant[] {q.from(), q.to()};
    }

    @Test
    void funnelAndRetention() {
        FunnelQuery f = parser.parseFunnel("p", json("""
                {'kind':'funnel','steps':['view',{'event':'buy','filters':[{'property':'plan','op':'in','value':['pro','team']}]}],
                 'window':'PT30M','order':'strict','exclusions':[{'event':'refund','fromStep':1,'toStep':2}]}"""), UTC);
        assertThat(f.spec().steps()).hasSize(2);
        assertThat(f.spec().window()).isEqualTo(Duration.ofMinutes(30));
        assertThat(f.spec().order()).isEqualTo(FunnelOrder.STRICT);
        assertThat(f.spec().exclusions().get(0).toStep()).isEqualTo(2);
        RetentionQuery r = parser.parseRetention("p", json("""
                {'kind':'retention','startEvent':'signup','returnEvent':{'event':'login'},'period':'day','periods':14,'cohort':'recurring'}"""), UTC);
        assertThat(r.spec().periods()).isEqualTo(14);
    }

    /** Each bad query names the field at fault. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{'kind':'funnel','steps':['a']}|steps",
            "{'kind':'funnel','steps':['a','b','c','d','e','f','g','h','i','j','k','l','m','n','o','p','q','r','s','t','u']}|steps",
            "{'kind':'funnel','steps':['a','b'],'window':'PT0S'}|window",
            "{'kind':'funnel','steps':['a','b'],'window':'-P1D'}|window",
            "{'kind':'funnel','steps':['a','b'],'window':'7 days'}|window",
            "{'kind':'funnel','steps':['a','b'],'order':'unordered','exclusions':[{'event':'x','fromStep':1,'toStep':2}]}|exclusions",
            "{'kind':'funnel','steps':['a','b'],'exclusions':[{'event':'x','fromStep':2,'toStep':3}]}|exclusions[0].fromStep",
            "{'kind':'funnel','steps':['a','b'],'dateFrom':'2026-02-01','dateTo':'2026-01-01'}|dateTo",
            "{'kind':'funnel','steps':['a','b'],'timezone':'Mars/Olympus'}|timezone",
            "{'kind':'funnel','steps':['a','b'],'breakdown':{'property':'x; DROP TABLE events'}}|breakdown.property",
            "{'kind':'funnel','steps':['a',{'event':'b','filters':[{'property':'x OR 1=1; --','op':'eq','value':'1'}]}]}|steps[1].filters[0].property",
            "{'kind':'trends','series':[{'event':'a','math':'sum'}]}|series[0].property",
            "{'kind':'trends','series':[{'event':'a','math':'total','property':'x'}]}|series[0].property",
            "{'kind':'trends','series':[{'event':'a'}],'filters':[{'property':'x','op':'gt','value':'ten'}]}|filters[0].value",
            "{'kind':'trends','series':[{'event':'a'}],'filters':[{'property':'x','op':'in','value':[]}]}|filters[0].value",
            "{'kind':'trends','series':[{'event':'a'}],'filters':[{'property':'x','op':'like','value':'y'}]}|filters[0].op",
            "{'kind':'trends','series':[{'event':'a'}],'breakdown':{'property':'plan','limit':0}}|breakdown.limit",
            "{'kind':'trends','series':[{'event':'a'}],'compare':'yes'}|compare",
            "{'kind':'retention','returnEvent':'b'}|startEvent",
            "{'kind':'retention','startEvent':'a','returnEvent':'b','period':'hour'}|period",
            "{'kind':'retention','startEvent':'a','returnEvent':'b','periods':61}|periods",
    })
    void badQueriesNameTheField(String body, String field) {
        JsonNode node = json(body);
        String kind = QueryParser.kind(node);
        assertThatThrownBy(() -> {
            switch (kind) {
                case "trends" -> parser.parseTrends(node, UTC);
                case "funnel" -> parser.parseFunnel("p", node, UTC);
                default -> parser.parseRetention("p", node, UTC);
            }
        }).isInstanceOfSatisfying(TallyException.class, e -> assertThat(e.field()).contains(field));
    }
}

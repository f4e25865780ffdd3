package io.tally.query.reference;

import static io.tally.query.reference.EventBuilder.track;
import static org.assertj.core.api.Assertions.assertThat;

import io.tally.core.event.Event;
import io.tally.core.query.Filter;
import io.tally.core.query.FilterOp;
import io.tally.core.query.FilterValue;
import io.tally.core.query.PropertyRef;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventFiltersTest {
    private static final Event EVENT = track("buy").user("u1").anonymous("a1")
            .props("{\"price\":9.50,\"count\":3,\"plan\":\"Pro\",\"text_number\":\"12\",\"gone\":null,\"flag\":true,"
                    + "\"a.b\":\"dotted\",\"a\":{\"b\":\"nested\"},\"tags\":{\"x\": 1, \"y\": [1, 2.50, \"z\"]}}")
            .context("{\"page\":{\"url\":\"https://shop.test/cart?id=1\"},\"library\":{\"name\":\"web\"},\"ip\":\"1.2.3.4\"}")
            .build();

    @Test
    void eqWithANumberComparesNumerically() {
        assertThat(passes("price", FilterOp.EQ, FilterValue.number("9.5"))).isTrue();
        assertThat(passes("price", FilterOp.EQ, FilterValue.number("9.50"))).isTrue();
        assertThat(passes("count", FilterOp.EQ, FilterValue.number("3.0"))).isTrue();
        // a string whose text is a number compares numerically too: values are compared in their text form
        assertThat(passes("text_number", FilterOp.EQ, FilterValue.number("12.0"))).isTrue();
        assertThat(passes("plan", FilterOp.EQ, FilterValue.number("1"))).isFalse();
    }

    @Test
    void eqWithTextComparesTheTextAsWritten() {
        // "a number as written": 9.50 is the text "9.50", not "9.5"
        assertThat(passes("price", FilterOp.EQ, FilterValue.text("9.5"))).isFalse();
        assertThat(passes("price", FilterOp.EQ, FilterValue.text("9.50"))).isTrue();
        assertThat(passes("plan", FilterOp.EQ, FilterValue.text("Pro"))).isTrue();
        assertThat(passes("plan", FilterOp.EQ, FilterValue.text("pro"))).isFalse();
        assertThat(passes("flag", FilterOp.EQ, FilterValue.text("true"))).isTrue();
        assertThat(passes("gone", FilterOp.EQ, FilterValue.text("null"))).isTrue();
        assertThat(passes("missing", FilterOp.EQ, FilterValue.text("null"))).isFalse();
    }

    @Test
    void nestedObjectsAndArraysAreTheirCompactText() {
        assertThat(passes("tags", FilterOp.EQ, FilterValue.text("{\"x\":1,\"y\":[1,2.50,\"z\"]}"))).isTrue();
        assertThat(passes("a", FilterOp.EQ, FilterValue.text("{\"b\":\"nested\"}"))).isTrue();
    }

    @Test
    void negatedOperatorsPassWhenTheKeyIsMissing() {
        assertThat(passes("missing", FilterOp.NEQ, FilterValue.text("x"))).isTrue();
        assertThat(passes("missing", FilterOp.NOT_IN, FilterValue.text("x"))).isTrue();
        assertThat(passes("missing", FilterOp.NOT_CONTAINS, FilterValue.text("x"))).isTrue();
        assertThat(passes(new Filter(PropertyRef.parse("missing"), FilterOp.IS_NOT_SET, List.of()))).isTrue();
        assertThat(passes("plan", FilterOp.NEQ, FilterValue.text("Pro"))).isFalse();
        assertThat(passes("price", FilterOp.NEQ, FilterValue.number("9.5"))).isFalse();
    }

    @Test
    void isSetHoldsForANullValue() {
        assertThat(passes(new Filter(PropertyRef.parse("gone"), FilterOp.IS_SET, List.of()))).isTrue();
        assertThat(passes(new Filter(PropertyRef.parse("gone"), FilterOp.IS_NOT_SET, List.of()))).isFalse();
        assertThat(passes(new Filter(PropertyRef.parse("missing"), FilterOp.IS_SET, List.of()))).isFalse();
    }

    @Test
    void inNeedsOneEqualItem() {
        assertThat(passes(new Filter(PropertyRef.parse("plan"), FilterOp.IN, List.of(FilterValue.text("Free"), FilterValue.text("Pro"))))).isTrue();
        assertThat(passes(new Filter(PropertyRef.parse("price"), FilterOp.IN, List.of(FilterValue.text("x"), FilterValue.number("9.5"))))).isTrue();
        assertThat(passes(new Filter(PropertyRef.parse("plan"), FilterOp.NOT_IN, List.of(FilterValue.text("Pro"))))).isFalse();
    }

    @Test
    void containsIsCaseSensitiveOnTheText() {
        assertThat(passes("plan", FilterOp.CONTAINS, FilterValue.text("ro"))).isTrue();
        assertThat(passes("plan", FilterOp.CONTAINS, FilterValue.text("PRO"))).isFalse();
        assertThat(passes("price", FilterOp.CONTAINS, FilterValue.text(".50"))).isTrue();
        assertThat(passes("plan", FilterOp.NOT_CONTAINS, FilterValue.text("ro"))).isFalse();
    }

    @Test
    void orderingComparesNumbersAndFailsOtherwise() {
        assertThat(passes("price", FilterOp.GT, FilterValue.number("9"))).isTrue();
        assertThat(passes("price", FilterOp.GTE, FilterValue.number("9.5"))).isTrue();
        assertThat(passes("price", FilterOp.LT, FilterValue.number("9.5"))).isFalse();
        assertThat(passes("price", FilterOp.LTE, FilterValue.number("9.5"))).isTrue();
        assertThat(passes("text_number", FilterOp.GT, FilterValue.number("11"))).isTrue();
        for (FilterOp op : List.of(FilterOp.GT, FilterOp.GTE, FilterOp.LT, FilterOp.LTE)) {
            assertThat(passes("plan", op, FilterValue.number("0"))).as(op.wireName() + " on text").isFalse();
            assertThat(passes("missing", op, FilterValue.number("0"))).as(op.wireName() + " on a missing key").isFalse();
            assertThat(passes("gone", op, FilterValue.number("0"))).as(op.wireName() + " on null").isFalse();
            assertThat(passes("flag", op, FilterValue.number("0"))).as(op.wireName() + " on a boolean").isFalse();
        }
    }

    @Test
    void propertyKeysKeepTheirDotsAndContextPathsWalkObjects() {
        assertThat(passes("properties.a.b", FilterOp.EQ, FilterValue.text("dotted"))).isTrue();
        assertThat(passes("a.b", FilterOp.EQ, FilterValue.text("dotted"))).isTrue();
        assertThat(passes("context.page.url", FilterOp.CONTAINS, FilterValue.text("/cart"))).isTrue();
        assertThat(passes("context.library.name", FilterOp.EQ, FilterValue.text("web"))).isTrue();
        assertThat(passes(new Filter(PropertyRef.parse("context.ip.x"), FilterOp.IS_SET, List.of()))).isFalse();
        assertThat(passes(new Filter(PropertyRef.parse("context.page"), FilterOp.EQ,
                List.of(FilterValue.text("{\"url\":\"https://shop.test/cart?id=1\"}"))))).isTrue();
    }

    @Test
    void idsAndTheEventName() {
        assertThat(passes("event", FilterOp.EQ, FilterValue.text("buy"))).isTrue();
        assertThat(passes("userId", FilterOp.EQ, FilterValue.text("u1"))).isTrue();
        assertThat(passes("anonymousId", FilterOp.EQ, FilterValue.text("a1"))).isTrue();
        assertThat(passes("distinctId", FilterOp.EQ, FilterValue.text("u1"))).isTrue();
        Event anonymous = track("view").anonymous("a9").build();
        assertThat(EventFilters.passes(anonymous, new Filter(PropertyRef.parse("userId"), FilterOp.IS_NOT_SET, List.of()))).isTrue();
        assertThat(EventFilters.passes(anonymous, new Filter(PropertyRef.parse("distinctId"), FilterOp.EQ, List.of(FilterValue.text("a9"))))).isTrue();
    }

    @Test
    void anEventPassesWhenItPassesEveryFilter() {
        Filter plan = new Filter(PropertyRef.parse("plan"), FilterOp.EQ, List.of(FilterValue.text("Pro")));
        Filter cheap = new Filter(PropertyRef.parse("price"), FilterOp.LT, List.of(FilterValue.number("5")));
        assertThat(EventFilters.passAll(EVENT, List.of(plan))).isTrue();
        assertThat(EventFilters.passAll(EVENT, List.of(plan, cheap))).isFalse();
        assertThat(EventFilters.passAll(EVENT, List.of())).isTrue();
    }

    private static boolean passes(String property, FilterOp op, FilterValue value) {
        return passes(new Filter(PropertyRef.parse(property), op, List.of(value)));
    }

    private static boolean passes(Filter filter) {
        return EventFilters.passes(EVENT, filter);
    }
}

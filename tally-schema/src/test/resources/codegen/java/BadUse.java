package shop.events;

/**
 * Calls that the plan of project "shop" forbids: every line marked expect-error must fail to
 * compile against the generated code, and no other line may.
 */
final class BadUse {
    void calls(TypedTally tally) {
        tally.orderCompleted("u", OrderCompleted.builder().total("12.50").build()); // expect-error: wrong property type
        tally.orderComplete("u", null); // expect-error: unknown event
        tally.productViewed("u", OrderCompleted.builder().build()); // expect-error: another event's properties
        new OrderCompleted("o-1", 1.0, "EUR", null, null); // expect-error: a string where the enum is
        tally.identify("u", OrderCompleted.builder().build()); // expect-error: properties where traits are
        tally.orderCompleted("u", OrderCompleted.builder().orderId("o-1").total(1.0).currency(OrderCompleted.Currency.GBP).build());
    }
}

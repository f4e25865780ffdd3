package shop.events;

import io.tally.sdk.TallyClient;
import java.util.List;
import java.util.Map;

/**
 * Uses the code generated for the plan of project "shop" the way an application would.
 * JavaGeneratorTest compiles it together with the generated sources and calls it.
 */
public final class UsePlan {
    private UsePlan() {
    }

    public static Map<String, Object> order() {
        return OrderCompleted.builder()
                .orderId("o-1")
                .total(12.5)
                .currency(OrderCompleted.Currency.EUR)
                .items(List.of(new OrderCompleted.Item("sku-1", 2), OrderCompleted.Item.builder().sku("sku-2").quantity(1L).build()))
                .build()
                .toProperties();
    }

    public static Map<String, Object> productWithNulls() {
        ProductViewed.Category shoes = new ProductViewed.Category("shoes", new ProductViewed.Category("clothing", null));
        return new ProductViewed("p-1", new ProductViewed.Price(3.5, ProductViewed.Currency.USD), shoes, List.of("sale"),
                null, 42, null, true, Map.of("color", "red"), ProductViewed.Kind.PHYSICAL, 2L, "economy", null)
                .toProperties();
    }

    public static void send(TallyClient client) {
        TypedTally tally = new TypedTally(client);
        tally.orderCompleted("user-1", OrderCompleted.builder().orderId("o-1").total(12.5)
                .currency(OrderCompleted.Currency.USD).coupon("WELCOME").build());
        tally.identify("user-1", IdentifyTraits.builder().email("ada@example.com").plan(IdentifyTraits.Plan.PRO).build());
        tally._2faEnabled("user-1", new _2faEnabled(_2faEnabled._2faMethod.TOTP));
        tally.class_("user-1", Class_.builder().new_(true).build());
        tally.appOpened("user-2", new AppOpened());
    }

    public static Object orderWithoutId() {
        return OrderCompleted.builder().total(1.0).currency(OrderCompleted.Currency.EUR).build();
    }

    public static Object orderWithoutTotal() {
        return OrderCompleted.builder().orderId("o-1").currency(OrderCompleted.Currency.EUR).build();
    }

    public static Object itemWithoutSku() {
        return new OrderCompleted.Item(null, 1);
    }
}

// Calls that the tracking plan of project "shop" (src/test/resources/codegen/plan) allows: all must compile.
import { typed, TallyBrowser, TallyEventName, OrderCompletedProperties, IdentifyTraits } from "./tally-events";

declare const browser: TallyBrowser;
const tally = typed(browser);

tally.track("Order Completed", { order_id: "o-1", total: 12.5, currency: "EUR", items: [{ sku: "s-1", quantity: 2 }] });
tally.track("Order Completed", { order_id: "o-2", total: 0, currency: "USD", coupon: null, note: "open objects take more" });
tally.track("Order-Completed", { order_id: 7 });
tally.track("Product Viewed", {
  "product id": "p-1",
  price: { amount: 3.5, currency: "EUR" },
  category: { name: "shoes", parent: { name: "clothing" } },
  tags: ["sale"],
  rating: null,
  variant: 42,
  source: { anything: ["goes", 1] },
  attributes: { color: "red" },
  kind: "physical",
  position: 2,
  class: "economy",
  "*/ tricky \\u000a \"key\"": "still a string",
});
tally.track("App Opened", {});
tally.track("class", { new: true, default: "x" });
tally.track("2FA Enabled", { "2fa method": "totp" });
tally.identify("user-1", { email: "ada@example.com", plan: "pro", age: 36 });
tally.page();
tally.page("Home", { referrer: "search" });

// the types can be used on their own too
const order: OrderCompletedProperties = { order_id: "o-3", total: 1, currency: "GBP" };
const traits: IdentifyTraits = { email: "grace@example.com" };
const name: TallyEventName = "Order Completed";
tally.track(name, order);
tally.identify("user-2", traits);

// Calls that the tracking plan of project "shop" forbids. Every line marked expect-error must fail
// to compile, and no other line may.
import { typed, TallyBrowser } from "./tally-events";

declare const browser: TallyBrowser;
const tally = typed(browser);

tally.track("Order Completed", { order_id: "o-1", total: "12.50", currency: "EUR" }); // expect-error: wrong property type
tally.track("Order Completed", { total: 12.5, currency: "EUR" }); // expect-error: required property missing
tally.track("Order Complete", { order_id: "o-1", total: 12.5, currency: "EUR" }); // expect-error: unknown event name
tally.track("Order Completed", { order_id: "o-1", total: 12.5, currency: "JPY" }); // expect-error: not one of the enum values
tally.track("Order Completed", { order_id: "o-1", total: 1, currency: "EUR", items: [{ sku: "s", quantity: 1, gift: true }] }); // expect-error: closed nested object
tally.track("Product Viewed", { "product id": "p-1", price: { amount: 1 }, colour: "red" }); // expect-error: closed object
tally.track("Product Viewed", { "product id": "p-1", price: { amount: 1 }, rating: 4.5, kind: "digital" }); // expect-error: const
tally.track("2FA Enabled", {}); // expect-error: required enum property missing
tally.identify("user-1", { name: "Ada" }); // expect-error: required trait missing
tally.identify("user-1"); // expect-error: the traits schema has required traits
tally.track("Order Completed", { order_id: "o-1", total: 12.5, currency: "EUR" });

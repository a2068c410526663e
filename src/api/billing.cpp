// Billing: plans, a payer's subscription, subscription items.
#include "api/handlers.hpp"
#include "wire/billing.hpp"
#include "wire/decode.hpp"
#include "wire/encode.hpp"

namespace clerksim::api {

namespace {
template <class T>
Json page_to_wire(const Instance& inst, const Page<T>& page) {
  Json data = Json::array();
  for (const T* item : page.items) data.push_back(to_wire(inst, *item));
  return {{"data", data}, {"total_count", page.total_count}};
}
}  // namespace

Response list_billing_plans(Context& cx) {
  QueryReader q(cx);
  auto payer_type = q.string("payer_type");
  q.boolean("paginated");  // always answered as {data, total_count}
  auto page = cx.inst().list_plans(payer_type, q.window());
  return json_response(page_to_wire(cx.inst(), page));
}

Response get_organization_billing_subscription(Context& cx) {
  const Subscription& s = cx.inst().get_payer_subscription("org", cx.param("organization_id"));
  return json_response(to_wire(cx.inst(), s));
}

Response get_user_billing_subscription(Context& cx) {
  const Subscription& s = cx.inst().get_payer_subscription("user", cx.param("user_id"));
  return json_response(to_wire(cx.inst(), s));
}

Response list_subscription_items(Context& cx) {
  QueryReader q(cx);
  SubscriptionItemQuery query;
  query.status = q.string("status");
  query.payer_type = q.string("payer_type");
  query.plan_id = q.string("plan_id");
  query.query = q.string("query");
  query.include_free = q.boolean("include_free").value_or(false);
  q.boolean("paginated");
  auto page = cx.inst().list_subscription_items(query, q.window());
  return json_response(page_to_wire(cx.inst(), page));
}

Response cancel_subscription_item(Context& cx) {
  QueryReader q(cx);
  bool end_now = q.boolean("end_now").value_or(false);
  const SubscriptionItem& item = cx.inst().cancel_subscription_item(cx.param("subscription_item_id"), end_now);
  return json_response(to_wire(cx.inst(), item));
}

Response extend_subscription_item_free_trial(Context& cx) {
  BodyReader body(cx.request.body);
  auto extend_to = body.timestamp("extend_to");
  body.finish();
  if (!extend_to) throw ClerkError::param_missing("extend_to");
  const SubscriptionItem& item = cx.inst().extend_free_trial(cx.param("subscription_item_id"), *extend_to);
  return json_response(subscription_item_v2_to_wire(cx.inst(), item));
}

}  // namespace clerksim::api

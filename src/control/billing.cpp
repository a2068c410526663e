// /__sim/billing: what the Dashboard and a completed checkout do on a real instance.
#include "control/control.hpp"
#include "wire/billing.hpp"
#include "wire/decode.hpp"
#include "wire/encode.hpp"

namespace clerksim::control {

Response get_billing_settings(Context& cx) {
  return json_response(billing_settings_to_wire(cx.inst().billing_settings()));
}

// {"organizations": true, "users": false}: either may be left out.
Response update_billing_settings(Context& cx) {
  BodyReader body(cx.request.body);
  auto organizations = body.boolean("organizations");
  auto users = body.boolean("users");
  body.finish();
  return json_response(billing_settings_to_wire(cx.inst().update_billing_settings(organizations, users)));
}

Response create_billing_feature(Context& cx) {
  BodyReader body(cx.request.body);
  NewFeature in;
  in.slug = body.required_string("slug");
  in.name = body.required_string("name");
  in.description = body.string("description");
  body.finish();
  return json_response(to_wire(cx.inst(), cx.inst().create_feature(in)));
}

// {"slug", "name", "for_payer_type": "org"|"user", "fee": cents a month, "annual_monthly_fee"?,
//  "is_default"?, "features": [slug...], "seat_limit"?, "free_trial_days"?, "description"?, "publicly_visible"?}
Response create_billing_plan(Context& cx) {
  BodyReader body(cx.request.body);
  NewPlan in;
  in.slug = body.required_string("slug");
  in.name = body.required_string("name");
  in.payer_type = body.required_string("for_payer_type");
  in.description = body.string("description");
  in.fee = body.integer("fee").value_or(0);
  in.annual_monthly_fee = body.integer("annual_monthly_fee").value_or(0);
  in.is_default = body.boolean("is_default").value_or(false);
  in.publicly_visible = body.boolean("publicly_visible").value_or(true);
  in.features = body.strings("features");
  in.seat_limit = body.integer("seat_limit");
  in.free_trial_days = body.integer("free_trial_days").value_or(0);
  body.finish();
  return json_response(to_wire(cx.inst(), cx.inst().create_plan(in)));
}

namespace {
Response subscribe(Context& cx, const std::string& payer_type, const std::string& owner) {
  BodyReader body(cx.request.body);
  Checkout in;
  in.plan = body.required_string("plan");
  in.period = body.string("period").value_or("month");
  in.seats = body.integer("seats");
  in.free_trial = body.boolean("free_trial").value_or(false);
  body.finish();
  return json_response(to_wire(cx.inst(), cx.inst().subscribe(payer_type, owner, in)));
}
}  // namespace

// {"plan": slug, "period": "month"|"annual", "seats"?: N, "free_trial"?: bool}
Response subscribe_organization(Context& cx) { return subscribe(cx, "org", cx.param("organization_id")); }
Response subscribe_user(Context& cx) { return subscribe(cx, "user", cx.param("user_id")); }

}  // namespace clerksim::control

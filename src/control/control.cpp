#include "control/control.hpp"

#include "auth/has.hpp"
#include "core/faults.hpp"
#include "auth/tokens.hpp"
#include "domain/tenancy.hpp"
#include "webhooks/delivery.hpp"
#include "wire/decode.hpp"
#include "wire/encode.hpp"
#include "wire/fixture.hpp"

namespace clerksim::control {

namespace {
Json clock_to_wire(const Clock& clock) { return {{"mode", to_string(clock.mode())}, {"now_ms", clock.now_ms()}}; }
}  // namespace

Response health(Context&) { return json_response({{"status", "ok"}}); }

Response reset(Context& cx) {
  const std::string key = cx.inst().info().secret_key;
  Instance& fresh = cx.tenancy->reset(key);
  cx.instance = &fresh;
  if (cx.webhooks) cx.webhooks->forget(key);  // deliveries of the old world are not sent any more
  return json_response({{"status", "reset"}, {"clock", clock_to_wire(fresh.clock())}});
}

Response state(Context& cx) { return json_response(dump_fixture(cx.inst().snapshot())); }

Response get_clock(Context& cx) { return json_response(clock_to_wire(cx.inst().clock())); }

Response set_clock(Context& cx) {
  BodyReader body(cx.request.body);
  auto mode_text = body.string("mode");
  auto set_ms = body.integer("set_ms");
  auto advance_ms = body.integer("advance_ms");
  body.finish();
  ClockMode mode{};
  if (mode_text && !parse_clock_mode(*mode_text, mode))
    throw ClerkError::param_value("mode", "mode must be 'frozen' or 'wall'.");
  if (advance_ms && *advance_ms < 0)
    throw ClerkError::param_value("advance_ms", "The clock only moves forward with advance_ms; use set_ms to go back.");
  if (!mode_text && !set_ms && !advance_ms)
    throw ClerkError(422, "form_param_missing", "is missing", "Give at least one of mode, set_ms or advance_ms.",
                     {{"param_name", "advance_ms"}});
  Clock& clock = cx.inst().clock();
  // The clock stays between 1970 and the end of year 9999, as Clerk's timestamps do.
  constexpr int64_t kLatestMs = 253402300799999;
  int64_t base = set_ms ? *set_ms : clock.now_ms();
  if (set_ms && (*set_ms < 0 || *set_ms > kLatestMs))
    throw ClerkError::param_value("set_ms", "set_ms is epoch milliseconds between 1970 and the end of 9999.");
  if (advance_ms && *advance_ms > kLatestMs - base)
    throw ClerkError::param_value("advance_ms", "That would move the clock past the end of year 9999.");
  if (mode_text) clock.set_mode(mode);
  if (set_ms) clock.set_ms(*set_ms);
  if (advance_ms) clock.advance_ms(*advance_ms);
  cx.inst().advance_billing();
  return json_response(clock_to_wire(clock));
}

// The browser's "switch organization" (setActive): {"organization_id": id, slug or null}.
Response set_active_organization(Context& cx) {
  BodyReader body(cx.request.body);
  Nullable<std::string> org = body.nullable_string("organization_id");
  body.finish();
  if (!org) throw ClerkError::param_missing("organization_id");
  return json_response(to_wire(cx.inst(), cx.inst().set_active_organization(cx.param("session_id"), *org)));
}

// The browser signs out of the session, or removes it from its session list.
Response end_session(Context& cx) {
  return json_response(to_wire(cx.inst(), cx.inst().end_session(cx.param("session_id"))));
}

Response remove_session(Context& cx) {
  return json_response(to_wire(cx.inst(), cx.inst().remove_session(cx.param("session_id"))));
}

namespace {
Json auth_to_wire(const AuthObject& a) {
  auto opt = [](const std::optional<std::string>& v) { return v ? Json(*v) : Json(nullptr); };
  return {{"user_id", opt(a.user_id)},       {"session_id", opt(a.session_id)}, {"session_status", opt(a.session_status)},
          {"org_id", opt(a.org_id)},         {"org_slug", opt(a.org_slug)},     {"org_role", opt(a.org_role)},
          {"org_permissions", a.org_permissions}};
}
}  // namespace

// has() for apps in any language: {"token": jwt}, {"session_id": id} (claims as a
// token minted now would carry them) or {"claims": {...}} (already decoded, not
// verified), a "check", and treat_pending_as_signed_out (default true, as the SDK).
Response authorize(Context& cx) {
  BodyReader body(cx.request.body);
  auto token = body.string("token");
  auto session_id = body.string("session_id");
  auto raw_claims = body.object("claims");
  auto check = body.object("check");
  bool pending_signed_out = body.boolean("treat_pending_as_signed_out").value_or(true);
  body.finish();
  if (int(token.has_value()) + int(session_id.has_value()) + int(raw_claims.has_value()) != 1)
    throw ClerkError(422, "form_param_missing", "is missing", "Give exactly one of token, session_id or claims.",
                     {{"param_name", "token"}});
  Instance& inst = cx.inst();
  Json claims;
  if (raw_claims) {
    claims = *raw_claims;
  } else if (token) {
    claims = verify_session_token(inst.info(), *token, inst.clock().now_ms());
    if (faults::active(faults::Fault::stale_token_live) && claims.contains("sid")) {  // self-test only
      TokenTimes times{inst.clock().now_ms(), 60};
      claims = encode_session_claims(inst.session_claims(claims["sid"].get<std::string>()), times, cx.server_url,
                                     inst.info().authorized_party);
    }
  } else {
    TokenTimes times{inst.clock().now_ms(), 60};
    claims = encode_session_claims(inst.session_claims(*session_id), times, cx.server_url, inst.info().authorized_party);
  }
  AuthObject auth = auth_from_claims(claims);
  if (auth.session_status == "pending" && pending_signed_out) auth = signed_out(auth);
  bool allowed = check ? has(auth, *check) : false;
  return json_response({{"allowed", allowed}, {"auth", auth_to_wire(auth)}});
}

namespace {
Response acceptance(Context& cx, const std::string& invitation_id, const std::optional<std::string>& user_id) {
  Acceptance a = cx.inst().accept_invitation(invitation_id, user_id);
  return json_response({{"invitation", to_wire(cx.inst(), *a.invitation)},
                        {"membership", to_wire(cx.inst(), *a.membership)},
                        {"user", to_wire(cx.inst(), *a.user)}});
}
}  // namespace

// What the invitee does in the browser: sign up (or in) through the invitation.
Response accept_invitation(Context& cx) {
  BodyReader body(cx.request.body);
  auto user_id = body.string("user_id");
  body.finish();
  return acceptance(cx, cx.param("invitation_id"), user_id);
}

// The same, given the __clerk_ticket value of the invitation's link.
Response accept_ticket(Context& cx) {
  BodyReader body(cx.request.body);
  std::string ticket = body.required_string("ticket");
  auto user_id = body.string("user_id");
  body.finish();
  auto id = Instance::invitation_from_ticket(ticket);
  if (!id || !cx.inst().find_invitation(*id))
    throw ClerkError(404, "resource_not_found", "not found", "No invitation carries the ticket '" + ticket + "'.",
                     {{"param_name", "ticket"}});
  return acceptance(cx, *id, user_id);
}

}  // namespace clerksim::control

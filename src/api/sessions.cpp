#include "api/handlers.hpp"
#include "auth/tokens.hpp"
#include "wire/decode.hpp"
#include "wire/encode.hpp"

namespace clerksim::api {

Response list_sessions(Context& cx) {
  QueryReader q(cx);
  SessionQuery query{q.string("user_id"), q.string("client_id"), q.string("status")};
  auto page = cx.inst().list_sessions(query, q.window());
  // A bare array, or the envelope when asked for (the SDK always asks).
  if (q.boolean("paginated").value_or(false)) return json_response(list_to_wire(cx.inst(), page));
  Json out = Json::array();
  for (const Session* s : page.items) out.push_back(to_wire(cx.inst(), *s));
  return json_response(out);
}

Response create_session(Context& cx) {
  BodyReader body(cx.request.body);
  std::string user_id = body.required_string("user_id");
  auto org = body.string("active_organization_id");
  body.finish();
  return json_response(to_wire(cx.inst(), cx.inst().create_session(user_id, org)));
}

Response get_session(Context& cx) {
  return json_response(to_wire(cx.inst(), cx.inst().get_session(cx.param("session_id"))));
}

Response revoke_session(Context& cx) {
  return json_response(to_wire(cx.inst(), cx.inst().revoke_session(cx.param("session_id"))));
}

Response create_session_token(Context& cx) {
  BodyReader body(cx.request.body);
  auto lifetime = body.integer("expires_in_seconds");
  body.finish();
  if (lifetime && (*lifetime < 30 || *lifetime > 315360000))
    throw ClerkError::param_value("expires_in_seconds", "expires_in_seconds must be between 30 and 315360000.");
  Instance& inst = cx.inst();
  SessionClaims claims = inst.session_claims(cx.param("session_id"));
  TokenTimes times{inst.clock().now_ms(), lifetime.value_or(60)};
  Json payload = encode_session_claims(claims, times, cx.server_url, inst.info().authorized_party);
  return json_response({{"object", "token"}, {"jwt", sign_jwt(signing_key(inst.info()), payload)}});
}

// clerk-sim has no JWT templates: every template name is unknown.
Response create_session_token_from_template(Context& cx) {
  cx.inst().get_session(cx.param("session_id"));
  throw ClerkError(404, "resource_not_found", "not found",
                   "There is no JWT template named '" + cx.param("template_name") + "'.");
}

Response get_jwks(Context& cx) { return json_response(jwks(cx.inst().info())); }

}  // namespace clerksim::api

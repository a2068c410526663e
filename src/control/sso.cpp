#include "control/control.hpp"

#include "wire/decode.hpp"
#include "wire/encode.hpp"
#include "wire/sso.hpp"

namespace clerksim::control {

Response verify_domain(Context& cx) {
  const OrganizationDomain& d = cx.inst().verify_domain_affiliation(cx.param("domain_id"));
  return json_response(to_wire(cx.inst(), d));
}

Response list_organization_suggestions(Context& cx) {
  auto page = cx.inst().list_user_suggestions(cx.param("user_id"), QueryReader(cx).window());
  return json_response(list_to_wire(cx.inst(), page));
}

Response accept_organization_suggestion(Context& cx) {
  const OrganizationSuggestion& s = cx.inst().accept_suggestion(cx.param("suggestion_id"));
  const Membership* m = cx.inst().find_membership(s.organization_id, s.user_id);
  return json_response({{"suggestion", to_wire(cx.inst(), s)}, {"membership", m ? to_wire(cx.inst(), *m) : Json()}});
}

// {"email_address", "first_name"?, "last_name"?, "provider_user_id"?}
Response sso_sign_in(Context& cx) {
  BodyReader body(cx.request.body);
  IdpSignIn in;
  in.email_address = body.required_string("email_address");
  in.first_name = body.string("first_name");
  in.last_name = body.string("last_name");
  in.provider_user_id = body.string("provider_user_id");
  body.finish();
  SsoSignIn out = cx.inst().sign_in_with_sso(in);
  return json_response({{"user", to_wire(cx.inst(), *out.user)},
                        {"session", to_wire(cx.inst(), *out.session)},
                        {"membership", out.membership ? to_wire(cx.inst(), *out.membership) : Json()}});
}

}  // namespace clerksim::control

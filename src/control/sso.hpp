#pragma once
// /__sim for verified domains and enterprise SSO: what a member entering the emailed
// code, a user accepting a suggestion, and an IdP sign-in would do.
#include "core/request.hpp"
#include "wire/context.hpp"

namespace clerksim::control {

Response verify_domain(Context& cx);
Response list_organization_suggestions(Context& cx);
Response accept_organization_suggestion(Context& cx);
Response sso_sign_in(Context& cx);

}  // namespace clerksim::control

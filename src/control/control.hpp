#pragma once
// The /__sim control plane: readiness, reset, state dump, clock, what a user does
// in the browser, and the webhooks outbox.
#include "core/request.hpp"
#include "wire/context.hpp"

namespace clerksim::control {

Response health(Context& cx);
Response reset(Context& cx);
Response state(Context& cx);
Response get_clock(Context& cx);
Response set_clock(Context& cx);
Response set_active_organization(Context& cx);
Response authorize(Context& cx);
Response accept_invitation(Context& cx);
Response accept_ticket(Context& cx);
Response end_session(Context& cx);
Response remove_session(Context& cx);

// webhooks.cpp: the event log, endpoints, deliveries
Response events(Context& cx);
Response clear_events(Context& cx);
Response list_endpoints(Context& cx);
Response create_endpoint(Context& cx);
Response delete_endpoint(Context& cx);
Response list_deliveries(Context& cx);
Response flush(Context& cx);

// billing.cpp
Response get_billing_settings(Context& cx);
Response update_billing_settings(Context& cx);
Response create_billing_feature(Context& cx);
Response create_billing_plan(Context& cx);
Response subscribe_organization(Context& cx);
Response subscribe_user(Context& cx);

// sso.cpp: verified domains and enterprise SSO, as a member entering the emailed code,
// a user accepting a suggestion, and an IdP sign-in would do
Response verify_domain(Context& cx);
Response list_organization_suggestions(Context& cx);
Response accept_organization_suggestion(Context& cx);
Response sso_sign_in(Context& cx);

}  // namespace clerksim::control

#include "api/handlers.hpp"
#include "control/control.hpp"
#include "router/router.hpp"

namespace clerksim {

const std::vector<Route>& routes() {
  static const std::vector<Route> table = {
      // users
      {"GET", "/v1/users", api::list_users},
      {"POST", "/v1/users", api::create_user},
      {"GET", "/v1/users/count", api::count_users},
      {"GET", "/v1/users/{user_id}", api::get_user},
      {"PATCH", "/v1/users/{user_id}", api::update_user},
      {"DELETE", "/v1/users/{user_id}", api::delete_user},
      {"PATCH", "/v1/users/{user_id}/metadata", api::merge_user_metadata},
      {"PUT", "/v1/users/{user_id}/metadata", api::replace_user_metadata},
      {"GET", "/v1/users/{user_id}/organization_memberships", api::list_user_memberships, Access::organizations},
      // organizations
      {"GET", "/v1/organizations", api::list_organizations, Access::organizations},
      {"POST", "/v1/organizations", api::create_organization, Access::organizations},
      {"GET", "/v1/organizations/{organization_id}", api::get_organization, Access::organizations},
      {"PATCH", "/v1/organizations/{organization_id}", api::update_organization, Access::organizations},
      {"DELETE", "/v1/organizations/{organization_id}", api::delete_organization, Access::organizations},
      {"PATCH", "/v1/organizations/{organization_id}/metadata", api::merge_organization_metadata, Access::organizations},
      {"PUT", "/v1/organizations/{organization_id}/metadata", api::replace_organization_metadata, Access::organizations},
      // memberships
      {"GET", "/v1/organizations/{organization_id}/memberships", api::list_memberships, Access::organizations},
      {"POST", "/v1/organizations/{organization_id}/memberships", api::create_membership, Access::organizations},
      {"PATCH", "/v1/organizations/{organization_id}/memberships/{user_id}", api::update_membership, Access::organizations},
      {"DELETE", "/v1/organizations/{organization_id}/memberships/{user_id}", api::delete_membership, Access::organizations},
      {"PATCH", "/v1/organizations/{organization_id}/memberships/{user_id}/metadata", api::merge_membership_metadata, Access::organizations},
      {"GET", "/v1/organization_memberships", api::list_all_memberships, Access::organizations},
      // invitations
      {"POST", "/v1/organizations/{organization_id}/invitations", api::create_invitation, Access::organizations},
      {"POST", "/v1/organizations/{organization_id}/invitations/bulk", api::create_invitations_bulk,
       Access::organizations},
      {"GET", "/v1/organizations/{organization_id}/invitations", api::list_invitations, Access::organizations},
      {"GET", "/v1/organizations/{organization_id}/invitations/pending", api::list_pending_invitations,
       Access::organizations},
      {"GET", "/v1/organizations/{organization_id}/invitations/{invitation_id}", api::get_invitation,
       Access::organizations},
      {"POST", "/v1/organizations/{organization_id}/invitations/{invitation_id}/revoke", api::revoke_invitation,
       Access::organizations},
      {"GET", "/v1/organization_invitations", api::list_all_invitations, Access::organizations},
      {"GET", "/v1/users/{user_id}/organization_invitations", api::list_user_invitations, Access::organizations},
      // roles, permissions, role sets
      {"GET", "/v1/organization_permissions", api::list_permissions, Access::organizations},
      {"POST", "/v1/organization_permissions", api::create_permission, Access::organizations},
      {"GET", "/v1/organization_permissions/{permission_id}", api::get_permission, Access::organizations},
      {"PATCH", "/v1/organization_permissions/{permission_id}", api::update_permission, Access::organizations},
      {"DELETE", "/v1/organization_permissions/{permission_id}", api::delete_permission, Access::organizations},
      {"GET", "/v1/organization_roles", api::list_roles, Access::organizations},
      {"POST", "/v1/organization_roles", api::create_role, Access::organizations},
      {"GET", "/v1/organization_roles/{organization_role_id}", api::get_role, Access::organizations},
      {"PATCH", "/v1/organization_roles/{organization_role_id}", api::update_role, Access::organizations},
      {"DELETE", "/v1/organization_roles/{organization_role_id}", api::delete_role, Access::organizations},
      {"POST", "/v1/organization_roles/{organization_role_id}/permissions/{permission_id}", api::assign_role_permission,
       Access::organizations},
      {"DELETE", "/v1/organization_roles/{organization_role_id}/permissions/{permission_id}",
       api::remove_role_permission, Access::organizations},
      {"GET", "/v1/role_sets", api::list_role_sets, Access::organizations},
      {"POST", "/v1/role_sets", api::create_role_set, Access::organizations},
      {"GET", "/v1/role_sets/{role_set_key_or_id}", api::get_role_set, Access::organizations},
      {"PATCH", "/v1/role_sets/{role_set_key_or_id}", api::update_role_set, Access::organizations},
      {"POST", "/v1/role_sets/{role_set_key_or_id}/roles", api::add_roles_to_role_set, Access::organizations},
      {"POST", "/v1/role_sets/{role_set_key_or_id}/roles/replace", api::replace_role_in_role_set, Access::organizations},
      {"POST", "/v1/role_sets/{role_set_key_or_id}/replace", api::replace_role_set, Access::organizations},
      // sessions and tokens
      {"GET", "/v1/sessions", api::list_sessions},
      {"POST", "/v1/sessions", api::create_session},
      {"GET", "/v1/sessions/{session_id}", api::get_session},
      {"POST", "/v1/sessions/{session_id}/revoke", api::revoke_session},
      {"POST", "/v1/sessions/{session_id}/tokens", api::create_session_token},
      {"POST", "/v1/sessions/{session_id}/tokens/{template_name}", api::create_session_token_from_template},
      {"GET", "/v1/jwks", api::get_jwks},
      // instance
      {"GET", "/v1/instance", api::get_instance},
      {"GET", "/v1/instance/organization_settings", api::get_organization_settings},
      {"PATCH", "/v1/instance/organization_settings", api::update_organization_settings},
      // Platform API config (the organization_settings key), used by Clerk's own tooling
      {"GET", "/v1/platform/applications/{application_id}/instances/{instance_id}/config", api::get_platform_config},
      {"PATCH", "/v1/platform/applications/{application_id}/instances/{instance_id}/config",
       api::patch_platform_config},
      // billing
      {"GET", "/v1/billing/plans", api::list_billing_plans},
      {"GET", "/v1/organizations/{organization_id}/billing/subscription", api::get_organization_billing_subscription,
       Access::organizations},
      {"GET", "/v1/users/{user_id}/billing/subscription", api::get_user_billing_subscription},
      {"GET", "/v1/billing/subscription_items", api::list_subscription_items},
      {"DELETE", "/v1/billing/subscription_items/{subscription_item_id}", api::cancel_subscription_item},
      {"POST", "/v1/billing/subscription_items/{subscription_item_id}/extend_free_trial",
       api::extend_subscription_item_free_trial},
      // control plane
      {"GET", "/__sim/health", control::health, Access::open},
      {"POST", "/__sim/reset", control::reset},
      {"GET", "/__sim/state", control::state},
      {"GET", "/__sim/clock", control::get_clock},
      {"POST", "/__sim/clock", control::set_clock},
      {"POST", "/__sim/sessions/{session_id}/active_organization", control::set_active_organization},
      {"POST", "/__sim/authorize", control::authorize},
      {"POST", "/__sim/invitations/{invitation_id}/accept", control::accept_invitation},
      {"POST", "/__sim/tickets/accept", control::accept_ticket},
      {"GET", "/__sim/webhooks/events", control::events},
      {"DELETE", "/__sim/webhooks/events", control::clear_events},
      {"GET", "/__sim/billing/settings", control::get_billing_settings},
      {"POST", "/__sim/billing/settings", control::update_billing_settings},
      {"POST", "/__sim/billing/features", control::create_billing_feature},
      {"POST", "/__sim/billing/plans", control::create_billing_plan},
      {"POST", "/__sim/organizations/{organization_id}/billing/subscribe", control::subscribe_organization},
      {"POST", "/__sim/users/{user_id}/billing/subscribe", control::subscribe_user},
  };
  return table;
}

}  // namespace clerksim

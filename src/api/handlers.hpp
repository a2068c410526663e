#pragma once
// BAPI handlers: decode, one domain call, encode. One file per resource group.
#include "core/request.hpp"
#include "wire/context.hpp"

namespace clerksim::api {

// users.cpp
Response list_users(Context& cx);
Response count_users(Context& cx);
Response create_user(Context& cx);
Response get_user(Context& cx);
Response update_user(Context& cx);
Response delete_user(Context& cx);
Response merge_user_metadata(Context& cx);
Response replace_user_metadata(Context& cx);
Response list_user_memberships(Context& cx);

// organizations.cpp
Response list_organizations(Context& cx);
Response create_organization(Context& cx);
Response get_organization(Context& cx);
Response update_organization(Context& cx);
Response delete_organization(Context& cx);
Response merge_organization_metadata(Context& cx);
Response replace_organization_metadata(Context& cx);

// memberships.cpp
Response list_memberships(Context& cx);
Response create_membership(Context& cx);
Response update_membership(Context& cx);
Response merge_membership_metadata(Context& cx);
Response delete_membership(Context& cx);
Response list_all_memberships(Context& cx);

// roles.cpp
Response list_permissions(Context& cx);
Response create_permission(Context& cx);
Response get_permission(Context& cx);
Response update_permission(Context& cx);
Response delete_permission(Context& cx);
Response list_roles(Context& cx);
Response create_role(Context& cx);
Response get_role(Context& cx);
Response update_role(Context& cx);
Response delete_role(Context& cx);
Response assign_role_permission(Context& cx);
Response remove_role_permission(Context& cx);
Response list_role_sets(Context& cx);
Response create_role_set(Context& cx);
Response get_role_set(Context& cx);
Response update_role_set(Context& cx);
Response add_roles_to_role_set(Context& cx);
Response replace_role_in_role_set(Context& cx);
Response replace_role_set(Context& cx);

// invitations.cpp
Response create_invitation(Context& cx);
Response create_invitations_bulk(Context& cx);
Response list_invitations(Context& cx);
Response list_pending_invitations(Context& cx);
Response get_invitation(Context& cx);
Response revoke_invitation(Context& cx);
Response list_all_invitations(Context& cx);
Response list_user_invitations(Context& cx);

// sessions.cpp
Response list_sessions(Context& cx);
Response create_session(Context& cx);
Response get_session(Context& cx);
Response revoke_session(Context& cx);
Response create_session_token(Context& cx);
Response create_session_token_from_template(Context& cx);
Response get_jwks(Context& cx);

// instance.cpp
Response get_instance(Context& cx);
Response get_organization_settings(Context& cx);
Response update_organization_settings(Context& cx);
Response get_platform_config(Context& cx);
Response patch_platform_config(Context& cx);

// billing.cpp
Response list_billing_plans(Context& cx);
Response get_organization_billing_subscription(Context& cx);
Response get_user_billing_subscription(Context& cx);
Response list_subscription_items(Context& cx);
Response cancel_subscription_item(Context& cx);
Response extend_subscription_item_free_trial(Context& cx);

// domains.cpp
Response list_organization_domains(Context& cx);
Response create_organization_domain(Context& cx);
Response update_organization_domain(Context& cx);
Response delete_organization_domain(Context& cx);
Response verify_organization_domain_ownership(Context& cx);
Response list_all_organization_domains(Context& cx);

// enterprise_connections.cpp
Response list_enterprise_connections(Context& cx);
Response create_enterprise_connection(Context& cx);
Response get_enterprise_connection(Context& cx);
Response update_enterprise_connection(Context& cx);
Response delete_enterprise_connection(Context& cx);
// the deprecated /saml_connections family, over the same connections
Response list_saml_connections(Context& cx);
Response create_saml_connection(Context& cx);
Response get_saml_connection(Context& cx);
Response update_saml_connection(Context& cx);
Response delete_saml_connection(Context& cx);

}  // namespace clerksim::api

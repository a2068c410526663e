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
      {"GET", "/v1/users/{user_id}/organization_memberships", api::list_user_memberships},
      // organizations
      {"GET", "/v1/organizations", api::list_organizations},
      {"POST", "/v1/organizations", api::create_organization},
      {"GET", "/v1/organizations/{organization_id}", api::get_organization},
      {"PATCH", "/v1/organizations/{organization_id}", api::update_organization},
      {"DELETE", "/v1/organizations/{organization_id}", api::delete_organization},
      {"PATCH", "/v1/organizations/{organization_id}/metadata", api::merge_organization_metadata},
      {"PUT", "/v1/organizations/{organization_id}/metadata", api::replace_organization_metadata},
      // memberships
      {"GET", "/v1/organizations/{organization_id}/memberships", api::list_memberships},
      {"POST", "/v1/organizations/{organization_id}/memberships", api::create_membership},
      {"PATCH", "/v1/organizations/{organization_id}/memberships/{user_id}", api::update_membership},
      {"DELETE", "/v1/organizations/{organization_id}/memberships/{user_id}", api::delete_membership},
      {"PATCH", "/v1/organizations/{organization_id}/memberships/{user_id}/metadata", api::merge_membership_metadata},
      {"GET", "/v1/organization_memberships", api::list_all_memberships},
      // instance
      {"GET", "/v1/instance", api::get_instance},
      {"GET", "/v1/instance/organization_settings", api::get_organization_settings},
      // control plane
      {"GET", "/__sim/health", control::health, Access::open},
      {"POST", "/__sim/reset", control::reset},
      {"GET", "/__sim/state", control::state},
      {"GET", "/__sim/clock", control::get_clock},
      {"POST", "/__sim/clock", control::set_clock},
  };
  return table;
}

}  // namespace clerksim

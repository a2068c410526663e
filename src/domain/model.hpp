#pragma once
// Plain data: every object an instance holds. Rules live in Instance, not here.
#include <nlohmann/json.hpp>

#include "domain/billing_model.hpp"
#include "domain/sso_model.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace clerksim {

using Json = nlohmann::json;  // metadata is free-form JSON in Clerk, so it is here too

struct EmailAddress {
  std::string id;
  std::string email_address;
  bool reserved = false;  // reserved addresses are claimed but unverified
  int64_t created_at = 0;
  int64_t updated_at = 0;

  bool operator==(const EmailAddress&) const = default;
};

struct PhoneNumber {
  std::string id;
  std::string phone_number;
  bool reserved = false;
  int64_t created_at = 0;
  int64_t updated_at = 0;

  bool operator==(const PhoneNumber&) const = default;
};

struct User {
  std::string id;
  uint64_t seq = 0;  // insertion order: breaks created_at ties deterministically
  std::optional<std::string> external_id;
  std::optional<std::string> username;
  std::optional<std::string> first_name;
  std::optional<std::string> last_name;
  std::optional<std::string> locale;
  std::vector<EmailAddress> email_addresses;
  std::optional<std::string> primary_email_address_id;
  std::vector<PhoneNumber> phone_numbers;
  std::optional<std::string> primary_phone_number_id;
  bool password_enabled = false;
  Json public_metadata = Json::object();
  Json private_metadata = Json::object();
  Json unsafe_metadata = Json::object();
  bool banned = false;
  bool locked = false;
  bool delete_self_enabled = true;
  bool create_organization_enabled = true;
  std::optional<int64_t> create_organizations_limit;
  std::optional<int64_t> legal_accepted_at;
  std::optional<int64_t> last_sign_in_at;
  std::optional<int64_t> last_active_at;
  int64_t created_at = 0;
  int64_t updated_at = 0;

  const EmailAddress* primary_email() const;
  const PhoneNumber* primary_phone() const;

  bool operator==(const User&) const = default;
};

struct Organization {
  std::string id;
  uint64_t seq = 0;
  std::string name;
  std::string slug;
  int64_t max_allowed_memberships = 0;  // 0 = unlimited
  bool admin_delete_enabled = true;
  Json public_metadata = Json::object();
  Json private_metadata = Json::object();
  std::optional<std::string> created_by;
  std::optional<std::string> role_set_key;
  int64_t created_at = 0;
  int64_t updated_at = 0;

  bool operator==(const Organization&) const = default;
};

struct Membership {
  std::string id;
  uint64_t seq = 0;
  std::string organization_id;
  std::string user_id;
  std::string role;  // role key, e.g. "org:admin"
  Json public_metadata = Json::object();
  Json private_metadata = Json::object();
  int64_t created_at = 0;
  int64_t updated_at = 0;

  bool operator==(const Membership&) const = default;
};

struct Permission {
  std::string id;
  uint64_t seq = 0;
  std::string key;  // "org:<feature>:<action>"; "org:sys_*" are system permissions
  std::string name;
  std::string description;
  std::string type;  // "system" | "custom"
  int64_t created_at = 0;
  int64_t updated_at = 0;

  bool operator==(const Permission&) const = default;
};

struct Role {
  std::string id;
  uint64_t seq = 0;
  std::string key;  // "org:<name>"
  std::string name;
  std::string description;
  std::vector<std::string> permissions;  // permission keys, in catalogue order
  bool builtin = false;  // one of the two roles every instance starts with (admin, member), whatever its key now
  int64_t created_at = 0;
  int64_t updated_at = 0;

  bool operator==(const Role&) const = default;
};

// A role set: the roles an organization using it may assign, with its own creator
// and default role. Exactly one set per instance has type "initial": new
// organizations get it, and its creator role is the instance's creator role.
struct RoleSet {
  std::string id;
  uint64_t seq = 0;
  std::string key;  // "role_set:<name>"
  std::string name;
  std::optional<std::string> description;
  std::string type = "custom";     // "initial" | "custom"
  std::vector<std::string> roles;  // role keys, in the order they were added
  std::string default_role;
  std::string creator_role;
  int64_t created_at = 0;
  int64_t updated_at = 0;

  bool operator==(const RoleSet&) const = default;
};

// Instance-wide organization settings. The creator role and the initial role set
// key are not stored here: they are the initial role set's (see Instance).
struct OrganizationSettings {
  bool enabled = true;
  int64_t max_allowed_memberships = 5;
  int64_t max_allowed_roles = 10;
  int64_t max_role_sets_allowed = 10;
  int64_t max_allowed_domains = 10;
  bool admin_delete_enabled = true;
  bool domains_enabled = false;
  bool slug_disabled = false;
  std::vector<std::string> domains_enrollment_modes = {"manual_invitation"};
  std::string domains_default_role = "org:member";
  bool force_organization_selection = true;  // membership required
  Json organization_creation_defaults = {{"enabled", false}};
  int64_t config_version = 1;  // moves on every settings change (Platform config route)

  bool operator==(const OrganizationSettings&) const = default;
};

// An invitation to join an organization. `status` is what was stored ("pending",
// "accepted", "revoked"); a pending invitation past expires_at reads as "expired".
struct Invitation {
  std::string id;
  uint64_t seq = 0;
  std::string organization_id;
  std::string email_address;  // lower-cased
  std::string role;
  std::optional<std::string> inviter_id;
  std::optional<std::string> user_id;  // who accepted it
  std::string status = "pending";
  Json public_metadata = Json::object();
  Json private_metadata = Json::object();
  std::optional<std::string> redirect_url;
  std::optional<std::string> organization_domain_id;  // made by a domain in automatic_invitation mode
  int64_t expires_at = 0;
  int64_t created_at = 0;
  int64_t updated_at = 0;

  bool operator==(const Invitation&) const = default;
};

// A sign-in. `status` is what was stored ("active", "revoked", "ended"); the status
// Clerk reports also depends on time and on session tasks (Instance::session_status).
struct Session {
  std::string id;
  uint64_t seq = 0;
  std::string user_id;
  std::string client_id;
  std::string status = "active";
  std::optional<std::string> last_active_organization_id;
  int64_t last_active_at = 0;
  int64_t expire_at = 0;
  int64_t abandon_at = 0;
  int64_t created_at = 0;
  int64_t updated_at = 0;

  bool operator==(const Session&) const = default;
};

struct InstanceInfo {
  std::string id;
  std::string secret_key = "sk_test_clerksim_default";
  std::string environment_type = "development";
  std::vector<std::string> allowed_origins;
  std::string authorized_party = "http://localhost:3000";  // the azp claim of session tokens
  std::string signing_key_pem;  // RSA-2048 private key (PKCS#8 PEM) that signs session tokens
  std::string webhook_secret;   // "whsec_<base64>": signs deliveries to endpoints that name no secret of their own

  bool operator==(const InstanceInfo&) const = default;
};

// Where the instance's events are delivered. An endpoint is configuration, like the
// dashboard's list: part of the state, so a reset brings back the fixture's endpoints.
struct WebhookEndpoint {
  std::string id;                   // "ep_..."
  std::string url;                  // http://host[:port]/path
  std::vector<std::string> events;  // event types to send; empty: all of them
  std::string secret;               // "whsec_..."; empty: the instance's webhook_secret
  int64_t created_at = 0;

  bool operator==(const WebhookEndpoint&) const = default;
};

// The whole of one instance as plain data: what a fixture loads and a state dump writes.
struct InstanceState {
  InstanceInfo info;
  OrganizationSettings settings;
  std::vector<Permission> permissions;
  std::vector<Role> roles;
  std::vector<RoleSet> role_sets;
  std::vector<User> users;
  std::vector<Organization> organizations;
  std::vector<Membership> memberships;
  std::vector<Invitation> invitations;
  std::vector<Session> sessions;
  std::vector<WebhookEndpoint> webhook_endpoints;
  BillingState billing;
  SsoState sso;
  uint64_t seed = 0;
  uint64_t id_counter = 0;  // ids drawn so far from the seeded generator
  int64_t clock_ms = 0;     // the instance clock when the state was taken

  bool operator==(const InstanceState&) const = default;
};

// A page of a list: the items after limit/offset and the total before them.
template <class T>
struct Page {
  std::vector<const T*> items;
  int64_t total_count = 0;
};

}  // namespace clerksim

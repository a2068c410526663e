#pragma once
// Verified domains and enterprise SSO as plain data: organization domains, the
// suggestions they produce, enterprise connections, and the enterprise accounts
// that link users to connections. Rules live in Instance (domains.cpp, sso.cpp).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace clerksim {

struct User;
struct Session;
struct Membership;

// One verification slot of a domain (affiliation or ownership).
struct DomainVerification {
  std::string status = "verified";  // "unverified" | "verified"
  std::string strategy;             // "admin", "email_code", "manual_override"
  std::optional<int64_t> verified_at;

  bool operator==(const DomainVerification&) const = default;
};

// A domain an organization claims. Enrollment runs on a verified affiliation.
struct OrganizationDomain {
  std::string id;  // "orgdmn_..."
  uint64_t seq = 0;
  std::string organization_id;
  std::string name;  // lower-cased
  std::string enrollment_mode = "manual_invitation";
  std::optional<std::string> affiliation_email_address;
  std::optional<DomainVerification> affiliation;  // none: never attempted
  std::optional<DomainVerification> ownership;
  int64_t created_at = 0;
  int64_t updated_at = 0;

  bool verified() const { return affiliation && affiliation->status == "verified"; }

  bool operator==(const OrganizationDomain&) const = default;
};

// An offer to join, made to a user whose verified email is on a domain in
// automatic_suggestion mode. Accepting it makes the user a member.
struct OrganizationSuggestion {
  std::string id;  // "orgsugg_..."
  uint64_t seq = 0;
  std::string organization_id;
  std::string organization_domain_id;
  std::string user_id;
  std::string status = "pending";  // "pending" | "accepted"
  int64_t created_at = 0;
  int64_t updated_at = 0;

  bool operator==(const OrganizationSuggestion&) const = default;
};

struct SamlSettings {
  std::optional<std::string> idp_entity_id, idp_sso_url, idp_certificate, idp_metadata_url, idp_metadata;
  std::optional<std::string> map_user_id, map_email_address, map_first_name, map_last_name;
  bool force_authn = false;
  std::string login_hint_mode = "email_address";
  std::optional<std::string> login_hint_source;

  bool operator==(const SamlSettings&) const = default;
};

struct OidcSettings {
  std::optional<std::string> client_id, client_secret, discovery_url, auth_url, token_url, user_info_url;
  bool requires_pkce = false;

  bool operator==(const OidcSettings&) const = default;
};

// An IdP configuration. The protocol follows from the provider: saml_* is SAML,
// oidc_* is OAuth (OIDC).
struct EnterpriseConnection {
  std::string id;               // "entconn_..."
  std::string saml_connection_id;  // "samlc_...": its id on the deprecated /saml_connections routes
  std::string oauth_config_id;     // "oac_..." for OIDC providers
  uint64_t seq = 0;
  std::string name;
  std::string provider;
  std::vector<std::string> domains;  // lower-cased, at least one
  std::optional<std::string> organization_id;
  bool active = false;
  bool disable_jit_provisioning = false;
  bool sync_user_attributes = true;
  bool allow_subdomains = false;
  bool allow_idp_initiated = false;
  bool disable_additional_identifications = false;
  bool allow_organization_account_linking = false;
  SamlSettings saml;
  OidcSettings oidc;
  int64_t created_at = 0;
  int64_t updated_at = 0;

  std::string protocol() const { return provider.rfind("saml_", 0) == 0 ? "saml" : "oauth"; }

  bool operator==(const EnterpriseConnection&) const = default;
};

// A user's link to a connection, made on their first sign-in through it.
struct EnterpriseAccount {
  std::string id;  // "eac_..."
  uint64_t seq = 0;
  std::string user_id;
  std::string enterprise_connection_id;  // kept after the connection is deleted
  std::string provider, protocol;        // the connection's, at link time
  std::string email_address;
  std::optional<std::string> first_name, last_name;
  std::string provider_user_id;
  bool active = true;
  int64_t last_authenticated_at = 0;
  int64_t created_at = 0;

  bool operator==(const EnterpriseAccount&) const = default;
};

struct SsoState {
  std::vector<OrganizationDomain> domains;
  std::vector<OrganizationSuggestion> suggestions;
  std::vector<EnterpriseConnection> connections;
  std::vector<EnterpriseAccount> accounts;

  bool operator==(const SsoState&) const = default;
};

// --- inputs

struct NewOrganizationDomain {
  std::string name;
  std::optional<std::string> enrollment_mode;
  bool verified = true;
};

struct OrganizationDomainPatch {
  std::optional<std::string> name;  // may only repeat the domain's name
  std::optional<std::string> enrollment_mode;
  std::optional<bool> verified;
  bool delete_pending = false;
};

struct OrganizationDomainQuery {
  std::optional<std::string> organization_id;
  std::optional<bool> verified;
  std::vector<std::string> enrollment_modes;  // "mode" keeps, "-mode" drops
  std::optional<std::string> query;
  std::vector<std::string> domains;
};

struct SamlPatch {
  std::optional<std::string> idp_entity_id, idp_sso_url, idp_certificate, idp_metadata_url, idp_metadata;
  std::optional<std::string> map_user_id, map_email_address, map_first_name, map_last_name;
  std::optional<bool> allow_subdomains, allow_idp_initiated, force_authn;
  std::optional<std::string> login_hint_mode, login_hint_source;
};

struct OidcPatch {
  std::optional<std::string> client_id, client_secret, discovery_url, auth_url, token_url, user_info_url;
  std::optional<bool> requires_pkce;
};

// Create (name, provider and domains required) and update share one shape.
struct ConnectionInput {
  std::optional<std::string> name, provider, organization_id;
  std::optional<std::vector<std::string>> domains;
  std::optional<bool> active, disable_jit_provisioning, sync_user_attributes, allow_subdomains,
      allow_idp_initiated, disable_additional_identifications, allow_organization_account_linking;
  std::optional<SamlPatch> saml;
  std::optional<OidcPatch> oidc;
};

struct ConnectionQuery {
  std::optional<std::string> organization_id;
  std::optional<bool> active;
  std::vector<std::string> organization_ids;  // the deprecated list's organization_id[] ("+"/"-")
  std::optional<std::string> query;
};

// What the IdP says about the person signing in.
struct IdpSignIn {
  std::string email_address;
  std::optional<std::string> first_name, last_name, provider_user_id;
};

// A fully qualified domain name, lower-case (as stored).

// What a sign-in through an IdP produced.
struct SsoSignIn {
  const User* user = nullptr;
  const Session* session = nullptr;
  const Membership* membership = nullptr;  // none when the connection has no organization
  const EnterpriseAccount* account = nullptr;
  const EnterpriseConnection* connection = nullptr;
  bool user_created = false;
};

}  // namespace clerksim

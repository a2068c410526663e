// Enterprise SSO: connections that own email domains, and the sign-in through one
// of them that links an enterprise account, provisions the user just in time, and
// makes them a member of the connection's organization.
#include <algorithm>

#include "core/text.hpp"
#include "domain/instance.hpp"
#include "domain/listing.hpp"
#include "domain/rules.hpp"

namespace clerksim {

namespace {

const std::vector<std::string>& providers() {
  static const std::vector<std::string> list = {"saml_custom", "saml_okta",   "saml_google",          "saml_microsoft",
                                                "oidc_custom", "oidc_github_enterprise", "oidc_gitlab"};
  return list;
}

bool has(const std::vector<std::string>& list, const std::string& v) {
  return std::find(list.begin(), list.end(), v) != list.end();
}

std::string email_domain(const std::string& email) {
  auto at = email.rfind('@');
  return at == std::string::npos ? std::string() : email.substr(at + 1);
}

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

bool present(const std::optional<std::string>& v) { return v && !v->empty(); }

// A patch's text field: absent keeps the value, "" clears it.
void set(std::optional<std::string>& field, const std::optional<std::string>& v) {
  if (v) field = v->empty() ? std::nullopt : v;
}

void apply(SamlSettings& s, bool& allow_subdomains, bool& allow_idp_initiated, const SamlPatch& p) {
  set(s.idp_entity_id, p.idp_entity_id);
  set(s.idp_sso_url, p.idp_sso_url);
  set(s.idp_certificate, p.idp_certificate);
  set(s.idp_metadata_url, p.idp_metadata_url);
  set(s.idp_metadata, p.idp_metadata);
  set(s.map_user_id, p.map_user_id);
  set(s.map_email_address, p.map_email_address);
  set(s.map_first_name, p.map_first_name);
  set(s.map_last_name, p.map_last_name);
  if (p.allow_subdomains) allow_subdomains = *p.allow_subdomains;
  if (p.allow_idp_initiated) allow_idp_initiated = *p.allow_idp_initiated;
  if (p.force_authn) s.force_authn = *p.force_authn;
  if (p.login_hint_mode) {
    static const std::vector<std::string> modes = {"email_address", "custom_attribute", "off"};
    if (!has(modes, *p.login_hint_mode))
      throw ClerkError::param_value("saml.login_hint.mode",
                                    "'" + *p.login_hint_mode + "' is not one of email_address, custom_attribute, off.");
    s.login_hint_mode = *p.login_hint_mode;
    s.login_hint_source = p.login_hint_source;
  }
}

void apply(OidcSettings& o, const OidcPatch& p) {
  set(o.client_id, p.client_id);
  set(o.client_secret, p.client_secret);
  set(o.discovery_url, p.discovery_url);
  set(o.auth_url, p.auth_url);
  set(o.token_url, p.token_url);
  set(o.user_info_url, p.user_info_url);
  if (p.requires_pkce) o.requires_pkce = *p.requires_pkce;
}

// Lower-cased, checked, without repeats, in the order given.
std::vector<std::string> normalized_domains(const std::vector<std::string>& raw) {
  std::vector<std::string> out;
  for (const auto& r : raw) {
    std::string d = to_lower(trim(r));
    if (!valid_domain_name(d)) throw ClerkError::param_format("domains", "'" + r + "' is not a domain name.");
    if (!has(out, d)) out.push_back(d);
  }
  return out;
}

}  // namespace

// Everything a connection must satisfy, whether new or changed.
void Instance::require_connection_valid(const EnterpriseConnection& c) const {
  if (c.organization_id) get_organization(*c.organization_id);
  for (const auto& [id, other] : connections_) {
    if (id == c.id) continue;
    for (const auto& d : c.domains)
      if (has(other.domains, d))
        throw ClerkError(409, "conflict", "Conflict",
                         d + " already belongs to the enterprise connection " + other.id + "; a domain belongs to "
                             "at most one connection.",
                         {{"param_name", "domains"}});
  }
  if (c.organization_id)
    for (const auto& [id, d] : domains_)
      if (d.organization_id == *c.organization_id && d.verified() && has(c.domains, d.name))
        throw ClerkError(422, "organization_domain_exists_for_enrollment", "domain used for organization enrollment",
                         d.name + " is a verified domain of organization " + d.organization_id +
                             " (" + d.id + "); it cannot also be its SSO domain.",
                         {{"param_name", "domains"}});
  if (c.active) {
    std::vector<std::string> missing;
    if (c.protocol() == "saml") {
      if (!present(c.saml.idp_metadata_url) && !present(c.saml.idp_metadata) &&
          !(present(c.saml.idp_sso_url) && present(c.saml.idp_entity_id)))
        missing = {"saml.idp_metadata_url", "saml.idp_metadata", "saml.idp_sso_url and saml.idp_entity_id"};
    } else if (!present(c.oidc.client_id) ||
               (!present(c.oidc.discovery_url) && !(present(c.oidc.auth_url) && present(c.oidc.token_url)))) {
      missing = {"oidc.client_id", "oidc.discovery_url (or oidc.auth_url and oidc.token_url)"};
    }
    if (!missing.empty()) {
      std::string list;
      for (const auto& m : missing) list += (list.empty() ? "" : ", ") + m;
      throw ClerkError(422, "saml_connection_cant_be_activated", "connection can't be activated",
                       "Give the identity provider's details (" + list + ") before activating the connection.",
                       {{"param_name", "active"}});
    }
  }
}

const EnterpriseConnection& Instance::create_enterprise_connection(const ConnectionInput& in) {
  if (!in.name || trim(*in.name).empty()) throw ClerkError::param_missing("name");
  if (!in.provider) throw ClerkError::param_missing("provider");
  if (!has(providers(), *in.provider))
    throw ClerkError::param_value("provider", "'" + *in.provider + "' is not one of saml_custom, saml_okta, "
                                                                   "saml_google, saml_microsoft, oidc_custom, "
                                                                   "oidc_github_enterprise, oidc_gitlab.");
  if (!in.domains || in.domains->empty()) throw ClerkError::param_missing("domains");
  EnterpriseConnection c;
  c.name = trim(*in.name);
  c.provider = *in.provider;
  c.domains = normalized_domains(*in.domains);
  c.organization_id = in.organization_id;
  if (c.organization_id) c.organization_id = get_organization(*c.organization_id).id;
  c.active = in.active.value_or(false);
  c.disable_jit_provisioning = in.disable_jit_provisioning.value_or(false);
  c.sync_user_attributes = in.sync_user_attributes.value_or(true);
  c.allow_subdomains = in.allow_subdomains.value_or(false);
  c.allow_idp_initiated = in.allow_idp_initiated.value_or(false);
  c.disable_additional_identifications = in.disable_additional_identifications.value_or(false);
  c.allow_organization_account_linking = in.allow_organization_account_linking.value_or(false);
  if (c.protocol() == "saml" && in.saml) apply(c.saml, c.allow_subdomains, c.allow_idp_initiated, *in.saml);
  if (c.protocol() == "oauth" && in.oidc) apply(c.oidc, *in.oidc);
  require_connection_valid(c);
  // --- commit
  int64_t now = clock_.now_ms();
  c.id = ids_.next("entconn");
  if (c.protocol() == "saml") c.saml_connection_id = ids_.next("samlc");
  else c.oauth_config_id = ids_.next("oac");
  c.seq = next_seq();
  c.created_at = c.updated_at = now;
  return *connections_.insert(c.id, std::move(c)).first;
}

const EnterpriseConnection* Instance::find_enterprise_connection(const std::string& id) const {
  if (const EnterpriseConnection* c = connections_.get(id)) return c;
  for (const auto& [cid, c] : connections_)
    if (!c.saml_connection_id.empty() && c.saml_connection_id == id) return &c;
  return nullptr;
}

const EnterpriseConnection& Instance::get_enterprise_connection(const std::string& id) const {
  if (const EnterpriseConnection* c = find_enterprise_connection(id)) return *c;
  throw ClerkError::not_found("enterprise_connection", id);
}

Page<EnterpriseConnection> Instance::list_enterprise_connections(const ConnectionQuery& q, const ListWindow& w,
                                                                 bool saml_only) const {
  OrderBy order = parse_order_by(w.order_by, "-created_at", {"created_at", "name"});
  IdFilter orgs;
  for (const auto& raw : q.organization_ids) orgs.add(raw);
  std::vector<const EnterpriseConnection*> items;
  for (const auto& [id, c] : connections_) {
    if (saml_only && c.protocol() != "saml") continue;
    if (q.organization_id && c.organization_id != *q.organization_id) continue;
    if (!orgs.empty() && !orgs.matches(c.organization_id.value_or(""))) continue;
    if (q.active && c.active != *q.active) continue;
    if (q.query && !q.query->empty()) {
      bool hit = contains_ci(c.name, *q.query);
      for (const auto& d : c.domains) hit = hit || contains_ci(d, *q.query);
      if (!hit) continue;
    }
    items.push_back(&c);
  }
  order_items(items, order, [](const EnterpriseConnection& c, const std::string& field) -> SortValue {
    if (field == "name") return c.name;
    return c.created_at;
  });
  return paginate(items, w.limit, w.offset);
}

const EnterpriseConnection& Instance::update_enterprise_connection(const std::string& id, const ConnectionInput& in) {
  const EnterpriseConnection& found = get_enterprise_connection(id);
  EnterpriseConnection& stored = connections_.mut(found.id);
  EnterpriseConnection c = stored;
  if (in.provider && *in.provider != c.provider)
    throw ClerkError::param_value("provider", "The provider of a connection cannot change; create a new connection.");
  if (in.name) {
    if (trim(*in.name).empty()) throw ClerkError::param_value("name", "name must not be empty.");
    c.name = trim(*in.name);
  }
  if (in.domains && !in.domains->empty()) c.domains = normalized_domains(*in.domains);
  if (in.organization_id) c.organization_id = get_organization(*in.organization_id).id;
  if (in.active) c.active = *in.active;
  if (in.disable_jit_provisioning) c.disable_jit_provisioning = *in.disable_jit_provisioning;
  if (in.sync_user_attributes) c.sync_user_attributes = *in.sync_user_attributes;
  if (in.allow_subdomains) c.allow_subdomains = *in.allow_subdomains;
  if (in.allow_idp_initiated) c.allow_idp_initiated = *in.allow_idp_initiated;
  if (in.disable_additional_identifications) c.disable_additional_identifications = *in.disable_additional_identifications;
  if (in.allow_organization_account_linking) c.allow_organization_account_linking = *in.allow_organization_account_linking;
  if (c.protocol() == "saml" && in.saml) apply(c.saml, c.allow_subdomains, c.allow_idp_initiated, *in.saml);
  if (c.protocol() == "oauth" && in.oidc) apply(c.oidc, *in.oidc);
  require_connection_valid(c);
  c.updated_at = clock_.now_ms();
  stored = std::move(c);
  return stored;
}

EnterpriseConnection Instance::delete_enterprise_connection(const std::string& id) {
  EnterpriseConnection removed = get_enterprise_connection(id);
  connections_.erase(removed.id);
  return removed;
}

int64_t Instance::connection_user_count(const EnterpriseConnection& c) const {
  std::vector<std::string> users;
  for (const auto& [id, a] : accounts_)
    if (a.enterprise_connection_id == c.id && !has(users, a.user_id)) users.push_back(a.user_id);
  return static_cast<int64_t>(users.size());
}

std::vector<const EnterpriseAccount*> Instance::enterprise_accounts(const std::string& user_id) const {
  std::vector<const EnterpriseAccount*> out;
  for (const auto& [id, a] : accounts_)
    if (a.user_id == user_id) out.push_back(&a);
  std::sort(out.begin(), out.end(), [](const auto* a, const auto* b) { return a->seq < b->seq; });
  return out;
}

// An exact domain wins over a parent domain that allows subdomains; among equals,
// the connection made first.
const EnterpriseConnection* Instance::connection_for_email(const std::string& email) const {
  std::string domain = to_lower(email_domain(email));
  if (domain.empty()) return nullptr;
  const EnterpriseConnection* exact = nullptr;
  const EnterpriseConnection* parent = nullptr;
  for (const auto& [id, c] : connections_) {
    if (!c.active) continue;
    for (const auto& d : c.domains) {
      if (d == domain && (!exact || c.seq < exact->seq)) exact = &c;
      if (c.allow_subdomains && ends_with(domain, "." + d) && (!parent || c.seq < parent->seq)) parent = &c;
    }
  }
  return exact ? exact : parent;
}

SsoSignIn Instance::sign_in_with_sso(const IdpSignIn& in) {
  std::string email = to_lower(trim(in.email_address));
  if (email.empty()) throw ClerkError::param_missing("email_address");
  if (!valid_email(email))
    throw ClerkError::param_format("email_address", "'" + in.email_address + "' is not a valid email address.");
  const EnterpriseConnection* conn = connection_for_email(email);
  if (!conn)
    throw ClerkError(422, "enterprise_sso_sign_in_connection_missing", "no enterprise connection for this sign-in",
                     "No active enterprise connection covers the domain of " + email + ".",
                     {{"param_name", "email_address"}});
  const User* user = nullptr;
  for (const auto& [id, u] : users_)
    for (const auto& e : u.email_addresses)
      if (e.email_address == email) user = &u;
  if (user && user->banned)
    throw ClerkError(403, "user_banned", "User banned", "User " + user->id + " is banned and cannot sign in.");
  if (!user && conn->disable_jit_provisioning)
    throw ClerkError(422, "saml_jit_provisioning_disabled", "JIT provisioning disabled",
                     "The connection " + conn->id + " does not create users during sign-in, and no user has the "
                         "email address " + email + ".",
                     {{"email_address", email}});
  const Organization* org = conn->organization_id ? &get_organization(*conn->organization_id) : nullptr;
  std::string role;
  if (org) {
    role = role_set_of(*org).default_role;
    bool member = user && memberships_.count(MembershipKey{org->id, user->id});
    if (int64_t limit = member_limit(*org);
        !member && limit > 0 && members_count(org->id) + pending_invitations_count(org->id) + 1 > limit)
      throw ClerkError(403, "organization_membership_quota_exceeded_for_sso", "organization full",
                       "Organization " + org->id + " has no seat left for " + email + ".");
  }
  // --- commit
  SsoSignIn out;
  out.connection = conn;
  int64_t now = clock_.now_ms();
  if (!user) {
    NewUser sign_up;
    sign_up.email_addresses = {email};
    sign_up.first_name = in.first_name;
    sign_up.last_name = in.last_name;
    user = &create_user(sign_up);
    out.user_created = true;
  } else if (conn->sync_user_attributes && ((in.first_name && in.first_name != user->first_name) ||
                                            (in.last_name && in.last_name != user->last_name))) {
    User& u = user_ref(user->id);
    if (in.first_name) u.first_name = in.first_name;
    if (in.last_name) u.last_name = in.last_name;
    u.updated_at = now;
    emit(DomainEvent("user.updated", "user", u.id, std::nullopt, u.id));
    user = &u;  // read the changed user from here on
  }
  EnterpriseAccount* account = nullptr;
  for (const auto& [id, a] : accounts_)
    if (a.user_id == user->id && a.enterprise_connection_id == conn->id) account = &accounts_.mut(id);
  if (!account) {
    EnterpriseAccount a;
    a.id = ids_.next("eac");
    a.seq = next_seq();
    a.user_id = user->id;
    a.enterprise_connection_id = conn->id;
    a.provider = conn->provider;
    a.protocol = conn->protocol();
    a.created_at = now;
    account = &*accounts_.insert(a.id, std::move(a)).first;
  }
  account->email_address = email;
  if (in.first_name || !account->first_name) account->first_name = in.first_name ? in.first_name : user->first_name;
  if (in.last_name || !account->last_name) account->last_name = in.last_name ? in.last_name : user->last_name;
  if (in.provider_user_id) account->provider_user_id = *in.provider_user_id;
  else if (account->provider_user_id.empty()) account->provider_user_id = email;
  account->active = true;
  account->last_authenticated_at = now;
  out.account = account;
  if (org) {
    out.membership = find_membership(org->id, user->id);
    if (!out.membership) out.membership = &add_membership(org->id, user->id, role);
  }
  out.session = &create_session(user->id, org ? std::optional<std::string>(org->id) : std::nullopt);
  out.user = &get_user(user->id);
  return out;
}

}  // namespace clerksim

// Verified domains: an organization claims a domain, verifies it, and users with a
// verified email on it are invited or offered to join, as its enrollment mode says.
#include <algorithm>

#include "core/text.hpp"
#include "domain/instance.hpp"
#include "domain/listing.hpp"
#include "domain/rules.hpp"

namespace clerksim {

namespace {

constexpr int64_t kDayMs = 24LL * 60 * 60 * 1000;

const std::vector<std::string>& enrollment_modes() {
  static const std::vector<std::string> modes = {"manual_invitation", "automatic_invitation", "automatic_suggestion",
                                                 "enterprise_sso"};
  return modes;
}

// Free email providers: nobody's organization owns them.
bool common_email_domain(const std::string& name) {
  static const std::vector<std::string> common = {
      "gmail.com",   "googlemail.com", "outlook.com", "hotmail.com", "live.com",      "msn.com",
      "yahoo.com",   "ymail.com",      "icloud.com",  "me.com",      "mac.com",       "aol.com",
      "proton.me",   "protonmail.com", "pm.me",       "gmx.com",     "gmx.net",       "mail.com",
      "zoho.com",    "yandex.com",     "yandex.ru",   "qq.com",      "163.com",       "fastmail.com",
      "hey.com",     "tutanota.com",   "web.de",      "mail.ru",     "rocketmail.com", "outlook.fr"};
  return std::find(common.begin(), common.end(), name) != common.end();
}

bool is_automatic(const std::string& mode) { return mode == "automatic_invitation" || mode == "automatic_suggestion"; }

std::string email_domain(const std::string& email) {
  auto at = email.rfind('@');
  return at == std::string::npos ? std::string() : email.substr(at + 1);
}

}  // namespace

std::string Instance::domain_default_role(const Organization& org) const {
  const RoleSet& set = role_set_of(org);
  const std::string& role = settings_.domains_default_role;
  if (!role.empty() && std::find(set.roles.begin(), set.roles.end(), role) != set.roles.end()) return role;
  return set.default_role;
}

// --- queries

const OrganizationDomain* Instance::find_organization_domain(const std::string& domain_id) const {
  return domains_.get(domain_id);
}

const OrganizationDomain& Instance::get_organization_domain(const std::string& org_id,
                                                            const std::string& domain_id) const {
  const Organization& org = get_organization(org_id);
  const OrganizationDomain* d = find_organization_domain(domain_id);
  if (!d || d->organization_id != org.id) throw ClerkError::not_found("organization_domain", domain_id);
  return *d;
}

OrganizationDomain& Instance::domain_ref(const std::string& org_id, const std::string& domain_id) {
  get_organization_domain(org_id, domain_id);
  return domains_.mut(domain_id);
}

int64_t Instance::domain_pending_invitations(const OrganizationDomain& d) const {
  return std::count_if(invitations_.begin(), invitations_.end(), [&](const auto& kv) {
    return kv.second.organization_domain_id == d.id && invitation_status(kv.second) == "pending";
  });
}

int64_t Instance::domain_pending_suggestions(const OrganizationDomain& d) const {
  return std::count_if(suggestions_.begin(), suggestions_.end(), [&](const auto& kv) {
    return kv.second.organization_domain_id == d.id && kv.second.status == "pending";
  });
}

namespace {

void require_enrollment_filter(const std::vector<std::string>& filters) {
  for (const auto& raw : filters) {
    std::string mode = !raw.empty() && raw[0] == '-' ? raw.substr(1) : raw;
    if (std::find(enrollment_modes().begin(), enrollment_modes().end(), mode) == enrollment_modes().end())
      throw ClerkError::param_value("enrollment_mode", "'" + raw + "' is not an enrollment mode.");
  }
}

bool enrollment_wanted(const std::vector<std::string>& filters, const std::string& mode) {
  bool any_include = false, included = false;
  for (const auto& raw : filters) {
    if (!raw.empty() && raw[0] == '-') {
      if (raw.substr(1) == mode) return false;
    } else {
      any_include = true;
      if (raw == mode) included = true;
    }
  }
  return !any_include || included;
}

Page<OrganizationDomain> select_domains(const PMap<std::string, OrganizationDomain>& all,
                                        const OrganizationDomainQuery& q, const ListWindow& w,
                                        const std::optional<std::string>& only_org) {
  require_enrollment_filter(q.enrollment_modes);
  if (q.query && trim(*q.query).empty())
    throw ClerkError::param_value("query", "query must not be empty.");
  OrderBy order = parse_order_by(w.order_by, "-created_at", {"created_at", "name"});
  std::vector<const OrganizationDomain*> items;
  for (const auto& [id, d] : all) {
    if (only_org && d.organization_id != *only_org) continue;
    if (q.organization_id && d.organization_id != *q.organization_id) continue;
    if (q.verified && d.verified() != *q.verified) continue;
    if (!enrollment_wanted(q.enrollment_modes, d.enrollment_mode)) continue;
    if (!q.domains.empty() && std::find(q.domains.begin(), q.domains.end(), d.name) == q.domains.end()) continue;
    if (q.query) {
      std::string needle = trim(*q.query);
      if (starts_with(needle, "org_") ? d.organization_id != needle : !contains_ci(d.name, needle)) continue;
    }
    items.push_back(&d);
  }
  order_items(items, order, [](const OrganizationDomain& d, const std::string& field) -> SortValue {
    if (field == "name") return d.name;
    return d.created_at;
  });
  return paginate(items, w.limit, w.offset);
}

}  // namespace

Page<OrganizationDomain> Instance::list_organization_domains(const std::string& org_id,
                                                             const OrganizationDomainQuery& q,
                                                             const ListWindow& w) const {
  const Organization& org = get_organization(org_id);
  return select_domains(domains_, q, w, org.id);
}

Page<OrganizationDomain> Instance::list_all_organization_domains(const OrganizationDomainQuery& q,
                                                                 const ListWindow& w) const {
  return select_domains(domains_, q, w, std::nullopt);
}

// --- rules

namespace {

ClerkError domains_not_enabled() {
  return ClerkError(403, "organization_domains_not_enabled", "organization domains not enabled",
                    "Verified domains are turned off for this instance's organizations.");
}

}  // namespace

namespace {

void require_not_sso_domain(const PMap<std::string, EnterpriseConnection>& connections, const std::string& org_id,
                            const std::string& name) {
  for (const auto& [id, c] : connections)
    if (c.organization_id == org_id && std::find(c.domains.begin(), c.domains.end(), name) != c.domains.end())
      throw ClerkError(422, "organization_domain_exists_for_enterprise_connection",
                       "domain exists for an organization enterprise connection",
                       name + " is an SSO domain of this organization's enterprise connection " + c.id + ".",
                       {{"param_name", "name"}});
}

}  // namespace

// A domain may become verified only when no other organization holds it verified and
// its own organization does not use it for enterprise SSO.
void Instance::require_domain_verifiable(const OrganizationDomain& d) const {
  for (const auto& [id, other] : domains_)
    if (id != d.id && other.name == d.name && other.organization_id != d.organization_id && other.verified())
      throw ClerkError(422, "organization_domain_already_exists", "organization domain already exists",
                       "Another organization has already verified " + d.name + ".", {{"param_name", "name"}});
  require_not_sso_domain(connections_, d.organization_id, d.name);
}

namespace {

void require_mode_enabled(const OrganizationSettings& settings, const std::string& mode) {
  if (std::find(enrollment_modes().begin(), enrollment_modes().end(), mode) == enrollment_modes().end())
    throw ClerkError::param_value("enrollment_mode", "'" + mode +
                                                         "' is not one of manual_invitation, automatic_invitation, "
                                                         "automatic_suggestion, enterprise_sso.");
  const auto& on = settings.domains_enrollment_modes;
  if (std::find(on.begin(), on.end(), mode) == on.end())
    throw ClerkError(403, "organization_domain_enrollment_mode_not_enabled", "enrollment mode not enabled",
                     "The enrollment mode " + mode + " is not enabled for this instance's organizations.",
                     {{"param_name", "enrollment_mode"}});
}

}  // namespace

const OrganizationDomain& Instance::create_organization_domain(const std::string& org_id,
                                                               const NewOrganizationDomain& in) {
  const Organization& org = get_organization(org_id);
  if (!settings_.domains_enabled) throw domains_not_enabled();
  std::string name = to_lower(trim(in.name));
  if (name.empty()) throw ClerkError::param_missing("name");
  if (!valid_domain_name(name)) throw ClerkError::param_format("name", "'" + in.name + "' is not a domain name.");
  std::string mode = in.enrollment_mode.value_or("manual_invitation");
  require_mode_enabled(settings_, mode);
  if (common_email_domain(name))
    throw ClerkError(422, "organization_domain_common", "common email domain",
                     name + " is a common email provider: no organization can claim it.", {{"param_name", "name"}});
  int64_t count = 0;
  for (const auto& [id, d] : domains_) {
    if (d.organization_id != org.id) continue;
    ++count;
    if (d.name == name)
      throw ClerkError(422, "organization_domain_already_exists_same_organization", "organization domain already exists",
                       "This organization already has the domain " + name + ".", {{"param_name", "name"}});
  }
  OrganizationDomain d;
  d.id = "";
  d.organization_id = org.id;
  d.name = name;
  d.enrollment_mode = mode;
  if (in.verified) require_domain_verifiable(d);
  require_not_sso_domain(connections_, org.id, name);
  if (count >= settings_.max_allowed_domains)
    throw ClerkError(403, "organization_domain_quota_exceeded", "organization domains quota exceeded",
                     "An organization may have at most " + std::to_string(settings_.max_allowed_domains) +
                         " domains.");
  // --- commit
  int64_t now = clock_.now_ms();
  d.id = ids_.next("orgdmn");
  d.seq = next_seq();
  if (in.verified) d.affiliation = DomainVerification{"verified", "admin", std::nullopt};
  else d.affiliation = DomainVerification{"unverified", "email_code", std::nullopt};
  d.created_at = d.updated_at = now;
  const OrganizationDomain& stored = *domains_.insert(d.id, std::move(d)).first;
  emit(DomainEvent("organizationDomain.created", "organization_domain", stored.id, stored.organization_id));
  enroll_domain(stored);
  return stored;
}

const OrganizationDomain& Instance::update_organization_domain(const std::string& org_id, const std::string& domain_id,
                                                               const OrganizationDomainPatch& patch) {
  OrganizationDomain& stored = domain_ref(org_id, domain_id);
  OrganizationDomain d = stored;
  if (patch.name && to_lower(trim(*patch.name)) != d.name)
    throw ClerkError::param_value("name", "A domain's name cannot change; add the new domain instead.");
  if (patch.enrollment_mode) {
    require_mode_enabled(settings_, *patch.enrollment_mode);
    d.enrollment_mode = *patch.enrollment_mode;
  }
  if (patch.verified && *patch.verified && !stored.verified()) {
    require_domain_verifiable(d);
    d.affiliation = DomainVerification{"verified", "admin", std::nullopt};
  } else if (patch.verified && !*patch.verified) {
    d.affiliation = DomainVerification{"unverified", "email_code", std::nullopt};
  }
  // --- commit
  bool mode_changed = d.enrollment_mode != stored.enrollment_mode;
  if (patch.delete_pending && mode_changed) drop_pending_enrollment(stored);
  d.updated_at = clock_.now_ms();
  stored = std::move(d);
  emit(DomainEvent("organizationDomain.updated", "organization_domain", stored.id, stored.organization_id));
  enroll_domain(stored);
  return stored;
}

OrganizationDomain Instance::delete_organization_domain(const std::string& org_id, const std::string& domain_id) {
  OrganizationDomain removed = domain_ref(org_id, domain_id);
  domains_.erase(removed.id);
  DomainEvent deleted("organizationDomain.deleted", "organization_domain", removed.id, removed.organization_id);
  deleted.deleted = Json{{"object", "organization_domain"}, {"id", removed.id}, {"deleted", true}};
  emit(std::move(deleted));
  return removed;
}

const OrganizationDomain& Instance::verify_domain_ownership(const std::string& org_id, const std::string& domain_id) {
  OrganizationDomain& d = domain_ref(org_id, domain_id);
  if (d.ownership && d.ownership->status == "verified") return d;
  int64_t now = clock_.now_ms();
  d.ownership = DomainVerification{"verified", "manual_override", now};
  d.updated_at = now;
  emit(DomainEvent("organizationDomain.updated", "organization_domain", d.id, d.organization_id));
  return d;
}

const OrganizationDomain& Instance::verify_domain_affiliation(const std::string& domain_id) {
  OrganizationDomain* found = domains_.find_mut(domain_id);
  if (!found) throw ClerkError::not_found("organization_domain", domain_id);
  OrganizationDomain& d = *found;
  if (d.verified()) return d;
  require_domain_verifiable(d);
  d.affiliation = DomainVerification{"verified", "email_code", std::nullopt};
  d.updated_at = clock_.now_ms();
  emit(DomainEvent("organizationDomain.updated", "organization_domain", d.id, d.organization_id));
  enroll_domain(d);
  return d;
}

// --- enrollment

void Instance::offer_membership(const OrganizationDomain& d, const User& u, const std::string& email) {
  if (memberships_.count(MembershipKey{d.organization_id, u.id})) return;
  const Organization& org = get_organization(d.organization_id);
  int64_t now = clock_.now_ms();
  if (d.enrollment_mode == "automatic_invitation") {
    for (const auto& [id, inv] : invitations_)
      if (inv.organization_id == org.id && inv.email_address == email && invitation_status(inv) == "pending") return;
    Invitation inv;
    inv.id = ids_.next("orginv");
    inv.seq = next_seq();
    inv.organization_id = org.id;
    inv.email_address = email;
    inv.role = domain_default_role(org);
    inv.organization_domain_id = d.id;
    inv.expires_at = now + 30 * kDayMs;
    inv.created_at = inv.updated_at = now;
    const Invitation& stored = *invitations_.insert(inv.id, std::move(inv)).first;
    emit(DomainEvent("organizationInvitation.created", "organization_invitation", stored.id, org.id, std::nullopt));
  } else if (d.enrollment_mode == "automatic_suggestion") {
    for (const auto& [id, s] : suggestions_)
      if (s.organization_id == org.id && s.user_id == u.id && s.status == "pending") return;
    OrganizationSuggestion s;
    s.id = ids_.next("orgsugg");
    s.seq = next_seq();
    s.organization_id = org.id;
    s.organization_domain_id = d.id;
    s.user_id = u.id;
    s.created_at = s.updated_at = now;
    suggestions_.insert(s.id, std::move(s));
  }
}

namespace {
template <class T, class Map>
std::vector<const T*> by_seq(const Map& map) {
  std::vector<const T*> out;
  for (const auto& [key, value] : map) out.push_back(&value);
  std::sort(out.begin(), out.end(), [](const T* a, const T* b) { return a->seq < b->seq; });
  return out;
}
}  // namespace

void Instance::enroll_domain(const OrganizationDomain& d) {
  if (!d.verified() || !is_automatic(d.enrollment_mode)) return;
  for (const User* u : by_seq<User>(users_))
    for (const auto& e : u->email_addresses)
      if (!e.reserved && email_domain(e.email_address) == d.name) {
        offer_membership(d, *u, e.email_address);
        break;
      }
}

void Instance::enroll_user_by_domains(const std::string& user_id) {
  const User& u = get_user(user_id);
  for (const OrganizationDomain* d : by_seq<OrganizationDomain>(domains_)) {
    if (!d->verified() || !is_automatic(d->enrollment_mode)) continue;
    for (const auto& e : u.email_addresses)
      if (!e.reserved && email_domain(e.email_address) == d->name) {
        offer_membership(*d, u, e.email_address);
        break;
      }
  }
}

void Instance::drop_pending_enrollment(const OrganizationDomain& d) {
  int64_t now = clock_.now_ms();
  invitations_.update_if(
      [&](const std::string&, const Invitation& inv) {
        return inv.organization_domain_id == d.id && invitation_status(inv) == "pending";
      },
      [&](Invitation& inv) {
        inv.status = "revoked";
        inv.updated_at = now;
        emit(DomainEvent("organizationInvitation.revoked", "organization_invitation", inv.id, inv.organization_id,
                         std::nullopt));
      });
  suggestions_.erase_if([&](const std::string&, const OrganizationSuggestion& s) {
    return s.organization_domain_id == d.id && s.status == "pending";
  });
}

// --- suggestions

Page<OrganizationSuggestion> Instance::list_user_suggestions(const std::string& user_id, const ListWindow& w) const {
  const User& u = get_user(user_id);
  std::vector<const OrganizationSuggestion*> items;
  for (const OrganizationSuggestion* s : by_seq<OrganizationSuggestion>(suggestions_))
    if (s->user_id == u.id) items.push_back(s);
  order_items(items, OrderBy{"created_at", true},
              [](const OrganizationSuggestion& s, const std::string&) -> SortValue { return s.created_at; });
  return paginate(items, w.limit, w.offset);
}

const OrganizationSuggestion& Instance::accept_suggestion(const std::string& suggestion_id) {
  OrganizationSuggestion* found = suggestions_.find_mut(suggestion_id);
  if (!found) throw ClerkError::not_found("organization_suggestion", suggestion_id);
  OrganizationSuggestion& s = *found;
  if (s.status == "accepted")
    throw ClerkError(400, "organization_suggestion_already_accepted", "suggestion already accepted",
                     "Organization suggestion '" + s.id + "' was accepted already.");
  const Organization& org = get_organization(s.organization_id);
  if (!memberships_.count(MembershipKey{org.id, s.user_id})) add_membership(org.id, s.user_id, domain_default_role(org));
  s.status = "accepted";
  s.updated_at = clock_.now_ms();
  return s;
}

// --- cascades and state

void Instance::drop_sso_organization(const std::string& org_id) {
  domains_.erase_if([&](const std::string&, const OrganizationDomain& d) { return d.organization_id == org_id; });
  suggestions_.erase_if([&](const std::string&, const OrganizationSuggestion& s) { return s.organization_id == org_id; });
  // A connection of a deleted organization stops signing anyone in; it no longer names it.
  connections_.update_if([&](const std::string&, const EnterpriseConnection& c) { return c.organization_id == org_id; },
                         [&](EnterpriseConnection& c) {
                           c.organization_id.reset();
                           c.active = false;
                           c.updated_at = clock_.now_ms();
                         });
}

void Instance::drop_sso_user(const std::string& user_id) {
  suggestions_.erase_if([&](const std::string&, const OrganizationSuggestion& s) { return s.user_id == user_id; });
  accounts_.erase_if([&](const std::string&, const EnterpriseAccount& a) { return a.user_id == user_id; });
}

void Instance::load_sso(const SsoState& state) {
  for (auto d : state.domains) { d.seq = next_seq(); domains_.insert(d.id, d); }
  for (auto s : state.suggestions) { s.seq = next_seq(); suggestions_.insert(s.id, s); }
  for (auto c : state.connections) { c.seq = next_seq(); connections_.insert(c.id, c); }
  for (auto a : state.accounts) { a.seq = next_seq(); accounts_.insert(a.id, a); }
}

SsoState Instance::sso_snapshot() const {
  SsoState s;
  for (const auto* d : by_seq<OrganizationDomain>(domains_)) s.domains.push_back(*d);
  for (const auto* x : by_seq<OrganizationSuggestion>(suggestions_)) s.suggestions.push_back(*x);
  for (const auto* c : by_seq<EnterpriseConnection>(connections_)) s.connections.push_back(*c);
  for (const auto* a : by_seq<EnterpriseAccount>(accounts_)) s.accounts.push_back(*a);
  return s;
}

}  // namespace clerksim

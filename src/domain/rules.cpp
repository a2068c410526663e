#include "domain/rules.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

namespace clerksim {

// The format rules are written out character by character: they run on every
// identifier of a loaded fixture and never recurse, whatever the input's length.
namespace {

bool lower_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
bool alnum(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 && static_cast<unsigned char>(c) < 128; }

// One DNS label: letters, digits and '-', neither first nor last a '-'.
bool dns_label(std::string_view label, bool (*letter_or_digit)(char), size_t max_size) {
  if (label.empty() || label.size() > max_size) return false;
  if (!letter_or_digit(label.front()) || !letter_or_digit(label.back())) return false;
  return std::all_of(label.begin(), label.end(), [&](char c) { return c == '-' || letter_or_digit(c); });
}

// Labels joined by '.', at least two; `last` checks the final one.
template <class LabelRule, class LastRule>
bool dotted_name(std::string_view name, LabelRule label, LastRule last) {
  size_t dot = name.rfind('.');
  if (dot == std::string_view::npos || !last(name.substr(dot + 1))) return false;
  std::string_view rest = name.substr(0, dot);
  for (size_t start = 0;;) {
    size_t next = rest.find('.', start);
    if (!label(rest.substr(start, next == std::string_view::npos ? std::string_view::npos : next - start))) return false;
    if (next == std::string_view::npos) return true;
    start = next + 1;
  }
}

}  // namespace

bool valid_email(const std::string& s) {
  static const std::string_view local_extra = ".!#$%&'*+/=?^_`{|}~-";
  size_t at = s.find('@');
  if (at == 0 || at == std::string::npos) return false;
  for (size_t i = 0; i < at; ++i)
    if (!alnum(s[i]) && local_extra.find(s[i]) == std::string_view::npos) return false;
  auto label = [](std::string_view l) { return dns_label(l, alnum, std::string_view::npos); };
  return dotted_name(std::string_view(s).substr(at + 1), label, label);
}

bool valid_phone(const std::string& s) {
  if (s.size() < 8 || s.size() > 16 || s[0] != '+' || s[1] < '1' || s[1] > '9') return false;
  return std::all_of(s.begin() + 1, s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool valid_username(const std::string& s) {
  if (s.empty() || s.size() > 64) return false;
  return std::all_of(s.begin(), s.end(), [](char c) { return lower_alnum(c) || c == '_' || c == '.' || c == '-'; });
}

bool valid_slug(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return lower_alnum(c) || c == '-'; });
}

bool valid_billing_slug(const std::string& s) {
  return !s.empty() && lower_alnum(s[0]) &&
         std::all_of(s.begin(), s.end(), [](char c) { return lower_alnum(c) || c == '-' || c == '_'; });
}

bool valid_domain_name(const std::string& name) {
  if (name.size() > 253) return false;
  auto label = [](std::string_view l) { return dns_label(l, lower_alnum, 63); };
  auto top = [&](std::string_view l) { return label(l) && l.front() >= 'a' && l.front() <= 'z'; };
  return dotted_name(name, label, top);
}

bool looks_like_url_or_html(const std::string& text) {
  std::string lower = text;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  size_t open = lower.find('<');
  return lower.find("://") != std::string::npos || lower.find("www.") != std::string::npos ||
         (open != std::string::npos && lower.find('>', open) != std::string::npos);
}

std::string slugify(const std::string& name, char separator, const std::string& fallback) {
  std::string slug;
  for (unsigned char c : name) {
    if (c < 128 && std::isalnum(c)) slug += static_cast<char>(std::tolower(c));
    else if (!slug.empty() && slug.back() != separator) slug += separator;
  }
  while (!slug.empty() && slug.back() == separator) slug.pop_back();
  return slug.empty() ? fallback : slug;
}

std::optional<StateProblem> find_state_problem(const InstanceState& s) {
  auto at = [](const std::string& list, size_t i, const std::string& field = "") {
    return "/" + list + "/" + std::to_string(i) + (field.empty() ? "" : "/" + field);
  };
  // Membership tests only (nothing here is iterated), over views of the state's own strings.
  using Names = std::unordered_set<std::string_view>;
  Names ids;
  ids.reserve(s.users.size() * 2 + s.memberships.size() + s.invitations.size() + s.organizations.size());
  // where() is built only for a problem: most states have none.
  auto unique_id = [&](const std::string& id, auto where) -> std::optional<StateProblem> {
    if (id.empty()) return StateProblem{where(), "an id must not be empty"};
    if (!ids.insert(id).second) return StateProblem{where(), "the id '" + id + "' is used twice"};
    return std::nullopt;
  };
  Names permission_keys;
  for (size_t i = 0; i < s.permissions.size(); ++i) {
    if (auto p = unique_id(s.permissions[i].id, [&] { return at("permissions", i, "id"); })) return p;
    if (!permission_keys.insert(s.permissions[i].key).second)
      return StateProblem{at("permissions", i, "key"), "the permission key '" + s.permissions[i].key + "' is used twice"};
  }
  Names role_keys;
  for (size_t i = 0; i < s.roles.size(); ++i) {
    const Role& r = s.roles[i];
    if (auto p = unique_id(r.id, [&] { return at("roles", i, "id"); })) return p;
    if (r.key.rfind("org:", 0) != 0) return StateProblem{at("roles", i, "key"), "a role key must start with 'org:'"};
    if (!role_keys.insert(r.key).second)
      return StateProblem{at("roles", i, "key"), "the role key '" + r.key + "' is used twice"};
    for (size_t k = 0; k < r.permissions.size(); ++k)
      if (!permission_keys.count(r.permissions[k]))
        return StateProblem{at("roles", i, "permissions/" + std::to_string(k)),
                            "no permission has the key '" + r.permissions[k] + "'"};
  }
  // Empty while domains are off (turning them off forgets the role).
  if (!s.settings.domains_default_role.empty() && !role_keys.count(s.settings.domains_default_role))
    return StateProblem{"/organization_settings/domains_default_role",
                        "no role has the key '" + s.settings.domains_default_role + "'"};
  Names set_keys;
  size_t initial_sets = 0;
  for (size_t i = 0; i < s.role_sets.size(); ++i) {
    const RoleSet& rs = s.role_sets[i];
    if (auto p = unique_id(rs.id, [&] { return at("role_sets", i, "id"); })) return p;
    if (!set_keys.insert(rs.key).second)
      return StateProblem{at("role_sets", i, "key"), "the role set key '" + rs.key + "' is used twice"};
    if (rs.type == "initial") ++initial_sets;
    else if (rs.type != "custom") return StateProblem{at("role_sets", i, "type"), "must be initial or custom"};
    for (size_t k = 0; k < rs.roles.size(); ++k)
      if (!role_keys.count(rs.roles[k]))
        return StateProblem{at("role_sets", i, "roles/" + std::to_string(k)), "no role has the key '" + rs.roles[k] + "'"};
    auto in_set = [&](const std::string& key) { return std::find(rs.roles.begin(), rs.roles.end(), key) != rs.roles.end(); };
    if (!in_set(rs.default_role)) return StateProblem{at("role_sets", i, "default_role"), "must be one of the set's roles"};
    if (!in_set(rs.creator_role)) return StateProblem{at("role_sets", i, "creator_role"), "must be one of the set's roles"};
  }
  if (initial_sets != 1) return StateProblem{"/role_sets", "exactly one role set must have the type 'initial'"};
  Names emails, usernames, external_ids, user_ids;
  emails.reserve(s.users.size()), user_ids.reserve(s.users.size());
  for (size_t i = 0; i < s.users.size(); ++i) {
    const User& u = s.users[i];
    if (auto p = unique_id(u.id, [&] { return at("users", i, "id"); })) return p;
    user_ids.insert(u.id);
    for (size_t k = 0; k < u.email_addresses.size(); ++k) {
      const auto& e = u.email_addresses[k];
      auto where = [&] { return at("users", i, "email_addresses/" + std::to_string(k)); };
      if (auto p = unique_id(e.id, where)) return p;
      if (!valid_email(e.email_address)) return StateProblem{where(), "'" + e.email_address + "' is not an email address"};
      if (!emails.insert(e.email_address).second)
        return StateProblem{where(), "the email address '" + e.email_address + "' belongs to two users"};
    }
    for (size_t k = 0; k < u.phone_numbers.size(); ++k) {
      const auto& ph = u.phone_numbers[k];
      auto where = [&] { return at("users", i, "phone_numbers/" + std::to_string(k)); };
      if (auto p = unique_id(ph.id, where)) return p;
      if (!valid_phone(ph.phone_number)) return StateProblem{where(), "'" + ph.phone_number + "' is not an E.164 number"};
    }
    auto owns = [](const auto& list, const std::optional<std::string>& id) {
      return !id || std::any_of(list.begin(), list.end(), [&](const auto& item) { return item.id == *id; });
    };
    if (!owns(u.email_addresses, u.primary_email_address_id))
      return StateProblem{at("users", i, "primary_email_address_id"), "is not one of the user's email addresses"};
    if (!owns(u.phone_numbers, u.primary_phone_number_id))
      return StateProblem{at("users", i, "primary_phone_number_id"), "is not one of the user's phone numbers"};
    if (u.username && (!valid_username(*u.username) || !usernames.insert(*u.username).second))
      return StateProblem{at("users", i, "username"), "the username must be valid and unique"};
    if (u.external_id && !external_ids.insert(*u.external_id).second)
      return StateProblem{at("users", i, "external_id"), "the external id is used twice"};
  }
  Names slugs, org_ids;
  slugs.reserve(s.organizations.size()), org_ids.reserve(s.organizations.size());
  std::unordered_map<std::string_view, std::string_view> org_role_sets;  // organization id -> its role set key, when it names one
  for (size_t i = 0; i < s.organizations.size(); ++i) {
    const Organization& o = s.organizations[i];
    if (auto p = unique_id(o.id, [&] { return at("organizations", i, "id"); })) return p;
    org_ids.insert(o.id);
    if (o.role_set_key) org_role_sets.emplace(o.id, *o.role_set_key);
    if (o.name.empty()) return StateProblem{at("organizations", i, "name"), "an organization needs a name"};
    if (!valid_slug(o.slug)) return StateProblem{at("organizations", i, "slug"), "a slug may hold only a-z, 0-9 and '-'"};
    if (!slugs.insert(o.slug).second)
      return StateProblem{at("organizations", i, "slug"), "the slug '" + o.slug + "' is used twice"};
    if (o.role_set_key && !set_keys.count(*o.role_set_key))
      return StateProblem{at("organizations", i, "role_set_key"), "no role set has the key '" + *o.role_set_key + "'"};
    if (o.max_allowed_memberships < 0)
      return StateProblem{at("organizations", i, "max_allowed_memberships"), "must not be negative"};
  }
  struct PairHash {
    size_t operator()(const std::pair<std::string_view, std::string_view>& p) const {
      return std::hash<std::string_view>{}(p.first) * 31 + std::hash<std::string_view>{}(p.second);
    }
  };
  std::unordered_set<std::pair<std::string_view, std::string_view>, PairHash> pairs;
  pairs.reserve(s.memberships.size());
  for (size_t i = 0; i < s.memberships.size(); ++i) {
    const Membership& m = s.memberships[i];
    if (auto p = unique_id(m.id, [&] { return at("memberships", i, "id"); })) return p;
    if (!org_ids.count(m.organization_id))
      return StateProblem{at("memberships", i, "organization_id"), "no organization has the id '" + m.organization_id + "'"};
    if (!user_ids.count(m.user_id))
      return StateProblem{at("memberships", i, "user_id"), "no user has the id '" + m.user_id + "'"};
    if (!role_keys.count(m.role))
      return StateProblem{at("memberships", i, "role"), "no role has the key '" + m.role + "'"};
    if (auto set = org_role_sets.find(m.organization_id); set != org_role_sets.end()) {
      for (const auto& rs : s.role_sets)
        if (rs.key == set->second && std::find(rs.roles.begin(), rs.roles.end(), m.role) == rs.roles.end())
          return StateProblem{at("memberships", i, "role"), "the role '" + m.role + "' is not in role set '" + rs.key + "'"};
    }
    if (!pairs.insert({m.organization_id, m.user_id}).second)
      return StateProblem{at("memberships", i, "user_id"), "the user is listed twice in this organization"};
  }
  for (size_t i = 0; i < s.invitations.size(); ++i) {
    const Invitation& inv = s.invitations[i];
    if (auto p = unique_id(inv.id, [&] { return at("invitations", i, "id"); })) return p;
    if (!org_ids.count(inv.organization_id))
      return StateProblem{at("invitations", i, "organization_id"), "no organization has the id '" + inv.organization_id + "'"};
    if (!valid_email(inv.email_address)) return StateProblem{at("invitations", i, "email_address"), "is not an email address"};
    // Only a pending invitation still offers its role (a used one may name a deleted role).
    if (inv.status == "pending" && !role_keys.count(inv.role))
      return StateProblem{at("invitations", i, "role"), "no role has the key '" + inv.role + "'"};
    if (inv.status != "pending" && inv.status != "accepted" && inv.status != "revoked")
      return StateProblem{at("invitations", i, "status"), "must be pending, accepted or revoked"};
  }
  for (size_t i = 0; i < s.sessions.size(); ++i) {
    const Session& se = s.sessions[i];
    if (auto p = unique_id(se.id, [&] { return at("sessions", i, "id"); })) return p;
    if (!user_ids.count(se.user_id))
      return StateProblem{at("sessions", i, "user_id"), "no user has the id '" + se.user_id + "'"};
    if (se.last_active_organization_id && !pairs.count({*se.last_active_organization_id, se.user_id}))
      return StateProblem{at("sessions", i, "last_active_organization_id"), "the user is not a member of it"};
    static const std::set<std::string> stored = {"active", "revoked", "ended", "removed", "replaced", "abandoned"};
    if (!stored.count(se.status)) return StateProblem{at("sessions", i, "status"), "is not a session status"};
  }
  return std::nullopt;
}

}  // namespace clerksim

#include <algorithm>
#include <regex>

#include "core/text.hpp"
#include "domain/instance.hpp"
#include "domain/rules.hpp"
#include "domain/listing.hpp"
#include "domain/people.hpp"

#include <functional>

namespace clerksim {

const EmailAddress* User::primary_email() const {
  for (const auto& e : email_addresses)
    if (primary_email_address_id && e.id == *primary_email_address_id) return &e;
  return nullptr;
}

const PhoneNumber* User::primary_phone() const {
  for (const auto& p : phone_numbers)
    if (primary_phone_number_id && p.id == *primary_phone_number_id) return &p;
  return nullptr;
}

namespace {

void require_password(const std::string& password, bool skip_checks) {
  if (skip_checks) return;
  if (password.size() < 8)
    throw ClerkError(422, "form_password_length_too_short", "Passwords must be 8 characters or more.",
                     "The password is too short: use at least 8 characters.", {{"param_name", "password"}});
  if (password.size() > 72)
    throw ClerkError(422, "form_password_length_too_long", "Passwords must be 72 characters or fewer.",
                     "The password is too long: use at most 72 characters.", {{"param_name", "password"}});
}

// Empty strings clear optional identifiers, as Clerk treats "" like null for them.
std::optional<std::string> non_empty(const std::optional<std::string>& v) {
  if (v && v->empty()) return std::nullopt;
  return v;
}

}  // namespace

void Instance::require_unique_identifiers(const std::vector<std::string>& emails,
                                          const std::optional<std::string>& username,
                                          const std::optional<std::string>& external_id,
                                          const std::vector<std::string>& phones,
                                          const std::string& except_user) const {
  for (const auto& [id, u] : users_) {
    if (id == except_user) continue;
    for (const auto& e : u.email_addresses)
      if (std::find(emails.begin(), emails.end(), e.email_address) != emails.end())
        throw ClerkError::identifier_exists("email_address",
                                            "The email address " + e.email_address + " is already in use.");
    for (const auto& p : u.phone_numbers)
      if (std::find(phones.begin(), phones.end(), p.phone_number) != phones.end())
        throw ClerkError::identifier_exists("phone_number",
                                            "The phone number " + p.phone_number + " is already in use.");
    if (username && u.username == username)
      throw ClerkError::identifier_exists("username", "The username " + *username + " is already in use.");
    if (external_id && u.external_id == external_id)
      throw ClerkError::identifier_exists("external_id",
                                          "Another user already has the external id " + *external_id + ".");
  }
}

const User& Instance::create_user(const NewUser& in) {
  // --- validate
  std::vector<std::string> emails;
  for (const auto& raw : in.email_addresses) {
    std::string e = to_lower(trim(raw));
    if (!valid_email(e))
      throw ClerkError::param_format("email_address", "'" + raw + "' is not a valid email address.");
    if (std::find(emails.begin(), emails.end(), e) != emails.end())
      throw ClerkError::identifier_exists("email_address", "The email address " + e + " is listed twice.");
    emails.push_back(e);
  }
  for (const auto& raw : in.phone_numbers)
    if (!valid_phone(raw))
      throw ClerkError::param_format("phone_number",
                                     "'" + raw + "' is not a phone number in E.164 form, such as +15555550100.");
  auto statuses_ok = [](const std::vector<std::string>& statuses, size_t n, const char* param) {
    if (statuses.empty()) return;
    if (statuses.size() != n)
      throw ClerkError(422, "form_param_array_length_mismatch", "array lengths differ",
                       std::string(param) + " needs exactly one entry per identifier.", {{"param_name", param}});
    for (const auto& s : statuses)
      if (s != "verified" && s != "reserved")
        throw ClerkError::param_value(param, "'" + s + "' is not one of: verified, reserved.");
  };
  statuses_ok(in.email_address_statuses, emails.size(), "email_address_identification_status");
  statuses_ok(in.phone_number_statuses, in.phone_numbers.size(), "phone_number_identification_status");
  std::optional<std::string> username = non_empty(in.username);
  if (username) {
    username = to_lower(*username);
    if (!valid_username(*username))
      throw ClerkError::param_format("username",
                                     "A username may hold only letters, digits, '_', '-' and '.', at most 64 of them.");
  }
  std::optional<std::string> external_id = non_empty(in.external_id);
  if (in.password) require_password(*in.password, in.skip_password_checks);
  require_metadata_objects(in.metadata);
  if (in.create_organizations_limit && *in.create_organizations_limit < 0)
    throw ClerkError::param_value("create_organizations_limit", "create_organizations_limit must not be negative.");
  require_unique_identifiers(emails, username, external_id, in.phone_numbers, "");

  // --- mutate
  int64_t now = clock_.now_ms();
  int64_t created = in.created_at.value_or(now);
  User u;
  u.id = ids_.next("user");
  u.seq = next_seq();
  u.external_id = external_id;
  u.first_name = in.first_name;
  u.last_name = in.last_name;
  u.locale = in.locale;
  u.username = username;
  for (size_t i = 0; i < emails.size(); ++i) {
    EmailAddress e;
    e.id = ids_.next("idn");
    e.email_address = emails[i];
    e.reserved = !in.email_address_statuses.empty() && in.email_address_statuses[i] == "reserved";
    e.created_at = e.updated_at = created;
    u.email_addresses.push_back(e);
  }
  for (size_t i = 0; i < in.phone_numbers.size(); ++i) {
    PhoneNumber p;
    p.id = ids_.next("idn");
    p.phone_number = in.phone_numbers[i];
    p.reserved = !in.phone_number_statuses.empty() && in.phone_number_statuses[i] == "reserved";
    p.created_at = p.updated_at = created;
    u.phone_numbers.push_back(p);
  }
  if (!u.email_addresses.empty()) u.primary_email_address_id = u.email_addresses.front().id;
  if (!u.phone_numbers.empty()) u.primary_phone_number_id = u.phone_numbers.front().id;
  u.password_enabled = in.password.has_value();
  u.public_metadata = in.metadata.public_metadata.value_or(Json::object());
  u.private_metadata = in.metadata.private_metadata.value_or(Json::object());
  u.unsafe_metadata = in.metadata.unsafe_metadata.value_or(Json::object());
  u.banned = in.banned.value_or(false);
  u.locked = in.locked.value_or(false);
  u.delete_self_enabled = in.delete_self_enabled.value_or(true);
  u.create_organization_enabled = in.create_organization_enabled.value_or(true);
  u.create_organizations_limit = in.create_organizations_limit;
  u.legal_accepted_at = in.legal_accepted_at;
  u.created_at = created;
  u.updated_at = now;
  emit(DomainEvent("user.created", "user", u.id, std::nullopt, u.id));
  const User& stored = insert_user(std::move(u));
  start_default_subscription("user", stored.id, billing_enabled("user"));  // announced only while billing is on
  enroll_user_by_domains(stored.id);
  return stored;
}

const User* Instance::find_user(const std::string& id) const { return users_.get(id); }

const User& Instance::get_user(const std::string& id) const {
  if (const User* u = find_user(id)) return *u;
  throw ClerkError::not_found("user", id);
}

User& Instance::user_ref(const std::string& id) {
  User* u = users_.find_mut(id);
  if (!u) throw ClerkError::not_found("user", id);
  return *u;
}

namespace {

std::string full_name(const User& u) {
  return u.first_name.value_or("") + " " + u.last_name.value_or("");
}

std::vector<std::string> email_strings(const User& u) {
  std::vector<std::string> out;
  for (const auto& e : u.email_addresses) out.push_back(e.email_address);
  return out;
}

std::vector<std::string> phone_strings(const User& u) {
  std::vector<std::string> out;
  for (const auto& p : u.phone_numbers) out.push_back(p.phone_number);
  return out;
}

bool any_in(const std::vector<std::string>& have, const std::vector<std::string>& wanted, bool fold_case) {
  for (const auto& h : have)
    for (const auto& w : wanted)
      if (fold_case ? to_lower(h) == to_lower(w) : h == w) return true;
  return false;
}

bool any_contains(const std::vector<std::string>& have, const std::string& needle) {
  for (const auto& h : have)
    if (contains_ci(h, needle)) return true;
  return false;
}


}  // namespace

bool within(std::optional<int64_t> value, std::optional<int64_t> before, std::optional<int64_t> after) {
  if (!before && !after) return true;
  if (!value) return false;
  return (!before || *value < *before) && (!after || *value > *after);
}

// The person-level filters shared by the user list and the membership list.
bool user_matches_person_filters(const User& u, const std::vector<std::string>& emails,
                                 const std::vector<std::string>& phones, const std::vector<std::string>& usernames,
                                 const std::optional<std::string>& query, const std::optional<std::string>& email_q,
                                 const std::optional<std::string>& phone_q, const std::optional<std::string>& username_q,
                                 const std::optional<std::string>& name_q) {
  if (!emails.empty() && !any_in(email_strings(u), emails, true)) return false;
  if (!phones.empty() && !any_in(phone_strings(u), phones, false)) return false;
  if (!usernames.empty() && !(u.username && any_in({*u.username}, usernames, true))) return false;
  if (email_q && !any_contains(email_strings(u), *email_q)) return false;
  if (phone_q && !any_contains(phone_strings(u), *phone_q)) return false;
  if (username_q && !(u.username && contains_ci(*u.username, *username_q))) return false;
  if (name_q && !contains_ci(full_name(u), *name_q)) return false;
  if (query && !query->empty()) {
    std::vector<std::string> fields = email_strings(u);
    for (const auto& p : phone_strings(u)) fields.push_back(p);
    if (u.username) fields.push_back(*u.username);
    fields.push_back(full_name(u));
    if (u.first_name) fields.push_back(*u.first_name);
    if (u.last_name) fields.push_back(*u.last_name);
    if (u.external_id) fields.push_back(*u.external_id);
    if (u.id != *query && !any_contains(fields, *query)) return false;
  }
  return true;
}

SortValue user_sort_value(const User& u, const std::string& field) {
  auto primary_email = [&]() -> std::optional<std::string> {
    if (const auto* e = u.primary_email()) return e->email_address;
    return std::nullopt;
  };
  auto primary_phone = [&]() -> std::optional<std::string> {
    if (const auto* p = u.primary_phone()) return p->phone_number;
    return std::nullopt;
  };
  if (field == "created_at") return u.created_at;
  if (field == "updated_at") return u.updated_at;
  if (field == "email_address") return sort_value(primary_email());
  if (field == "phone_number") return sort_value(primary_phone());
  if (field == "first_name") return sort_value(u.first_name);
  if (field == "last_name") return sort_value(u.last_name);
  if (field == "username") return sort_value(u.username);
  if (field == "last_active_at") return sort_value(u.last_active_at);
  if (field == "last_sign_in_at") return sort_value(u.last_sign_in_at);
  return SortValue();  // web3wallet: users here hold none
}

namespace {

std::vector<const User*> filter_users(const std::vector<const User*>& users, const UserQuery& q,
                                      const std::function<std::vector<std::string>(const std::string&)>& orgs_of) {
  std::vector<const User*> out;
  for (const User* candidate : users) {
    const User& u = *candidate;
    if (!q.user_id.matches(u.id)) continue;
    if (!q.external_id.empty() && !(u.external_id ? q.external_id.matches(*u.external_id) : q.external_id.include.empty()))
      continue;
    if (!q.organization_id.empty() && !q.organization_id.matches_any(orgs_of(u.id))) continue;
    if (!user_matches_person_filters(u, q.email_address, q.phone_number, q.username, q.query, q.email_address_query,
                                     q.phone_number_query, q.username_query, q.name_query))
      continue;
    if (q.banned && u.banned != *q.banned) continue;
    if (!within(u.created_at, q.created_at_before, q.created_at_after)) continue;
    if (!within(u.last_active_at, q.last_active_at_before, q.last_active_at_after)) continue;
    if (!within(u.last_sign_in_at, q.last_sign_in_at_before, q.last_sign_in_at_after)) continue;
    out.push_back(&u);
  }
  return out;
}

}  // namespace

const User& Instance::insert_user(User u) {
  const std::string id = u.id;
  auto [stored, inserted] = users_.insert(id, std::move(u));
  if (inserted)
    for (const auto& e : stored->email_addresses) users_by_email_[to_lower(e.email_address)].insert(id);
  return *stored;
}

void Instance::erase_user(const std::string& id) {
  const User* u = users_.get(id);
  if (!u) return;
  for (const auto& e : u->email_addresses) {
    const std::string address = to_lower(e.email_address);
    auto* ids = users_by_email_.find_mut(address);
    if (!ids) continue;
    ids->erase(id);
    if (ids->empty()) users_by_email_.erase(address);
  }
  users_.erase(id);
}

std::vector<const User*> Instance::list_users(const UserQuery& q, const ListWindow& w) const {
  static const std::vector<std::string> fields = {"created_at", "updated_at", "email_address", "web3wallet",
                                                  "first_name", "last_name",  "phone_number",  "username",
                                                  "last_active_at", "last_sign_in_at"};
  OrderBy order = parse_order_by(w.order_by, "-created_at", fields);
  // With email_address given, only the users holding one of the addresses can match:
  // they are looked up instead of scanning every user. The order comes from the sort.
  std::vector<const User*> candidates;
  if (!q.email_address.empty()) {
    std::set<std::string> ids;
    for (const auto& address : q.email_address) {
      auto found = users_by_email_.find(to_lower(address));
      if (found != users_by_email_.end()) ids.insert(found->second.begin(), found->second.end());
    }
    for (const auto& id : ids) candidates.push_back(&users_.at(id));
  } else {
    for (const auto& [id, u] : users_) candidates.push_back(&u);
  }
  auto items = filter_users(candidates, q, [&](const std::string& uid) { return organizations_of(uid); });
  order_items(items, order, user_sort_value);
  return paginate(items, w.limit, w.offset).items;
}

int64_t Instance::count_users(const UserQuery& q) const {
  return static_cast<int64_t>(list_users(q, ListWindow{static_cast<int64_t>(users_.size()) + 1, 0, ""}).size());
}

const User& Instance::update_user(const std::string& id, const UserPatch& patch) {
  User& stored = user_ref(id);
  User u = stored;  // work on a copy; commit only when every check passed
  if (patch.username) {
    std::optional<std::string> username = non_empty(*patch.username);
    if (username) {
      username = to_lower(*username);
      if (!valid_username(*username))
        throw ClerkError::param_format("username",
                                       "A username may hold only letters, digits, '_', '-' and '.', at most 64 of them.");
    }
    u.username = username;
  }
  if (patch.external_id) u.external_id = non_empty(*patch.external_id);
  if (patch.first_name) u.first_name = *patch.first_name;
  if (patch.last_name) u.last_name = *patch.last_name;
  if (patch.locale) u.locale = *patch.locale;
  if (patch.primary_email_address_id && *patch.primary_email_address_id) {
    const std::string& want = **patch.primary_email_address_id;
    auto it = std::find_if(u.email_addresses.begin(), u.email_addresses.end(),
                           [&](const EmailAddress& e) { return e.id == want; });
    if (it == u.email_addresses.end() || it->reserved)
      throw ClerkError::param_value("primary_email_address_id",
                                    "'" + want + "' is not a verified email address of this user.");
    u.primary_email_address_id = want;
  }
  if (patch.primary_phone_number_id && *patch.primary_phone_number_id) {
    const std::string& want = **patch.primary_phone_number_id;
    auto it = std::find_if(u.phone_numbers.begin(), u.phone_numbers.end(),
                           [&](const PhoneNumber& p) { return p.id == want; });
    if (it == u.phone_numbers.end() || it->reserved)
      throw ClerkError::param_value("primary_phone_number_id",
                                    "'" + want + "' is not a verified phone number of this user.");
    u.primary_phone_number_id = want;
  }
  if (patch.password) {
    require_password(*patch.password, patch.skip_password_checks);
    u.password_enabled = true;
  }
  if (patch.delete_self_enabled) u.delete_self_enabled = *patch.delete_self_enabled;
  if (patch.create_organization_enabled) u.create_organization_enabled = *patch.create_organization_enabled;
  if (patch.create_organizations_limit) {
    if (*patch.create_organizations_limit && **patch.create_organizations_limit < 0)
      throw ClerkError::param_value("create_organizations_limit", "create_organizations_limit must not be negative.");
    u.create_organizations_limit = *patch.create_organizations_limit;
  }
  if (patch.legal_accepted_at) u.legal_accepted_at = *patch.legal_accepted_at;
  if (patch.created_at) u.created_at = *patch.created_at;
  require_metadata_objects(patch.replace_metadata);
  if (patch.replace_metadata.public_metadata) u.public_metadata = *patch.replace_metadata.public_metadata;
  if (patch.replace_metadata.private_metadata) u.private_metadata = *patch.replace_metadata.private_metadata;
  if (patch.replace_metadata.unsafe_metadata) u.unsafe_metadata = *patch.replace_metadata.unsafe_metadata;
  require_unique_identifiers({}, u.username != stored.username ? u.username : std::nullopt,
                             u.external_id != stored.external_id ? u.external_id : std::nullopt, {}, id);
  u.updated_at = clock_.now_ms();
  stored = std::move(u);
  emit(DomainEvent("user.updated", "user", stored.id, std::nullopt, stored.id));
  return stored;
}

void Instance::delete_user(const std::string& id) {
  user_ref(id);
  for (const auto& org_id : organizations_of(id)) erase_membership(MembershipKey{org_id, id});
  sessions_.erase_if([&](const std::string&, const Session& s) { return s.user_id == id; });
  erase_user(id);
  drop_billing_payer(id);
  drop_sso_user(id);
  DomainEvent deleted("user.deleted", "user", id, std::nullopt, id);
  deleted.deleted = Json{{"object", "user"}, {"id", id}, {"deleted", true}};
  emit(std::move(deleted));
}

const User& Instance::merge_user_metadata(const std::string& id, const MetadataPatch& patch) {
  User& u = user_ref(id);
  require_metadata_objects(patch);
  if (patch.public_metadata) u.public_metadata = merge_metadata(u.public_metadata, *patch.public_metadata);
  if (patch.private_metadata) u.private_metadata = merge_metadata(u.private_metadata, *patch.private_metadata);
  if (patch.unsafe_metadata) u.unsafe_metadata = merge_metadata(u.unsafe_metadata, *patch.unsafe_metadata);
  u.updated_at = clock_.now_ms();
  emit(DomainEvent("user.updated", "user", u.id, std::nullopt, u.id));
  return u;
}

const User& Instance::replace_user_metadata(const std::string& id, const MetadataPatch& patch) {
  User& u = user_ref(id);
  require_metadata_objects(patch);
  if (patch.public_metadata) u.public_metadata = *patch.public_metadata;
  if (patch.private_metadata) u.private_metadata = *patch.private_metadata;
  if (patch.unsafe_metadata) u.unsafe_metadata = *patch.unsafe_metadata;
  u.updated_at = clock_.now_ms();
  emit(DomainEvent("user.updated", "user", u.id, std::nullopt, u.id));
  return u;
}

}  // namespace clerksim

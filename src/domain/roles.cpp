// Permissions, roles, role sets and the instance's organization settings.
#include <algorithm>
#include <regex>
#include <set>

#include "core/text.hpp"
#include "domain/instance.hpp"
#include "domain/listing.hpp"
#include "domain/rules.hpp"

namespace clerksim {

namespace {

constexpr const char* kSystemPrefix = "org:sys_";

bool contains(const std::vector<std::string>& list, const std::string& value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

bool matches_query(const std::optional<std::string>& query, const std::string& id, const std::string& name,
                   const std::string& key) {
  if (!query || query->empty()) return true;
  return id == *query || contains_ci(name, *query) || contains_ci(key, *query);
}

template <class T>
SortValue catalogue_sort_value(const T& item, const std::string& field) {
  if (field == "name") return to_lower(item.name);
  if (field == "key") return item.key;
  return item.created_at;
}

void require_permission_key(const std::string& key) {
  static const std::regex re(R"(^org:[a-z0-9_]+:[a-z0-9_]+$)");
  if (starts_with(key, kSystemPrefix))
    throw ClerkError::param_value("key", "Keys starting with org:sys_ are reserved for system permissions.");
  if (!std::regex_match(key, re))
    throw ClerkError::param_format(
        "key", "A permission key has the form org:<feature>:<action>, in lowercase letters, digits and '_': '" + key +
                   "'.");
}

void require_role_key(const std::string& key) {
  static const std::regex re(R"(^org:[a-z0-9_]+$)");
  if (!std::regex_match(key, re))
    throw ClerkError::param_format("key",
                                   "A role key has the form org:<name>, in lowercase letters, digits and '_': '" + key + "'.");
}

void require_role_set_key(const std::string& key) {
  static const std::regex re(R"(^role_set:[a-z0-9_]+$)");
  if (!std::regex_match(key, re))
    throw ClerkError::param_format(
        "key", "A role set key has the form role_set:<name>, in lowercase letters, digits and '_': '" + key + "'.");
}

}  // namespace

namespace {

void require_name(const std::string& name) {
  if (trim(name).empty()) throw ClerkError::param_missing("name");
}

ClerkError system_permission_not_modifiable(const Permission& p) {
  return {403, "organization_system_permission_not_modifiable", "system permissions cannot be changed",
          "The permission " + p.key + " is a system permission; it cannot be changed or deleted."};
}

}  // namespace

// --- settings

const RoleSet& Instance::initial_role_set() const {
  for (const auto& [id, set] : role_sets_)
    if (set.type == "initial") return set;
  throw std::logic_error("the instance has no initial role set");
}

void Instance::require_creator_eligible(const std::string& role_key) const {
  const Role& role = get_role(role_key);
  if (is_creator_eligible(role)) return;
  std::string keys;
  for (const auto& k : creator_minimum_permissions()) keys += (keys.empty() ? "" : ", ") + k;
  throw ClerkError(422, "organization_missing_creator_role_permissions", "missing permissions for creator role",
                   "A creator role must hold " + keys + "; " + role_key + " does not hold them all.");
}

const OrganizationSettings& Instance::update_organization_settings(const SettingsPatch& patch) {
  OrganizationSettings s = settings_;
  std::optional<std::string> creator_role;
  if (patch.enabled) s.enabled = *patch.enabled;
  if (patch.max_allowed_memberships) {
    if (*patch.max_allowed_memberships < 0)
      throw ClerkError::param_value("max_allowed_memberships", "max_allowed_memberships must not be negative.");
    if (*patch.max_allowed_memberships > 2147483647)
      throw ClerkError(422, "form_param_value_too_large", "Value too large",
                       "max_allowed_memberships can be at most 2147483647.", {{"param_name", "max_allowed_memberships"}});
    s.max_allowed_memberships = *patch.max_allowed_memberships;
  }
  if (patch.admin_delete_enabled) s.admin_delete_enabled = *patch.admin_delete_enabled;
  if (patch.slug_disabled) s.slug_disabled = *patch.slug_disabled;
  if (patch.force_organization_selection) s.force_organization_selection = *patch.force_organization_selection;
  if (patch.organization_creation_defaults) {
    if (!patch.organization_creation_defaults->is_object())
      throw ClerkError::param_type("organization_creation_defaults", "a JSON object");
    s.organization_creation_defaults = merge_metadata(s.organization_creation_defaults,
                                                      *patch.organization_creation_defaults);
  }
  if (patch.domains_enrollment_modes) {
    static const std::vector<std::string> allowed = {"manual_invitation", "automatic_invitation",
                                                     "automatic_suggestion"};
    std::vector<std::string> modes = {"manual_invitation"};  // always offered
    for (const auto& m : *patch.domains_enrollment_modes) {
      if (!contains(allowed, m))
        throw ClerkError::param_value("domains_enrollment_modes",
                                      "'" + m + "' is not one of manual_invitation, automatic_invitation, "
                                                "automatic_suggestion.");
      if (!contains(modes, m)) modes.push_back(m);
    }
    s.domains_enrollment_modes = modes;
  }
  if (patch.domains_default_role_id) s.domains_default_role = get_role_by_id(*patch.domains_default_role_id).key;
  if (patch.domains_enabled) {
    // Turning domains on needs a default role for the members they bring in: the one
    // given now, or the one the instance still has. Turning them off forgets it.
    if (*patch.domains_enabled && !settings_.domains_enabled && s.domains_default_role.empty())
      throw ClerkError(422, "form_conditional_param_missing", "is missing",
                       "domains_default_role_id is required when domains_enabled is turned on.",
                       {{"param_name", "domains_default_role_id"}});
    if (!*patch.domains_enabled && !patch.domains_default_role_id) s.domains_default_role.clear();
    s.domains_enabled = *patch.domains_enabled;
  }
  if (patch.creator_role_id) {
    const Role& role = get_role_by_id(*patch.creator_role_id);
    require_creator_eligible(role.key);
    if (!contains(initial_role_set().roles, role.key))
      throw ClerkError::param_value("creator_role_id", "The creator role must belong to the initial role set " +
                                                           initial_role_set().key + "; add " + role.key + " to it first.");
    creator_role = role.key;
  }
  // --- commit
  s.config_version = settings_.config_version + 1;
  settings_ = s;
  if (creator_role) {
    RoleSet& initial = role_set_ref(initial_role_set().id);
    initial.creator_role = *creator_role;
    initial.updated_at = clock_.now_ms();
  }
  return settings_;
}

// --- permissions

const Permission* Instance::find_permission_by_key(const std::string& key) const {
  for (const auto& [id, p] : permissions_)
    if (p.key == key) return &p;
  return nullptr;
}

const Permission& Instance::get_permission(const std::string& id) const {
  auto it = permissions_.find(id);
  if (it == permissions_.end()) throw ClerkError::not_found("permission", id);
  return it->second;
}

Page<Permission> Instance::list_permissions(const std::optional<std::string>& query, const ListWindow& w) const {
  OrderBy order = parse_order_by(w.order_by, "-created_at", {"created_at", "name", "key"});
  std::vector<const Permission*> items;
  for (const auto& [id, p] : permissions_)
    if (matches_query(query, p.id, p.name, p.key)) items.push_back(&p);
  order_items(items, order, catalogue_sort_value<Permission>);
  return paginate(items, w.limit, w.offset);
}

const Permission& Instance::create_permission(const NewPermission& in) {
  require_name(in.name);
  require_permission_key(in.key);
  if (find_permission_by_key(in.key))
    throw ClerkError::identifier_exists("key", "A permission with the key " + in.key + " already exists.");
  Permission p;
  p.id = ids_.next("perm");
  p.seq = next_seq();
  p.key = in.key;
  p.name = trim(in.name);
  p.description = in.description.value_or("");
  p.type = "custom";
  p.created_at = p.updated_at = clock_.now_ms();
  emit(DomainEvent("permission.created", "permission", p.id));
  return *permissions_.insert(p.id, std::move(p)).first;
}

const Permission& Instance::update_permission(const std::string& id, const PermissionPatch& patch) {
  Permission& stored = permissions_.mut(get_permission(id).id);
  if (stored.type == "system") throw system_permission_not_modifiable(stored);
  Permission p = stored;
  if (patch.name) {
    require_name(*patch.name);
    p.name = trim(*patch.name);
  }
  if (patch.description) p.description = *patch.description;
  if (patch.key && *patch.key != stored.key) {
    require_permission_key(*patch.key);
    if (find_permission_by_key(*patch.key))
      throw ClerkError::identifier_exists("key", "A permission with the key " + *patch.key + " already exists.");
    p.key = *patch.key;
  }
  // --- commit: roles refer to permissions by key, so a new key follows into them
  if (p.key != stored.key)
    roles_.update_if([&](const std::string&, const Role& role) { return contains(role.permissions, stored.key); },
                     [&](Role& role) { std::replace(role.permissions.begin(), role.permissions.end(), stored.key, p.key); });
  p.updated_at = clock_.now_ms();
  stored = std::move(p);
  emit(DomainEvent("permission.updated", "permission", stored.id));
  return stored;
}

Permission Instance::delete_permission(const std::string& id) {
  Permission removed = get_permission(id);
  if (removed.type == "system") throw system_permission_not_modifiable(removed);
  roles_.update_if([&](const std::string&, const Role& role) { return contains(role.permissions, removed.key); },
                   [&](Role& role) {
                     role.permissions.erase(std::remove(role.permissions.begin(), role.permissions.end(), removed.key),
                                            role.permissions.end());
                     role.updated_at = clock_.now_ms();
                   });
  permissions_.erase(id);
  DomainEvent deleted("permission.deleted", "permission", removed.id);
  deleted.deleted = Json{{"object", "permission"}, {"id", removed.id}, {"deleted", true}};
  emit(std::move(deleted));
  return removed;
}

// --- roles

const Role& Instance::get_role(const std::string& key, const std::string& param) const {
  if (const Role* r = find_role(key)) return *r;
  throw ClerkError(404, "resource_not_found", "not found", "There is no role with key '" + key + "'.",
                   {{"param_name", param}});
}

const Role& Instance::get_role_by_id(const std::string& id) const {
  auto it = roles_.find(id);
  if (it == roles_.end()) throw ClerkError::not_found("role", id);
  return it->second;
}

Role& Instance::role_ref_by_id(const std::string& id) { return roles_.mut(get_role_by_id(id).id); }

std::vector<std::string> Instance::role_permissions(const std::string& key) const {
  const Role* r = find_role(key);
  return r ? r->permissions : std::vector<std::string>{};
}

bool Instance::role_grants(const std::string& role, const std::string& permission) const {
  return contains(role_permissions(role), permission);
}

bool Instance::is_creator_eligible(const Role& role) const {
  return std::all_of(creator_minimum_permissions().begin(), creator_minimum_permissions().end(),
                     [&](const std::string& k) { return contains(role.permissions, k); });
}

void Instance::require_roles_quota() const {
  auto custom = std::count_if(roles_.begin(), roles_.end(), [](const auto& kv) { return !kv.second.builtin; });
  if (custom >= settings_.max_allowed_roles)
    throw ClerkError(403, "organization_instance_roles_quota_exceeded", "organization roles quota exceeded",
                     "This instance already has its " + std::to_string(settings_.max_allowed_roles) +
                         " custom roles; delete one before creating another.");
}

Page<Role> Instance::list_roles(const std::optional<std::string>& query, const ListWindow& w) const {
  OrderBy order = parse_order_by(w.order_by, "-created_at", {"created_at", "name", "key"});
  std::vector<const Role*> items;
  for (const auto& [id, r] : roles_)
    if (matches_query(query, r.id, r.name, r.key)) items.push_back(&r);
  order_items(items, order, catalogue_sort_value<Role>);
  return paginate(items, w.limit, w.offset);
}

namespace {
// Permission ids -> keys, in the order given, without repeats.
std::vector<std::string> permission_keys(const Instance& inst, const std::vector<std::string>& ids) {
  std::vector<std::string> keys;
  for (const auto& id : ids) {
    const Permission* p = nullptr;
    try {
      p = &inst.get_permission(id);
    } catch (const ClerkError&) {
      throw ClerkError(404, "resource_not_found", "not found", "There is no permission with id '" + id + "'.",
                       {{"param_name", "permissions"}});
    }
    if (!contains(keys, p->key)) keys.push_back(p->key);
  }
  return keys;
}
}  // namespace

const Role& Instance::create_role(const NewRole& in) {
  require_name(in.name);
  require_role_key(in.key);
  if (find_role(in.key)) throw ClerkError::identifier_exists("key", "A role with the key " + in.key + " already exists.");
  auto keys = permission_keys(*this, in.permission_ids);
  require_roles_quota();
  int64_t now = clock_.now_ms();
  Role r;
  r.id = ids_.next("role");
  r.seq = next_seq();
  r.key = in.key;
  r.name = trim(in.name);
  r.description = in.description.value_or("");
  r.permissions = keys;
  r.created_at = r.updated_at = now;
  if (in.include_in_initial_role_set) {
    RoleSet& initial = role_set_ref(initial_role_set().id);
    initial.roles.push_back(r.key);
    initial.updated_at = now;
  }
  emit(DomainEvent("role.created", "role", r.id));
  return *roles_.insert(r.id, std::move(r)).first;
}

const Role& Instance::update_role(const std::string& id, const RolePatch& patch) {
  Role& stored = role_ref_by_id(id);
  Role r = stored;
  if (patch.name) {
    require_name(*patch.name);
    r.name = trim(*patch.name);
  }
  if (patch.description) r.description = *patch.description;
  if (patch.key && *patch.key != stored.key) {
    require_role_key(*patch.key);
    if (find_role(*patch.key))
      throw ClerkError::identifier_exists("key", "A role with the key " + *patch.key + " already exists.");
    r.key = *patch.key;
  }
  if (patch.permission_ids) r.permissions = permission_keys(*this, *patch.permission_ids);
  for (const auto& [sid, set] : role_sets_)
    if (set.creator_role == stored.key && !is_creator_eligible(r))
      throw ClerkError(422, "organization_missing_creator_role_permissions", "missing permissions for creator role",
                       stored.key + " is the creator role of " + set.key +
                           " and must keep org:sys_memberships:manage, org:sys_memberships:read and "
                           "org:sys_profile:delete.");
  // --- commit: a new key follows into role sets, memberships and settings
  if (r.key != stored.key) {
    role_sets_.update_if(
        [&](const std::string&, const RoleSet& set) {
          return contains(set.roles, stored.key) || set.default_role == stored.key || set.creator_role == stored.key;
        },
        [&](RoleSet& set) {
          std::replace(set.roles.begin(), set.roles.end(), stored.key, r.key);
          if (set.default_role == stored.key) set.default_role = r.key;
          if (set.creator_role == stored.key) set.creator_role = r.key;
        });
    memberships_.update_if([&](const MembershipKey&, const Membership& m) { return m.role == stored.key; },
                           [&](Membership& m) { m.role = r.key; });
    invitations_.update_if([&](const std::string&, const Invitation& inv) { return inv.role == stored.key; },
                           [&](Invitation& inv) { inv.role = r.key; });
    if (settings_.domains_default_role == stored.key) settings_.domains_default_role = r.key;
  }
  r.updated_at = clock_.now_ms();
  stored = std::move(r);
  emit(DomainEvent("role.updated", "role", stored.id));
  return stored;
}

Role Instance::delete_role(const std::string& id) {
  Role removed = get_role_by_id(id);
  for (const auto& [sid, set] : role_sets_)
    if (set.creator_role == removed.key || set.default_role == removed.key)
      throw ClerkError(422, "organization_role_default_creator_role", "role is used as the creator or default role",
                       removed.key + " is the " + (set.creator_role == removed.key ? "creator" : "default") +
                           " role of " + set.key + "; choose another one there first.");
  if (settings_.domains_default_role == removed.key)
    throw ClerkError(422, "organization_role_domain_default_role", "role is used as the domain default role",
                     removed.key + " is the default role for verified domains; choose another one first.");
  for (const auto& [mk, m] : memberships_)
    if (m.role == removed.key)
      throw ClerkError(422, "organization_role_assigned_members", "role is assigned to organization members",
                       removed.key + " is held by members of one or more organizations; give them another role first.");
  for (const auto& [iid, inv] : invitations_)
    if (inv.role == removed.key && invitation_status(inv) == "pending")
      throw ClerkError(422, "organization_role_exists_in_invitations", "role exists in pending organization invitations",
                       removed.key + " is offered by pending invitations; revoke them first.");
  int64_t now = clock_.now_ms();
  role_sets_.update_if([&](const std::string&, const RoleSet& set) { return contains(set.roles, removed.key); },
                       [&](RoleSet& set) {
                         set.roles.erase(std::remove(set.roles.begin(), set.roles.end(), removed.key), set.roles.end());
                         set.updated_at = now;
                       });
  roles_.erase(id);
  DomainEvent deleted("role.deleted", "role", removed.id);
  deleted.deleted = Json{{"object", "role"}, {"id", removed.id}, {"slug", nullptr}, {"deleted", true}};
  emit(std::move(deleted));
  return removed;
}

const Role& Instance::assign_permission(const std::string& role_id, const std::string& permission_id) {
  Role& role = role_ref_by_id(role_id);
  const Permission& p = get_permission(permission_id);
  if (contains(role.permissions, p.key))
    throw ClerkError(409, "organization_role_permission_association_exists", "permission already assigned to role",
                     role.key + " already holds " + p.key + ".");
  role.permissions.push_back(p.key);
  role.updated_at = clock_.now_ms();
  emit(DomainEvent("role.updated", "role", role.id));
  return role;
}

const Role& Instance::remove_permission(const std::string& role_id, const std::string& permission_id) {
  Role& role = role_ref_by_id(role_id);
  const Permission& p = get_permission(permission_id);
  if (!contains(role.permissions, p.key))
    throw ClerkError(404, "organization_role_permission_association_not_found", "permission not assigned to role",
                     role.key + " does not hold " + p.key + ".");
  Role after = role;
  after.permissions.erase(std::remove(after.permissions.begin(), after.permissions.end(), p.key),
                          after.permissions.end());
  for (const auto& [sid, set] : role_sets_)
    if (set.creator_role == role.key && !is_creator_eligible(after))
      throw ClerkError(422, "organization_missing_creator_role_permissions", "missing permissions for creator role",
                       role.key + " is the creator role of " + set.key + " and must keep " + p.key + ".");
  role.permissions = after.permissions;
  role.updated_at = clock_.now_ms();
  emit(DomainEvent("role.updated", "role", role.id));
  return role;
}

// --- role sets

const RoleSet* Instance::find_role_set(const std::string& key_or_id) const {
  auto it = role_sets_.find(key_or_id);
  if (it != role_sets_.end()) return &it->second;
  for (const auto& [id, set] : role_sets_)
    if (set.key == key_or_id) return &set;
  return nullptr;
}

const RoleSet& Instance::get_role_set(const std::string& key_or_id) const {
  if (const RoleSet* set = find_role_set(key_or_id)) return *set;
  throw ClerkError::not_found("role set", key_or_id);
}

// One role set is the initial one: making another initial turns the old one custom.
void Instance::demote_initial_role_set(int64_t now) {
  role_sets_.update_if([](const std::string&, const RoleSet& set) { return set.type == "initial"; },
                       [&](RoleSet& set) {
                         set.type = "custom";
                         set.updated_at = now;
                       });
}

RoleSet& Instance::role_set_ref(const std::string& key_or_id) {
  return role_sets_.mut(get_role_set(key_or_id).id);
}

const RoleSet& Instance::role_set_of(const Organization& org) const {
  if (org.role_set_key)
    if (const RoleSet* set = find_role_set(*org.role_set_key)) return *set;
  return initial_role_set();
}

void Instance::require_role_in_set(const Organization& org, const std::string& role) const {
  get_role(role);
  const RoleSet& set = role_set_of(org);
  if (!contains(set.roles, role))
    throw ClerkError::param_value("role", "The role " + role + " is not in role set " + set.key +
                                              ", which this organization uses.");
}

int64_t Instance::role_members_count(const std::string& role_key, const std::string& role_set_key) const {
  int64_t n = 0;
  for (const auto& [mk, m] : memberships_) {
    if (m.role != role_key) continue;
    auto org = organizations_.find(m.organization_id);
    if (org != organizations_.end() && role_set_of(org->second).key == role_set_key) ++n;
  }
  return n;
}

Page<RoleSet> Instance::list_role_sets(const std::optional<std::string>& query, const ListWindow& w) const {
  OrderBy order = parse_order_by(w.order_by, "-created_at", {"created_at", "name", "key"});
  std::vector<const RoleSet*> items;
  for (const auto& [id, set] : role_sets_)
    if (matches_query(query, set.id, set.name, set.key)) items.push_back(&set);
  order_items(items, order, catalogue_sort_value<RoleSet>);
  return paginate(items, w.limit, w.offset);
}

namespace {

void require_role_count(const std::vector<std::string>& keys, const char* param) {
  if (keys.empty() || keys.size() > 10)
    throw ClerkError::param_value(param, std::string(param) + " must name between 1 and 10 roles.");
}

// "Sales Team" -> "role_set:sales_team".
std::string role_set_key_from(const std::string& name) { return "role_set:" + slugify(name, '_', "set"); }

}  // namespace

const RoleSet& Instance::create_role_set(const NewRoleSet& in) {
  require_name(in.name);
  std::string key = in.key ? *in.key : role_set_key_from(in.name);
  if (in.key) {
    require_role_set_key(key);
    if (find_role_set(key)) throw ClerkError::identifier_exists("key", "A role set with the key " + key + " already exists.");
  } else {
    for (int n = 2; find_role_set(key); ++n) key = role_set_key_from(in.name) + "_" + std::to_string(n);
  }
  std::string type = in.type.value_or("custom");
  if (type != "initial" && type != "custom") throw ClerkError::param_value("type", "type must be initial or custom.");
  require_role_count(in.role_keys, "roles");
  std::vector<std::string> roles;
  for (const auto& k : in.role_keys) {
    get_role(k, "roles");
    if (!contains(roles, k)) roles.push_back(k);
  }
  if (!contains(roles, in.default_role_key))
    throw ClerkError::param_value("default_role_key", "The default role must be one of the set's roles.");
  if (!contains(roles, in.creator_role_key))
    throw ClerkError::param_value("creator_role_key", "The creator role must be one of the set's roles.");
  require_creator_eligible(in.creator_role_key);
  if (static_cast<int64_t>(role_sets_.size()) >= settings_.max_role_sets_allowed)
    throw ClerkError(403, "organization_instance_role_sets_quota_exceeded", "organization role sets quota exceeded",
                     "This instance already has " + std::to_string(settings_.max_role_sets_allowed) + " role sets.");
  // --- commit
  int64_t now = clock_.now_ms();
  if (type == "initial") demote_initial_role_set(now);
  RoleSet set;
  set.id = ids_.next("rs");
  set.seq = next_seq();
  set.key = key;
  set.name = trim(in.name);
  set.description = in.description;
  set.type = type;
  set.roles = roles;
  set.default_role = in.default_role_key;
  set.creator_role = in.creator_role_key;
  set.created_at = set.updated_at = now;
  return *role_sets_.insert(set.id, std::move(set)).first;
}

const RoleSet& Instance::update_role_set(const std::string& key_or_id, const RoleSetPatch& patch) {
  RoleSet& stored = role_set_ref(key_or_id);
  RoleSet set = stored;
  if (patch.name) {
    require_name(*patch.name);
    set.name = trim(*patch.name);
  }
  if (patch.description) set.description = patch.description;
  if (patch.key && *patch.key != stored.key) {
    require_role_set_key(*patch.key);
    if (find_role_set(*patch.key))
      throw ClerkError::identifier_exists("key", "A role set with the key " + *patch.key + " already exists.");
    set.key = *patch.key;
  }
  if (patch.type) {
    if (*patch.type != "initial") throw ClerkError::param_value("type", "A role set can only be made initial.");
    set.type = "initial";
  }
  if (patch.default_role_key) {
    if (!contains(set.roles, *patch.default_role_key))
      throw ClerkError::param_value("default_role_key", "The default role must already be in the set.");
    set.default_role = *patch.default_role_key;
  }
  if (patch.creator_role_key) {
    if (!contains(set.roles, *patch.creator_role_key))
      throw ClerkError::param_value("creator_role_key", "The creator role must already be in the set.");
    require_creator_eligible(*patch.creator_role_key);
    set.creator_role = *patch.creator_role_key;
  }
  // --- commit
  int64_t now = clock_.now_ms();
  if (set.type == "initial" && stored.type != "initial") demote_initial_role_set(now);
  if (set.key != stored.key)
    organizations_.update_if([&](const std::string&, const Organization& org) { return org.role_set_key == stored.key; },
                             [&](Organization& org) { org.role_set_key = set.key; });
  set.updated_at = now;
  stored = std::move(set);
  return stored;
}

const RoleSet& Instance::add_roles_to_role_set(const std::string& key_or_id, const std::vector<std::string>& role_keys,
                                               const std::optional<std::string>& default_role_key,
                                               const std::optional<std::string>& creator_role_key) {
  RoleSet& stored = role_set_ref(key_or_id);
  require_role_count(role_keys, "role_keys");
  RoleSet set = stored;
  for (const auto& k : role_keys) {
    get_role(k, "role_keys");
    if (!contains(set.roles, k)) set.roles.push_back(k);
  }
  if (default_role_key) {
    if (!contains(set.roles, *default_role_key))
      throw ClerkError::param_value("default_role_key", "The default role must be in the set.");
    set.default_role = *default_role_key;
  }
  if (creator_role_key) {
    if (!contains(set.roles, *creator_role_key))
      throw ClerkError::param_value("creator_role_key", "The creator role must be in the set.");
    require_creator_eligible(*creator_role_key);
    set.creator_role = *creator_role_key;
  }
  set.updated_at = clock_.now_ms();
  stored = std::move(set);
  return stored;
}

const RoleSet& Instance::replace_role_in_role_set(const std::string& key_or_id, const std::string& role_key,
                                                  const std::string& to_role_key) {
  RoleSet& stored = role_set_ref(key_or_id);
  if (!contains(stored.roles, role_key))
    throw ClerkError::param_value("role_key", "The role " + role_key + " is not in role set " + stored.key + ".");
  get_role(to_role_key);
  if (to_role_key == role_key)
    throw ClerkError::param_value("to_role_key", "A role cannot be replaced by itself.");
  if (stored.creator_role == role_key) require_creator_eligible(to_role_key);
  // --- commit: the replacement joins the set, takes over the removed role's duties and its members
  int64_t now = clock_.now_ms();
  RoleSet& set = stored;
  if (!contains(set.roles, to_role_key)) set.roles.push_back(to_role_key);
  set.roles.erase(std::remove(set.roles.begin(), set.roles.end(), role_key), set.roles.end());
  if (set.default_role == role_key) set.default_role = to_role_key;
  if (set.creator_role == role_key) set.creator_role = to_role_key;
  set.updated_at = now;
  auto uses_set = [&](const std::string& org_id) {
    const Organization* org = organizations_.get(org_id);
    return org && role_set_of(*org).id == set.id;
  };
  memberships_.update_if(
      [&](const MembershipKey&, const Membership& m) { return m.role == role_key && uses_set(m.organization_id); },
      [&](Membership& m) {
        m.role = to_role_key;
        m.updated_at = now;
      });
  invitations_.update_if(  // pending invitations offer the replacement instead
      [&](const std::string&, const Invitation& inv) {
        return inv.role == role_key && invitation_status(inv) == "pending" && uses_set(inv.organization_id);
      },
      [&](Invitation& inv) {
        inv.role = to_role_key;
        inv.updated_at = now;
      });
  return set;
}

RoleSet Instance::replace_role_set(const std::string& key_or_id, const std::string& dest_key,
                                   const std::map<std::string, std::string>& mappings) {
  const RoleSet source = get_role_set(key_or_id);
  if (source.type == "initial")
    throw ClerkError(403, "cannot_delete_initial_role_set", "cannot delete initial role set",
                     source.key + " is the initial role set; make another set initial before replacing it.");
  const RoleSet* dest = find_role_set(dest_key);
  if (!dest)
    throw ClerkError(404, "resource_not_found", "not found", "There is no role set with key '" + dest_key + "'.",
                     {{"param_name", "dest_role_set_key"}});
  if (dest->id == source.id)
    throw ClerkError::param_value("dest_role_set_key", "A role set cannot be replaced by itself.");
  for (const auto& [from, to] : mappings)
    if (!contains(dest->roles, to))
      throw ClerkError(422, "organization_role_set_reassignment_mappings_invalid", "reassignment mappings invalid",
                       "The mapping " + from + " -> " + to + " names a role that " + dest->key + " does not have.",
                       {{"param_name", "reassignment_mappings"}, {"role_key", to}});
  // Every role held in an organization using the source set needs a place in the destination.
  std::set<std::string> missing;
  for (const auto& [mk, m] : memberships_) {
    auto org = organizations_.find(m.organization_id);
    if (org == organizations_.end() || role_set_of(org->second).id != source.id) continue;
    if (!mappings.count(m.role) && !contains(dest->roles, m.role)) missing.insert(m.role);
  }
  if (!missing.empty()) {
    std::string keys;
    for (const auto& k : missing) keys += (keys.empty() ? "" : ", ") + k;
    throw ClerkError(422, "organization_role_set_reassignment_mappings_missing", "reassignment mappings missing",
                     "Members hold roles that " + dest->key + " does not have; map them: " + keys + ".",
                     {{"param_name", "reassignment_mappings"}, {"role_keys", Json(missing)}});
  }
  // --- commit
  int64_t now = clock_.now_ms();
  memberships_.update_if(
      [&](const MembershipKey&, const Membership& m) {
        const Organization* org = organizations_.get(m.organization_id);
        auto mapped = mappings.find(m.role);
        return org && role_set_of(*org).id == source.id && mapped != mappings.end() && mapped->second != m.role;
      },
      [&](Membership& m) {
        m.role = mappings.at(m.role);
        m.updated_at = now;
      });
  organizations_.update_if([&](const std::string&, const Organization& org) { return org.role_set_key == source.key; },
                           [&](Organization& org) {
                             org.role_set_key = dest->key;
                             org.updated_at = now;
                           });
  role_sets_.erase(source.id);
  return source;
}

}  // namespace clerksim

#pragma once
// Helpers for the permission, role, role set and settings tests: building
// definitions from keys, looking ids up, reading a member's role, and checking that
// a state is both unchanged (dump comparison) and still consistent.
#include <algorithm>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "domain/rules.hpp"
#include "test_support.hpp"

namespace clerksim::unit {

inline Json dump(const Instance& inst) { return dump_fixture(inst.snapshot()); }

// Passes when the instance's state would load back as a fixture: every role,
// membership and role set still points at things that exist.
inline ::testing::AssertionResult Consistent(const Instance& inst) {
  if (auto p = find_state_problem(inst.snapshot()))
    return ::testing::AssertionFailure() << "inconsistent state at " << p->where << ": " << p->what;
  return ::testing::AssertionSuccess();
}

inline std::string perm_id(const Instance& inst, const std::string& key) {
  const Permission* p = inst.find_permission_by_key(key);
  if (!p) throw std::runtime_error("test setup: no permission with key " + key);
  return p->id;
}

inline std::string role_id(const Instance& inst, const std::string& key) { return inst.get_role(key).id; }

inline const Permission& make_permission(Instance& inst, const std::string& key, const std::string& name = "") {
  NewPermission p;
  p.key = key;
  p.name = name.empty() ? key : name;
  return inst.create_permission(p);
}

// A custom role holding the permissions with these keys.
inline const Role& make_role(Instance& inst, const std::string& key, const std::vector<std::string>& permission_keys,
                             bool include_in_initial_role_set = false) {
  NewRole r;
  r.key = key;
  r.name = key;
  for (const auto& k : permission_keys) r.permission_ids.push_back(perm_id(inst, k));
  r.include_in_initial_role_set = include_in_initial_role_set;
  return inst.create_role(r);
}

// The three permissions a creator role needs, plus any extras.
inline std::vector<std::string> creator_permissions(std::vector<std::string> extra = {}) {
  std::vector<std::string> keys = {"org:sys_memberships:manage", "org:sys_memberships:read", "org:sys_profile:delete"};
  keys.insert(keys.end(), extra.begin(), extra.end());
  return keys;
}

inline NewRoleSet set_def(const std::string& name, const std::vector<std::string>& roles, const std::string& default_role,
                          const std::string& creator_role, std::optional<std::string> key = std::nullopt) {
  NewRoleSet s;
  s.name = name;
  s.key = std::move(key);
  s.role_keys = roles;
  s.default_role_key = default_role;
  s.creator_role_key = creator_role;
  return s;
}

// The role a user holds in an organization, or "" when not a member.
inline std::string role_in(const Instance& inst, const std::string& org, const std::string& user) {
  MembershipQuery q;
  q.user_id.add(user);
  auto page = inst.list_memberships(org, q, ListWindow{500, 0, ""});
  return page.items.empty() ? std::string() : page.items[0]->role;
}

inline const ListWindow kAll{500, 0, ""};

template <class T>
std::vector<std::string> keys_of(const Page<T>& page) {
  std::vector<std::string> out;
  for (const T* item : page.items) out.push_back(item->key);
  return out;
}

inline bool has(const std::vector<std::string>& list, const std::string& value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

}  // namespace clerksim::unit

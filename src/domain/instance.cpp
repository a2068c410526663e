#include "domain/instance.hpp"

#include <algorithm>

#include "core/faults.hpp"

namespace clerksim {

// --- IdFilter

void IdFilter::add(const std::string& raw) {
  if (raw.empty()) return;
  if (raw[0] == '-') exclude.push_back(raw.substr(1));
  else if (raw[0] == '+') include.push_back(raw.substr(1));
  else include.push_back(raw);
}

bool IdFilter::matches(const std::string& value) const {
  return matches_any(std::vector<std::string>{value});
}

bool IdFilter::matches_any(const std::vector<std::string>& values) const {
  auto in = [&](const std::vector<std::string>& list) {
    for (const auto& v : values)
      if (std::find(list.begin(), list.end(), v) != list.end()) return true;
    return false;
  };
  if (!include.empty() && !in(include)) return false;
  if (!exclude.empty() && in(exclude)) return false;
  return true;
}

// --- metadata

Json merge_metadata(const Json& stored, const Json& patch) {
  if (faults::active(faults::Fault::merge_as_replace)) return patch;
  Json out = stored.is_object() ? stored : Json::object();
  out.merge_patch(patch);
  return out;
}

void Instance::require_metadata_objects(const MetadataPatch& patch) const {
  auto check = [](const std::optional<Json>& value, const char* name) {
    if (value && !value->is_object())
      throw ClerkError::param_value(name, std::string(name) + " must be a JSON object.");
    if (value && value->dump().size() > 8 * 1024)
      throw ClerkError(422, "form_param_value_too_large", "Value too large",
                       std::string(name) + " must not be larger than 8 KB once encoded.", {{"param_name", name}});
  };
  check(patch.public_metadata, "public_metadata");
  check(patch.private_metadata, "private_metadata");
  check(patch.unsafe_metadata, "unsafe_metadata");
}

// --- defaults

std::vector<Permission> default_system_permissions(IdGenerator& ids, int64_t now_ms) {
  struct Def { const char* key; const char* name; const char* description; };
  static const Def defs[] = {
      {"org:sys_profile:manage", "Manage organization", "Edit the organization's name, slug and logo."},
      {"org:sys_profile:delete", "Delete organization", "Delete the organization."},
      {"org:sys_memberships:read", "Read members", "List the organization's members."},
      {"org:sys_memberships:manage", "Manage members", "Invite and remove members and change their roles."},
      {"org:sys_domains:read", "Read domains", "View the organization's verified domains."},
      {"org:sys_domains:manage", "Manage domains", "Add, verify and remove verified domains."},
      {"org:sys_billing:read", "Read billing", "View the organization's subscription and invoices."},
      {"org:sys_billing:manage", "Manage billing", "Change the organization's plan and payment method."},
      {"org:sys_entconns:manage", "Manage enterprise connections", "Set up the organization's enterprise SSO."},
  };
  std::vector<Permission> out;
  for (const auto& d : defs) {
    Permission p;
    p.id = ids.next("perm");
    p.key = d.key;
    p.name = d.name;
    p.description = d.description;
    p.type = "system";
    p.created_at = p.updated_at = now_ms;
    out.push_back(p);
  }
  return out;
}

std::vector<Role> default_roles(IdGenerator& ids, int64_t now_ms) {
  Role admin;
  admin.id = ids.next("role");
  admin.key = "org:admin";
  admin.name = "Admin";
  admin.description = "Can manage everything about the organization.";
  admin.permissions = {"org:sys_profile:manage", "org:sys_profile:delete",  "org:sys_memberships:read",
                       "org:sys_memberships:manage", "org:sys_domains:read", "org:sys_domains:manage",
                       "org:sys_billing:read", "org:sys_billing:manage", "org:sys_entconns:manage"};
  admin.builtin = true;
  admin.created_at = admin.updated_at = now_ms;
  Role member;
  member.id = ids.next("role");
  member.key = "org:member";
  member.name = "Member";
  member.description = "Can read the member list and the billing details.";
  member.permissions = {"org:sys_memberships:read", "org:sys_billing:read"};
  member.builtin = true;
  member.created_at = member.updated_at = now_ms;
  return {admin, member};
}

RoleSet default_role_set(IdGenerator& ids, int64_t now_ms, const std::vector<Role>& roles) {
  RoleSet set;
  set.id = ids.next("rs");
  set.key = "role_set:default";
  set.name = "Default";
  set.description = "The role set new organizations get.";
  set.type = "initial";
  for (const auto& r : roles) set.roles.push_back(r.key);
  set.default_role = "org:member";
  set.creator_role = "org:admin";
  set.created_at = set.updated_at = now_ms;
  return set;
}

// --- construction and snapshot

Instance::Instance(InstanceState state, ClockMode mode)
    : info_(std::move(state.info)),
      settings_(std::move(state.settings)),
      clock_(mode, state.clock_ms),
      ids_(state.seed, state.id_counter),
      traces_(state.seed ^ 0x7472616365ULL),
      event_ids_(state.seed ^ 0x6576656e74ULL) {
  // Insertion order is rebuilt from the order of the state's lists.
  for (auto& p : state.permissions) { p.seq = next_seq(); permissions_.insert(p.id, std::move(p)); }
  for (auto& r : state.roles) { r.seq = next_seq(); roles_.insert(r.id, std::move(r)); }
  for (auto& rs : state.role_sets) { rs.seq = next_seq(); role_sets_.insert(rs.id, std::move(rs)); }
  for (auto& u : state.users) { u.seq = next_seq(); insert_user(std::move(u)); }
  for (auto& o : state.organizations) { o.seq = next_seq(); insert_organization(std::move(o)); }
  for (auto& m : state.memberships) { m.seq = next_seq(); insert_membership(std::move(m)); }
  for (auto& inv : state.invitations) { inv.seq = next_seq(); invitations_.insert(inv.id, std::move(inv)); }
  for (auto& se : state.sessions) { se.seq = next_seq(); sessions_.insert(se.id, std::move(se)); }
  endpoints_ = std::move(state.webhook_endpoints);
  load_billing(state.billing);
  load_sso(state.sso);
  origin_ = std::make_shared<const Instance>(*this);
}

Instance Instance::fresh() const {
  if (faults::active(faults::Fault::reset_keeps_state)) return *this;  // self-test only
  Instance out(*origin_);
  out.origin_ = origin_;
  return out;
}

Instance Instance::fresh_for_key(const std::string& secret_key) const {
  Instance out(*origin_);
  out.info_.secret_key = secret_key;
  out.origin_ = std::make_shared<const Instance>(out);
  return out;
}

bool Instance::same_state(const Instance& o) const {
  return info_ == o.info_ && settings_ == o.settings_ && clock_.now_ms() == o.clock_.now_ms() &&
         clock_.mode() == o.clock_.mode() && ids_.counter() == o.ids_.counter() && permissions_ == o.permissions_ &&
         roles_ == o.roles_ && role_sets_ == o.role_sets_ && users_ == o.users_ &&
         organizations_ == o.organizations_ && memberships_ == o.memberships_ && invitations_ == o.invitations_ &&
         sessions_ == o.sessions_ && endpoints_ == o.endpoints_ && billing_ == o.billing_ &&
         features_ == o.features_ && plans_ == o.plans_ && subscriptions_ == o.subscriptions_ && items_ == o.items_ &&
         domains_ == o.domains_ && suggestions_ == o.suggestions_ && connections_ == o.connections_ &&
         accounts_ == o.accounts_;
}

namespace {
template <class T, class Map>
std::vector<T> in_insertion_order(const Map& map) {
  std::vector<T> out;
  for (const auto& [key, value] : map) out.push_back(value);
  std::sort(out.begin(), out.end(), [](const T& a, const T& b) { return a.seq < b.seq; });
  return out;
}
}  // namespace

InstanceState Instance::snapshot() const {
  InstanceState s;
  s.info = info_;
  s.settings = settings_;
  s.permissions = in_insertion_order<Permission>(permissions_);
  s.roles = in_insertion_order<Role>(roles_);
  s.role_sets = in_insertion_order<RoleSet>(role_sets_);
  s.users = in_insertion_order<User>(users_);
  s.organizations = in_insertion_order<Organization>(organizations_);
  s.memberships = in_insertion_order<Membership>(memberships_);
  s.invitations = in_insertion_order<Invitation>(invitations_);
  s.sessions = in_insertion_order<Session>(sessions_);
  s.webhook_endpoints = endpoints_;
  s.billing = billing_snapshot();
  s.sso = sso_snapshot();
  s.seed = ids_.seed();
  s.id_counter = ids_.counter();
  s.clock_ms = clock_.now_ms();
  return s;
}

std::vector<DomainEvent> Instance::take_events() {
  std::vector<DomainEvent> out;
  out.swap(events_);
  return out;
}

// --- roles

const Role* Instance::find_role(const std::string& key) const {
  for (const auto& [id, r] : roles_)
    if (r.key == key) return &r;
  return nullptr;
}

}  // namespace clerksim

#include <algorithm>

#include "core/faults.hpp"
#include "core/text.hpp"
#include "domain/instance.hpp"
#include "domain/listing.hpp"
#include "domain/people.hpp"

namespace clerksim {

std::vector<const Membership*> Instance::members_of(const std::string& org_id) const {
  std::vector<const Membership*> out;
  for (auto it = memberships_.lower_bound(MembershipKey{org_id, ""});
       it != memberships_.end() && it->first.first == org_id; ++it)
    out.push_back(&it->second);
  return out;
}

// A scan of every membership: an index by user would cost about 150 bytes a membership
// (see the README's Performance section).
std::vector<std::string> Instance::organizations_of(const std::string& user_id) const {
  std::vector<std::string> out;
  for (const auto& [key, m] : memberships_)
    if (key.second == user_id) out.push_back(key.first);
  return out;
}

const Membership* Instance::find_membership(const std::string& org_id, const std::string& user_id) const {
  auto it = memberships_.find(MembershipKey{org_id, user_id});
  return it == memberships_.end() ? nullptr : &it->second;
}

Membership& Instance::membership_ref(const std::string& org_id, const std::string& user_id) {
  Membership* m = memberships_.find_mut(MembershipKey{org_id, user_id});
  if (!m)
    throw ClerkError(404, "resource_not_found", "not found",
                     "User '" + user_id + "' is not a member of organization '" + org_id + "'.");
  return *m;
}

// Clerk keeps at least one member able to manage members while the organization
// has members: demoting or removing the last such member is refused. Removing the
// very last member is allowed and leaves an empty organization.
void Instance::require_membership_manager_remains(const Membership& m, const std::string* new_role) const {
  if (!role_grants(m.role, kManageMembersPermission)) return;
  if (new_role && role_grants(*new_role, kManageMembersPermission)) return;
  auto members = members_of(m.organization_id);
  bool others = false;
  for (const Membership* other : members) {
    if (other->user_id == m.user_id) continue;
    others = true;
    if (role_grants(other->role, kManageMembersPermission)) return;
  }
  if (!new_role && !others) return;
  throw ClerkError(400, "organization_minimum_permissions_needed", "minimum organization permissions needed",
                   "The organization needs at least one member who can manage members (" +
                       std::string(kManageMembersPermission) + "); this change would leave none.");
}

const Membership& Instance::add_membership(const std::string& org_id, const std::string& user_id,
                                           const std::string& role, const MetadataPatch& metadata) {
  const Organization& org = get_organization(org_id);
  get_user(user_id);
  require_role_in_set(org, role);
  require_metadata_objects(metadata);
  int64_t seats = members_count(org.id) + pending_invitations_count(org.id);
  if (faults::active(faults::Fault::seat_cap_off_by_one)) --seats;
  int64_t limit = member_limit(org);
  if (limit > 0 && seats + 1 > limit)
    throw ClerkError(403, "organization_membership_quota_exceeded", "organization membership quota exceeded",
                     "The organization allows " + std::to_string(limit) +
                         " memberships, counting pending invitations, and has no seat left.");
  if (memberships_.count(MembershipKey{org.id, user_id}))
    throw ClerkError(400, "already_a_member_in_organization", "already a member",
                     "User '" + user_id + "' already belongs to this organization.");

  int64_t now = clock_.now_ms();
  Membership m;
  m.id = ids_.next("orgmem");
  m.seq = next_seq();
  m.organization_id = org.id;
  m.user_id = user_id;
  m.role = role;
  m.public_metadata = metadata.public_metadata.value_or(Json::object());
  m.private_metadata = metadata.private_metadata.value_or(Json::object());
  m.created_at = m.updated_at = now;
  emit(DomainEvent("organizationMembership.created", "organization_membership", m.id, org.id, user_id));
  return insert_membership(std::move(m));
}

const Membership& Instance::update_membership_role(const std::string& org_id, const std::string& user_id,
                                                   const std::string& role) {
  const Organization& org = get_organization(org_id);
  Membership& m = membership_ref(org.id, user_id);
  require_role_in_set(org, role);
  if (m.role == role) return m;
  require_membership_manager_remains(m, &role);
  m.role = role;
  m.updated_at = clock_.now_ms();
  emit(DomainEvent("organizationMembership.updated", "organization_membership", m.id, org.id, user_id));
  return m;
}

const Membership& Instance::merge_membership_metadata(const std::string& org_id, const std::string& user_id,
                                                      const MetadataPatch& patch) {
  const Organization& org = get_organization(org_id);
  Membership& m = membership_ref(org.id, user_id);
  require_metadata_objects(patch);
  if (patch.public_metadata) m.public_metadata = merge_metadata(m.public_metadata, *patch.public_metadata);
  if (patch.private_metadata) m.private_metadata = merge_metadata(m.private_metadata, *patch.private_metadata);
  m.updated_at = clock_.now_ms();
  emit(DomainEvent("organizationMembership.updated", "organization_membership", m.id, org.id, user_id));
  return m;
}

Membership Instance::remove_membership(const std::string& org_id, const std::string& user_id) {
  const Organization& org = get_organization(org_id);
  Membership removed = membership_ref(org.id, user_id);
  require_membership_manager_remains(removed, nullptr);
  erase_membership(MembershipKey{org.id, user_id});
  clear_active_organization(org.id, user_id);
  // The payload is the whole membership, rendered from this copy.
  DomainEvent e("organizationMembership.deleted", "organization_membership", removed.id, org.id, user_id);
  e.membership = removed;
  emit(std::move(e));
  return removed;
}

namespace {

const std::vector<std::string>& membership_order_fields() {
  static const std::vector<std::string> fields = {"phone_number", "email_address", "created_at",
                                                  "first_name",   "last_name",     "username"};
  return fields;
}

// Members sort by the membership's own created_at, or by a field of the member.
SortValue membership_sort_value(const Instance& inst, const Membership& m, const std::string& field) {
  if (field == "created_at") return m.created_at;
  return user_sort_value(inst.get_user(m.user_id), field);
}


}  // namespace

const Membership& Instance::insert_membership(Membership m) {
  MembershipKey key{m.organization_id, m.user_id};
  auto [stored, inserted] = memberships_.insert(key, std::move(m));
  if (inserted) member_order_[key.first].insert({stored->created_at, stored->seq, key.second});
  return *stored;
}

void Instance::erase_membership(const MembershipKey& key) {
  const Membership* m = memberships_.get(key);
  if (!m) return;
  if (auto* order = member_order_.find_mut(key.first)) {
    order->erase(std::make_tuple(m->created_at, m->seq, m->user_id));
    if (order->empty()) member_order_.erase(key.first);
  }
  memberships_.erase(key);
}

Page<Membership> Instance::list_memberships(const std::string& org_id, const MembershipQuery& q,
                                            const ListWindow& w) const {
  const Organization& org = get_organization(org_id);
  OrderBy order = parse_order_by(w.order_by, "-created_at", membership_order_fields());
  bool unfiltered = q.user_id.empty() && q.role.empty() && q.email_address.empty() && q.phone_number.empty() &&
                    q.username.empty() && !q.query && !q.email_address_query && !q.phone_number_query &&
                    !q.username_query && !q.name_query && !q.created_at_before && !q.created_at_after &&
                    !q.last_active_at_before && !q.last_active_at_after;
  if (unfiltered && order.field == "created_at") {
    // The same page the sort below gives: created_at, ties by insertion order, both
    // reversed for descending; only the requested window is visited.
    Page<Membership> page;
    const auto* members = member_order_.get(org.id);
    if (!members) return page;
    page.total_count = static_cast<int64_t>(members->size());
    auto take = [&](auto first, auto last) {
      for (int64_t skip = w.offset; skip > 0 && first != last; --skip) ++first;
      for (; first != last && static_cast<int64_t>(page.items.size()) < w.limit; ++first)
        page.items.push_back(&memberships_.at(MembershipKey{org.id, std::get<2>(*first)}));
    };
    if (order.descending)
      take(members->rbegin(), members->rend());
    else
      take(members->begin(), members->end());
    return page;
  }
  std::vector<const Membership*> items;
  for (const Membership* m : members_of(org.id)) {
    const User& u = get_user(m->user_id);
    if (!q.user_id.matches(m->user_id)) continue;
    if (!q.role.empty() && std::find(q.role.begin(), q.role.end(), m->role) == q.role.end()) continue;
    if (!user_matches_person_filters(u, q.email_address, q.phone_number, q.username, q.query, q.email_address_query,
                                     q.phone_number_query, q.username_query, q.name_query))
      continue;
    if (!within(u.created_at, q.created_at_before, q.created_at_after)) continue;
    if (!within(u.last_active_at, q.last_active_at_before, q.last_active_at_after)) continue;
    items.push_back(m);
  }
  order_items(items, order, [&](const Membership& m, const std::string& f) { return membership_sort_value(*this, m, f); });
  return paginate(items, w.limit, w.offset);
}

Page<Membership> Instance::list_all_memberships(const ListWindow& w) const {
  OrderBy order = parse_order_by(w.order_by, "-created_at", membership_order_fields());
  std::vector<const Membership*> items;
  for (const auto& [key, m] : memberships_) items.push_back(&m);
  order_items(items, order, [&](const Membership& m, const std::string& f) { return membership_sort_value(*this, m, f); });
  return paginate(items, w.limit, w.offset);
}

Page<Membership> Instance::list_user_memberships(const std::string& user_id, const ListWindow& w) const {
  get_user(user_id);
  std::vector<const Membership*> items;
  for (const auto& org_id : organizations_of(user_id)) items.push_back(memberships_.get(MembershipKey{org_id, user_id}));
  order_items(items, OrderBy{"created_at", true}, [](const Membership& m, const std::string&) -> SortValue {
    return m.created_at;
  });
  return paginate(items, w.limit, w.offset);
}

}  // namespace clerksim

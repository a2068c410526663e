// Organization invitations: creation with Clerk's checks, expiry on the instance
// clock, revocation, and the acceptance a browser would perform.
#include <algorithm>
#include <regex>
#include <set>

#include "core/text.hpp"
#include "domain/instance.hpp"
#include "domain/listing.hpp"
#include "domain/rules.hpp"

namespace clerksim {

namespace {

constexpr int64_t kDayMs = 24LL * 60 * 60 * 1000;
constexpr size_t kBulkLimit = 10;

bool valid_url(const std::string& s) {
  static const std::regex re(R"(^[a-zA-Z][a-zA-Z0-9+.-]*://[^\s/?#]+[^\s]*$)");
  return std::regex_match(s, re);
}

DomainEvent invitation_event(const std::string& type, const Invitation& inv) {
  return DomainEvent(type, "organization_invitation", inv.id, inv.organization_id, inv.user_id);
}

}  // namespace

std::string Instance::invitation_status(const Invitation& inv) const {
  if (inv.status == "pending" && clock_.now_ms() >= inv.expires_at) return "expired";
  return inv.status;
}

// The ticket in an invitation's link names the invitation; clerk-sim needs no secret in it.
std::string Instance::invitation_ticket(const std::string& invitation_id) { return "ticket_" + invitation_id; }

std::optional<std::string> Instance::invitation_from_ticket(const std::string& ticket) {
  if (!starts_with(ticket, "ticket_")) return std::nullopt;
  return ticket.substr(7);
}

int64_t Instance::pending_invitations_count(const std::string& org_id) const {
  return std::count_if(invitations_.begin(), invitations_.end(), [&](const auto& kv) {
    return kv.second.organization_id == org_id && !kv.second.organization_domain_id &&
           invitation_status(kv.second) == "pending";
  });
}

// An inviter or revoker, when named, must be a member who may manage members.
void Instance::require_member_manager(const Organization& org, const std::string& user_id) const {
  auto m = memberships_.find(MembershipKey{org.id, user_id});
  if (m == memberships_.end())
    throw ClerkError(403, "not_a_member_in_organization", "not a member",
                     "User '" + user_id + "' is not a member of organization '" + org.id + "'.");
  if (!role_grants(m->second.role, kManageMembersPermission))
    throw ClerkError(403, "missing_organization_permission", "missing permission",
                     "User '" + user_id + "' lacks " + std::string(kManageMembersPermission) + " in this organization.",
                     {{"permissions", Json::array({kManageMembersPermission})}});
}

std::vector<const Invitation*> Instance::create_invitations(const std::string& org_id,
                                                            const std::vector<NewInvitation>& in, bool bulk) {
  const Organization& org = get_organization(org_id);
  // --- validate every item first: all or nothing
  std::vector<std::string> emails;
  for (const auto& item : in) {
    std::string email = to_lower(trim(item.email_address));
    if (!valid_email(email))
      throw ClerkError::param_format("email_address", "'" + item.email_address + "' is not a valid email address.");
    if (item.redirect_url && !valid_url(*item.redirect_url))
      throw ClerkError::param_type("redirect_url", "an absolute URL");
    if (item.expires_in_days && (*item.expires_in_days < 1 || *item.expires_in_days > 365))
      throw ClerkError::param_value("expires_in_days", "expires_in_days must be between 1 and 365.");
    require_metadata_objects(item.metadata);
    require_role_in_set(org, item.role);
    emails.push_back(email);
  }
  for (const auto& item : in)
    if (item.inviter_user_id) require_member_manager(org, *item.inviter_user_id);
  if (bulk && in.size() > kBulkLimit)
    throw ClerkError(400, "bulk_size_exceeded", "bulk size exceeded",
                     "A bulk request takes at most " + std::to_string(kBulkLimit) + " invitations; this one has " +
                         std::to_string(in.size()) + ".");
  int64_t seats = members_count(org.id) + pending_invitations_count(org.id);
  int64_t limit = member_limit(org);
  if (limit > 0 && seats + static_cast<int64_t>(in.size()) > limit)
    throw ClerkError(403, "organization_membership_quota_exceeded", "organization membership quota exceeded",
                     "The organization allows " + std::to_string(limit) +
                         " memberships, counting pending invitations, and has no room for " +
                         std::to_string(in.size()) + " more.");
  std::set<std::string> seen;
  for (const auto& email : emails) {
    for (const Membership* m : members_of(org.id))
      for (const auto& e : get_user(m->user_id).email_addresses)
        if (e.email_address == email && !e.reserved)
          throw ClerkError(400, "already_a_member_in_organization", "already a member",
                           email + " belongs to a member of this organization already.",
                           {{"param_name", "email_address"}});
    bool pending = std::any_of(invitations_.begin(), invitations_.end(), [&](const auto& kv) {
      return kv.second.organization_id == org.id && kv.second.email_address == email &&
             invitation_status(kv.second) == "pending";
    });
    if (pending || !seen.insert(email).second)
      throw ClerkError(400, "organization_invitation_not_unique", "organization invitation not unique",
                       "There is already a pending invitation for " + email + " in this organization.",
                       {{"param_name", "email_address"}});
  }
  // --- commit
  int64_t now = clock_.now_ms();
  std::vector<const Invitation*> out;
  for (size_t i = 0; i < in.size(); ++i) {
    Invitation inv;
    inv.id = ids_.next("orginv");
    inv.seq = next_seq();
    inv.organization_id = org.id;
    inv.email_address = emails[i];
    inv.role = in[i].role;
    inv.inviter_id = in[i].inviter_user_id;
    inv.public_metadata = in[i].metadata.public_metadata.value_or(Json::object());
    inv.private_metadata = in[i].metadata.private_metadata.value_or(Json::object());
    inv.redirect_url = in[i].redirect_url;
    inv.expires_at = now + in[i].expires_in_days.value_or(30) * kDayMs;
    inv.created_at = inv.updated_at = now;
    const Invitation& stored = *invitations_.insert(inv.id, std::move(inv)).first;
    emit(invitation_event("organizationInvitation.created", stored));
    out.push_back(&stored);
  }
  return out;
}

const Invitation* Instance::find_invitation(const std::string& invitation_id) const {
  return invitations_.get(invitation_id);
}

const Invitation& Instance::get_invitation(const std::string& org_id, const std::string& invitation_id) const {
  const Organization& org = get_organization(org_id);
  const Invitation* inv = find_invitation(invitation_id);
  if (!inv || inv->organization_id != org.id) throw ClerkError::not_found("invitation", invitation_id);
  return *inv;
}

namespace {

void require_known_statuses(const InvitationQuery& q) {
  static const std::vector<std::string> all = {"pending", "accepted", "revoked", "expired"};
  for (const auto& s : q.status)
    if (std::find(all.begin(), all.end(), s) == all.end())
      throw ClerkError::param_value("status", "'" + s + "' is not one of pending, accepted, revoked, expired.");
}

}  // namespace

bool Instance::status_wanted(const InvitationQuery& q, const Invitation& inv) const {
  return q.status.empty() || std::find(q.status.begin(), q.status.end(), invitation_status(inv)) != q.status.end();
}

Page<Invitation> Instance::list_invitations(const std::string& org_id, const InvitationQuery& q,
                                            const ListWindow& w) const {
  const Organization& org = get_organization(org_id);
  std::vector<const Invitation*> items;
  OrderBy order = parse_order_by(w.order_by, "-created_at", {"created_at", "email_address"});
  require_known_statuses(q);
  for (const auto& [id, inv] : invitations_) {
    if (inv.organization_id != org.id || inv.organization_domain_id) continue;
    if (!status_wanted(q, inv)) continue;
    if (q.email_address && inv.email_address != to_lower(*q.email_address)) continue;
    items.push_back(&inv);
  }
  order_items(items, order, [](const Invitation& i, const std::string& field) -> SortValue {
    if (field == "email_address") return i.email_address;
    return i.created_at;
  });
  return paginate(items, w.limit, w.offset);
}

Page<Invitation> Instance::list_all_invitations(const InvitationQuery& q, const ListWindow& w) const {
  OrderBy order = parse_order_by(w.order_by, "-created_at", {"created_at", "email_address"});
  require_known_statuses(q);
  std::vector<const Invitation*> items;
  for (const auto& [id, inv] : invitations_) {
    if (!status_wanted(q, inv)) continue;
    if (q.query && !q.query->empty() && !contains_ci(inv.email_address, *q.query)) continue;
    items.push_back(&inv);
  }
  order_items(items, order, [](const Invitation& i, const std::string& field) -> SortValue {
    if (field == "email_address") return i.email_address;
    return i.created_at;
  });
  return paginate(items, w.limit, w.offset);
}

// A user's invitations: those addressed to one of their verified addresses, and
// those they accepted.
Page<Invitation> Instance::list_user_invitations(const std::string& user_id, const InvitationQuery& q,
                                                 const ListWindow& w) const {
  const User& u = get_user(user_id);
  require_known_statuses(q);
  std::vector<const Invitation*> items;
  for (const auto& [id, inv] : invitations_) {
    bool mine = inv.user_id == u.id || std::any_of(u.email_addresses.begin(), u.email_addresses.end(), [&](const auto& e) {
                  return !e.reserved && e.email_address == inv.email_address;
                });
    if (!mine) continue;
    if (!status_wanted(q, inv)) continue;
    items.push_back(&inv);
  }
  order_items(items, OrderBy{"created_at", true},
              [](const Invitation& i, const std::string&) -> SortValue { return i.created_at; });
  return paginate(items, w.limit, w.offset);
}

const Invitation& Instance::revoke_invitation(const std::string& org_id, const std::string& invitation_id,
                                              const std::optional<std::string>& requesting_user_id) {
  const Organization& org = get_organization(org_id);
  if (requesting_user_id) require_member_manager(org, *requesting_user_id);
  const Invitation* found = invitations_.get(invitation_id);
  if (!found || found->organization_id != org.id || invitation_status(*found) != "pending")
    throw ClerkError(404, "organization_invitation_not_pending", "not pending",
                     "Invitation '" + invitation_id + "' is not a pending invitation of this organization.");
  Invitation& inv = invitations_.mut(invitation_id);
  inv.status = "revoked";
  inv.updated_at = clock_.now_ms();
  emit(invitation_event("organizationInvitation.revoked", inv));
  return inv;
}

Acceptance Instance::accept_invitation(const std::string& invitation_id, const std::optional<std::string>& user_id) {
  Invitation* found = invitations_.find_mut(invitation_id);
  if (!found) throw ClerkError::not_found("invitation", invitation_id);
  Invitation& inv = *found;
  std::string status = invitation_status(inv);
  if (status == "accepted")
    throw ClerkError(400, "organization_invitation_already_accepted", "invitation has already been accepted",
                     "Invitation '" + inv.id + "' was accepted already.");
  if (status == "revoked")
    throw ClerkError(400, "organization_invitation_revoked_code", "invitation has been revoked",
                     "Invitation '" + inv.id + "' was revoked and cannot be used.");
  if (status == "expired")
    throw ClerkError(404, "organization_invitation_not_pending", "not pending",
                     "Invitation '" + inv.id + "' expired at " + std::to_string(inv.expires_at) + ".");
  const Organization& org = get_organization(inv.organization_id);
  // The invitee: the user named, else the owner of the invited address, else a new sign-up.
  const User* user = nullptr;
  if (user_id) {
    user = &get_user(*user_id);
  } else {
    for (const auto& [uid, u] : users_)
      for (const auto& e : u.email_addresses)
        if (e.email_address == inv.email_address) user = &u;
  }
  // Someone who joined meanwhile keeps their membership; the invitation is used up.
  const Membership* existing = user ? find_membership(org.id, user->id) : nullptr;
  if (existing) {
    inv.status = "accepted";
    inv.user_id = user->id;
    inv.updated_at = clock_.now_ms();
    emit(invitation_event("organizationInvitation.accepted", inv));
    return {&inv, existing, user};
  }
  require_role_in_set(org, inv.role);
  // The invitation already holds its seat (unless a domain made it); the cap may have been lowered since.
  if (int64_t limit = member_limit(org);
      limit > 0 && members_count(org.id) + pending_invitations_count(org.id) + (inv.organization_domain_id ? 1 : 0) >
                       limit)
    throw ClerkError(403, "organization_membership_quota_exceeded", "organization membership quota exceeded",
                     "The organization is over its cap of " + std::to_string(limit) +
                         " memberships; it cannot take this member.");
  // --- commit
  if (!user) {
    NewUser sign_up;
    sign_up.email_addresses = {inv.email_address};
    user = &create_user(sign_up);
  }
  int64_t now = clock_.now_ms();
  Membership m;
  m.id = ids_.next("orgmem");
  m.seq = next_seq();
  m.organization_id = org.id;
  m.user_id = user->id;
  m.role = inv.role;
  m.public_metadata = inv.public_metadata;
  m.private_metadata = inv.private_metadata;
  m.created_at = m.updated_at = now;
  const Membership& stored = insert_membership(std::move(m));
  inv.status = "accepted";
  inv.user_id = user->id;
  inv.updated_at = now;
  emit(DomainEvent("organizationMembership.created", "organization_membership", stored.id, org.id, user->id));
  emit(invitation_event("organizationInvitation.accepted", inv));
  return {&inv, &stored, user};
}

}  // namespace clerksim

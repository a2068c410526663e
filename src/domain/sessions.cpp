// Sessions, the active organization, session tasks and what a token says.
#include <algorithm>
#include <set>

#include "core/faults.hpp"
#include "core/text.hpp"
#include "domain/instance.hpp"
#include "domain/listing.hpp"

namespace clerksim {

namespace {
constexpr int64_t kDayMs = 24LL * 60 * 60 * 1000;
constexpr int64_t kSessionLifetimeMs = 7 * kDayMs;   // Clerk's default maximum session lifetime
constexpr int64_t kSessionAbandonMs = 30 * kDayMs;   // and inactivity timeout
}  // namespace

Session& Instance::session_ref(const std::string& id) {
  Session* s = sessions_.find_mut(id);
  if (!s) throw ClerkError::not_found("session", id);
  return *s;
}

const Session& Instance::get_session(const std::string& id) const {
  const Session* s = sessions_.get(id);
  if (!s) throw ClerkError::not_found("session", id);
  return *s;
}

std::string Instance::session_status(const Session& s) const {
  if (s.status != "active") return s.status;
  if (clock_.now_ms() >= s.expire_at) return "expired";
  if (!session_tasks(s).empty()) return "pending";
  return "active";
}

// With membership required (force_organization_selection), a signed-in user must
// pick an organization before the session counts as signed in.
std::vector<std::string> Instance::session_tasks(const Session& s) const {
  if (s.status == "active" && clock_.now_ms() < s.expire_at && settings_.enabled &&
      settings_.force_organization_selection && !s.last_active_organization_id)
    return {"choose-organization"};
  return {};
}

namespace {
ClerkError not_a_member(const std::string& user_id, const std::string& org_id) {
  return {403, "not_a_member_in_organization", "not a member",
          "User '" + user_id + "' is not a member of organization '" + org_id + "'.",
          {{"param_name", "organization_id"}}};
}
}  // namespace

const Session& Instance::create_session(const std::string& user_id, const std::optional<std::string>& active_org) {
  get_user(user_id);
  std::optional<std::string> org_id;
  if (active_org) {
    const Organization& org = get_organization(*active_org);
    if (!memberships_.count(MembershipKey{org.id, user_id})) throw not_a_member(user_id, org.id);
    org_id = org.id;
  }
  int64_t now = clock_.now_ms();
  Session s;
  s.id = ids_.next("sess");
  s.seq = next_seq();
  s.user_id = user_id;
  s.client_id = ids_.next("client");
  s.last_active_organization_id = org_id;
  s.last_active_at = s.created_at = s.updated_at = now;
  s.expire_at = now + kSessionLifetimeMs;
  s.abandon_at = now + kSessionAbandonMs;
  User& u = user_ref(user_id);
  u.last_sign_in_at = now;
  u.last_active_at = now;
  emit(DomainEvent("session.created", "session", s.id, std::nullopt, user_id));
  const Session& stored = *sessions_.insert(s.id, std::move(s)).first;
  // Signed in, with a task still to finish (e.g. choosing an organization).
  if (!session_tasks(stored).empty()) emit(DomainEvent("session.pending", "session", stored.id, std::nullopt, user_id));
  return stored;
}

Page<Session> Instance::list_sessions(const SessionQuery& q, const ListWindow& w) const {
  if (!q.user_id && !q.client_id)
    throw ClerkError(400, "missing_query_parameter", "missing query parameter",
                     "Give user_id or client_id to list sessions.", {{"param_name", "user_id"}});
  static const std::vector<std::string> statuses = {"abandoned", "active", "ended",  "expired",
                                                    "removed",   "replaced", "revoked", "pending"};
  if (q.status && std::find(statuses.begin(), statuses.end(), *q.status) == statuses.end())
    throw ClerkError::param_value("status", "'" + *q.status + "' is not a session status.");
  std::vector<const Session*> items;
  for (const auto& [id, s] : sessions_) {
    if (q.user_id && s.user_id != *q.user_id) continue;
    if (q.client_id && s.client_id != *q.client_id) continue;
    if (q.status) {
      std::string status = session_status(s);
      // A pending session is an active one with a task to finish.
      if (status != *q.status && !(*q.status == "active" && status == "pending")) continue;
    }
    items.push_back(&s);
  }
  order_items(items, OrderBy{"created_at", true},
              [](const Session& s, const std::string&) -> SortValue { return s.created_at; });
  return paginate(items, w.limit, w.offset);
}

const Session& Instance::revoke_session(const std::string& id) {
  Session& s = session_ref(id);
  if (s.status == "active") {
    s.status = "revoked";
    s.updated_at = clock_.now_ms();
    emit(DomainEvent("session.revoked", "session", s.id, std::nullopt, s.user_id));
  }
  return s;
}

namespace {
// A signed-in session (active, or pending a task) moves to a final status.
bool finish_session(Session& s, const std::string& live_status, const std::string& status, int64_t now) {
  if (s.status != "active" || (live_status != "active" && live_status != "pending")) return false;
  s.status = status;
  s.updated_at = now;
  return true;
}
}  // namespace

const Session& Instance::end_session(const std::string& id) {
  Session& s = session_ref(id);
  if (finish_session(s, session_status(s), "ended", clock_.now_ms()))
    emit(DomainEvent("session.ended", "session", s.id, std::nullopt, s.user_id));
  return s;
}

const Session& Instance::remove_session(const std::string& id) {
  Session& s = session_ref(id);
  if (finish_session(s, session_status(s), "removed", clock_.now_ms()))
    emit(DomainEvent("session.removed", "session", s.id, std::nullopt, s.user_id));
  return s;
}

const Session& Instance::set_active_organization(const std::string& session_id,
                                                 const std::optional<std::string>& org) {
  Session& s = session_ref(session_id);
  std::optional<std::string> org_id;
  if (org) {
    const Organization& o = get_organization(*org);
    if (!memberships_.count(MembershipKey{o.id, s.user_id})) throw not_a_member(s.user_id, o.id);
    org_id = o.id;
  }
  if (session_status(s) != "active" && session_status(s) != "pending")
    throw ClerkError(400, "session_not_active", "session is not active",
                     "Session '" + s.id + "' is " + session_status(s) + "; only a signed-in session can switch.");
  int64_t now = clock_.now_ms();
  s.last_active_organization_id = org_id;
  s.last_active_at = s.updated_at = now;
  return s;
}

void Instance::clear_active_organization(const std::string& org_id, const std::optional<std::string>& user_id) {
  int64_t now = clock_.now_ms();
  sessions_.update_if(
      [&](const std::string&, const Session& s) {
        return s.last_active_organization_id == org_id && (!user_id || s.user_id == *user_id);
      },
      [&](Session& s) {
        s.last_active_organization_id.reset();
        s.updated_at = now;
      });
}

SessionClaims Instance::session_claims(const std::string& session_id) const {
  const Session& s = get_session(session_id);
  std::string status = session_status(s);
  if (status != "active" && status != "pending")
    throw ClerkError(404, "resource_not_found", "not found",
                     "Session '" + s.id + "' is " + status + " and cannot issue tokens.");
  SessionClaims c;
  c.user_id = s.user_id;
  c.session_id = s.id;
  c.status = status;
  c.first_factor_age_minutes = (clock_.now_ms() - s.created_at) / 60000;
  if (status == "active" && s.last_active_organization_id) {
    const Organization& org = get_organization(*s.last_active_organization_id);
    auto m = memberships_.find(MembershipKey{org.id, s.user_id});
    if (m != memberships_.end()) {
      OrgClaims o{org.id, org.slug, m->second.role, {}};
      std::set<std::string> features;
      for (const auto& key : role_permissions(m->second.role)) {
        // System permissions never reach a token.
        if (starts_with(key, "org:sys_") && !faults::active(faults::Fault::system_permission_in_token)) continue;
        o.permissions.push_back(key);
        auto first = key.find(':'), second = key.find(':', first + 1);
        if (second != std::string::npos) features.insert(key.substr(first + 1, second - first - 1));
      }
      c.org_features.assign(features.begin(), features.end());
      c.org = o;
    }
  }
  apply_billing_claims(c);
  return c;
}

}  // namespace clerksim

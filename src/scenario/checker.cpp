#include "scenario/checker.hpp"

#include <rapidcheck.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>
#include <set>

#include "control/control.hpp"
#include "core/faults.hpp"
#include "domain/rules.hpp"
#include "domain/tenancy.hpp"
#include "router/router.hpp"
#include "wire/billing.hpp"
#include "wire/fixture.hpp"
#include "wire/sso.hpp"

namespace clerksim::scenario {

namespace {

// One generated operation. The integers pick entities and values; the meaning of
// each is decided when the operation runs, so shrinking keeps sequences valid.
struct Op {
  int kind = 0;
  int a = 0, b = 0, c = 0;
};

enum Kind {
  kCreateUser, kDeleteUser, kCreateOrg, kDeleteOrg, kAddMember, kChangeRole, kRemoveMember, kInvite, kRevoke,
  kAccept, kAdvanceClock, kMergeMetadata, kReplaceMetadata, kCreateCustomRole, kCreateSession, kSwitchOrg,
  kMintToken, kAuthorize, kSubscribe, kBillingSwitch, kKindCount
};

const char* kind_name(int k) {
  static const char* names[] = {"create_user", "delete_user", "create_org", "delete_org", "add_member",
                                "change_role", "remove_member", "invite", "revoke", "accept", "advance_clock",
                                "merge_metadata", "replace_metadata", "create_custom_role", "create_session",
                                "switch_org", "mint_token", "authorize", "subscribe", "billing_switch"};
  return names[k];
}

// A recorded step of the scenario a failure becomes.
struct Recorded {
  Json step;
};

struct Violation {
  std::string message;
  Json step;  // the step (with its expectation) that shows it
};

// The reference model: what Clerk's rules imply, kept beside the instance.
struct Model {
  struct Token {
    std::string jwt, session, org_id, org_slug, role;
    std::set<std::string> permissions;  // custom permissions of the role at mint time
    std::string var;                    // the name the scenario saves it under
  };
  std::vector<std::string> users, orgs, sessions, roles = {"org:admin", "org:member"};
  std::map<std::string, std::string> invitation_org;  // invitation -> organization
  std::vector<std::string> invitations;
  std::map<std::string, std::string> invitation_status;
  std::map<std::string, Json> public_metadata;            // organization -> what it must be
  std::map<std::string, std::set<std::string>> role_custom_permissions;
  std::vector<Token> tokens;
  // Deleting a user is never refused, so it may leave an organization without anyone
  // who can manage members; Clerk then flags it (missing_member_with_elevated_permissions).
  std::set<std::string> may_lack_manager;
  std::set<std::string> managed;  // organizations that had a member manager at the last check
  // Billing: whether it is on for organizations, the features of each organization's
  // plan, and the features and plans created so far.
  bool billing_on = false;
  std::map<std::string, std::set<std::string>> org_features;
  std::set<std::string> billing_features, billing_plans;
  int counter = 0;

  // The custom permissions a role gives a member of `org` in tokens and memberships:
  // with billing on, only those whose feature ("org:<feature>:<action>") the plan holds.
  std::set<std::string> granted(const std::string& org, const std::set<std::string>& role_permissions) const {
    if (!billing_on) return role_permissions;
    std::set<std::string> out;
    auto features = org_features.find(org);
    for (const auto& key : role_permissions) {
      auto first = key.find(':'), second = key.find(':', first + 1);
      std::string feature = key.substr(first + 1, second - first - 1);
      if (features != org_features.end() && features->second.count(feature)) out.insert(key);
    }
    return out;
  }
};

// One run of a sequence against a fresh instance. The checking run proves every
// invariant after every operation; the replaying run only performs the operations,
// so the two can be compared response for response.
class Run {
 public:
  Run(const InstanceState& fixture, bool checking)
      : tenancy_(fixture, ClockMode::frozen, TenancyMode::fixed), dispatcher_(tenancy_), checking_(checking),
        fixture_info_(fixture.info), fixture_endpoints_(fixture.webhook_endpoints) {
    key_ = fixture.info.secret_key;
    if (checking_) built_ = inst().snapshot();
    for (const auto& u : fixture.users) model_.users.push_back(u.id);
    for (const auto& o : fixture.organizations) {
      model_.orgs.push_back(o.id);
      model_.public_metadata[o.id] = o.public_metadata;
    }
  }

  // Whatever the operations did, a reset gives back the instance as built, object for
  // object: the live instance shares its unchanged objects with that first version, and
  // no write may reach into what they share. Compared with a deep copy taken at the start.
  bool resets_to_fixture() { return inst().fresh().snapshot() == built_; }
  Json built_state() const { return dump_fixture(built_); }

  std::vector<Json> steps;                // every request made by operations, as scenario steps
  std::vector<std::string> bodies;        // every response body, for the replay comparison
  std::optional<Violation> violation;

  void apply(const Op& op) {
    changed_ = false;
    perform(op);
    // Invariants are a function of the state and the model. When every write of the
    // operation was refused (and proven to have changed nothing), neither moved since
    // the last check, which they passed.
    if (checking_ && !violation && (changed_ || !checked_)) {
      check_invariants();
      checked_ = true;
    }
  }

 private:
  // --- plumbing

  const Instance& inst() { return *tenancy_.find(key_); }
  InstanceState built_;  // the instance as built, deep-copied (checking run only)

  // A request of the scenario; the body of a 200 answer is parsed when `read` says so.
  std::pair<int, Json> call(const std::string& method, const std::string& path, const Json& body = nullptr,
                            std::optional<Json> expect = std::nullopt, bool read = true) {
    Request r;
    r.method = method;
    r.target = path;
    r.headers["Authorization"] = "Bearer " + key_;
    r.headers["Content-Type"] = "application/json";
    if (!body.is_null()) r.body = body.dump();
    const bool write = method != "GET";
    std::optional<Instance> before;
    size_t events_before = 0;
    if (checking_ && write) {
      before.emplace(inst());
      events_before = inst().event_log().size();
    }
    Response res = dispatcher_.handle(r);
    Json parsed = read && res.status == 200 && !res.body.empty() ? Json::parse(res.body) : Json(nullptr);
    // The replaying run's steps are never shown: it keeps a placeholder per request.
    Json step;
    if (checking_) {
      bool control = path.rfind("/__sim", 0) == 0;
      step = {{control ? "control" : "request", {{"method", method}, {"path", path}}}};
      if (!body.is_null()) step[control ? "control" : "request"]["body"] = body;
      step["expect"] = expect ? *expect : Json{{"status", res.status}};
    }
    steps.push_back(step);
    bodies.push_back(std::move(res.body));
    if (res.status < 400) changed_ = true;
    if (checking_ && write && res.status >= 400) {
      // A request that was refused leaves no trace ...
      if (!inst().same_state(*before)) {
        changed_ = true;
        fail("a refused " + method + " " + path + " changed the instance's state", step);
      }
      // ... and sends no webhook.
      if (inst().event_log().size() != events_before)
        fail("a refused " + method + " " + path + " logged an event", step);
    }
    return {res.status, parsed};
  }

  // A request of the scenario whose answer only counts by its status.
  int send(const std::string& method, const std::string& path, const Json& body = nullptr,
           std::optional<Json> expect = std::nullopt) {
    return call(method, path, body, std::move(expect), false).first;
  }

  void fail(const std::string& message, Json step) {
    if (!violation) violation = Violation{message, std::move(step)};
  }

  template <class T>
  static const T* pick(const std::vector<T>& v, int i) {
    return v.empty() ? nullptr : &v[static_cast<size_t>(i) % v.size()];
  }

  // --- operations

  void perform(const Op& op) {
    const int n = ++model_.counter;
    switch (op.kind) {
      case kCreateUser: {
        auto [st, body] = call("POST", "/v1/users", {{"email_address", {"user" + std::to_string(n) + "@check.test"}}});
        if (st == 200) model_.users.push_back(body["id"]);
        break;
      }
      case kDeleteUser: {
        auto u = pick(model_.users, op.a);
        if (!u) break;
        std::string id = *u;
        std::vector<std::string> orgs;  // the user's organizations, before the deletion
        if (inst().find_user(id))
          for (const Membership* m : inst().list_user_memberships(id, ListWindow{500, 0, ""}).items)
            orgs.push_back(m->organization_id);
        if (send("DELETE", "/v1/users/" + id) == 200) {
          model_.users.erase(std::find(model_.users.begin(), model_.users.end(), id));
          model_.may_lack_manager.insert(orgs.begin(), orgs.end());
        }
        break;
      }
      case kCreateOrg: {
        Json body = {{"name", "Org " + std::to_string(n)}, {"max_allowed_memberships", op.b % 4}};
        if (auto u = pick(model_.users, op.a); u && op.c % 2 == 0) body["created_by"] = *u;
        auto [st, res] = call("POST", "/v1/organizations", body);
        if (st == 200) {
          model_.orgs.push_back(res["id"]);
          model_.public_metadata[res["id"]] = Json::object();
        }
        break;
      }
      case kDeleteOrg: {
        auto o = pick(model_.orgs, op.a);
        if (!o) break;
        std::string id = *o;
        if (send("DELETE", "/v1/organizations/" + id) == 200) {
          model_.orgs.erase(std::find(model_.orgs.begin(), model_.orgs.end(), id));
          model_.org_features.erase(id);
        }
        break;
      }
      case kAddMember: {
        auto o = pick(model_.orgs, op.a);
        auto u = pick(model_.users, op.b);
        auto r = pick(model_.roles, op.c);
        if (!o || !u) break;
        // The cap and the seats as GET /v1/organizations/{id}?include_members_count=true shows them.
        const Organization& org = inst().get_organization(*o);
        int64_t cap = inst().member_limit(org),
                seats = inst().members_count(org.id) + inst().pending_invitations_count(org.id);
        bool full = cap > 0 && seats + 1 > cap;
        std::optional<Json> expect;
        if (full) expect = Json{{"status", 403}, {"body", {{"errors", {{{"code", "organization_membership_quota_exceeded"}}}}}}};
        int st = send("POST", "/v1/organizations/" + *o + "/memberships", {{"user_id", *u}, {"role", *r}}, expect);
        if (full && st == 200) fail("a member was added beyond the seat cap of " + std::to_string(cap), steps.back());
        break;
      }
      case kChangeRole: {
        auto o = pick(model_.orgs, op.a);
        auto u = pick(model_.users, op.b);
        auto r = pick(model_.roles, op.c);
        if (o && u) send("PATCH", "/v1/organizations/" + *o + "/memberships/" + *u, {{"role", *r}});
        break;
      }
      case kRemoveMember: {
        auto o = pick(model_.orgs, op.a);
        auto u = pick(model_.users, op.b);
        if (o && u) send("DELETE", "/v1/organizations/" + *o + "/memberships/" + *u);
        break;
      }
      case kInvite: {
        auto o = pick(model_.orgs, op.a);
        auto r = pick(model_.roles, op.c);
        if (!o) break;
        std::string email = "invitee" + std::to_string(op.b % 6) + "@check.test";
        auto [st, res] = call("POST", "/v1/organizations/" + *o + "/invitations", {{"email_address", email}, {"role", *r}});
        if (st == 200) {
          model_.invitations.push_back(res["id"]);
          model_.invitation_org[res["id"]] = *o;
          model_.invitation_status[res["id"]] = "pending";
        }
        break;
      }
      case kRevoke: {
        auto i = pick(model_.invitations, op.a);
        if (i) send("POST", "/v1/organizations/" + model_.invitation_org[*i] + "/invitations/" + *i + "/revoke");
        break;
      }
      case kAccept: {
        auto i = pick(model_.invitations, op.a);
        if (!i) break;
        auto [st, res] = call("POST", "/__sim/invitations/" + *i + "/accept");
        if (st == 200 && std::find(model_.users.begin(), model_.users.end(), res["user"]["id"]) == model_.users.end())
          model_.users.push_back(res["user"]["id"]);
        break;
      }
      case kAdvanceClock:
        send("POST", "/__sim/clock", {{"advance_ms", int64_t{op.a % 40} * 24 * 3600 * 1000}});
        break;
      case kMergeMetadata: {
        auto o = pick(model_.orgs, op.a);
        if (!o) break;
        Json value = op.b % 3 == 0 ? Json(nullptr) : (op.b % 3 == 1 ? Json(op.c) : Json{{"n", op.c}, {"m", nullptr}});
        Json patch = {{"k" + std::to_string(op.a % 3), value}};
        Json expected = model_.public_metadata[*o];
        expected.merge_patch(patch);
        auto [st, res] = call("PATCH", "/v1/organizations/" + *o + "/metadata", {{"public_metadata", patch}},
                              Json{{"status", 200}, {"body", {{"public_metadata", expected}}}});
        if (st == 200) {
          if (res["public_metadata"] != expected)
            return fail("PATCH /metadata gave " + res["public_metadata"].dump() + " where a deep merge gives " +
                            expected.dump(),
                        steps.back());
          model_.public_metadata[*o] = expected;
        }
        break;
      }
      case kReplaceMetadata: {
        auto o = pick(model_.orgs, op.a);
        if (!o) break;
        Json value = {{"k" + std::to_string(op.b % 3), op.c}};
        auto [st, res] = call("PUT", "/v1/organizations/" + *o + "/metadata", {{"public_metadata", value}},
                              Json{{"status", 200}, {"body", {{"public_metadata", value}}}});
        if (st == 200) {
          if (res["public_metadata"] != value)
            return fail("PUT /metadata gave " + res["public_metadata"].dump() + " instead of " + value.dump(),
                        steps.back());
          model_.public_metadata[*o] = value;
        }
        break;
      }
      case kCreateCustomRole: {
        std::string feature = "f" + std::to_string(op.a % 3), action = "act" + std::to_string(op.b % 2);
        std::string perm_key = "org:" + feature + ":" + action;
        std::string perm_id;
        if (const Permission* p = inst().find_permission_by_key(perm_key)) perm_id = p->id;
        if (perm_id.empty()) {
          auto [st, res] = call("POST", "/v1/organization_permissions", {{"name", perm_key}, {"key", perm_key}});
          if (st != 200) break;
          perm_id = res["id"];
        }
        std::string role_key = "org:role" + std::to_string(op.c % 4);
        auto [st, res] = call("POST", "/v1/organization_roles",
                              {{"name", role_key}, {"key", role_key}, {"permissions", {perm_id}},
                               {"include_in_initial_role_set", true}});
        if (st == 200) {
          model_.roles.push_back(role_key);
          model_.role_custom_permissions[role_key] = {perm_key};
        }
        break;
      }
      case kCreateSession: {
        auto u = pick(model_.users, op.a);
        if (!u) break;
        auto [st, res] = call("POST", "/v1/sessions", {{"user_id", *u}});
        if (st == 200) model_.sessions.push_back(res["id"]);
        break;
      }
      case kSwitchOrg: {
        auto s = pick(model_.sessions, op.a);
        auto o = pick(model_.orgs, op.b);
        if (s && o) send("POST", "/__sim/sessions/" + *s + "/active_organization", {{"organization_id", *o}});
        break;
      }
      case kMintToken: {
        auto s = pick(model_.sessions, op.a);
        if (!s) break;
        // The session as GET /v1/sessions/{id} shows it before the token is minted.
        std::string status, org_id, user_id;
        if (const Session* se = find_session(*s)) {
          status = inst().session_status(*se);
          org_id = se->last_active_organization_id.value_or("");
          user_id = se->user_id;
        }
        auto [st, res] = call("POST", "/v1/sessions/" + *s + "/tokens");
        if (st != 200) break;
        Model::Token t{res["jwt"], *s, "", "", "", {}, "token" + std::to_string(model_.tokens.size() + 1)};
        // Replays mint their own token (a recorded one would carry this run's claims).
        steps.back() = {{"token", {{"session", *s}}}, {"save", {{t.var, "."}}}};
        if (status == "active" && !org_id.empty()) {
          t.org_id = org_id;
          t.org_slug = inst().get_organization(t.org_id).slug;
          const Membership* m = inst().find_membership(t.org_id, user_id);
          t.role = m ? m->role : "";
          t.permissions = model_.granted(t.org_id, model_.role_custom_permissions[t.role]);
        }
        model_.tokens.push_back(t);
        break;
      }
      case kAuthorize: {
        auto t = pick(model_.tokens, op.a);
        if (!t) break;
        std::string asked = "org:" + std::string("f") + std::to_string(op.b % 3) + ":act" + std::to_string(op.c % 2);
        bool expected = !t->org_id.empty() && t->permissions.count(asked) > 0;
        Json expect = {{"allowed", expected}};
        auto [st, res] = call("POST", "/__sim/authorize", {{"token", t->jwt}, {"check", {{"permission", asked}}}});
        // A token made for an hour or a day ago has expired; its answers are not about this check.
        if (st != 200) break;
        steps.back() = {{"authorize", {{"token", "${" + t->var + "}"}, {"check", {{"permission", asked}}}}},
                        {"expect", expect}};
        if (res["allowed"] != expected)
          fail("has({permission: '" + asked + "'}) answered " + res["allowed"].dump() + " for a token minted with role '" +
                   t->role + "'",
               steps.back());
        break;
      }
      case kSubscribe: {
        // A plan holding the features f0..f2 picked by the bits of b, created on first use.
        auto o = pick(model_.orgs, op.a);
        if (!o) break;
        int mask = op.b % 8;
        std::vector<std::string> features;
        for (int i = 0; i < 3; ++i)
          if (mask & (1 << i)) features.push_back("f" + std::to_string(i));
        for (const auto& f : features)
          if (!model_.billing_features.count(f) &&
              send("POST", "/__sim/billing/features", {{"slug", f}, {"name", f}}) == 200)
            model_.billing_features.insert(f);
        std::string slug = "p" + std::to_string(mask);
        if (!model_.billing_plans.count(slug) &&
            send("POST", "/__sim/billing/plans",
                 {{"slug", slug}, {"name", slug}, {"for_payer_type", "org"}, {"fee", 1000}, {"features", features}})
                    == 200)
          model_.billing_plans.insert(slug);
        std::optional<Json> expect;
        if (!model_.billing_on) expect = Json{{"status", 403}, {"body", {{"errors", {{{"code", "billing_not_enabled"}}}}}}};
        int st = send("POST", "/__sim/organizations/" + *o + "/billing/subscribe", {{"plan", slug}}, expect);
        if (st == 200) {
          if (!model_.billing_on) return fail("an organization subscribed while billing was off", steps.back());
          model_.org_features[*o] = std::set<std::string>(features.begin(), features.end());
        }
        break;
      }
      case kBillingSwitch: {
        bool on = op.a % 2 == 0;
        if (send("POST", "/__sim/billing/settings", {{"organizations", on}}) == 200) model_.billing_on = on;
        break;
      }
      default:
        break;
    }
  }

  // --- invariants, after every operation that changed something

  const Session* find_session(const std::string& id) {
    try {
      return &inst().get_session(id);
    } catch (const ClerkError&) {
      return nullptr;  // its user was deleted
    }
  }

  // What loading a dump of the state as a fixture would refuse (the problem, or "").
  // find_state_problem holds the rules across the state; the rest are the loader's own
  // checks of single fields, and of the billing and SSO parts, which are run again
  // only when what they read changed. The instance's identity and webhook endpoints
  // were checked when the fixture loaded and no operation here changes them; should
  // they differ, the whole dump goes through the loader.
  std::string state_problem(const InstanceState& s) {
    if (s.info != fixture_info_ || s.webhook_endpoints != fixture_endpoints_) {
      try {
        load_fixture(dump_fixture(s), 0, false);
      } catch (const std::exception& e) {
        return e.what();
      }
      return "";
    }
    if (auto problem = find_state_problem(s)) return problem->where + ": " + problem->what;
    auto object = [](const Json& j) { return j.is_null() || j.is_object(); };
    if (!object(s.settings.organization_creation_defaults))
      return "/organization_settings/organization_creation_defaults: must be an object";
    for (size_t i = 0; i < s.permissions.size(); ++i)
      if (s.permissions[i].key.empty()) return "/permissions/" + std::to_string(i) + "/key: is required";
    for (size_t i = 0; i < s.role_sets.size(); ++i)
      if (s.role_sets[i].key.empty()) return "/role_sets/" + std::to_string(i) + "/key: is required";
    for (size_t i = 0; i < s.users.size(); ++i) {
      const User& u = s.users[i];
      if (!object(u.public_metadata) || !object(u.private_metadata) || !object(u.unsafe_metadata))
        return "/users/" + std::to_string(i) + ": metadata must be an object";
    }
    for (size_t i = 0; i < s.organizations.size(); ++i)
      if (!object(s.organizations[i].public_metadata) || !object(s.organizations[i].private_metadata))
        return "/organizations/" + std::to_string(i) + ": metadata must be an object";
    for (size_t i = 0; i < s.memberships.size(); ++i)
      if (!object(s.memberships[i].public_metadata) || !object(s.memberships[i].private_metadata))
        return "/memberships/" + std::to_string(i) + ": metadata must be an object";
    for (size_t i = 0; i < s.invitations.size(); ++i)
      if (!object(s.invitations[i].public_metadata) || !object(s.invitations[i].private_metadata))
        return "/invitations/" + std::to_string(i) + ": metadata must be an object";
    std::vector<std::string> org_ids, user_ids;
    for (const auto& o : s.organizations) org_ids.push_back(o.id);
    for (const auto& u : s.users) user_ids.push_back(u.id);
    if (!parts_checked_ || s.billing != checked_billing_ || s.sso != checked_sso_ || org_ids != checked_org_ids_ ||
        user_ids != checked_user_ids_) {
      try {
        IdGenerator ids(s.seed, s.id_counter);
        load_billing_fixture(dump_billing_fixture(s.billing), "/billing", ids, s.clock_ms, s);
        load_sso_fixture(dump_sso_fixture(s.sso), ids, s.clock_ms, s);
      } catch (const std::exception& e) {
        return e.what();
      }
      parts_checked_ = true;
      checked_billing_ = s.billing;
      checked_sso_ = s.sso;
      checked_org_ids_ = std::move(org_ids);
      checked_user_ids_ = std::move(user_ids);
    }
    return "";
  }

  void check_invariants() {
    const Instance& in = inst();
    // The event log: every event once, with its own id, in the order of the instance clock.
    // Events are only ever appended, so each is looked at once.
    const auto& log = in.event_log();
    if (log.size() < events_checked_) {
      events_checked_ = 0;
      event_ids_.clear();
      last_event_ = 0;
    }
    for (; events_checked_ < log.size(); ++events_checked_) {
      const Json& e = log.at(events_checked_);
      Json step = {{"control", {{"method", "GET"}, {"path", "/__sim/webhooks/events"}}}};
      if (!event_ids_.insert(e.value("id", "")).second) return fail("event id " + e.value("id", "") + " logged twice", step);
      if (e.value("timestamp", int64_t{0}) < last_event_) return fail("event " + e.value("id", "") + " is out of order", step);
      last_event_ = e.value("timestamp", int64_t{0});
    }
    const InstanceState loaded = in.snapshot();
    if (std::string problem = state_problem(loaded); !problem.empty())
      return fail("the state no longer holds together: " + problem,
                  {{"control", {{"method", "GET"}, {"path", "/__sim/state"}}}});
    int64_t now = loaded.clock_ms;
    std::map<std::string, const Role*> roles;
    for (const auto& r : loaded.roles) roles[r.key] = &r;
    std::map<std::string, const RoleSet*> sets;
    for (const auto& s : loaded.role_sets) sets[s.key] = &s;
    std::map<std::string, std::vector<const Membership*>> members_of;
    for (const auto& m : loaded.memberships) members_of[m.organization_id].push_back(&m);
    std::map<std::string, int64_t> pending_of;
    for (const auto& inv : loaded.invitations)
      if (inv.status == "pending" && now < inv.expires_at) ++pending_of[inv.organization_id];
    std::set<std::string> slugs;
    for (const auto& o : loaded.organizations) {
      auto step = [&] {
        return Json{{"request", {{"method", "GET"}, {"path", "/v1/organizations/" + o.slug}}},
                    {"expect", {{"status", 200}, {"body", {{"id", o.id}}}}}};
      };
      if (!valid_slug(o.slug) || !slugs.insert(o.slug).second) return fail("slug '" + o.slug + "' is malformed or taken twice", step());
      // What GET /v1/organizations/{slug} finds.
      std::string resolved;
      try {
        resolved = in.get_organization(o.slug).id;
      } catch (const ClerkError&) {
      }
      if (resolved != o.id) return fail("slug '" + o.slug + "' does not resolve", step());
      int64_t members = 0, pending = pending_of[o.id];
      bool manager = false;
      for (const Membership* m : members_of[o.id]) {
        ++members;
        const Role* r = roles[m->role];
        if (r && std::count(r->permissions.begin(), r->permissions.end(), "org:sys_memberships:manage")) manager = true;
        const RoleSet* set = sets[o.role_set_key.value_or("")];
        if (set && !std::count(set->roles.begin(), set->roles.end(), m->role))
          return fail("a member of " + o.id + " holds " + m->role + ", which its role set lacks", step());
      }
      auto counts = [&] {
        return Json{{"request", {{"method", "GET"}, {"path", "/v1/organizations/" + o.id + "?include_members_count=true"}}},
                    {"expect", {{"status", 200}, {"body", {{"members_count", members}, {"pending_invitations_count", pending}}}}}};
      };
      // The counts organizations are listed with (include_members_count=true).
      if (in.members_count(o.id) != members || in.pending_invitations_count(o.id) != pending)
        return fail("the counts of " + o.id + " disagree with its lists", counts());
      if (o.max_allowed_memberships > 0 && members + pending > o.max_allowed_memberships)
        return fail(o.id + " holds " + std::to_string(members + pending) + " seats over its cap of " +
                        std::to_string(o.max_allowed_memberships),
                    counts());
      bool lost = model_.managed.count(o.id) > 0 && !manager && members > 0;
      if (manager) model_.managed.insert(o.id);
      else model_.managed.erase(o.id);
      if (lost) {
        Json flagged = {{"request", {{"method", "GET"},
                                     {"path", "/v1/organizations/" + o.id + "?include_missing_member_with_elevated_permissions=true"}}},
                        {"expect", {{"status", 200}, {"body", {{"missing_member_with_elevated_permissions", true}}}}}};
        if (!model_.may_lack_manager.count(o.id))
          return fail(o.id + " lost its last member who can manage members", counts());
        if (!in.missing_member_with_elevated_permissions(o.id))
          return fail(o.id + " lacks a member manager but does not say so", flagged);
      }
      auto meta = model_.public_metadata.find(o.id);
      if (meta != model_.public_metadata.end() && meta->second != o.public_metadata)
        return fail("the metadata of " + o.id + " is " + o.public_metadata.dump() + ", not " + meta->second.dump(),
                    {{"request", {{"method", "GET"}, {"path", "/v1/organizations/" + o.id}}},
                     {"expect", {{"status", 200}, {"body", {{"public_metadata", meta->second}}}}}});
    }
    // A membership lists its role's permissions; with billing on, a custom one only when
    // its feature is in the organization's plan.
    for (const auto& lm : loaded.memberships) {
      const Membership* m = in.find_membership(lm.organization_id, lm.user_id);
      const Role* r = roles[lm.role];
      if (!m || !r) return fail("a membership names a role that does not exist", nullptr);
      std::set<std::string> custom;
      for (const auto& key : r->permissions)
        if (key.rfind("org:sys_", 0) != 0) custom.insert(key);
      std::set<std::string> granted = model_.granted(m->organization_id, custom);
      std::vector<std::string> expected;
      for (const auto& key : r->permissions)
        if (key.rfind("org:sys_", 0) == 0 || granted.count(key)) expected.push_back(key);
      // The permissions a membership is listed with.
      std::vector<std::string> listed = in.membership_permissions(*m);
      if (listed != expected) {
        return fail("a membership's permissions are " + Json(listed).dump() + ", not " + Json(expected).dump(),
                    {{"request", {{"method", "GET"},
                                  {"path", "/v1/organizations/" + m->organization_id + "/memberships?user_id=" + m->user_id}}},
                     {"expect", {{"status", 200}, {"body", {{"data", {{{"permissions", expected}}}}}}}}});
      }
    }
    for (const auto& inv : loaded.invitations) {
      std::string status = inv.status == "pending" && now >= inv.expires_at ? "expired" : inv.status;
      auto known = model_.invitation_status.find(inv.id);
      if (known != model_.invitation_status.end() && known->second != "pending" && known->second != status)
        return fail("invitation " + inv.id + " went from " + known->second + " to " + status,
                    {{"request", {{"method", "GET"}, {"path", "/v1/organizations/" + inv.organization_id + "/invitations/" + inv.id}}},
                     {"expect", {{"body", {{"status", known->second}}}}}});
      model_.invitation_status[inv.id] = status;
    }
    // A pending session has no active organization and the choose-organization task;
    // a session with an active organization is not pending. (As GET /v1/sessions/{id} shows them.)
    std::map<std::string, const Session*> sessions;
    for (const auto& se : loaded.sessions) sessions[se.id] = &se;
    for (const auto& id : model_.sessions) {
      auto found = sessions.find(id);
      if (found == sessions.end()) continue;  // its user was deleted
      const Session& se = *found->second;
      std::string status = in.session_status(se);
      auto step = [&](Json expect) {
        return Json{{"request", {{"method", "GET"}, {"path", "/v1/sessions/" + id}}}, {"expect", std::move(expect)}};
      };
      bool pending = status == "pending";
      if (pending && (se.last_active_organization_id ||
                      in.session_tasks(se) != std::vector<std::string>{"choose-organization"}))
        return fail("pending session " + id + " has an active organization or lacks its task",
                    step({{"body", {{"last_active_organization_id", nullptr}}}}));
      if (status == "active" && !se.last_active_organization_id && loaded.settings.force_organization_selection)
        return fail("session " + id + " is active without an organization although membership is required",
                    step({{"body", {{"status", "pending"}}}}));
    }
    // Tokens keep what they said at mint time, and never carry system permissions.
    for (size_t i = 0; i < model_.tokens.size(); ++i) {
      const auto& t = model_.tokens[i];
      if (dead_tokens_.count(i)) continue;
      // What POST /__sim/authorize answers, asked directly: a refusal (the token expired;
      // the instance clock only moves forward, so it stays refused) draws no trace id
      // the replaying run would not draw.
      Request r{"POST", "/__sim/authorize", {}, Json{{"token", t.jwt}, {"check", Json::object()}}.dump()};
      Context cx{tenancy_.find(key_), &tenancy_, r, {}, {}, ApiVersion::v2026_05_12, kServerUrl, nullptr};
      Response res;
      try {
        res = control::authorize(cx);
      } catch (const ClerkError&) {
        dead_tokens_.insert(i);
        continue;
      } catch (const std::exception&) {
        continue;
      }
      if (res.status != 200) continue;
      Json auth = Json::parse(res.body)["auth"];
      Json expected_auth = {{"org_id", t.org_id.empty() ? Json(nullptr) : Json(t.org_id)},
                            {"org_slug", t.org_slug.empty() ? Json(nullptr) : Json(t.org_slug)},
                            {"org_role", t.role.empty() ? Json(nullptr) : Json(t.role)}};
      Json step = {{"authorize", {{"token", "${" + t.var + "}"}, {"check", Json::object()}}},
                   {"expect", {{"auth", expected_auth}}}};
      if (auth["org_id"] != expected_auth["org_id"] || auth["org_slug"] != expected_auth["org_slug"] ||
          auth["org_role"] != expected_auth["org_role"])
        return fail("a token minted for " + expected_auth.dump() + " now reads " + auth.dump(), step);
      for (const auto& p : auth["org_permissions"]) {
        if (p.get<std::string>().rfind("org:sys_", 0) == 0) {
          step["expect"]["auth"]["org_permissions"] = Json(std::vector<std::string>(t.permissions.begin(), t.permissions.end()));
          return fail("a token carries the system permission " + p.get<std::string>(), step);
        }
        // Billing gates custom permissions: none without its feature in the plan at mint time.
        if (!t.permissions.count(p.get<std::string>())) {
          step["expect"]["auth"]["org_permissions"] = Json(std::vector<std::string>(t.permissions.begin(), t.permissions.end()));
          return fail("a token carries " + p.get<std::string>() + ", which neither its role nor its plan granted", step);
        }
      }
    }
  }

  // The dispatcher's default: the issuer tokens are minted with.
  static constexpr const char* kServerUrl = "http://127.0.0.1:8787";

  Tenancy tenancy_;
  Dispatcher dispatcher_;
  std::string key_;
  Model model_;
  bool checking_;
  bool changed_ = false;  // the current operation may have changed the state
  bool checked_ = false;  // the invariants were checked at least once
  // The event log up to here was checked.
  size_t events_checked_ = 0;
  std::set<std::string> event_ids_;
  int64_t last_event_ = 0;
  // What the state check saw last (checked once, as the fixture loaded).
  InstanceInfo fixture_info_;
  std::vector<WebhookEndpoint> fixture_endpoints_;
  bool parts_checked_ = false;
  BillingState checked_billing_;
  SsoState checked_sso_;
  std::vector<std::string> checked_org_ids_, checked_user_ids_;
  std::set<size_t> dead_tokens_;  // refused by authorize once, so for good
};

rc::Gen<Op> gen_op() {
  return rc::gen::build<Op>(rc::gen::set(&Op::kind, rc::gen::inRange(0, static_cast<int>(kKindCount))),
                            rc::gen::set(&Op::a, rc::gen::inRange(0, 8)), rc::gen::set(&Op::b, rc::gen::inRange(0, 8)),
                            rc::gen::set(&Op::c, rc::gen::inRange(0, 8)));
}

struct Counterexample {
  std::vector<Op> ops;
  std::string message;
  std::vector<Json> steps;
};

Json as_scenario(const Counterexample& ce, const std::string& fault) {
  Json steps = Json::array();
  for (const auto& s : ce.steps) steps.push_back(s);
  std::string list;
  for (const auto& op : ce.ops) list += (list.empty() ? "" : ", ") + std::string(kind_name(op.kind));
  return {{"name", "invariant broken: " + ce.message},
          {"description", "Found by clerk-sim check" + (fault.empty() ? std::string() : " with --inject-fault " + fault) +
                              " and shrunk to " + std::to_string(ce.ops.size()) + " operations (" + list +
                              "). The last step shows the broken rule."},
          {"steps", steps}};
}

}  // namespace

int run_check(const CheckOptions& options, std::ostream& out) {
  faults::Fault fault = faults::Fault::none;
  if (!options.fault.empty() && !faults::parse(options.fault, fault)) {
    out << "unknown fault '" << options.fault << "'; known:";
    for (const auto& n : faults::names()) out << " " << n;
    out << "\n";
    return 2;
  }
  faults::inject(fault);
  InstanceState fixture = load_fixture_file(options.fixture, 0, true);

  std::optional<Counterexample> smallest;
  uint64_t applied = 0;  // operations applied, on both instances of every run
  auto property = [&] {
    // Integer ranges scale with size in RapidCheck: the operations get the full
    // nominal size, the sequence length the step limit.
    const auto ops = *rc::gen::resize(options.max_steps,
                                      rc::gen::container<std::vector<Op>>(rc::gen::resize(100, gen_op())));
    Run first(fixture, true), second(fixture, false);
    for (size_t i = 0; i < ops.size(); ++i) {
      first.apply(ops[i]);
      ++applied;
      if (first.violation) {
        Counterexample ce{std::vector<Op>(ops.begin(), ops.begin() + static_cast<long>(i) + 1),
                          first.violation->message, first.steps};
        // The steps end with the one that shows the violation.
        if (!first.violation->step.is_null()) {
          if (ce.steps.empty() || ce.steps.back() != first.violation->step) ce.steps.push_back(first.violation->step);
        }
        smallest = ce;  // shrinking ends on its smallest failing sequence, so the last failure is it
        RC_FAIL(first.violation->message);
      }
      second.apply(ops[i]);
      ++applied;
    }
    if (!first.resets_to_fixture()) {
      auto steps = first.steps;
      steps.push_back({{"control", {{"method", "POST"}, {"path", "/__sim/reset"}}}, {"expect", {{"status", 200}}}});
      steps.push_back({{"control", {{"method", "GET"}, {"path", "/__sim/state"}}},
                       {"expect", {{"status", 200}, {"body", first.built_state()}}}});
      smallest = Counterexample{ops, "a reset no longer gives back the fixture", steps};
      RC_FAIL("a reset no longer gives back the fixture");
    }
    // The same operations on a second instance answer byte for byte the same.
    if (first.bodies != second.bodies) {
      smallest = Counterexample{ops, "replaying the same operations gave different responses", first.steps};
      RC_FAIL("replaying the same operations gave different responses");
    }
  };

  // RapidCheck reads its settings once, from RC_PARAMS; give it ours before that.
  setenv("RC_PARAMS", ("seed=" + std::to_string(options.seed) + " noshrink=0").c_str(), 1);
  rc::detail::TestParams params;
  params.seed = options.seed;
  params.maxSuccess = options.runs;
  params.maxSize = options.max_steps;
  params.disableShrinking = false;
  out << "clerk-sim check: " << options.runs << " runs, seed " << options.seed << ", at most " << options.max_steps
      << " steps" << (options.fault.empty() ? "" : ", fault " + options.fault) << "\n";
  rc::detail::TestResult result = rc::detail::checkTestable(property, rc::detail::TestMetadata{}, params);
  faults::inject(faults::Fault::none);
  rc::detail::FailureResult failure;
  if (!result.match(failure)) {
    rc::detail::SuccessResult success;
    if (result.match(success)) {
      out << options.runs << " passed, 0 failed; " << applied << " operations applied\n";
      return 0;
    }
    rc::detail::printResultMessage(result, out);
    out << "\n";
    return 1;
  }
  out << "counterexample after " << failure.numSuccess << " passing runs: " << (smallest ? smallest->message : failure.description)
      << "\n";
  if (smallest) {
    out << "shrunk to " << smallest->ops.size() << " operations:";
    for (const auto& op : smallest->ops) out << " " << kind_name(op.kind) << "(" << op.a << "," << op.b << "," << op.c << ")";
    out << "\n";
    if (!options.out.empty()) {
      std::ofstream(options.out) << as_scenario(*smallest, options.fault).dump(2) << "\n";
      out << "wrote " << options.out << "; replay with: clerk-sim run " << options.out
          << (options.fault.empty() ? "" : " --inject-fault " + options.fault) << "\n";
    }
  }
  out << "0 passed, 1 failed\n";
  return 1;
}

}  // namespace clerksim::scenario

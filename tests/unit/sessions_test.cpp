// Sessions: creating them, the pending state and its choose-organization task,
// switching organization, revocation and expiry, claims as a snapshot, clearing the
// active organization, listing; then the BAPI routes, token minting and
// /__sim/authorize over the Dispatcher.
#include <algorithm>

#include "auth/tokens.hpp"
#include "test_support.hpp"

using namespace clerksim;
using namespace clerksim::unit;

namespace {

constexpr int64_t kMinuteMs = 60 * 1000;
constexpr int64_t kDayMs = 24 * 60 * kMinuteMs;

Json fixture_with_settings(const Json& settings) {
  Json f = base_fixture();
  for (const auto& [k, v] : settings.items()) f["organization_settings"][k] = v;
  return f;
}

Json no_forced_selection() { return fixture_with_settings({{"force_organization_selection", false}}); }

std::string org_of(const Session& s) { return s.last_active_organization_id.value_or("<none>"); }

Json claims_now(const Instance& inst, const std::string& session_id) {
  return encode_session_claims(inst.session_claims(session_id), TokenTimes{inst.clock().now_ms(), 60},
                               "http://127.0.0.1:8787", "http://localhost:3000");
}

std::vector<std::string> ids(const Page<Session>& page) {
  std::vector<std::string> out;
  for (const Session* s : page.items) out.push_back(s->id);
  return out;
}

Json payload_of(const std::string& jwt) {
  auto first = jwt.find('.'), second = jwt.find('.', first + 1);
  return Json::parse(*base64url_decode(jwt.substr(first + 1, second - first - 1)));
}

// Over the Dispatcher.
std::string new_session(Api& api, const std::string& user, const std::string& org = "") {
  Json body = {{"user_id", user}};
  if (!org.empty()) body["active_organization_id"] = org;
  Response r = api.call("POST", "/v1/sessions", body);
  if (r.status != 200) throw std::runtime_error("test setup: " + r.body);
  return body_of(r)["id"];
}

Response mint(Api& api, const std::string& session_id, const std::string& body = "") {
  return api.call("POST", "/v1/sessions/" + session_id + "/tokens", body);
}

std::string token(Api& api, const std::string& session_id) {
  Response r = mint(api, session_id);
  if (r.status != 200) throw std::runtime_error("test setup: " + r.body);
  return body_of(r)["jwt"];
}

Response authorize(Api& api, const Json& body) { return api.call("POST", "/__sim/authorize", body); }

}  // namespace

// --- creating

TEST(SessionCreate, ActiveWithOrganization) {
  Instance inst = make_instance();
  inst.clock().advance_ms(1234);
  const Session& s = inst.create_session("user_alice", std::string("org_acme"));
  EXPECT_EQ(s.id.rfind("sess_", 0), 0u) << s.id;
  EXPECT_EQ(s.client_id.rfind("client_", 0), 0u) << s.client_id;
  EXPECT_EQ(s.user_id, "user_alice");
  EXPECT_EQ(org_of(s), "org_acme");
  const int64_t now = kDefaultFixtureClockMs + 1234;
  EXPECT_EQ(s.created_at, now);
  EXPECT_EQ(s.last_active_at, now);
  EXPECT_EQ(s.expire_at, now + 7 * kDayMs);
  EXPECT_EQ(s.abandon_at, now + 30 * kDayMs);
  EXPECT_EQ(inst.session_status(s), "active");
  EXPECT_TRUE(inst.session_tasks(s).empty());
  EXPECT_EQ(inst.get_user("user_alice").last_sign_in_at, std::optional<int64_t>(now));
}

TEST(SessionCreate, OrganizationBySlugStoresTheId) {
  Instance inst = make_instance();
  const Session& s = inst.create_session("user_alice", std::string("acme-corp"));
  EXPECT_EQ(org_of(s), "org_acme");
}

TEST(SessionCreate, UnknownUserIs404) {
  Instance inst = make_instance();
  EXPECT_TRUE(FailsWith([&] { inst.create_session("user_ghost", std::nullopt); }, 404, "resource_not_found"));
  EXPECT_TRUE(inst.list_sessions(SessionQuery{std::string("user_ghost"), {}, {}}, ListWindow{}).items.empty());
}

TEST(SessionCreate, NonMemberOrganizationIs403) {
  Instance inst = make_instance();
  EXPECT_TRUE(FailsWith([&] { inst.create_session("user_erin", std::string("org_acme")); }, 403,
                        "not_a_member_in_organization", "organization_id"));
  EXPECT_TRUE(FailsWith([&] { inst.create_session("user_alice", std::string("globex")); }, 403,
                        "not_a_member_in_organization"));
  EXPECT_TRUE(inst.list_sessions(SessionQuery{std::string("user_erin"), {}, {}}, ListWindow{}).items.empty());
}

TEST(SessionCreate, UnknownOrganizationIs404) {
  Instance inst = make_instance();
  EXPECT_TRUE(FailsWith([&] { inst.create_session("user_alice", std::string("org_nope")); }, 404,
                        "resource_not_found"));
}

TEST(SessionCreate, EachSessionHasItsOwnClient) {
  Instance inst = make_instance();
  std::string a = inst.create_session("user_alice", std::nullopt).client_id;
  std::string b = inst.create_session("user_alice", std::nullopt).client_id;
  EXPECT_NE(a, b);
}

// --- pending and the choose-organization task

TEST(SessionPending, NoOrganizationWithForcedSelectionIsPending) {
  Instance inst = make_instance();
  ASSERT_TRUE(inst.organization_settings().force_organization_selection);  // the default
  const Session& s = inst.create_session("user_alice", std::nullopt);
  EXPECT_EQ(inst.session_status(s), "pending");
  EXPECT_EQ(inst.session_tasks(s), (std::vector<std::string>{"choose-organization"}));
  SessionClaims c = inst.session_claims(s.id);
  EXPECT_EQ(c.status, "pending");
  EXPECT_FALSE(c.org);
}

TEST(SessionPending, UserWithoutAnyOrganizationIsPendingToo) {
  Instance inst = make_instance();
  const Session& s = inst.create_session("user_erin", std::nullopt);
  EXPECT_EQ(inst.session_status(s), "pending");
}

TEST(SessionPending, ActiveAfterChoosingById) {
  Instance inst = make_instance();
  std::string id = inst.create_session("user_alice", std::nullopt).id;
  inst.clock().advance_ms(500);
  const Session& s = inst.set_active_organization(id, std::string("org_acme"));
  EXPECT_EQ(org_of(s), "org_acme");
  EXPECT_EQ(inst.session_status(s), "active");
  EXPECT_TRUE(inst.session_tasks(s).empty());
  EXPECT_EQ(s.last_active_at, kDefaultFixtureClockMs + 500);
  EXPECT_EQ(s.updated_at, kDefaultFixtureClockMs + 500);
  SessionClaims c = inst.session_claims(id);
  EXPECT_EQ(c.status, "active");
  ASSERT_TRUE(c.org);
  EXPECT_EQ(c.org->id, "org_acme");
  EXPECT_EQ(c.org->role, "org:admin");
}

TEST(SessionPending, ActiveAfterChoosingBySlug) {
  Instance inst = make_instance();
  std::string id = inst.create_session("user_carol", std::nullopt).id;
  const Session& s = inst.set_active_organization(id, std::string("globex"));
  EXPECT_EQ(org_of(s), "org_globex");
  EXPECT_EQ(inst.session_status(s), "active");
}

TEST(SessionPending, SwitchingToANonMemberOrganizationIs403AndChangesNothing) {
  Instance inst = make_instance();
  std::string id = inst.create_session("user_bob", std::string("org_acme")).id;
  EXPECT_TRUE(FailsWith([&] { inst.set_active_organization(id, std::string("org_globex")); }, 403,
                        "not_a_member_in_organization", "organization_id"));
  EXPECT_EQ(org_of(inst.get_session(id)), "org_acme");
}

TEST(SessionPending, ClearingTheOrganizationMakesItPendingAgain) {
  Instance inst = make_instance();
  std::string id = inst.create_session("user_alice", std::string("org_acme")).id;
  inst.set_active_organization(id, std::nullopt);
  EXPECT_FALSE(inst.get_session(id).last_active_organization_id);
  EXPECT_EQ(inst.session_status(inst.get_session(id)), "pending");
}

TEST(SessionPending, NoTaskWhenSelectionIsNotForced) {
  Instance inst = make_instance(no_forced_selection());
  const Session& s = inst.create_session("user_alice", std::nullopt);
  EXPECT_EQ(inst.session_status(s), "active");
  EXPECT_TRUE(inst.session_tasks(s).empty());
  SessionClaims c = inst.session_claims(s.id);
  EXPECT_EQ(c.status, "active");
  EXPECT_FALSE(c.org);
  EXPECT_FALSE(claims_now(inst, s.id).contains("o"));
}

TEST(SessionPending, NoTaskWhenOrganizationsAreDisabled) {
  Instance inst = make_instance(fixture_with_settings({{"enabled", false}}));
  const Session& s = inst.create_session("user_alice", std::nullopt);
  EXPECT_EQ(inst.session_status(s), "active");
  EXPECT_TRUE(inst.session_tasks(s).empty());
}

TEST(SessionPending, TurningForcedSelectionOnMakesExistingSessionsPending) {
  Instance inst = make_instance(no_forced_selection());
  std::string id = inst.create_session("user_alice", std::nullopt).id;
  ASSERT_EQ(inst.session_status(inst.get_session(id)), "active");
  SettingsPatch p;
  p.force_organization_selection = true;
  inst.update_organization_settings(p);
  EXPECT_EQ(inst.session_status(inst.get_session(id)), "pending");
}

// --- revocation and expiry

TEST(SessionRevoke, RevokedCannotMint) {
  Instance inst = make_instance();
  std::string id = inst.create_session("user_alice", std::string("org_acme")).id;
  inst.clock().advance_ms(42);
  const Session& s = inst.revoke_session(id);
  EXPECT_EQ(s.status, "revoked");
  EXPECT_EQ(inst.session_status(s), "revoked");
  EXPECT_EQ(s.updated_at, kDefaultFixtureClockMs + 42);
  EXPECT_TRUE(FailsWith([&] { inst.session_claims(id); }, 404, "resource_not_found"));
}

TEST(SessionRevoke, RevokingTwiceKeepsItRevoked) {
  Instance inst = make_instance();
  std::string id = inst.create_session("user_alice", std::string("org_acme")).id;
  inst.revoke_session(id);
  inst.clock().advance_ms(1000);
  const Session& s = inst.revoke_session(id);
  EXPECT_EQ(s.status, "revoked");
  EXPECT_EQ(s.updated_at, kDefaultFixtureClockMs);
}

TEST(SessionRevoke, RevokedCannotSwitchOrganization) {
  Instance inst = make_instance();
  std::string id = inst.create_session("user_carol", std::string("org_acme")).id;
  inst.revoke_session(id);
  EXPECT_TRUE(FailsWith([&] { inst.set_active_organization(id, std::string("org_globex")); }, 400,
                        "session_not_active"));
  EXPECT_EQ(org_of(inst.get_session(id)), "org_acme");
}

TEST(SessionRevoke, UnknownSessionIs404) {
  Instance inst = make_instance();
  EXPECT_TRUE(FailsWith([&] { inst.revoke_session("sess_nope"); }, 404, "resource_not_found"));
  EXPECT_TRUE(FailsWith([&] { inst.session_claims("sess_nope"); }, 404, "resource_not_found"));
  EXPECT_TRUE(FailsWith([&] { inst.get_session("sess_nope"); }, 404, "resource_not_found"));
}

TEST(SessionExpiry, ExpiresAfterSevenDaysOfInstanceClock) {
  Instance inst = make_instance();
  std::string id = inst.create_session("user_alice", std::string("org_acme")).id;
  inst.clock().advance_ms(7 * kDayMs - 1);
  EXPECT_EQ(inst.session_status(inst.get_session(id)), "active");
  EXPECT_NO_THROW(inst.session_claims(id));
  inst.clock().advance_ms(1);
  EXPECT_EQ(inst.session_status(inst.get_session(id)), "expired");
  EXPECT_TRUE(FailsWith([&] { inst.session_claims(id); }, 404, "resource_not_found"));
  EXPECT_TRUE(FailsWith([&] { inst.set_active_organization(id, std::string("org_acme")); }, 400,
                        "session_not_active"));
}

TEST(SessionExpiry, PendingSessionExpiresToo) {
  Instance inst = make_instance();
  std::string id = inst.create_session("user_alice", std::nullopt).id;
  inst.clock().advance_ms(7 * kDayMs);
  EXPECT_EQ(inst.session_status(inst.get_session(id)), "expired");
}

// --- claims are a snapshot

TEST(SessionStaleness, ClaimsMintedBeforeARoleChangeKeepTheOldRole) {
  Instance inst = make_instance();
  std::string id = inst.create_session("user_bob", std::string("org_acme")).id;
  Json before = claims_now(inst, id);
  inst.update_membership_role("org_acme", "user_bob", "org:admin");
  EXPECT_EQ(before["o"]["rol"], "member");
  EXPECT_EQ(auth_from_claims(before).org_role, std::optional<std::string>("org:member"));
  Json after = claims_now(inst, id);
  EXPECT_EQ(after["o"]["rol"], "admin");
}

TEST(SessionStaleness, NextMintShowsNewPermissions) {
  Instance inst = make_instance();
  std::string id = inst.create_session("user_bob", std::string("org_acme")).id;
  Json before = claims_now(inst, id);
  NewPermission p;
  p.key = "org:articles:read";
  p.name = "Read articles";
  const Permission& perm = inst.create_permission(p);
  inst.assign_permission(inst.get_role("org:member").id, perm.id);
  EXPECT_TRUE(auth_from_claims(before).org_permissions.empty());
  EXPECT_EQ(auth_from_claims(claims_now(inst, id)).org_permissions,
            (std::vector<std::string>{"org:articles:read"}));
}

// --- the active organization is cleared when it is no longer the user's

TEST(SessionActiveOrg, RemovingTheMembershipClearsIt) {
  Instance inst = make_instance();
  std::string bob = inst.create_session("user_bob", std::string("org_acme")).id;
  std::string alice = inst.create_session("user_alice", std::string("org_acme")).id;
  inst.clock().advance_ms(77);
  inst.remove_membership("org_acme", "user_bob");
  EXPECT_FALSE(inst.get_session(bob).last_active_organization_id);
  EXPECT_EQ(inst.get_session(bob).updated_at, kDefaultFixtureClockMs + 77);
  EXPECT_EQ(inst.session_status(inst.get_session(bob)), "pending");
  EXPECT_FALSE(inst.session_claims(bob).org);
  // other members' sessions keep it
  EXPECT_EQ(org_of(inst.get_session(alice)), "org_acme");
}

TEST(SessionActiveOrg, RemovingAnotherMembershipKeepsIt) {
  Instance inst = make_instance();
  std::string carol = inst.create_session("user_carol", std::string("org_globex")).id;
  inst.remove_membership("org_acme", "user_carol");
  EXPECT_EQ(org_of(inst.get_session(carol)), "org_globex");
}

TEST(SessionActiveOrg, DeletingTheOrganizationClearsItForEveryone) {
  Instance inst = make_instance();
  std::string carol = inst.create_session("user_carol", std::string("org_globex")).id;
  std::string dave = inst.create_session("user_dave", std::string("org_globex")).id;
  std::string alice = inst.create_session("user_alice", std::string("org_acme")).id;
  inst.delete_organization("org_globex");
  EXPECT_FALSE(inst.get_session(carol).last_active_organization_id);
  EXPECT_FALSE(inst.get_session(dave).last_active_organization_id);
  EXPECT_EQ(org_of(inst.get_session(alice)), "org_acme");
  EXPECT_NO_THROW(inst.session_claims(carol));
  EXPECT_FALSE(inst.session_claims(carol).org);
}

TEST(SessionActiveOrg, RejoiningDoesNotRestoreIt) {
  Instance inst = make_instance();
  std::string bob = inst.create_session("user_bob", std::string("org_acme")).id;
  inst.remove_membership("org_acme", "user_bob");
  inst.add_membership("org_acme", "user_bob", "org:member");
  EXPECT_FALSE(inst.get_session(bob).last_active_organization_id);
}

// --- listing

TEST(SessionList, NeedsUserOrClient) {
  Instance inst = make_instance();
  EXPECT_TRUE(FailsWith([&] { inst.list_sessions(SessionQuery{}, ListWindow{}); }, 400, "missing_query_parameter"));
  SessionQuery status_only;
  status_only.status = "active";
  EXPECT_TRUE(FailsWith([&] { inst.list_sessions(status_only, ListWindow{}); }, 400, "missing_query_parameter"));
}

TEST(SessionList, ByUserNewestFirst) {
  Instance inst = make_instance();
  std::string s1 = inst.create_session("user_alice", std::nullopt).id;
  inst.clock().advance_ms(10);
  std::string s2 = inst.create_session("user_alice", std::string("org_acme")).id;
  inst.clock().advance_ms(10);
  inst.create_session("user_bob", std::nullopt);
  std::string s3 = inst.create_session("user_alice", std::nullopt).id;
  SessionQuery q;
  q.user_id = "user_alice";
  auto page = inst.list_sessions(q, ListWindow{});
  EXPECT_EQ(ids(page), (std::vector<std::string>{s3, s2, s1}));
  EXPECT_EQ(page.total_count, 3);
}

TEST(SessionList, ByClient) {
  Instance inst = make_instance();
  inst.create_session("user_alice", std::nullopt);
  const Session& s = inst.create_session("user_alice", std::nullopt);
  SessionQuery q;
  q.client_id = s.client_id;
  EXPECT_EQ(ids(inst.list_sessions(q, ListWindow{})), (std::vector<std::string>{s.id}));
  q.user_id = "user_bob";  // both given: both must match
  EXPECT_TRUE(inst.list_sessions(q, ListWindow{}).items.empty());
}

TEST(SessionList, StatusFilter) {
  Instance inst = make_instance();
  std::string active = inst.create_session("user_alice", std::string("org_acme")).id;
  std::string pending = inst.create_session("user_alice", std::nullopt).id;
  std::string revoked = inst.create_session("user_alice", std::string("org_acme")).id;
  inst.revoke_session(revoked);
  SessionQuery q;
  q.user_id = "user_alice";
  q.status = "revoked";
  EXPECT_EQ(ids(inst.list_sessions(q, ListWindow{})), (std::vector<std::string>{revoked}));
  q.status = "pending";
  EXPECT_EQ(ids(inst.list_sessions(q, ListWindow{})), (std::vector<std::string>{pending}));
  q.status = "active";  // a pending session is an active one with a task left
  auto page = inst.list_sessions(q, ListWindow{});
  EXPECT_EQ(page.total_count, 2);
  std::vector<std::string> listed = ids(page);
  std::sort(listed.begin(), listed.end());
  std::vector<std::string> expected = {active, pending};
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(listed, expected);
  q.status = "ended";
  EXPECT_TRUE(inst.list_sessions(q, ListWindow{}).items.empty());
}

TEST(SessionList, ExpiredStatusFollowsTheClock) {
  Instance inst = make_instance();
  std::string old_one = inst.create_session("user_alice", std::string("org_acme")).id;
  inst.clock().advance_ms(6 * kDayMs);
  std::string young = inst.create_session("user_alice", std::string("org_acme")).id;
  inst.clock().advance_ms(kDayMs);
  SessionQuery q;
  q.user_id = "user_alice";
  q.status = "expired";
  EXPECT_EQ(ids(inst.list_sessions(q, ListWindow{})), (std::vector<std::string>{old_one}));
  q.status = "active";
  EXPECT_EQ(ids(inst.list_sessions(q, ListWindow{})), (std::vector<std::string>{young}));
}

TEST(SessionList, UnknownStatusIs422) {
  Instance inst = make_instance();
  SessionQuery q;
  q.user_id = "user_alice";
  q.status = "sleeping";
  EXPECT_TRUE(FailsWith([&] { inst.list_sessions(q, ListWindow{}); }, 422, "form_param_value_invalid", "status"));
}

TEST(SessionList, LimitAndOffset) {
  Instance inst = make_instance();
  std::vector<std::string> made;
  for (int i = 0; i < 5; ++i) {
    made.push_back(inst.create_session("user_alice", std::nullopt).id);
    inst.clock().advance_ms(1);
  }
  SessionQuery q;
  q.user_id = "user_alice";
  auto page = inst.list_sessions(q, ListWindow{2, 1, ""});
  EXPECT_EQ(ids(page), (std::vector<std::string>{made[3], made[2]}));
  EXPECT_EQ(page.total_count, 5);
}

// --- BAPI over the Dispatcher

TEST(SessionsApi, CreatePendingSessionShowsTheTask) {
  Api api;
  Response r = api.call("POST", "/v1/sessions", R"({"user_id":"user_alice"})");
  ASSERT_EQ(r.status, 200) << r.body;
  Json s = body_of(r);
  EXPECT_EQ(s["object"], "session");
  EXPECT_EQ(s["status"], "pending");
  EXPECT_EQ(s["tasks"], Json::parse(R"([{"key":"choose-organization"}])"));
  EXPECT_TRUE(s["last_active_organization_id"].is_null());
  EXPECT_EQ(s["expire_at"], kDefaultFixtureClockMs + 7 * kDayMs);
}

TEST(SessionsApi, CreateWithOrganization) {
  Api api;
  Response r = api.call("POST", "/v1/sessions", R"({"user_id":"user_alice","active_organization_id":"acme-corp"})");
  ASSERT_EQ(r.status, 200) << r.body;
  Json s = body_of(r);
  EXPECT_EQ(s["status"], "active");
  EXPECT_TRUE(s["tasks"].is_null());
  EXPECT_EQ(s["last_active_organization_id"], "org_acme");
}

TEST(SessionsApi, CreateErrors) {
  Api api;
  EXPECT_TRUE(IsError(api.call("POST", "/v1/sessions", R"({"user_id":"user_ghost"})"), 404, "resource_not_found"));
  EXPECT_TRUE(IsError(api.call("POST", "/v1/sessions", R"({"user_id":"user_erin","active_organization_id":"org_acme"})"),
                      403, "not_a_member_in_organization"));
  EXPECT_TRUE(IsError(api.call("POST", "/v1/sessions", "{}"), 422, "form_param_missing", "user_id"));
}

TEST(SessionsApi, ListIsABareArrayByDefault) {
  Api api;
  std::string a = new_session(api, "user_alice");
  api.instance().clock().advance_ms(5);
  std::string b = new_session(api, "user_alice", "org_acme");
  new_session(api, "user_bob");
  Response r = api.call("GET", "/v1/sessions?user_id=user_alice");
  ASSERT_EQ(r.status, 200) << r.body;
  Json list = body_of(r);
  ASSERT_TRUE(list.is_array()) << r.body;
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0]["id"], b);
  EXPECT_EQ(list[1]["id"], a);
  EXPECT_EQ(list[0]["object"], "session");
}

TEST(SessionsApi, PaginatedListIsAnEnvelope) {
  Api api;
  for (int i = 0; i < 3; ++i) new_session(api, "user_alice");
  Response r = api.call("GET", "/v1/sessions?user_id=user_alice&paginated=true&limit=2");
  ASSERT_EQ(r.status, 200) << r.body;
  Json page = body_of(r);
  ASSERT_TRUE(page.is_object()) << r.body;
  EXPECT_EQ(page["total_count"], 3);
  ASSERT_TRUE(page["data"].is_array());
  EXPECT_EQ(page["data"].size(), 2u);
  Json bare = body_of(api.call("GET", "/v1/sessions?user_id=user_alice&paginated=false"));
  EXPECT_TRUE(bare.is_array());
}

TEST(SessionsApi, ListNeedsUserOrClient) {
  Api api;
  EXPECT_TRUE(IsError(api.call("GET", "/v1/sessions"), 400, "missing_query_parameter"));
  EXPECT_TRUE(IsError(api.call("GET", "/v1/sessions?status=active"), 400, "missing_query_parameter"));
}

TEST(SessionsApi, ListByClientAndStatus) {
  Api api;
  std::string sid = new_session(api, "user_alice", "org_acme");
  std::string client = body_of(api.call("GET", "/v1/sessions/" + sid))["client_id"];
  Json list = body_of(api.call("GET", "/v1/sessions?client_id=" + client));
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0]["id"], sid);
  api.call("POST", "/v1/sessions/" + sid + "/revoke");
  EXPECT_EQ(body_of(api.call("GET", "/v1/sessions?client_id=" + client + "&status=revoked")).size(), 1u);
  EXPECT_EQ(body_of(api.call("GET", "/v1/sessions?client_id=" + client + "&status=active")).size(), 0u);
}

TEST(SessionsApi, GetAndRevoke) {
  Api api;
  std::string sid = new_session(api, "user_alice", "org_acme");
  EXPECT_EQ(body_of(api.call("GET", "/v1/sessions/" + sid))["status"], "active");
  Response r = api.call("POST", "/v1/sessions/" + sid + "/revoke");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(body_of(r)["status"], "revoked");
  EXPECT_EQ(body_of(api.call("GET", "/v1/sessions/" + sid))["status"], "revoked");
  EXPECT_TRUE(IsError(api.call("GET", "/v1/sessions/sess_nope"), 404, "resource_not_found"));
  EXPECT_TRUE(IsError(api.call("POST", "/v1/sessions/sess_nope/revoke"), 404, "resource_not_found"));
}

// --- minting tokens

TEST(SessionTokens, DefaultLifetimeIsSixtySeconds) {
  Api api;
  std::string sid = new_session(api, "user_alice", "org_acme");
  Response r = mint(api, sid);
  ASSERT_EQ(r.status, 200) << r.body;
  Json body = body_of(r);
  EXPECT_EQ(body["object"], "token");
  Json claims = payload_of(body["jwt"]);
  EXPECT_EQ(claims["exp"].get<int64_t>() - claims["iat"].get<int64_t>(), 60);
  EXPECT_EQ(claims["sid"], sid);
  EXPECT_EQ(claims["sub"], "user_alice");
  EXPECT_EQ(claims["o"]["id"], "org_acme");
  EXPECT_NO_THROW(verify_session_token(api.instance().info(), body["jwt"], api.instance().clock().now_ms()));
}

TEST(SessionTokens, ExpiresInSecondsBounds) {
  Api api;
  std::string sid = new_session(api, "user_alice", "org_acme");
  for (int64_t ok : {int64_t{30}, int64_t{31}, int64_t{3600}, int64_t{315359999}, int64_t{315360000}}) {
    Response r = mint(api, sid, Json{{"expires_in_seconds", ok}}.dump());
    ASSERT_EQ(r.status, 200) << ok << ": " << r.body;
    Json claims = payload_of(body_of(r)["jwt"]);
    EXPECT_EQ(claims["exp"].get<int64_t>() - claims["iat"].get<int64_t>(), ok);
  }
  for (int64_t bad : {int64_t{29}, int64_t{0}, int64_t{-1}, int64_t{315360001}})
    EXPECT_TRUE(IsError(mint(api, sid, Json{{"expires_in_seconds", bad}}.dump()), 422, "form_param_value_invalid",
                        "expires_in_seconds"))
        << bad;
}

TEST(SessionTokens, NullLifetimeMeansTheDefault) {
  Api api;
  std::string sid = new_session(api, "user_alice", "org_acme");
  Response r = mint(api, sid, R"({"expires_in_seconds":null})");
  ASSERT_EQ(r.status, 200) << r.body;
  Json claims = payload_of(body_of(r)["jwt"]);
  EXPECT_EQ(claims["exp"].get<int64_t>() - claims["iat"].get<int64_t>(), 60);
  EXPECT_TRUE(IsError(mint(api, sid, R"({"expires_in_seconds":"60"})"), 422, "form_param_value_invalid",
                      "expires_in_seconds"));
}

TEST(SessionTokens, RevokedOrUnknownSessionIs404) {
  Api api;
  std::string sid = new_session(api, "user_alice", "org_acme");
  api.call("POST", "/v1/sessions/" + sid + "/revoke");
  EXPECT_TRUE(IsError(mint(api, sid), 404, "resource_not_found"));
  EXPECT_TRUE(IsError(mint(api, "sess_nope"), 404, "resource_not_found"));
}

TEST(SessionTokens, ExpiredSessionIs404) {
  Api api;
  std::string sid = new_session(api, "user_alice", "org_acme");
  api.instance().clock().advance_ms(7 * kDayMs);
  EXPECT_TRUE(IsError(mint(api, sid), 404, "resource_not_found"));
}

TEST(SessionTokens, PendingSessionMintsAPendingToken) {
  Api api;
  std::string sid = new_session(api, "user_alice");
  Json claims = payload_of(token(api, sid));
  EXPECT_EQ(claims["sts"], "pending");
  EXPECT_FALSE(claims.contains("o"));
}

TEST(SessionTokens, TemplatesAre404) {
  Api api;
  std::string sid = new_session(api, "user_alice", "org_acme");
  EXPECT_TRUE(IsError(api.call("POST", "/v1/sessions/" + sid + "/tokens/custom_hasura"), 404, "resource_not_found"));
  EXPECT_TRUE(IsError(api.call("POST", "/v1/sessions/sess_nope/tokens/custom_hasura"), 404, "resource_not_found"));
}

TEST(SessionTokens, TokenMintedBeforeARoleChangeKeepsTheOldRole) {
  Api api;
  std::string sid = new_session(api, "user_bob", "org_acme");
  std::string old_token = token(api, sid);
  ASSERT_EQ(api.call("PATCH", "/v1/organizations/org_acme/memberships/user_bob", R"({"role":"org:admin"})").status, 200);
  EXPECT_EQ(payload_of(old_token)["o"]["rol"], "member");
  std::string new_token = token(api, sid);
  EXPECT_EQ(payload_of(new_token)["o"]["rol"], "admin");
  Json old_answer = body_of(authorize(api, {{"token", old_token}, {"check", {{"role", "org:admin"}}}}));
  EXPECT_EQ(old_answer["allowed"], false);
  EXPECT_EQ(old_answer["auth"]["org_role"], "org:member");
  EXPECT_EQ(body_of(authorize(api, {{"token", new_token}, {"check", {{"role", "org:admin"}}}}))["allowed"], true);
}

TEST(SessionTokens, TokenMintedBeforeRemovalStillNamesTheOrganization) {
  Api api;
  std::string sid = new_session(api, "user_bob", "org_acme");
  std::string old_token = token(api, sid);
  ASSERT_EQ(api.call("DELETE", "/v1/organizations/org_acme/memberships/user_bob").status, 200);
  EXPECT_EQ(payload_of(old_token)["o"]["id"], "org_acme");
  Json session = body_of(api.call("GET", "/v1/sessions/" + sid));
  EXPECT_TRUE(session["last_active_organization_id"].is_null());
  EXPECT_EQ(session["status"], "pending");
  EXPECT_FALSE(payload_of(token(api, sid)).contains("o"));
}

// --- the browser's organization switch

TEST(SimActiveOrganization, SwitchBySlug) {
  Api api;
  std::string sid = new_session(api, "user_carol");
  Response r = api.call("POST", "/__sim/sessions/" + sid + "/active_organization", R"({"organization_id":"globex"})");
  ASSERT_EQ(r.status, 200) << r.body;
  Json s = body_of(r);
  EXPECT_EQ(s["last_active_organization_id"], "org_globex");
  EXPECT_EQ(s["status"], "active");
  EXPECT_TRUE(s["tasks"].is_null());
}

TEST(SimActiveOrganization, NullClearsIt) {
  Api api;
  std::string sid = new_session(api, "user_carol", "org_acme");
  Response r = api.call("POST", "/__sim/sessions/" + sid + "/active_organization", R"({"organization_id":null})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(body_of(r)["last_active_organization_id"].is_null());
  EXPECT_EQ(body_of(r)["status"], "pending");
}

TEST(SimActiveOrganization, Errors) {
  Api api;
  std::string sid = new_session(api, "user_bob");
  EXPECT_TRUE(IsError(api.call("POST", "/__sim/sessions/" + sid + "/active_organization", R"({"organization_id":"globex"})"),
                      403, "not_a_member_in_organization"));
  EXPECT_TRUE(IsError(api.call("POST", "/__sim/sessions/" + sid + "/active_organization", R"({"organization_id":"org_nope"})"),
                      404, "resource_not_found"));
  EXPECT_TRUE(IsError(api.call("POST", "/__sim/sessions/" + sid + "/active_organization", "{}"), 422,
                      "form_param_missing", "organization_id"));
  EXPECT_TRUE(IsError(api.call("POST", "/__sim/sessions/sess_nope/active_organization", R"({"organization_id":"org_acme"})"),
                      404, "resource_not_found"));
}

// --- /__sim/authorize

TEST(SimAuthorize, WithAToken) {
  Api api;
  std::string sid = new_session(api, "user_alice", "org_acme");
  Response r = authorize(api, {{"token", token(api, sid)}, {"check", {{"role", "admin"}}}});
  ASSERT_EQ(r.status, 200) << r.body;
  Json b = body_of(r);
  EXPECT_EQ(b["allowed"], true);
  EXPECT_EQ(b["auth"]["user_id"], "user_alice");
  EXPECT_EQ(b["auth"]["session_id"], sid);
  EXPECT_EQ(b["auth"]["session_status"], "active");
  EXPECT_EQ(b["auth"]["org_id"], "org_acme");
  EXPECT_EQ(b["auth"]["org_slug"], "acme-corp");
  EXPECT_EQ(b["auth"]["org_role"], "org:admin");
  EXPECT_EQ(b["auth"]["org_permissions"], Json::array());
  EXPECT_EQ(body_of(authorize(api, {{"token", token(api, sid)}, {"check", {{"role", "member"}}}}))["allowed"], false);
}

TEST(SimAuthorize, SystemPermissionIsFalseOverAToken) {
  Api api;
  std::string sid = new_session(api, "user_alice", "org_acme");
  Json b = body_of(authorize(api, {{"token", token(api, sid)}, {"check", {{"permission", "org:sys_memberships:manage"}}}}));
  EXPECT_EQ(b["allowed"], false);
}

TEST(SimAuthorize, ExpiredTokenIs401) {
  Api api;
  std::string sid = new_session(api, "user_alice", "org_acme");
  std::string jwt = token(api, sid);
  api.instance().clock().advance_ms(64999);  // exp + 4.999 s: inside the skew
  EXPECT_EQ(authorize(api, {{"token", jwt}, {"check", {{"role", "admin"}}}}).status, 200);
  api.instance().clock().advance_ms(1);  // exp + 5 s
  EXPECT_TRUE(IsError(authorize(api, {{"token", jwt}, {"check", {{"role", "admin"}}}}), 401, "authentication_invalid"));
}

TEST(SimAuthorize, TamperedTokenIs401) {
  Api api;
  std::string sid = new_session(api, "user_bob", "org_acme");
  std::string jwt = token(api, sid);
  Json claims = payload_of(jwt);
  claims["o"]["rol"] = "admin";
  auto first = jwt.find('.'), second = jwt.find('.', first + 1);
  std::string forged = jwt.substr(0, first + 1) + base64url_encode(claims.dump()) + jwt.substr(second);
  EXPECT_TRUE(IsError(authorize(api, {{"token", forged}, {"check", {{"role", "admin"}}}}), 401, "authentication_invalid"));
}

TEST(SimAuthorize, WithASessionId) {
  Api api;
  std::string sid = new_session(api, "user_carol", "globex");
  Json b = body_of(authorize(api, {{"session_id", sid}, {"check", {{"role", "org:admin"}}}}));
  EXPECT_EQ(b["allowed"], true);
  EXPECT_EQ(b["auth"]["org_id"], "org_globex");
  // it reflects the state now, not a token minted earlier
  api.call("POST", "/__sim/sessions/" + sid + "/active_organization", R"({"organization_id":"org_acme"})");
  b = body_of(authorize(api, {{"session_id", sid}, {"check", {{"role", "org:admin"}}}}));
  EXPECT_EQ(b["allowed"], false);
  EXPECT_EQ(b["auth"]["org_role"], "org:member");
}

TEST(SimAuthorize, WithARevokedSessionIs404) {
  Api api;
  std::string sid = new_session(api, "user_alice", "org_acme");
  api.call("POST", "/v1/sessions/" + sid + "/revoke");
  EXPECT_TRUE(IsError(authorize(api, {{"session_id", sid}, {"check", {{"role", "admin"}}}}), 404, "resource_not_found"));
}

TEST(SimAuthorize, WithDecodedClaims) {
  Api api;
  Json claims = Json::parse(R"({"iss":"https://clerk.fake.test","sub":"user_1","sid":"sess_1","azp":"http://localhost:3000",
 "iat":1700000000,"nbf":1699999990,"exp":1700000060,"v":2,"fva":[3,-1],"sts":"active",
 "fea":"u:basic,o:articles,o:billing,uo:reports","pla":"u:free,o:pro",
 "o":{"id":"org_1","slg":"acme","rol":"admin","per":"read,manage,delete","fpm":"3,1,4"}})");
  // long expired, but claims are taken as given, not verified
  Response r = authorize(api, {{"claims", claims}, {"check", {{"permission", "org:billing:read"}, {"plan", "pro"}}}});
  ASSERT_EQ(r.status, 200) << r.body;
  Json b = body_of(r);
  EXPECT_EQ(b["allowed"], true);
  EXPECT_EQ(b["auth"]["org_permissions"],
            Json::parse(R"(["org:articles:read","org:articles:manage","org:billing:read","org:reports:delete"])"));
  EXPECT_EQ(b["auth"]["org_role"], "org:admin");
}

TEST(SimAuthorize, ExactlyOneSubject) {
  Api api;
  std::string sid = new_session(api, "user_alice", "org_acme");
  EXPECT_TRUE(IsError(authorize(api, {{"check", {{"role", "admin"}}}}), 422, "form_param_missing"));
  EXPECT_TRUE(IsError(authorize(api, {{"session_id", sid}, {"token", token(api, sid)}, {"check", {{"role", "admin"}}}}),
                      422, "form_param_missing"));
  EXPECT_TRUE(IsError(authorize(api, {{"session_id", sid}, {"claims", {{"sub", "user_1"}}}}), 422, "form_param_missing"));
}

TEST(SimAuthorize, NoCheckIsNotAllowed) {
  Api api;
  std::string sid = new_session(api, "user_alice", "org_acme");
  Json b = body_of(authorize(api, {{"session_id", sid}}));
  EXPECT_EQ(b["allowed"], false);
  EXPECT_EQ(b["auth"]["user_id"], "user_alice");
  EXPECT_EQ(body_of(authorize(api, {{"session_id", sid}, {"check", Json::object()}}))["allowed"], false);
}

TEST(SimAuthorize, MalformedCheckIs422) {
  Api api;
  std::string sid = new_session(api, "user_alice", "org_acme");
  EXPECT_TRUE(IsError(authorize(api, {{"session_id", sid}, {"check", {{"roles", "admin"}}}}), 422, "form_param_unknown"));
  EXPECT_TRUE(IsError(authorize(api, {{"session_id", sid}, {"check", "admin"}}), 422, "form_param_value_invalid", "check"));
}

TEST(SimAuthorize, PendingIsSignedOutByDefault) {
  Api api;
  std::string sid = new_session(api, "user_alice");
  // Right after sign-in the first factor is fresh, so only the pending rule can refuse.
  Json check = {{"reverification", "strict"}};
  for (const Json& subject : {Json{{"session_id", sid}}, Json{{"token", token(api, sid)}}}) {
    Json body = subject;
    body["check"] = check;
    Json b = body_of(authorize(api, body));
    EXPECT_EQ(b["allowed"], false) << subject.dump();
    EXPECT_TRUE(b["auth"]["user_id"].is_null()) << b.dump();
    EXPECT_TRUE(b["auth"]["session_id"].is_null()) << b.dump();
    EXPECT_EQ(b["auth"]["session_status"], "pending");
    body["treat_pending_as_signed_out"] = true;
    EXPECT_EQ(body_of(authorize(api, body))["allowed"], false);
  }
}

TEST(SimAuthorize, PendingCountsWhenAskedTo) {
  Api api;
  std::string sid = new_session(api, "user_alice");
  Json b = body_of(authorize(
      api, {{"session_id", sid}, {"check", {{"reverification", "strict"}}}, {"treat_pending_as_signed_out", false}}));
  EXPECT_EQ(b["allowed"], true);
  EXPECT_EQ(b["auth"]["user_id"], "user_alice");
  EXPECT_EQ(b["auth"]["session_id"], sid);
  EXPECT_EQ(b["auth"]["session_status"], "pending");
  EXPECT_TRUE(b["auth"]["org_id"].is_null());
  // still no organization: org checks fail either way
  b = body_of(authorize(api, {{"session_id", sid}, {"check", {{"role", "admin"}}}, {"treat_pending_as_signed_out", false}}));
  EXPECT_EQ(b["allowed"], false);
}

TEST(SimAuthorize, ReverificationAgesWithTheSession) {
  Api api;
  std::string sid = new_session(api, "user_alice", "org_acme");
  Json body = {{"session_id", sid}, {"check", {{"reverification", "strict"}}}};
  EXPECT_EQ(body_of(authorize(api, body))["allowed"], true);
  api.instance().clock().advance_ms(10 * kMinuteMs);
  EXPECT_EQ(body_of(authorize(api, body))["allowed"], false);
  body["check"] = {{"reverification", "moderate"}};
  EXPECT_EQ(body_of(authorize(api, body))["allowed"], true);
}

TEST(SimAuthorize, CustomPermissionsThroughAToken) {
  Api api;
  Instance& inst = api.instance();
  for (const char* key : {"org:articles:read", "org:articles:manage", "org:reports:read"}) {
    NewPermission p;
    p.key = key;
    p.name = key;
    inst.assign_permission(inst.get_role("org:admin").id, inst.create_permission(p).id);
  }
  std::string sid = new_session(api, "user_alice", "org_acme");
  std::string jwt = token(api, sid);
  Json b = body_of(authorize(api, {{"token", jwt}, {"check", {{"permission", "articles:manage"}, {"role", "admin"}}}}));
  EXPECT_EQ(b["allowed"], true);
  std::vector<std::string> perms = b["auth"]["org_permissions"];
  std::sort(perms.begin(), perms.end());
  EXPECT_EQ(perms, (std::vector<std::string>{"org:articles:manage", "org:articles:read", "org:reports:read"}));
  EXPECT_EQ(body_of(authorize(api, {{"token", jwt}, {"check", {{"permission", "org:reports:manage"}}}}))["allowed"],
            false);
  EXPECT_EQ(body_of(authorize(api, {{"token", jwt}, {"check", {{"feature", "o:articles"}}}}))["allowed"], true);
}

// Determinism: the same fixture, seed and requests give byte-identical answers; a
// failed request leaves no trace in ids or state; a state dump loads back unchanged.
#include "test_support.hpp"

using namespace clerksim;
using namespace clerksim::unit;

namespace {

struct Step {
  std::string method, target, body;
  Headers headers;
};

// A mix of successes and failures touching every resource kind.
std::vector<Step> script() {
  return {
      {"POST", "/v1/users", R"({"email_address": ["Frank@Example.test"], "first_name": "Frank"})", {}},
      {"POST", "/v1/users", R"({"email_address": ["alice@acme.test"]})", {}},  // duplicate: 422
      {"POST", "/v1/organizations", R"({"name": "Initech", "created_by": "user_erin"})", {}},
      {"POST", "/v1/organizations", R"({"name": "<b>bad</b>"})", {}},  // 422
      {"POST", "/v1/organizations/initech/memberships", R"({"user_id": "user_bob", "role": "org:member"})", {}},
      {"PATCH", "/v1/organizations/initech/memberships/user_erin", R"({"role": "org:member"})", {}},  // 400
      {"PATCH", "/v1/organizations/org_acme/metadata", R"({"public_metadata": {"k": [1, 2]}})", {}},
      {"GET", "/v1/users?order_by=-created_at&limit=3", "", {}},
      {"GET", "/v1/organizations?include_members_count=true", "", {}},
      {"GET", "/v1/nope", "", {}},                                        // 404
      {"GET", "/v1/users", "", {{"Authorization", "Bearer sk_test_wrong"}}},  // 401
      {"DELETE", "/v1/organizations/org_globex", "", {}},
      {"GET", "/v1/organization_memberships?limit=50", "", {}},
  };
}

std::vector<Response> run(Api& api, const std::vector<Step>& steps) {
  std::vector<Response> out;
  for (const auto& s : steps) out.push_back(api.call(s.method, s.target, s.body, s.headers));
  return out;
}

NewUser user_with(const std::string& email) {
  NewUser u;
  u.email_addresses = {email};
  return u;
}

}  // namespace

TEST(Determinism, SameFixtureSeedAndRequestsGiveIdenticalBodies) {
  Api a, b;
  auto ra = run(a, script());
  auto rb = run(b, script());
  ASSERT_EQ(ra.size(), rb.size());
  for (size_t i = 0; i < ra.size(); ++i) {
    EXPECT_EQ(ra[i].status, rb[i].status) << "step " << i;
    EXPECT_EQ(ra[i].body, rb[i].body) << "step " << i;
  }
  // the script does contain errors with trace ids, and generated ids
  EXPECT_EQ(ra[1].status, 422);
  EXPECT_TRUE(body_of(ra[1])["clerk_trace_id"].is_string());
  EXPECT_EQ(body_of(ra[10])["errors"][0]["code"], "clerk_key_invalid");
  EXPECT_EQ(body_of(ra[0])["id"].get<std::string>().rfind("user_", 0), 0u);
  EXPECT_EQ(dump_fixture(a.instance().snapshot()), dump_fixture(b.instance().snapshot()));
}

TEST(Determinism, TraceIdsDifferBetweenErrors) {
  Api api;
  std::string first = body_of(api.call("GET", "/v1/organizations/org_nope"))["clerk_trace_id"];
  std::string second = body_of(api.call("GET", "/v1/organizations/org_nope"))["clerk_trace_id"];
  EXPECT_NE(first, second);
  EXPECT_EQ(first.size(), 32u);
}

TEST(Determinism, FailedRequestDoesNotMoveTheNextId) {
  Api clean, noisy;
  auto fail = noisy.call("POST", "/v1/users", Json{{"email_address", {"alice@acme.test"}}});
  ASSERT_EQ(fail.status, 422);
  auto fail2 = noisy.call("POST", "/v1/organizations", Json{{"name", "X"}, {"created_by", "user_ghost"}});
  ASSERT_EQ(fail2.status, 400);
  auto fail3 = noisy.call("POST", "/v1/organizations/org_acme/memberships", Json{{"user_id", "user_bob"}, {"role", "org:member"}});
  ASSERT_EQ(fail3.status, 400);
  Json a = body_of(clean.call("POST", "/v1/users", Json{{"email_address", {"z@z.test"}}}));
  Json b = body_of(noisy.call("POST", "/v1/users", Json{{"email_address", {"z@z.test"}}}));
  EXPECT_EQ(a["id"], b["id"]);
  EXPECT_EQ(a["email_addresses"][0]["id"], b["email_addresses"][0]["id"]);
  Json oa = body_of(clean.call("POST", "/v1/organizations", Json{{"name", "Same"}}));
  Json ob = body_of(noisy.call("POST", "/v1/organizations", Json{{"name", "Same"}}));
  EXPECT_EQ(oa["id"], ob["id"]);
}

TEST(Determinism, FailedRequestLeavesTheStateDumpIdentical) {
  Api api;
  Json before = dump_fixture(api.instance().snapshot());
  std::vector<Step> failures = {
      {"POST", "/v1/users", R"({"email_address": ["ok@x.test"], "username": "alice"})", {}},
      {"POST", "/v1/users", R"({"email_address": ["ok@x.test"], "password": "short"})", {}},
      {"POST", "/v1/organizations", R"({"name": "Fine", "slug": "globex"})", {}},
      {"POST", "/v1/organizations", R"({"name": "Fine", "max_allowed_memberships": -1})", {}},
      {"PATCH", "/v1/organizations/org_acme", R"({"name": "Renamed", "slug": "Bad Slug"})", {}},
      {"PATCH", "/v1/organizations/org_acme/metadata", R"({"public_metadata": {"a": 1}, "private_metadata": 5})", {}},
      {"PATCH", "/v1/users/user_alice", R"({"first_name": "Changed", "username": "bob"})", {}},
      {"PATCH", "/v1/organizations/org_acme/memberships/user_alice", R"({"role": "org:member"})", {}},
      {"DELETE", "/v1/organizations/org_acme/memberships/user_alice", "", {}},
      {"POST", "/v1/organizations/org_acme/memberships", R"({"user_id": "user_erin", "role": "org:nope"})", {}},
      {"POST", "/v1/organizations", R"({"name": "X", "unknown_field": 1})", {}},
  };
  for (const auto& s : failures) {
    Response r = api.call(s.method, s.target, s.body, s.headers);
    EXPECT_GE(r.status, 400) << s.method << " " << s.target << " " << s.body << " -> " << r.body;
  }
  EXPECT_EQ(dump_fixture(api.instance().snapshot()), before);
}

TEST(Determinism, DumpLoadRoundTripIsIdentical) {
  Instance inst = make_instance();
  inst.clock().advance_ms(1234);
  std::string frank = inst.create_user(user_with("frank@x.test")).id;
  NewOrganization n;
  n.name = "Initech";
  n.created_by = frank;
  std::string org = inst.create_organization(n).id;
  inst.add_membership(org, "user_bob", "org:member");
  MetadataPatch p;
  p.public_metadata = Json{{"k", {1, 2}}};
  inst.merge_organization_metadata("org_acme", p);

  Json dump = dump_fixture(inst.snapshot());
  InstanceState reloaded_state = load_fixture(dump, kSeed, false);
  Instance reloaded(reloaded_state, ClockMode::frozen);
  EXPECT_EQ(dump_fixture(reloaded.snapshot()), dump);
}

// The reloaded instance must continue the same id sequence as the original.
TEST(Determinism, ReloadedInstanceGeneratesTheSameNextIds) {
  Instance inst = make_instance();
  inst.create_user(user_with("frank@x.test"));
  Instance reloaded(load_fixture(dump_fixture(inst.snapshot()), kSeed, false), ClockMode::frozen);
  EXPECT_EQ(reloaded.create_user(user_with("gina@x.test")).id, inst.create_user(user_with("gina@x.test")).id);
}

TEST(Determinism, FreshFixtureRoundTripIsIdentical) {
  Instance inst = make_instance();
  Json dump = dump_fixture(inst.snapshot());
  Instance reloaded(load_fixture(dump, kSeed, false), ClockMode::frozen);
  EXPECT_EQ(dump_fixture(reloaded.snapshot()), dump);
}

// Deleting a user who created an organization is a normal operation; the state it
// leaves must still dump and load back.
TEST(Determinism, RoundTripAfterTheCreatorIsDeleted) {
  Instance inst = make_instance();
  inst.remove_membership("org_acme", "user_bob");
  inst.remove_membership("org_acme", "user_carol");
  inst.delete_user("user_alice");  // created org_acme
  Json dump = dump_fixture(inst.snapshot());
  try {
    Instance reloaded(load_fixture(dump, kSeed, false), ClockMode::frozen);
    EXPECT_EQ(dump_fixture(reloaded.snapshot()), dump);
  } catch (const FixtureError& e) {
    FAIL() << "a dump of a reachable state did not load: " << e.what();
  }
}

TEST(Determinism, DifferentSeedGivesDifferentIds) {
  Instance a = make_instance(base_fixture(), 1);
  Instance b = make_instance(base_fixture(), 2);
  EXPECT_NE(a.create_user(user_with("s@x.test")).id, b.create_user(user_with("s@x.test")).id);
  EXPECT_NE(a.info().id, b.info().id);
  EXPECT_NE(a.snapshot().permissions[0].id, b.snapshot().permissions[0].id);
}

TEST(Determinism, SameSeedSameIdsAcrossInstances) {
  Instance a = make_instance(base_fixture(), 9);
  Instance b = make_instance(base_fixture(), 9);
  EXPECT_EQ(a.info().id, b.info().id);
  EXPECT_EQ(a.create_user(user_with("s@x.test")).id, b.create_user(user_with("s@x.test")).id);
}

TEST(Determinism, FrozenClockDoesNotMove) {
  Api api;
  Json first = body_of(api.call("POST", "/v1/users", Json{{"email_address", {"t1@x.test"}}}));
  Json second = body_of(api.call("POST", "/v1/users", Json{{"email_address", {"t2@x.test"}}}));
  EXPECT_EQ(first["created_at"], kDefaultFixtureClockMs);
  EXPECT_EQ(second["created_at"], kDefaultFixtureClockMs);
}

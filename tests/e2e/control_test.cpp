// The /__sim control plane and tenancy, over HTTP.
#include <gtest/gtest.h>

#include <fstream>

#include "server_process.hpp"

using e2e::ServerProcess;
using nlohmann::json;

TEST(Control, ResetRestoresTheFixtureAndRestartsIds) {
  ServerProcess s({"--clock", "frozen"});
  auto first = s.request("POST", "/v1/organizations", R"({"name":"Hooli"})").json();
  ASSERT_EQ(s.request("GET", "/v1/organizations").json()["total_count"], 3);
  auto reset = s.request("POST", "/__sim/reset");
  EXPECT_EQ(reset.status, 200);
  EXPECT_EQ(s.request("GET", "/v1/organizations").json()["total_count"], 2);
  auto again = s.request("POST", "/v1/organizations", R"({"name":"Hooli"})").json();
  EXPECT_EQ(again["id"], first["id"]);
  EXPECT_EQ(again["created_at"], first["created_at"]);
}

TEST(Control, FrozenClockMovesOnlyWhenTold) {
  ServerProcess s({"--clock", "frozen"});
  auto clock = s.request("GET", "/__sim/clock").json();
  EXPECT_EQ(clock["mode"], "frozen");
  EXPECT_EQ(clock["now_ms"], 1767225600000);
  EXPECT_EQ(s.request("POST", "/__sim/clock", R"({"advance_ms":60000})").json()["now_ms"], 1767225660000);
  auto org = s.request("POST", "/v1/organizations", R"({"name":"Later Inc"})").json();
  EXPECT_EQ(org["created_at"], 1767225660000);
  EXPECT_EQ(s.request("POST", "/__sim/clock", R"({"set_ms":1800000000000})").json()["now_ms"], 1800000000000);
  auto wall = s.request("POST", "/__sim/clock", R"({"mode":"wall"})").json();
  EXPECT_EQ(wall["mode"], "wall");
  EXPECT_GE(wall["now_ms"].get<int64_t>(), 1800000000000);
  EXPECT_EQ(s.request("POST", "/__sim/clock", R"({"mode":"sideways"})").status, 422);
  EXPECT_EQ(s.request("POST", "/__sim/clock", "{}").status, 422);
}

TEST(Control, StateDumpLoadsBackAsAFixture) {
  ServerProcess s({"--clock", "frozen"});
  s.request("POST", "/v1/organizations", R"({"name":"Dumped","created_by":"user_erin"})");
  auto dump = s.request("GET", "/__sim/state");
  ASSERT_EQ(dump.status, 200);
  std::string path = ::testing::TempDir() + "dumped_fixture.json";
  std::ofstream(path) << dump.body;
  ServerProcess reloaded({"--clock", "frozen", "--fixture", path});
  EXPECT_EQ(reloaded.request("GET", "/__sim/state").body, dump.body);
  // The id stream continues where the dump left it.
  auto next_a = s.request("POST", "/v1/organizations", R"({"name":"Next"})").json()["id"];
  auto next_b = reloaded.request("POST", "/v1/organizations", R"({"name":"Next"})").json()["id"];
  EXPECT_EQ(next_a, next_b);
}

TEST(Control, ControlPlaneNeedsTheSecretKey) {
  ServerProcess s;
  EXPECT_EQ(s.request("GET", "/__sim/state", "", "").status, 401);
  EXPECT_EQ(s.request("POST", "/__sim/reset", "", "sk_test_unknown").status, 401);
}

TEST(Tenancy, AutoGivesEachTestKeyItsOwnInstance) {
  ServerProcess s({"--tenancy", "auto", "--clock", "frozen"});
  auto a = s.request("POST", "/v1/organizations", R"({"name":"Worker A"})", "sk_test_worker_a");
  ASSERT_EQ(a.status, 200);
  EXPECT_EQ(s.request("GET", "/v1/organizations", "", "sk_test_worker_a").json()["total_count"], 3);
  EXPECT_EQ(s.request("GET", "/v1/organizations", "", "sk_test_worker_b").json()["total_count"], 2);
  EXPECT_EQ(s.request("GET", "/v1/organizations", "", "sk_test_clerksim_default").json()["total_count"], 2);
  // Each instance has its own id sequence: worker B's first org gets the same id as A's.
  auto b = s.request("POST", "/v1/organizations", R"({"name":"Worker B"})", "sk_test_worker_b").json();
  EXPECT_EQ(b["id"], a.json()["id"]);
  EXPECT_EQ(s.request("GET", "/v1/organizations", "", "sk_live_nope").status, 401);
}

TEST(Tenancy, FixedRejectsKeysTheFixtureDoesNotName) {
  ServerProcess s;
  auto r = s.request("GET", "/v1/organizations", "", "sk_test_worker_a");
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.json()["errors"][0]["code"], "clerk_key_invalid");
  EXPECT_EQ(r.reason, "Unauthorized");
}

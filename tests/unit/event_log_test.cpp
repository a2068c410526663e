// The event log: each change recorded once, in order, in the webhook envelope, with
// the payload Clerk's webhooks carry for its type.
#include "test_support.hpp"

using namespace clerksim;
using namespace clerksim::unit;

namespace {

Json events(Api& api, const std::string& query = "") {
  Response r = api.call("GET", "/__sim/webhooks/events" + query);
  EXPECT_EQ(r.status, 200) << r.body;
  return Json::parse(r.body);
}

std::vector<std::string> types(const Json& log) {
  std::vector<std::string> out;
  for (const auto& e : log["data"]) out.push_back(e["type"]);
  return out;
}

}  // namespace

TEST(EventLog, RolesAndPermissionsHaveTheirEvents) {
  Api api;
  Json perm = Json::parse(api.call("POST", "/v1/organization_permissions",
                                   Json{{"name", "Publish"}, {"key", "org:posts:publish"}}).body);
  Json role = Json::parse(api.call("POST", "/v1/organization_roles",
                                   Json{{"name", "Editor"}, {"key", "org:editor"}, {"permissions", {perm["id"]}}}).body);
  ASSERT_EQ(api.call("DELETE", "/v1/organization_roles/" + role["id"].get<std::string>()).status, 200);
  ASSERT_EQ(api.call("DELETE", "/v1/organization_permissions/" + perm["id"].get<std::string>()).status, 200);
  Json log = events(api);
  EXPECT_EQ(types(log), (std::vector<std::string>{"permission.created", "role.created", "role.deleted",
                                                  "permission.deleted"}));
  EXPECT_EQ(log["data"][1]["data"]["object"], "role");
  EXPECT_EQ(log["data"][1]["data"]["permissions"][0]["key"], "org:posts:publish");
  EXPECT_EQ(log["data"][2]["data"], (Json{{"object", "role"}, {"id", role["id"]}, {"slug", nullptr}, {"deleted", true}}));
  EXPECT_EQ(log["data"][3]["data"], (Json{{"object", "permission"}, {"id", perm["id"]}, {"deleted", true}}));
}

TEST(EventLog, SessionEventsCarryTheUser) {
  Api api;
  Json session = Json::parse(api.call("POST", "/v1/sessions", Json{{"user_id", "user_bob"}}).body);
  ASSERT_EQ(api.call("POST", "/v1/sessions/" + session["id"].get<std::string>() + "/revoke").status, 200);
  Json log = events(api);
  // Membership is required and no organization is active: the session starts pending.
  EXPECT_EQ(types(log), (std::vector<std::string>{"session.created", "session.pending", "session.revoked"}));
  EXPECT_EQ(log["data"][0]["data"]["user"]["id"], "user_bob");
  EXPECT_EQ(log["data"][0]["data"]["object"], "session");
  EXPECT_FALSE(log["data"][0]["data"].contains("tasks")) << "the webhook Session has no tasks";
  EXPECT_EQ(log["data"][1]["data"]["status"], "pending");
  EXPECT_EQ(log["data"][2]["data"]["status"], "revoked");
}

TEST(EventLog, EnvelopeIdsFiltersAndClearing) {
  Api api;
  api.call("POST", "/v1/organizations", Json{{"name", "Initech"}}, Headers{{"User-Agent", "my-app/1.0"}});
  api.call("POST", "/v1/users", Json{{"email_address", {"zoe@initech.test"}}});
  Json log = events(api);
  ASSERT_EQ(log["total_count"], 2);
  const Json& first = log["data"][0];
  EXPECT_EQ(first["object"], "event");
  EXPECT_EQ(first["instance_id"], api.instance().info().id);
  EXPECT_EQ(first["timestamp"], api.instance().clock().now_ms());
  EXPECT_EQ(first["event_attributes"]["http_request"]["user_agent"], "my-app/1.0");
  EXPECT_EQ(first["id"].get<std::string>().rfind("msg_", 0), 0u);
  EXPECT_NE(first["id"], log["data"][1]["id"]);
  EXPECT_EQ(types(events(api, "?type=user.created")), std::vector<std::string>{"user.created"});
  EXPECT_EQ(types(events(api, "?since=" + first["id"].get<std::string>())), std::vector<std::string>{"user.created"});
  EXPECT_EQ(events(api, "?limit=1")["data"].size(), 1u);
  EXPECT_EQ(api.call("GET", "/__sim/webhooks/events?since=msg_nope").status, 404);
  ASSERT_EQ(api.call("DELETE", "/__sim/webhooks/events").status, 200);
  EXPECT_EQ(events(api)["total_count"], 0);
}

TEST(EventLog, RefusedRequestsRecordNothingAndResetClears) {
  Api api;
  ASSERT_EQ(api.call("POST", "/v1/organizations", Json{{"name", "Dup"}, {"slug", "acme-corp"}}).status, 422);
  EXPECT_EQ(events(api)["total_count"], 0);
  api.call("POST", "/v1/organizations", Json{{"name", "Kept"}});
  ASSERT_EQ(events(api)["total_count"], 1);
  ASSERT_EQ(api.call("POST", "/__sim/reset").status, 200);
  EXPECT_EQ(events(api)["total_count"], 0);
}

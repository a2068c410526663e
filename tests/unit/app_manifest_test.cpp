// The check-app manifest: what it accepts, what it refuses, and the warnings it
// gives from the manifest alone.
#include <gtest/gtest.h>

#include "scenario/app_checker.hpp"

using namespace clerksim;
using namespace clerksim::scenario;

TEST(AppManifest, ReadsAnEntryWithDefaults) {
  auto routes = load_manifest(Json::parse(R"([
    {"method": "POST", "path": "/orgs/{slug}/posts", "params": {"slug": "org_slug"},
     "requires": {"org_slug_match": true, "permission": "org:posts:edit"},
     "body": {"title": "t"}, "org_scoped_write": {"field": "organization_id", "read_back": "GET /orgs/{slug}/posts"}}
  ])"));
  ASSERT_EQ(routes.size(), 1u);
  const AppRoute& r = routes[0];
  EXPECT_TRUE(r.signed_in) << "anything more than being signed in implies it";
  EXPECT_TRUE(r.org_slug_match);
  ASSERT_EQ(r.checks.size(), 1u);
  EXPECT_EQ(r.checks[0], (std::pair<std::string, std::string>{"permission", "org:posts:edit"}));
  EXPECT_EQ(r.allow, (std::vector<int>{200, 201, 204}));
  EXPECT_EQ(r.deny, (std::vector<int>{302, 401, 403, 404}));
  EXPECT_EQ(r.write_field, "organization_id");
  EXPECT_EQ(r.read_back_method, "GET");
  EXPECT_EQ(r.read_back_path, "/orgs/{slug}/posts");
  EXPECT_TRUE(manifest_warnings(routes).empty());
}

TEST(AppManifest, RefusesWhatItCannotCheck) {
  auto refused = [](const char* text, const std::string& why) {
    try {
      load_manifest(Json::parse(text));
      return ::testing::AssertionFailure() << "accepted " << text;
    } catch (const std::runtime_error& e) {
      if (std::string(e.what()).find(why) == std::string::npos)
        return ::testing::AssertionFailure() << "said '" << e.what() << "', not '" << why << "'";
      return ::testing::AssertionSuccess();
    }
  };
  EXPECT_TRUE(refused("{}", "JSON array"));
  EXPECT_TRUE(refused("[]", "no routes"));
  EXPECT_TRUE(refused(R"([{"path": "/x"}])", "method is required"));
  EXPECT_TRUE(refused(R"([{"method": "GET", "path": "x"}])", "path must start with /"));
  EXPECT_TRUE(refused(R"([{"method": "GET", "path": "/x/{id}", "params": {"id": "team"}}])", "org_slug, org_id or user_id"));
  EXPECT_TRUE(refused(R"([{"method": "GET", "path": "/x", "params": {"slug": "org_slug"}}])", "not in the path"));
  EXPECT_TRUE(refused(R"([{"method": "GET", "path": "/x", "requires": {"admin": true}}])", "unknown requirement admin"));
  EXPECT_TRUE(refused(R"([{"method": "GET", "path": "/x", "allow": [200, "ok"]}])", "array of statuses"));
  EXPECT_TRUE(refused(R"([{"method": "GET", "path": "/x", "org_scoped_write": {"field": "o", "read_back": "/x"}}])",
                      "METHOD /path"));
  EXPECT_TRUE(refused(R"([{"method": "GET", "path": "/x", "verb": "GET"}])", "unknown field verb"));
}

TEST(AppManifest, WarnsOfSystemPermissionsAndMissingSlugChecks) {
  auto routes = load_manifest(Json::parse(R"([
    {"method": "GET", "path": "/orgs/{slug}/billing", "params": {"slug": "org_slug"},
     "requires": {"org_slug_match": true, "permission": "org:sys_billing:manage"}},
    {"method": "GET", "path": "/orgs/{id}/members", "params": {"id": "org_id"}, "requires": {"signed_in": true}},
    {"method": "GET", "path": "/users/{user}", "params": {"user": "user_id"}, "requires": {"signed_in": true}}
  ])"));
  auto warnings = manifest_warnings(routes);
  ASSERT_EQ(warnings.size(), 2u);
  EXPECT_NE(warnings[0].find("GET /orgs/{slug}/billing: requires permission org:sys_billing:manage"), std::string::npos);
  EXPECT_NE(warnings[1].find("GET /orgs/{id}/members: names an organization in the URL"), std::string::npos);
}

// The in-process Dispatcher: authentication, routing, body decoding errors, the error
// body shape, list shapes, query decoding and tenancy by secret key.
#include <algorithm>
#include <cctype>

#include "test_support.hpp"

using namespace clerksim;
using namespace clerksim::unit;

namespace {

Request bare(const std::string& method, const std::string& target) {
  Request r;
  r.method = method;
  r.target = target;
  return r;
}

std::vector<std::string> ids_in(const Json& list) {
  std::vector<std::string> out;
  for (const auto& item : list) out.push_back(item["id"]);
  return out;
}

std::vector<std::string> sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return v;
}

}  // namespace

// --- authentication

TEST(DispatcherAuth, MissingHeader) {
  Api api;
  EXPECT_TRUE(IsError(api.raw(bare("GET", "/v1/users")), 401, "authentication_invalid"));
}

TEST(DispatcherAuth, NotBearer) {
  Api api;
  Request r = bare("GET", "/v1/users");
  r.headers["Authorization"] = "Basic x";
  EXPECT_TRUE(IsError(api.raw(r), 401, "authorization_header_format_invalid"));
  r.headers["Authorization"] = "Bearer ";
  EXPECT_TRUE(IsError(api.raw(r), 401, "authorization_header_format_invalid"));
  r.headers["Authorization"] = kKey;  // the key without the scheme
  EXPECT_TRUE(IsError(api.raw(r), 401, "authorization_header_format_invalid"));
}

TEST(DispatcherAuth, UnknownKey) {
  Api api;
  EXPECT_TRUE(IsError(api.call("GET", "/v1/users", "", {{"Authorization", "Bearer sk_test_not_this_one"}}), 401,
                      "clerk_key_invalid"));
  EXPECT_TRUE(IsError(api.call("GET", "/v1/users", "", {{"Authorization", "Bearer sk_live_whatever"}}), 401,
                      "clerk_key_invalid"));
}

TEST(DispatcherAuth, HeaderNameIsCaseInsensitive) {
  Api api;
  Request r = bare("GET", "/v1/users/count");
  r.headers["authorization"] = std::string("Bearer ") + kKey;
  Response res = api.raw(r);
  EXPECT_EQ(res.status, 200) << res.body;
}

TEST(DispatcherAuth, FailedAuthChangesNothing) {
  Api api;
  Json before = dump_fixture(api.instance().snapshot());
  Request r = bare("POST", "/v1/users");
  r.body = R"({"email_address": ["sneaky@x.test"]})";
  EXPECT_EQ(api.raw(r).status, 401);
  EXPECT_EQ(dump_fixture(api.instance().snapshot()), before);
}

TEST(DispatcherAuth, HealthIsOpen) {
  Api api;
  Response r = api.raw(bare("GET", "/__sim/health"));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(body_of(r), (Json{{"status", "ok"}}));
}

// --- routing

TEST(DispatcherRouting, UnknownRouteIsNotFound) {
  Api api;
  EXPECT_TRUE(IsError(api.call("GET", "/v1/widgets"), 404, "resource_not_found"));
  EXPECT_TRUE(IsError(api.call("PUT", "/v1/users"), 404, "resource_not_found"));
  EXPECT_TRUE(IsError(api.call("GET", "/v2/users"), 404, "resource_not_found"));
}

TEST(DispatcherRouting, UnknownResourceIsNotFound) {
  Api api;
  EXPECT_TRUE(IsError(api.call("GET", "/v1/users/user_ghost"), 404, "resource_not_found"));
  EXPECT_TRUE(IsError(api.call("GET", "/v1/organizations/org_ghost"), 404, "resource_not_found"));
}

TEST(DispatcherRouting, CountIsNotTakenForAUserId) {
  Api api;
  Response r = api.call("GET", "/v1/users/count");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(body_of(r)["object"], "total_count");
}

TEST(DispatcherRouting, PercentEncodedPathSegment) {
  Api api;
  Response r = api.call("GET", "/v1/organizations/acme%2Dcorp");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(body_of(r)["id"], "org_acme");
}

// --- bodies

TEST(DispatcherBody, MalformedJson) {
  Api api;
  EXPECT_TRUE(IsError(api.call("POST", "/v1/organizations", std::string(R"({"name": "x",)")), 400,
                      "request_body_invalid"));
  EXPECT_TRUE(IsError(api.call("POST", "/v1/organizations", std::string("not json")), 400, "request_body_invalid"));
}

TEST(DispatcherBody, NonObjectJson) {
  Api api;
  EXPECT_TRUE(IsError(api.call("POST", "/v1/organizations", std::string(R"(["name"])")), 400, "request_body_invalid"));
}

TEST(DispatcherBody, WrongTypeNamesTheParameter) {
  Api api;
  EXPECT_TRUE(IsError(api.call("POST", "/v1/organizations", Json{{"name", 5}}), 422, "form_param_value_invalid",
                      "name"));
  EXPECT_TRUE(IsError(api.call("POST", "/v1/organizations", Json{{"name", "X"}, {"max_allowed_memberships", "3"}}), 422,
                      "form_param_value_invalid", "max_allowed_memberships"));
  EXPECT_TRUE(IsError(api.call("POST", "/v1/users", Json{{"email_address", "a@b.test"}}), 422,
                      "form_param_value_invalid", "email_address"));
  EXPECT_TRUE(IsError(api.call("PATCH", "/v1/organizations/org_acme", Json{{"admin_delete_enabled", "yes"}}), 422,
                      "form_param_value_invalid", "admin_delete_enabled"));
}

TEST(DispatcherBody, UnknownFieldNamesTheParameter) {
  Api api;
  EXPECT_TRUE(IsError(api.call("POST", "/v1/organizations", Json{{"name", "X"}, {"nickname", "y"}}), 422,
                      "form_param_unknown", "nickname"));
  EXPECT_TRUE(IsError(api.call("PATCH", "/v1/organizations/org_acme/memberships/user_bob",
                               Json{{"role", "org:admin"}, {"extra", true}}),
                      422, "form_param_unknown", "extra"));
  // nothing was created or changed
  EXPECT_EQ(api.instance().list_organizations({}, ListWindow{}).total_count, 2);
  EXPECT_EQ(api.instance().update_membership_role("org_acme", "user_bob", "org:member").role, "org:member");
}

TEST(DispatcherBody, MissingRequiredField) {
  Api api;
  EXPECT_TRUE(IsError(api.call("POST", "/v1/organizations", Json::object()), 422, "form_param_missing", "name"));
  EXPECT_TRUE(IsError(api.call("PATCH", "/v1/organizations/org_acme/memberships/user_bob", std::string("")), 422,
                      "form_param_missing", "role"));
}

TEST(DispatcherBody, NullReadsAsNotGiven) {
  Api api;
  Response r = api.call("PATCH", "/v1/organizations/org_acme", Json{{"name", nullptr}, {"slug", nullptr}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(body_of(r)["name"], "Acme Corp");
}

// --- error body shape

TEST(DispatcherErrors, BodyShape) {
  Api api;
  Response r = api.call("POST", "/v1/organizations", Json{{"name", "X"}, {"slug", "globex"}});
  ASSERT_EQ(r.status, 422);
  Json b = body_of(r);
  ASSERT_TRUE(b.is_object());
  std::vector<std::string> keys;
  for (const auto& [k, v] : b.items()) keys.push_back(k);
  EXPECT_EQ(sorted(keys), (std::vector<std::string>{"clerk_trace_id", "errors"}));
  ASSERT_TRUE(b["errors"].is_array());
  ASSERT_EQ(b["errors"].size(), 1u);
  const Json& e = b["errors"][0];
  std::vector<std::string> ekeys;
  for (const auto& [k, v] : e.items()) ekeys.push_back(k);
  EXPECT_EQ(sorted(ekeys), (std::vector<std::string>{"code", "long_message", "message", "meta"}));
  EXPECT_EQ(e["code"], "form_identifier_exists");
  EXPECT_TRUE(e["message"].is_string() && !e["message"].get<std::string>().empty());
  EXPECT_TRUE(e["long_message"].is_string() && !e["long_message"].get<std::string>().empty());
  EXPECT_EQ(e["meta"], (Json{{"param_name", "slug"}}));
  std::string trace = b["clerk_trace_id"];
  EXPECT_EQ(trace.size(), 32u);
  EXPECT_TRUE(std::all_of(trace.begin(), trace.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)) && !std::isupper(static_cast<unsigned char>(c)); }))
      << trace;
}

TEST(DispatcherErrors, AuthErrorsHaveTheSameShape) {
  Api api;
  Json b = body_of(api.raw(bare("GET", "/v1/users")));
  ASSERT_TRUE(b["errors"].is_array());
  EXPECT_TRUE(b["errors"][0].contains("long_message"));
  EXPECT_TRUE(b["errors"][0]["meta"].is_object());
  EXPECT_TRUE(b["clerk_trace_id"].is_string());
}

// --- list shapes

TEST(DispatcherLists, UsersIsABareArray) {
  Api api;
  Response r = api.call("GET", "/v1/users");
  ASSERT_EQ(r.status, 200);
  Json b = body_of(r);
  ASSERT_TRUE(b.is_array());
  EXPECT_EQ(b.size(), 5u);
  EXPECT_EQ(b[0]["object"], "user");
}

TEST(DispatcherLists, UsersCountIsTotalCountObject) {
  Api api;
  EXPECT_EQ(body_of(api.call("GET", "/v1/users/count")), (Json{{"object", "total_count"}, {"total_count", 5}}));
  EXPECT_EQ(body_of(api.call("GET", "/v1/users/count?organization_id=org_globex")),
            (Json{{"object", "total_count"}, {"total_count", 2}}));
}

TEST(DispatcherLists, OrganizationsAreAnEnvelope) {
  Api api;
  Json b = body_of(api.call("GET", "/v1/organizations?limit=1"));
  ASSERT_TRUE(b.is_object());
  EXPECT_EQ(b["total_count"], 2);
  EXPECT_EQ(b["data"].size(), 1u);
  EXPECT_FALSE(b.contains("object"));
}

TEST(DispatcherLists, LimitBounds) {
  Api api;
  EXPECT_TRUE(IsError(api.call("GET", "/v1/users?limit=0"), 422, "form_param_value_invalid", "limit"));
  EXPECT_TRUE(IsError(api.call("GET", "/v1/users?limit=501"), 422, "form_param_value_invalid", "limit"));
  EXPECT_TRUE(IsError(api.call("GET", "/v1/users?offset=-1"), 422, "form_param_value_invalid", "offset"));
  EXPECT_TRUE(IsError(api.call("GET", "/v1/users?limit=ten"), 422, "form_param_type_invalid", "limit"));
  EXPECT_EQ(body_of(api.call("GET", "/v1/users?limit=500")).size(), 5u);
}

// --- query decoding

TEST(DispatcherQuery, RepeatedKeysFormAList) {
  Api api;
  Json b = body_of(api.call("GET", "/v1/users?user_id=user_alice&user_id=user_dave"));
  EXPECT_EQ(sorted(ids_in(b)), (std::vector<std::string>{"user_alice", "user_dave"}));
  Json e = body_of(api.call("GET", "/v1/users?email_address=bob%40acme.test&email_address=erin%40example.test"));
  EXPECT_EQ(sorted(ids_in(e)), (std::vector<std::string>{"user_bob", "user_erin"}));
}

TEST(DispatcherQuery, MinusPrefixExcludes) {
  Api api;
  Json b = body_of(api.call("GET", "/v1/users?user_id=-user_alice&user_id=-user_bob"));
  EXPECT_EQ(sorted(ids_in(b)), (std::vector<std::string>{"user_carol", "user_dave", "user_erin"}));
  Json o = body_of(api.call("GET", "/v1/organizations?user_id=-user_dave"));
  EXPECT_EQ(ids_in(o["data"]), (std::vector<std::string>{"org_acme"}));
}

TEST(DispatcherQuery, EncodedPlusIsAPlus) {
  Api api;
  Json asc = body_of(api.call("GET", "/v1/organizations?order_by=%2Bname"));
  EXPECT_EQ(ids_in(asc["data"]), (std::vector<std::string>{"org_acme", "org_globex"}));
  Json users = body_of(api.call("GET", "/v1/users?order_by=%2Busername&limit=2"));
  EXPECT_EQ(ids_in(users), (std::vector<std::string>{"user_alice", "user_bob"}));
  Json inc = body_of(api.call("GET", "/v1/users?user_id=%2Buser_carol"));
  EXPECT_EQ(ids_in(inc), (std::vector<std::string>{"user_carol"}));
}

TEST(DispatcherQuery, BarePlusIsASpace) {
  Api api;
  // form encoding: "Acme+Corp" is "Acme Corp"
  Json b = body_of(api.call("GET", "/v1/organizations?query=Acme+Corp"));
  EXPECT_EQ(ids_in(b["data"]), (std::vector<std::string>{"org_acme"}));
  Json pct = body_of(api.call("GET", "/v1/organizations?query=Acme%20Corp"));
  EXPECT_EQ(ids_in(pct["data"]), (std::vector<std::string>{"org_acme"}));
}

TEST(DispatcherQuery, BracketedArrayKeysAccepted) {
  Api api;
  Response encoded = api.call("GET", "/v1/users?user_id%5B%5D=user_alice&user_id%5B%5D=user_bob");
  ASSERT_EQ(encoded.status, 200) << encoded.body;
  EXPECT_EQ(sorted(ids_in(body_of(encoded))), (std::vector<std::string>{"user_alice", "user_bob"}));
}

// Brackets left unencoded (as curl -g or a hand-written URL sends them) are still the
// same list; the request must not be taken for an unknown endpoint.
TEST(DispatcherQuery, UnencodedBracketsAccepted) {
  Api api;
  Response raw = api.call("GET", "/v1/users?user_id[]=user_alice&user_id[]=user_bob");
  ASSERT_EQ(raw.status, 200) << raw.body;
  EXPECT_EQ(sorted(ids_in(body_of(raw))), (std::vector<std::string>{"user_alice", "user_bob"}));
}

TEST(DispatcherQuery, BooleanFlag) {
  Api api;
  Json b = body_of(api.call("GET", "/v1/organizations/org_globex?include_members_count=true"));
  EXPECT_EQ(b["members_count"], 2);
  EXPECT_TRUE(IsError(api.call("GET", "/v1/organizations/org_globex?include_members_count=maybe"), 422,
                      "form_param_type_invalid", "include_members_count"));
}

// --- tenancy

TEST(DispatcherTenancy, AutoModeGivesANewTestKeyItsOwnFreshInstance) {
  Api api(base_fixture(), kSeed, TenancyMode::automatic);
  Headers other = {{"Authorization", "Bearer sk_test_worker_2"}};
  auto created = api.call("POST", "/v1/users", Json{{"email_address", {"only@worker2.test"}}}, other);
  ASSERT_EQ(created.status, 200) << created.body;
  // the new instance started from the fixture
  EXPECT_EQ(body_of(api.call("GET", "/v1/users/count", "", other))["total_count"], 6);
  // the default key's instance did not see it
  EXPECT_EQ(body_of(api.call("GET", "/v1/users/count"))["total_count"], 5);
  // a third key starts from the fixture again
  Headers third = {{"Authorization", "Bearer sk_test_worker_3"}};
  EXPECT_EQ(body_of(api.call("GET", "/v1/users/count", "", third))["total_count"], 5);
  // the same email is free in the third instance
  EXPECT_EQ(api.call("POST", "/v1/users", Json{{"email_address", {"only@worker2.test"}}}, third).status, 200);
}

TEST(DispatcherTenancy, AutoModeInstanceKeepsItsState) {
  Api api(base_fixture(), kSeed, TenancyMode::automatic);
  Headers k = {{"Authorization", "Bearer sk_test_keep"}};
  api.call("DELETE", "/v1/users/user_erin", "", k);
  EXPECT_TRUE(IsError(api.call("GET", "/v1/users/user_erin", "", k), 404, "resource_not_found"));
  EXPECT_EQ(api.call("GET", "/v1/users/user_erin").status, 200);
}

TEST(DispatcherTenancy, AutoModeRejectsNonTestKeys) {
  Api api(base_fixture(), kSeed, TenancyMode::automatic);
  EXPECT_TRUE(IsError(api.call("GET", "/v1/users", "", {{"Authorization", "Bearer sk_live_abc"}}), 401,
                      "clerk_key_invalid"));
  EXPECT_TRUE(IsError(api.call("GET", "/v1/users", "", {{"Authorization", "Bearer sk_test_"}}), 401,
                      "clerk_key_invalid"));
}

TEST(DispatcherTenancy, FixedModeRejectsANewTestKey) {
  Api api(base_fixture(), kSeed, TenancyMode::fixed);
  EXPECT_TRUE(IsError(api.call("GET", "/v1/users", "", {{"Authorization", "Bearer sk_test_worker_2"}}), 401,
                      "clerk_key_invalid"));
  EXPECT_EQ(api.tenancy().find("sk_test_worker_2"), nullptr);
}

TEST(DispatcherTenancy, FixtureKeyFromTheFixture) {
  Json fx = base_fixture();
  fx["instance"] = {{"secret_key", "sk_test_custom_key"}};
  Api api(fx);
  EXPECT_TRUE(IsError(api.call("GET", "/v1/users"), 401, "clerk_key_invalid"));
  EXPECT_EQ(api.call("GET", "/v1/users", "", {{"Authorization", "Bearer sk_test_custom_key"}}).status, 200);
}

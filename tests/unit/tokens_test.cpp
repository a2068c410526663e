// Session tokens: the v2 claims (per/fpm packing, feature order, scopes, times),
// decoding claims the way the SDK does (v2 and v1), signing, verification with the
// SDK's clock skew, the JWKS and the publishable key.
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <algorithm>
#include <set>

#include "auth/tokens.hpp"
#include "auth/test_only_key.hpp"
#include "test_support.hpp"

using namespace clerksim;
using namespace clerksim::unit;

namespace {

constexpr int64_t kNowMs = 1700000000000;

std::vector<std::string> split_commas(const std::string& s) {
  std::vector<std::string> out;
  if (s.empty()) return out;
  size_t start = 0;
  while (true) {
    auto comma = s.find(',', start);
    out.push_back(s.substr(start, comma - start));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

std::vector<std::string> sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return v;
}

// The claims of sdk.md §3.4, as the domain would hand them over.
SessionClaims example_claims() {
  SessionClaims c;
  c.user_id = "user_1";
  c.session_id = "sess_1";
  c.status = "active";
  c.first_factor_age_minutes = 3;
  c.user_features = {"basic"};
  c.org_features = {"articles", "billing", "reports"};
  c.user_plans = {"free"};
  c.org_plans = {"pro"};
  c.org = OrgClaims{"org_1", "acme", "org:admin",
                    {"org:articles:read", "org:articles:manage", "org:billing:read", "org:reports:delete"}};
  return c;
}

Json encode(const SessionClaims& c, int64_t now_ms = kNowMs, int64_t lifetime = 60) {
  return encode_session_claims(c, TokenTimes{now_ms, lifetime}, "https://clerk.fake.test", "http://localhost:3000");
}

// The worked example payload of sdk.md §3.4, verbatim.
Json worked_example() {
  return Json::parse(R"JSON({"iss":"https://clerk.fake.test","sub":"user_1","sid":"sess_1","azp":"http://localhost:3000",
 "iat":1700000000,"nbf":1699999990,"exp":1700000060,"v":2,"fva":[3,-1],"sts":"active",
 "fea":"u:basic,o:articles,o:billing,uo:reports","pla":"u:free,o:pro",
 "o":{"id":"org_1","slg":"acme","rol":"admin","per":"read,manage,delete","fpm":"3,1,4"}})JSON");
}

Json part(const std::string& jwt, int index) {
  std::vector<std::string> parts;
  size_t start = 0;
  for (int i = 0; i < 3; ++i) {
    auto dot = jwt.find('.', start);
    parts.push_back(jwt.substr(start, dot == std::string::npos ? std::string::npos : dot - start));
    start = dot == std::string::npos ? jwt.size() : dot + 1;
  }
  auto text = base64url_decode(parts[static_cast<size_t>(index)]);
  if (!text) throw std::runtime_error("not base64url: " + parts[static_cast<size_t>(index)]);
  return Json::parse(*text);
}

std::string with_part(const std::string& jwt, int index, const std::string& replacement) {
  auto first = jwt.find('.'), second = jwt.find('.', first + 1);
  std::string p[3] = {jwt.substr(0, first), jwt.substr(first + 1, second - first - 1), jwt.substr(second + 1)};
  p[index] = replacement;
  return p[0] + "." + p[1] + "." + p[2];
}

// "a0,a1,...,a<n-1>"
std::string action_list(int n) {
  std::string per;
  for (int i = 0; i < n; ++i) {
    if (i) per += ',';
    per += 'a';
    per += std::to_string(i);
  }
  return per;
}

// Passes when verification throws the SDK-style 401.
template <class F>
::testing::AssertionResult Rejected(F&& f) {
  return FailsWith(std::forward<F>(f), 401, "authentication_invalid");
}

const Permission& add_permission(Instance& inst, const std::string& key) {
  NewPermission p;
  p.key = key;
  p.name = key;
  return inst.create_permission(p);
}

void grant(Instance& inst, const std::string& role, const std::string& key) {
  const Permission* p = inst.find_permission_by_key(key);
  if (!p) p = &add_permission(inst, key);
  inst.assign_permission(inst.get_role(role).id, p->id);
}

}  // namespace

// --- encoding

TEST(ClaimEncoding, WorkedExamplePacksPerAndFpm) {
  Json j = encode(example_claims());
  ASSERT_TRUE(j.contains("o"));
  EXPECT_EQ(j["o"]["per"], "read,manage,delete");
  EXPECT_EQ(j["o"]["fpm"], "3,1,4");
  EXPECT_EQ(j["o"]["id"], "org_1");
  EXPECT_EQ(j["o"]["slg"], "acme");
  EXPECT_EQ(j["o"]["rol"], "admin");
  EXPECT_EQ(j["fea"], "u:basic,o:articles,o:billing,o:reports");
  EXPECT_EQ(j["pla"], "u:free,o:pro");
}

TEST(ClaimEncoding, BitIOfFpmKIsPerIForTheKthFeature) {
  SessionClaims c = example_claims();
  c.user_features.clear();
  c.org_features = {"docs", "teams"};
  // per follows first appearance: a=bit0, b=bit1, c=bit2, d=bit3.
  c.org->permissions = {"org:docs:a", "org:teams:b", "org:docs:c", "org:teams:d", "org:teams:a"};
  Json j = encode(c);
  EXPECT_EQ(j["o"]["per"], "a,b,c,d");
  // docs: a, c -> 0b0101 = 5; teams: b, d, a -> 0b1011 = 11.
  EXPECT_EQ(j["o"]["fpm"], "5,11");
}

TEST(ClaimEncoding, HighestBitIsTheLastAction) {
  SessionClaims c = example_claims();
  c.user_features.clear();
  c.org_features = {"f"};
  c.org->permissions.clear();
  for (int i = 0; i < 10; ++i) c.org->permissions.push_back("org:f:a" + std::to_string(i));
  c.org->permissions.erase(c.org->permissions.begin() + 3);  // a3 is missing
  Json j = encode(c);
  EXPECT_EQ(split_commas(j["o"]["per"]).size(), 9u);
  EXPECT_EQ(j["o"]["fpm"], std::to_string((1 << 9) - 1));
  std::string per = j["o"]["per"];
  EXPECT_EQ(per.substr(per.rfind(',') + 1), "a9");
}

TEST(ClaimEncoding, FpmFollowsTheOrderOfOrgFeaturesInFea) {
  SessionClaims c = example_claims();
  c.user_features = {"beta"};
  c.org_features = {"zeta", "alpha"};  // deliberately not alphabetical
  c.org->permissions = {"org:alpha:read", "org:zeta:write"};
  Json j = encode(c);
  EXPECT_EQ(j["fea"], "u:beta,o:zeta,o:alpha");
  EXPECT_EQ(j["o"]["per"], "read,write");
  EXPECT_EQ(j["o"]["fpm"], "2,1");  // zeta: write (bit 1); alpha: read (bit 0)
  auto a = auth_from_claims(j);
  EXPECT_EQ(sorted(a.org_permissions), sorted({"org:alpha:read", "org:zeta:write"}));
}

TEST(ClaimEncoding, FeatureWithoutPermissionsGetsZero) {
  SessionClaims c = example_claims();
  c.org_features = {"articles", "empty", "reports"};
  c.org->permissions = {"org:articles:read", "org:reports:delete"};
  Json j = encode(c);
  EXPECT_EQ(j["o"]["fpm"], "1,0,2");
  EXPECT_EQ(split_commas(j["o"]["fpm"]).size(), c.org_features.size());
}

TEST(ClaimEncoding, ScopesUserBeforeOrg) {
  SessionClaims c = example_claims();
  c.user_features = {"u1", "u2"};
  c.org_features = {"articles"};
  c.org->permissions = {"org:articles:read"};
  c.user_plans = {"free"};
  c.org_plans = {"pro", "team"};
  Json j = encode(c);
  EXPECT_EQ(j["fea"], "u:u1,u:u2,o:articles");
  EXPECT_EQ(j["pla"], "u:free,o:pro,o:team");
}

TEST(ClaimEncoding, NoFeaOrPlaWhenThereIsNothing) {
  SessionClaims c;
  c.user_id = "user_1";
  c.session_id = "sess_1";
  c.status = "active";
  Json j = encode(c);
  EXPECT_FALSE(j.contains("fea"));
  EXPECT_FALSE(j.contains("pla"));
  EXPECT_FALSE(j.contains("o"));
}

TEST(ClaimEncoding, OnlyUserScopes) {
  SessionClaims c;
  c.user_id = "user_1";
  c.session_id = "sess_1";
  c.status = "active";
  c.user_features = {"basic"};
  c.org_plans = {"pro"};
  Json j = encode(c);
  EXPECT_EQ(j["fea"], "u:basic");
  EXPECT_EQ(j["pla"], "o:pro");
}

TEST(ClaimEncoding, RolHasNoOrgPrefix) {
  SessionClaims c = example_claims();
  c.org->role = "org:billing_manager";
  EXPECT_EQ(encode(c)["o"]["rol"], "billing_manager");
  c.org->role = "org:member";
  Json j = encode(c);
  EXPECT_EQ(j["o"]["rol"], "member");
  EXPECT_EQ(auth_from_claims(j).org_role, std::optional<std::string>("org:member"));
}

TEST(ClaimEncoding, PendingSessionHasNoOrgClaim) {
  SessionClaims c;
  c.user_id = "user_1";
  c.session_id = "sess_1";
  c.status = "pending";
  Json j = encode(c);
  EXPECT_FALSE(j.contains("o"));
  EXPECT_EQ(j["sts"], "pending");
  AuthObject a = auth_from_claims(j);
  EXPECT_EQ(a.session_status, std::optional<std::string>("pending"));
  EXPECT_FALSE(a.org_id);
}

TEST(ClaimEncoding, StandardClaims) {
  SessionClaims c = example_claims();
  Json j = encode(c);
  EXPECT_EQ(j["sub"], "user_1");
  EXPECT_EQ(j["sid"], "sess_1");
  EXPECT_EQ(j["iss"], "https://clerk.fake.test");
  EXPECT_EQ(j["azp"], "http://localhost:3000");
  EXPECT_EQ(j["v"], 2);
  EXPECT_EQ(j["sts"], "active");
  EXPECT_EQ(j["fva"], Json::array({3, -1}));
}

TEST(ClaimEncoding, TimesAreSecondsFromTheClockAndLifetime) {
  Json j = encode(example_claims(), kNowMs + 999, 60);
  EXPECT_EQ(j["iat"], 1700000000);  // whole seconds, rounded down
  EXPECT_EQ(j["nbf"], 1699999990);
  EXPECT_EQ(j["exp"], 1700000060);
  Json longer = encode(example_claims(), kNowMs, 3600);
  EXPECT_EQ(longer["exp"], 1700003600);
  EXPECT_TRUE(longer["iat"].is_number_integer());
}

TEST(ClaimEncoding, WorkedExampleMatchesTheReferencePayload) {
  Json ours = encode(example_claims());
  Json ref = worked_example();
  for (const char* k : {"iss", "sub", "sid", "azp", "iat", "nbf", "exp", "v", "fva", "sts", "pla"})
    EXPECT_EQ(ours[k], ref[k]) << k;
  EXPECT_EQ(ours["o"], ref["o"]);
}

// --- round trip

TEST(ClaimRoundTrip, WorkedExampleClaims) {
  SessionClaims c = example_claims();
  AuthObject a = auth_from_claims(encode(c));
  EXPECT_EQ(a.org_permissions, c.org->permissions);
  EXPECT_EQ(a.user_id, std::optional<std::string>("user_1"));
  EXPECT_EQ(a.session_id, std::optional<std::string>("sess_1"));
  EXPECT_EQ(a.org_id, std::optional<std::string>("org_1"));
  EXPECT_EQ(a.org_slug, std::optional<std::string>("acme"));
  EXPECT_EQ(a.org_role, std::optional<std::string>("org:admin"));
}

// Many permission sets over a few features and actions: decoding gives back exactly
// what was encoded, no more and no less.
TEST(ClaimRoundTrip, ExactlyTheCustomPermissions) {
  const std::vector<std::string> features = {"articles", "billing", "reports", "zz"};
  const std::vector<std::string> actions = {"read", "manage", "delete", "export", "share"};
  uint32_t state = 12345;
  auto next = [&] {
    state = state * 1103515245u + 12345u;
    return (state >> 16) & 0x7fff;
  };
  for (int round = 0; round < 300; ++round) {
    SessionClaims c = example_claims();
    c.org->permissions.clear();
    std::set<std::string> used;
    for (const auto& f : features)
      for (const auto& a : actions)
        if (next() % 3 == 0) {
          c.org->permissions.push_back("org:" + f + ":" + a);
          used.insert(f);
        }
    std::reverse(c.org->permissions.begin(), c.org->permissions.end());
    c.org_features.assign(used.begin(), used.end());
    if (round % 2) c.org_features.push_back("unused");
    c.user_features = round % 3 ? std::vector<std::string>{"basic"} : std::vector<std::string>{};
    AuthObject a = auth_from_claims(encode(c));
    EXPECT_EQ(sorted(a.org_permissions), sorted(c.org->permissions)) << "round " << round;
  }
}

TEST(ClaimRoundTrip, NoPermissionsDecodesToNone) {
  SessionClaims c = example_claims();
  c.org->permissions.clear();
  c.org_features.clear();
  Json j = encode(c);
  EXPECT_EQ(j["o"]["per"], "");
  EXPECT_EQ(j["o"]["fpm"], "");
  EXPECT_TRUE(auth_from_claims(j).org_permissions.empty());
}

// 64 distinct actions fill a 64-bit mask: the top bit must survive the trip.
TEST(ClaimRoundTrip, SixtyFourActions) {
  SessionClaims c = example_claims();
  c.user_features.clear();
  c.org_features = {"full", "top"};
  c.org->permissions.clear();
  for (int i = 0; i < 64; ++i) c.org->permissions.push_back("org:full:a" + std::to_string(i));
  c.org->permissions.push_back("org:top:a63");
  Json j = encode(c);
  EXPECT_EQ(j["o"]["fpm"], "18446744073709551615,9223372036854775808");
  AuthObject a = auth_from_claims(j);
  EXPECT_EQ(sorted(a.org_permissions), sorted(c.org->permissions));
}

// With more than 64 distinct actions, the masks no longer fit in 64 bits; the SDK
// decodes fpm as a big integer, so the encoding must not lose or move bits.
TEST(ClaimRoundTrip, MoreThanSixtyFourActions) {
  SessionClaims c = example_claims();
  c.user_features.clear();
  c.org_features = {"big"};
  c.org->permissions.clear();
  for (int i = 0; i < 70; ++i) c.org->permissions.push_back("org:big:a" + std::to_string(i));
  AuthObject a = auth_from_claims(encode(c));
  EXPECT_EQ(sorted(a.org_permissions), sorted(c.org->permissions));
}

// --- decoding (the SDK's parser)

TEST(ClaimDecoding, WorkedExampleGivesTheDocumentedAuth) {
  AuthObject a = auth_from_claims(worked_example());
  EXPECT_EQ(a.org_permissions, (std::vector<std::string>{"org:articles:read", "org:articles:manage",
                                                         "org:billing:read", "org:reports:delete"}));
  EXPECT_EQ(a.user_id, std::optional<std::string>("user_1"));
  EXPECT_EQ(a.session_id, std::optional<std::string>("sess_1"));
  EXPECT_EQ(a.session_status, std::optional<std::string>("active"));
  EXPECT_EQ(a.org_id, std::optional<std::string>("org_1"));
  EXPECT_EQ(a.org_slug, std::optional<std::string>("acme"));
  EXPECT_EQ(a.org_role, std::optional<std::string>("org:admin"));
  ASSERT_TRUE(a.factor_verification_age);
  EXPECT_EQ(a.factor_verification_age->first, 3);
  EXPECT_EQ(a.factor_verification_age->second, -1);
  EXPECT_EQ(a.features, "u:basic,o:articles,o:billing,uo:reports");
  EXPECT_EQ(a.plans, "u:free,o:pro");
}

TEST(ClaimDecoding, UserScopedFeaturesDoNotCountForAlignment) {
  Json c = worked_example();
  c["fea"] = "o:articles,u:skip,ou:billing,u:skip2,o:reports";
  c["o"]["fpm"] = "1,2,4";
  EXPECT_EQ(auth_from_claims(c).org_permissions,
            (std::vector<std::string>{"org:articles:read", "org:billing:manage", "org:reports:delete"}));
}

TEST(ClaimDecoding, FeatureMissingFromFeaGrantsNothing) {
  Json c = worked_example();
  c["fea"] = "u:basic,o:articles";  // billing and reports are gone
  EXPECT_EQ(auth_from_claims(c).org_permissions,
            (std::vector<std::string>{"org:articles:read", "org:articles:manage"}));
  c["fea"] = "u:basic,u:articles";
  EXPECT_TRUE(auth_from_claims(c).org_permissions.empty());
}

TEST(ClaimDecoding, BitsBeyondPerAreIgnored) {
  Json c = worked_example();
  c["fea"] = "o:articles";
  c["o"]["fpm"] = "15";  // bit 3 names no action
  EXPECT_EQ(auth_from_claims(c).org_permissions,
            (std::vector<std::string>{"org:articles:read", "org:articles:manage", "org:articles:delete"}));
}

TEST(ClaimDecoding, EmptyPerOrFpmGrantsNothing) {
  Json c = worked_example();
  c["o"]["per"] = "";
  EXPECT_TRUE(auth_from_claims(c).org_permissions.empty());
  c = worked_example();
  c["o"].erase("fpm");
  AuthObject a = auth_from_claims(c);
  EXPECT_TRUE(a.org_permissions.empty());
  EXPECT_EQ(a.org_id, std::optional<std::string>("org_1"));
}

TEST(ClaimDecoding, RolAbsentOrEmptyGivesNoRole) {
  Json c = worked_example();
  c["o"]["rol"] = "";
  EXPECT_FALSE(auth_from_claims(c).org_role);
  c["o"].erase("rol");
  EXPECT_FALSE(auth_from_claims(c).org_role);
}

TEST(ClaimDecoding, RolWithPrefixIsDoubled) {
  Json c = worked_example();
  c["o"]["rol"] = "org:admin";
  EXPECT_EQ(auth_from_claims(c).org_role, std::optional<std::string>("org:org:admin"));
}

// fpm is a decimal of any size (the SDK decodes it exactly, beyond 64 bits).
TEST(ClaimDecoding, FpmBeyondSixtyFourBits) {
  std::string per = action_list(65);
  Json c = {{"sub", "user_1"}, {"v", 2}, {"fea", "o:f"},
            {"o", {{"id", "org_1"}, {"rol", "admin"}, {"per", per}, {"fpm", "18446744073709551616"}}}};  // 2^64
  EXPECT_EQ(auth_from_claims(c).org_permissions, (std::vector<std::string>{"org:f:a64"}));
}

TEST(ClaimDecoding, FpmOfTwentyDigitsWithinSixtyFourBits) {
  std::string per = action_list(64);
  Json c = {{"sub", "user_1"}, {"v", 2}, {"fea", "o:f,o:g"},
            {"o", {{"id", "org_1"}, {"rol", "admin"}, {"per", per}, {"fpm", "18446744073709551615,10000000000000000000"}}}};
  AuthObject a = auth_from_claims(c);
  // f: all 64 bits set; g: 10^19 has 19 bits set, bit 63 among them and bit 0 not
  std::vector<std::string> f_perms, g_perms;
  for (const auto& p : a.org_permissions) (p.rfind("org:f:", 0) == 0 ? f_perms : g_perms).push_back(p);
  EXPECT_EQ(f_perms.size(), 64u);
  EXPECT_EQ(g_perms.size(), 19u);
  EXPECT_NE(std::find(g_perms.begin(), g_perms.end(), "org:g:a63"), g_perms.end());
  EXPECT_EQ(std::find(g_perms.begin(), g_perms.end(), "org:g:a0"), g_perms.end());
}

TEST(ClaimDecoding, V1ReadsFlatOrgClaims) {
  Json c = {{"sub", "user_1"},
            {"sid", "sess_1"},
            {"org_id", "org_9"},
            {"org_slug", "nine"},
            {"org_role", "org:admin"},
            {"org_permissions", {"org:articles:read", "org:sys_memberships:read"}},
            {"o", {{"id", "org_ignored"}, {"rol", "member"}}}};
  AuthObject a = auth_from_claims(c);
  EXPECT_EQ(a.org_id, std::optional<std::string>("org_9"));
  EXPECT_EQ(a.org_slug, std::optional<std::string>("nine"));
  EXPECT_EQ(a.org_role, std::optional<std::string>("org:admin"));  // taken as is
  EXPECT_EQ(a.org_permissions, (std::vector<std::string>{"org:articles:read", "org:sys_memberships:read"}));
}

TEST(ClaimDecoding, AnyVOtherThanTheNumberTwoIsV1) {
  for (Json v : {Json(1), Json("2"), Json(3)}) {
    Json c = worked_example();
    c["v"] = v;
    c["org_id"] = "org_flat";
    AuthObject a = auth_from_claims(c);
    EXPECT_EQ(a.org_id, std::optional<std::string>("org_flat")) << v.dump();
    EXPECT_TRUE(a.org_permissions.empty()) << v.dump();
  }
}

TEST(ClaimDecoding, V2IgnoresFlatOrgClaims) {
  Json c = worked_example();
  c["org_id"] = "org_flat";
  c["org_permissions"] = {"org:flat:read"};
  AuthObject a = auth_from_claims(c);
  EXPECT_EQ(a.org_id, std::optional<std::string>("org_1"));
  EXPECT_EQ(std::count(a.org_permissions.begin(), a.org_permissions.end(), "org:flat:read"), 0);
}

TEST(ClaimDecoding, V2WithoutOHasNoOrganization) {
  Json c = worked_example();
  c.erase("o");
  AuthObject a = auth_from_claims(c);
  EXPECT_FALSE(a.org_id);
  EXPECT_FALSE(a.org_role);
  EXPECT_TRUE(a.org_permissions.empty());
  EXPECT_EQ(a.user_id, std::optional<std::string>("user_1"));
}

// --- claims of a real session

TEST(SessionClaimsEncoding, SystemPermissionsNeverReachTheToken) {
  Instance inst = make_instance();
  grant(inst, "org:admin", "org:articles:read");
  grant(inst, "org:admin", "org:articles:manage");
  grant(inst, "org:admin", "org:billing:read");
  const Session& s = inst.create_session("user_alice", std::string("org_acme"));
  SessionClaims c = inst.session_claims(s.id);
  ASSERT_TRUE(c.org);
  EXPECT_EQ(sorted(c.org->permissions), sorted({"org:articles:read", "org:articles:manage", "org:billing:read"}));
  Json j = encode(c);
  EXPECT_EQ(j.dump().find("sys_"), std::string::npos) << j.dump();
  EXPECT_EQ(j["fea"], "o:articles,o:billing");
  AuthObject a = auth_from_claims(j);
  EXPECT_EQ(sorted(a.org_permissions), sorted({"org:articles:read", "org:articles:manage", "org:billing:read"}));
}

TEST(SessionClaimsEncoding, RoleWithOnlySystemPermissionsHasNone) {
  Instance inst = make_instance();
  const Session& s = inst.create_session("user_bob", std::string("org_acme"));
  Json j = encode(inst.session_claims(s.id));
  ASSERT_TRUE(j.contains("o"));
  EXPECT_EQ(j["o"]["rol"], "member");
  EXPECT_EQ(j["o"]["per"], "");
  EXPECT_EQ(j["o"]["fpm"], "");
  EXPECT_FALSE(j.contains("fea"));
  EXPECT_TRUE(auth_from_claims(j).org_permissions.empty());
}

TEST(SessionClaimsEncoding, OrgClaimCarriesIdSlugAndRole) {
  Instance inst = make_instance();
  const Session& s = inst.create_session("user_carol", std::string("globex"));
  Json j = encode(inst.session_claims(s.id));
  EXPECT_EQ(j["o"]["id"], "org_globex");
  EXPECT_EQ(j["o"]["slg"], "globex");
  EXPECT_EQ(j["o"]["rol"], "admin");
  EXPECT_EQ(j["sub"], "user_carol");
  EXPECT_EQ(j["sid"], s.id);
  EXPECT_EQ(j["sts"], "active");
}

TEST(SessionClaimsEncoding, PendingSessionHasNoOrgClaim) {
  Instance inst = make_instance();
  const Session& s = inst.create_session("user_alice", std::nullopt);
  SessionClaims c = inst.session_claims(s.id);
  EXPECT_EQ(c.status, "pending");
  EXPECT_FALSE(c.org);
  Json j = encode(c);
  EXPECT_FALSE(j.contains("o"));
  EXPECT_EQ(j["sts"], "pending");
}

TEST(SessionClaimsEncoding, FirstFactorAgeFollowsTheClock) {
  Instance inst = make_instance();
  const Session& s = inst.create_session("user_alice", std::string("org_acme"));
  EXPECT_EQ(encode(inst.session_claims(s.id))["fva"], Json::array({0, -1}));
  inst.clock().advance_ms(10 * 60000 + 59999);
  EXPECT_EQ(encode(inst.session_claims(s.id))["fva"], Json::array({10, -1}));
}

TEST(SessionClaimsEncoding, MintedTokenTimesComeFromTheInstanceClock) {
  Api api;
  api.instance().clock().advance_ms(1500);
  Json s = body_of(api.call("POST", "/v1/sessions", R"({"user_id":"user_alice","active_organization_id":"org_acme"})"));
  Response r = api.call("POST", "/v1/sessions/" + s["id"].get<std::string>() + "/tokens", R"({"expires_in_seconds":3600})");
  ASSERT_EQ(r.status, 200) << r.body;
  Json claims = part(body_of(r)["jwt"], 1);
  int64_t iat = (kDefaultFixtureClockMs + 1500) / 1000;
  EXPECT_EQ(claims["iat"], iat);
  EXPECT_EQ(claims["nbf"], iat - 10);
  EXPECT_EQ(claims["exp"], iat + 3600);
  EXPECT_EQ(claims["iss"], "http://127.0.0.1:8787");
  EXPECT_EQ(claims["azp"], "http://localhost:3000");
}

// --- signing and verification

TEST(JwtSigning, SignThenVerify) {
  Instance inst = make_instance();
  Json claims = encode(example_claims(), kNowMs);
  std::string jwt = sign_jwt(signing_key(inst.info()), claims);
  EXPECT_EQ(std::count(jwt.begin(), jwt.end(), '.'), 2);
  EXPECT_EQ(verify_session_token(inst.info(), jwt, kNowMs), claims);
}

TEST(JwtSigning, HeaderIsRs256WithTheJwksKid) {
  Instance inst = make_instance();
  std::string jwt = sign_jwt(signing_key(inst.info()), encode(example_claims()));
  Json header = part(jwt, 0);
  EXPECT_EQ(header["alg"], "RS256");
  EXPECT_EQ(header["typ"], "JWT");
  EXPECT_EQ(header["kid"], jwks(inst.info())["keys"][0]["kid"]);
  EXPECT_FALSE(header.contains("cat"));
}

TEST(JwtSigning, SignatureIsRs256OverHeaderAndPayload) {
  Instance inst = make_instance();
  std::string jwt = sign_jwt(signing_key(inst.info()), encode(example_claims()));
  auto last = jwt.rfind('.');
  auto sig = base64url_decode(jwt.substr(last + 1));
  ASSERT_TRUE(sig);
  EXPECT_EQ(sig->size(), 256u);
  RsaKey key = RsaKey::from_private_pem(kTestOnlySigningKeyPem);
  EXPECT_TRUE(key.verify_rs256(jwt.substr(0, last), *sig));
}

TEST(JwtVerify, TamperedPayloadFails) {
  Instance inst = make_instance();
  Json claims = encode(example_claims());
  std::string jwt = sign_jwt(signing_key(inst.info()), claims);
  Json changed = claims;
  changed["o"]["rol"] = "owner";
  std::string forged = with_part(jwt, 1, base64url_encode(changed.dump()));
  EXPECT_TRUE(Rejected([&] { verify_session_token(inst.info(), forged, kNowMs); }));
}

TEST(JwtVerify, TamperedSignatureFails) {
  Instance inst = make_instance();
  std::string jwt = sign_jwt(signing_key(inst.info()), encode(example_claims()));
  auto sig = *base64url_decode(jwt.substr(jwt.rfind('.') + 1));
  sig[10] = static_cast<char>(sig[10] ^ 0x40);
  EXPECT_TRUE(Rejected([&] { verify_session_token(inst.info(), with_part(jwt, 2, base64url_encode(sig)), kNowMs); }));
  EXPECT_TRUE(Rejected([&] { verify_session_token(inst.info(), with_part(jwt, 2, ""), kNowMs); }));
}

TEST(JwtVerify, TamperedHeaderFails) {
  Instance inst = make_instance();
  std::string jwt = sign_jwt(signing_key(inst.info()), encode(example_claims()));
  Json header = part(jwt, 0);
  header["kid"] = "ins_other";
  EXPECT_TRUE(Rejected(
      [&] { verify_session_token(inst.info(), with_part(jwt, 0, base64url_encode(header.dump())), kNowMs); }));
}

TEST(JwtVerify, OtherKeysTokenFails) {
  Instance inst = make_instance();
  EVP_PKEY* pkey = EVP_RSA_gen(2048);
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(bio, pkey, nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);
  RsaKey other = RsaKey::from_private_pem(std::string(data, static_cast<size_t>(len)));
  BIO_free(bio);
  EVP_PKEY_free(pkey);
  std::string jwt = sign_jwt(other, encode(example_claims()));
  EXPECT_TRUE(Rejected([&] { verify_session_token(inst.info(), jwt, kNowMs); }));
  // The same token verifies for an instance holding that key.
  InstanceInfo info = inst.info();
  info.signing_key_pem = other.private_pem();
  EXPECT_NO_THROW(verify_session_token(info, jwt, kNowMs));
}

TEST(JwtVerify, MalformedTokensFail) {
  Instance inst = make_instance();
  std::string jwt = sign_jwt(signing_key(inst.info()), encode(example_claims()));
  EXPECT_TRUE(Rejected([&] { verify_session_token(inst.info(), "", kNowMs); }));
  EXPECT_TRUE(Rejected([&] { verify_session_token(inst.info(), "a.b", kNowMs); }));
  EXPECT_TRUE(Rejected([&] { verify_session_token(inst.info(), jwt + ".extra", kNowMs); }));
  EXPECT_TRUE(Rejected([&] { verify_session_token(inst.info(), with_part(jwt, 1, "!!!"), kNowMs); }));
  EXPECT_TRUE(Rejected([&] { verify_session_token(inst.info(), with_part(jwt, 1, base64url_encode("{nope")), kNowMs); }));
}

TEST(JwtVerify, AlgorithmOtherThanRs256Fails) {
  Instance inst = make_instance();
  const RsaKey& key = signing_key(inst.info());
  std::string input = base64url_encode(R"({"alg":"HS256","kid":")" + key.kid() + R"(","typ":"JWT"})") + "." +
                      base64url_encode(encode(example_claims()).dump());
  std::string jwt = input + "." + base64url_encode(key.sign_rs256(input));
  EXPECT_TRUE(Rejected([&] { verify_session_token(inst.info(), jwt, kNowMs); }));
}

TEST(JwtVerify, MissingExpFails) {
  Instance inst = make_instance();
  Json claims = encode(example_claims());
  claims.erase("exp");
  std::string jwt = sign_jwt(signing_key(inst.info()), claims);
  EXPECT_TRUE(Rejected([&] { verify_session_token(inst.info(), jwt, kNowMs); }));
}

// Expired when exp*1000 <= now - 5000: valid up to 4.999 s past exp.
TEST(JwtVerify, ExpiryHasFiveSecondsOfSkew) {
  Instance inst = make_instance();
  Json claims = encode(example_claims(), kNowMs, 60);  // exp = 1700000060
  std::string jwt = sign_jwt(signing_key(inst.info()), claims);
  const int64_t exp_ms = 1700000060000;
  EXPECT_NO_THROW(verify_session_token(inst.info(), jwt, exp_ms));
  EXPECT_NO_THROW(verify_session_token(inst.info(), jwt, exp_ms + 3000));
  EXPECT_NO_THROW(verify_session_token(inst.info(), jwt, exp_ms + 4999));
  EXPECT_TRUE(Rejected([&] { verify_session_token(inst.info(), jwt, exp_ms + 5000); }));
  EXPECT_TRUE(Rejected([&] { verify_session_token(inst.info(), jwt, exp_ms + 10000); }));
}

// Not yet valid when nbf*1000 > now + 5000.
TEST(JwtVerify, NotBeforeHasFiveSecondsOfSkew) {
  Instance inst = make_instance();
  Json claims = encode(example_claims(), kNowMs, 60);  // nbf = 1699999990
  claims.erase("iat");  // iat has its own check, ten seconds later than nbf
  std::string jwt = sign_jwt(signing_key(inst.info()), claims);
  const int64_t nbf_ms = 1699999990000;
  EXPECT_NO_THROW(verify_session_token(inst.info(), jwt, nbf_ms - 5000));
  EXPECT_TRUE(Rejected([&] { verify_session_token(inst.info(), jwt, nbf_ms - 5001); }));
}

// The SDK also refuses a token issued in the future (iat*1000 > now + 5000), with or
// without nbf.
TEST(JwtVerify, IssuedInTheFutureFails) {
  Instance inst = make_instance();
  Json claims = encode(example_claims(), kNowMs, 60);  // iat = 1700000000
  claims.erase("nbf");
  std::string jwt = sign_jwt(signing_key(inst.info()), claims);
  EXPECT_NO_THROW(verify_session_token(inst.info(), jwt, kNowMs - 5000));
  EXPECT_TRUE(Rejected([&] { verify_session_token(inst.info(), jwt, kNowMs - 5001); }));
}

// --- JWKS and keys

TEST(Jwks, OneRs256SigningKey) {
  Instance inst = make_instance();
  Json j = jwks(inst.info());
  ASSERT_TRUE(j["keys"].is_array());
  ASSERT_EQ(j["keys"].size(), 1u);
  const Json& k = j["keys"][0];
  EXPECT_EQ(k["kty"], "RSA");
  EXPECT_EQ(k["alg"], "RS256");
  EXPECT_EQ(k["use"], "sig");
  EXPECT_EQ(k["e"], "AQAB");
  EXPECT_FALSE(k.contains("d"));  // nothing private
  EXPECT_FALSE(k.contains("p"));
}

TEST(Jwks, NAndEAreTheKeys) {
  Instance inst = make_instance();
  Json set = jwks(inst.info());
  const Json& k = set["keys"][0];
  RsaKey key = RsaKey::from_private_pem(kTestOnlySigningKeyPem);
  auto n = base64url_decode(k["n"]);
  auto e = base64url_decode(k["e"]);
  ASSERT_TRUE(n && e);
  EXPECT_EQ(*n, key.modulus());
  EXPECT_EQ(n->size(), 256u);
  EXPECT_NE(static_cast<unsigned char>((*n)[0]), 0);  // no leading zero byte
  EXPECT_EQ(*e, std::string("\x01\x00\x01", 3));
  EXPECT_EQ(k["kid"], key.kid());
}

TEST(Jwks, ServedOverTheApi) {
  Api api;
  Response r = api.call("GET", "/v1/jwks");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(body_of(r), jwks(api.instance().info()));
}

TEST(SigningKey, TestOnlyKeyIsRsa2048With65537) {
  Instance inst = make_instance();
  const RsaKey& key = signing_key(inst.info());
  EXPECT_EQ(key.bits(), 2048);
  EXPECT_EQ(key.exponent(), std::string("\x01\x00\x01", 3));
}

TEST(SigningKey, CachedPerPem) {
  Instance a = make_instance();
  Instance b = make_instance();
  EXPECT_EQ(&signing_key(a.info()), &signing_key(b.info()));
}

TEST(PublishableKey, ForTheDefaultServer) {
  EXPECT_EQ(publishable_key("127.0.0.1:8787"), "pk_test_" + base64_encode("127.0.0.1:8787$"));
  EXPECT_EQ(publishable_key("127.0.0.1:8787"), "pk_test_MTI3LjAuMC4xOjg3ODck");
}

TEST(PublishableKey, PaddingIsStripped) {
  // sdk.md §4.3: "clerk.fake.test" gives pk_test_Y2xlcmsuZmFrZS50ZXN0JA.
  EXPECT_EQ(publishable_key("clerk.fake.test"), "pk_test_Y2xlcmsuZmFrZS50ZXN0JA");
  std::string pk = publishable_key("127.0.0.1:4000");
  EXPECT_EQ(pk.find('='), std::string::npos);
  std::string b64 = pk.substr(8);
  while (b64.size() % 4) b64 += '=';
  EXPECT_EQ(base64_decode(b64), std::optional<std::string>("127.0.0.1:4000$"));
}

// has(): every rule of the SDK's authorization check (sdk.md §5): dimensions are
// ANDed, {} is false, no user is false, role prefixes are normalised, permissions
// need an organization, feature/plan scopes, reverification presets and levels,
// and a dimension given as null is asked and fails.
#include "auth/has.hpp"
#include "test_support.hpp"

using namespace clerksim;
using namespace clerksim::unit;

namespace {

// The auth object of sdk.md §3.4's worked example.
AuthObject example() {
  AuthObject a;
  a.user_id = "user_1";
  a.session_id = "sess_1";
  a.session_status = "active";
  a.org_id = "org_1";
  a.org_slug = "acme";
  a.org_role = "org:admin";
  a.org_permissions = {"org:articles:read", "org:articles:manage", "org:billing:read", "org:reports:delete"};
  a.factor_verification_age = std::make_pair(3.0, -1.0);
  a.features = "u:basic,o:articles,o:billing,uo:reports";
  a.plans = "u:free,o:pro";
  return a;
}

AuthObject with_fva(double f1, double f2) {
  AuthObject a = example();
  a.factor_verification_age = std::make_pair(f1, f2);
  return a;
}

bool ask(const AuthObject& a, const char* check) { return has(a, Json::parse(check)); }

Json level(const std::string& lvl, Json after) { return {{"reverification", {{"level", lvl}, {"afterMinutes", after}}}}; }
Json preset(const std::string& name) { return {{"reverification", name}}; }

}  // namespace

// --- the frame

TEST(Has, EmptyCheckIsFalse) {
  EXPECT_FALSE(has(example(), Json::object()));
}

TEST(Has, NoUserIsFalse) {
  AuthObject a = example();
  a.user_id.reset();
  EXPECT_FALSE(ask(a, R"({"role":"admin"})"));
  EXPECT_FALSE(ask(a, R"({"feature":"articles"})"));
  EXPECT_FALSE(ask(a, R"({"reverification":"strict"})"));
  a.user_id = "";
  EXPECT_FALSE(ask(a, R"({"role":"admin"})"));
  EXPECT_TRUE(ask(example(), R"({"role":"admin"})"));
}

TEST(Has, DimensionsAreAnded) {
  AuthObject a = example();
  EXPECT_TRUE(ask(a, R"({"role":"admin","permission":"org:articles:read"})"));
  EXPECT_FALSE(ask(a, R"({"role":"admin","permission":"org:articles:delete"})"));
  EXPECT_FALSE(ask(a, R"({"role":"member","permission":"org:articles:read"})"));
  EXPECT_TRUE(ask(a, R"({"role":"admin","feature":"articles","plan":"pro","reverification":"strict"})"));
  EXPECT_FALSE(ask(a, R"({"role":"admin","feature":"articles","plan":"enterprise"})"));
  EXPECT_FALSE(ask(a, R"({"permission":"org:articles:read","reverification":{"level":"first_factor","afterMinutes":2}})"));
  EXPECT_FALSE(ask(a, R"({"feature":"articles","plan":"free","role":"guest"})"));
}

TEST(Has, NullDimensionIsAskedAndFails) {
  AuthObject a = example();
  for (const char* key : {"role", "permission", "feature", "plan", "reverification"}) {
    Json only = {{key, nullptr}};
    EXPECT_FALSE(has(a, only)) << key;
    // with another dimension that passes on its own
    Json mixed = std::string(key) == "feature" ? Json{{"role", "admin"}} : Json{{"feature", "articles"}};
    mixed[key] = nullptr;
    EXPECT_FALSE(has(a, mixed)) << key;
  }
}

TEST(Has, NonStringValuesFail) {
  AuthObject a = example();
  EXPECT_FALSE(ask(a, R"({"role":1})"));
  EXPECT_FALSE(ask(a, R"({"role":["admin"]})"));
  EXPECT_FALSE(ask(a, R"({"permission":{"key":"org:articles:read"}})"));
  EXPECT_FALSE(ask(a, R"({"feature":true})"));
  EXPECT_FALSE(ask(a, R"({"plan":7})"));
}

TEST(Has, UnknownCheckKeyIs422) {
  EXPECT_TRUE(FailsWith([] { has(example(), Json::parse(R"({"role":"admin","orgRole":"admin"})")); }, 422,
                        "form_param_unknown", "check.orgRole"));
}

TEST(Has, CheckMustBeAnObject) {
  EXPECT_TRUE(FailsWith([] { has(example(), Json("admin")); }, 422, "form_param_type_invalid", "check"));
  EXPECT_TRUE(FailsWith([] { has(example(), Json::array()); }, 422, "form_param_type_invalid", "check"));
}

// --- role

TEST(HasRole, PrefixIsNormalised) {
  AuthObject a = example();
  EXPECT_TRUE(ask(a, R"({"role":"admin"})"));
  EXPECT_TRUE(ask(a, R"({"role":"org:admin"})"));
  EXPECT_TRUE(ask(a, R"({"role":"org:org:admin"})"));
  EXPECT_FALSE(ask(a, R"({"role":"member"})"));
  EXPECT_FALSE(ask(a, R"({"role":"org:member"})"));
  EXPECT_FALSE(ask(a, R"({"role":"Admin"})"));
  EXPECT_FALSE(ask(a, R"({"role":"o:admin"})"));
}

TEST(HasRole, OrgRoleWithDoubledPrefixStillMatches) {
  AuthObject a = example();
  a.org_role = "org:org:admin";  // what a rol claim with the prefix decodes to
  EXPECT_TRUE(ask(a, R"({"role":"admin"})"));
  EXPECT_TRUE(ask(a, R"({"role":"org:admin"})"));
  a.org_role = "admin";
  EXPECT_TRUE(ask(a, R"({"role":"org:admin"})"));
}

TEST(HasRole, NeedsAnOrganizationAndARole) {
  AuthObject a = example();
  a.org_id.reset();
  EXPECT_FALSE(ask(a, R"({"role":"admin"})"));
  a = example();
  a.org_id = "";
  EXPECT_FALSE(ask(a, R"({"role":"admin"})"));
  a = example();
  a.org_role.reset();
  EXPECT_FALSE(ask(a, R"({"role":"admin"})"));
  a.org_role = "";
  EXPECT_FALSE(ask(a, R"({"role":"admin"})"));
}

// --- permission

TEST(HasPermission, MatchesWithOrWithoutPrefix) {
  AuthObject a = example();
  EXPECT_TRUE(ask(a, R"({"permission":"org:articles:read"})"));
  EXPECT_TRUE(ask(a, R"({"permission":"articles:read"})"));
  EXPECT_TRUE(ask(a, R"({"permission":"org:org:articles:read"})"));
  EXPECT_TRUE(ask(a, R"({"permission":"org:reports:delete"})"));
  EXPECT_FALSE(ask(a, R"({"permission":"org:reports:read"})"));
  EXPECT_FALSE(ask(a, R"({"permission":"org:articles"})"));
}

TEST(HasPermission, NoScopeHandling) {
  // Only org: is added; o: and u: mean nothing for permissions.
  EXPECT_FALSE(ask(example(), R"({"permission":"o:articles:read"})"));
  EXPECT_FALSE(ask(example(), R"({"permission":"u:articles:read"})"));
}

TEST(HasPermission, NeedsAnOrganization) {
  AuthObject a = example();
  a.org_id.reset();
  EXPECT_FALSE(ask(a, R"({"permission":"org:articles:read"})"));
  a.org_id = "";
  EXPECT_FALSE(ask(a, R"({"permission":"org:articles:read"})"));
}

TEST(HasPermission, DoesNotNeedARole) {
  AuthObject a = example();
  a.org_role.reset();
  EXPECT_TRUE(ask(a, R"({"permission":"org:articles:read"})"));
}

TEST(HasPermission, SystemPermissionsAreNotInTokens) {
  // A token never carries org:sys_*, so the check is false on the server.
  AuthObject a = auth_from_claims(Json::parse(R"({"sub":"user_1","v":2,"fea":"o:articles",
    "o":{"id":"org_1","rol":"admin","per":"read","fpm":"1"}})"));
  EXPECT_TRUE(ask(a, R"({"permission":"org:articles:read"})"));
  EXPECT_FALSE(ask(a, R"({"permission":"org:sys_memberships:manage"})"));
  EXPECT_FALSE(ask(a, R"({"permission":"org:sys_memberships:read"})"));
}

// --- feature and plan (sdk.md §5's verified examples first)

TEST(HasFeature, VerifiedExamples) {
  AuthObject a = example();
  EXPECT_TRUE(ask(a, R"({"feature":"articles"})"));
  EXPECT_TRUE(ask(a, R"({"feature":"o:articles"})"));
  EXPECT_FALSE(ask(a, R"({"feature":"u:articles"})"));
  EXPECT_TRUE(ask(a, R"({"feature":"user:basic"})"));
  EXPECT_TRUE(ask(a, R"({"plan":"pro"})"));
  EXPECT_FALSE(ask(a, R"({"plan":"o:free"})"));
}

TEST(HasFeature, ScopeSpellings) {
  AuthObject a = example();
  EXPECT_TRUE(ask(a, R"({"feature":"org:articles"})"));
  EXPECT_TRUE(ask(a, R"({"feature":"organization:articles"})"));
  EXPECT_TRUE(ask(a, R"({"feature":"u:basic"})"));
  EXPECT_TRUE(ask(a, R"({"feature":"basic"})"));
  EXPECT_FALSE(ask(a, R"({"feature":"o:basic"})"));
  EXPECT_FALSE(ask(a, R"({"feature":"organization:basic"})"));
  EXPECT_FALSE(ask(a, R"({"feature":"user:articles"})"));
  EXPECT_FALSE(ask(a, R"({"feature":"missing"})"));
}

TEST(HasFeature, BothScopesClaimCountsForEither) {
  AuthObject a = example();  // uo:reports
  EXPECT_TRUE(ask(a, R"({"feature":"reports"})"));
  EXPECT_TRUE(ask(a, R"({"feature":"o:reports"})"));
  EXPECT_TRUE(ask(a, R"({"feature":"u:reports"})"));
  a.features = "ou:reports";
  EXPECT_TRUE(ask(a, R"({"feature":"org:reports"})"));
  EXPECT_TRUE(ask(a, R"({"feature":"user:reports"})"));
}

TEST(HasFeature, UnknownClaimScopeIsIgnored) {
  AuthObject a = example();
  a.features = "x:secret,o:articles";
  EXPECT_FALSE(ask(a, R"({"feature":"secret"})"));
  EXPECT_TRUE(ask(a, R"({"feature":"articles"})"));
}

TEST(HasFeature, UnknownAskedScopeFails) {
  AuthObject a = example();
  EXPECT_FALSE(ask(a, R"({"feature":"x:articles"})"));
  EXPECT_FALSE(ask(a, R"({"feature":"team:articles"})"));
  EXPECT_FALSE(ask(a, R"({"feature":":articles"})"));
  EXPECT_FALSE(ask(a, R"({"plan":"account:pro"})"));
}

TEST(HasFeature, OnlyTheSecondPartIsTheName) {
  AuthObject a = example();
  EXPECT_TRUE(ask(a, R"({"feature":"o:articles:extra"})"));
  EXPECT_TRUE(ask(a, R"({"feature":"u:basic:anything"})"));
  EXPECT_FALSE(ask(a, R"({"feature":"u:articles:extra"})"));
  EXPECT_TRUE(ask(a, R"({"plan":"o:pro:monthly"})"));
}

TEST(HasFeature, EmptyClaimFails) {
  AuthObject a = example();
  a.features = "";
  a.plans = "";
  EXPECT_FALSE(ask(a, R"({"feature":"articles"})"));
  EXPECT_FALSE(ask(a, R"({"plan":"pro"})"));
}

TEST(HasFeature, ElementsAreTrimmed) {
  AuthObject a = example();
  a.features = " u:basic , o:articles ";
  EXPECT_TRUE(ask(a, R"({"feature":"o:articles"})"));
  EXPECT_TRUE(ask(a, R"({"feature":"u:basic"})"));
}

// The SDK's scope splitter throws on an element without a colon; has() catches it
// and the whole feature (or plan) check fails.
TEST(HasFeature, ElementWithoutColonFailsTheCheck) {
  AuthObject a = example();
  a.features = "o:articles,basic";
  EXPECT_FALSE(ask(a, R"({"feature":"articles"})"));
  a.plans = "pro";
  EXPECT_FALSE(ask(a, R"({"plan":"pro"})"));
}

TEST(HasPlan, ScopesLikeFeatures) {
  AuthObject a = example();
  EXPECT_TRUE(ask(a, R"({"plan":"free"})"));
  EXPECT_TRUE(ask(a, R"({"plan":"u:free"})"));
  EXPECT_TRUE(ask(a, R"({"plan":"user:free"})"));
  EXPECT_TRUE(ask(a, R"({"plan":"organization:pro"})"));
  EXPECT_FALSE(ask(a, R"({"plan":"u:pro"})"));
  EXPECT_FALSE(ask(a, R"({"plan":"articles"})"));  // features are not plans
}

TEST(HasFeature, DoesNotNeedAnOrganization) {
  AuthObject a = example();
  a.org_id.reset();
  a.org_role.reset();
  a.org_permissions.clear();
  EXPECT_TRUE(ask(a, R"({"feature":"o:articles"})"));
  EXPECT_TRUE(ask(a, R"({"plan":"pro"})"));
}

// --- reverification

TEST(HasReverification, VerifiedExample) {
  // fva [3,-1]: strict and strict_mfa both pass.
  EXPECT_TRUE(has(example(), preset("strict")));
  EXPECT_TRUE(has(example(), preset("strict_mfa")));
  EXPECT_TRUE(has(example(), preset("moderate")));
  EXPECT_TRUE(has(example(), preset("lax")));
}

TEST(HasReverification, PresetWindows) {
  // Fresh means afterMinutes > age, strictly.
  EXPECT_TRUE(has(with_fva(9, -1), preset("strict")));
  EXPECT_FALSE(has(with_fva(10, -1), preset("strict")));
  EXPECT_TRUE(has(with_fva(59, -1), preset("moderate")));
  EXPECT_FALSE(has(with_fva(60, -1), preset("moderate")));
  EXPECT_TRUE(has(with_fva(1439, -1), preset("lax")));
  EXPECT_FALSE(has(with_fva(1440, -1), preset("lax")));
  EXPECT_TRUE(has(with_fva(9, 9), preset("strict_mfa")));
  EXPECT_FALSE(has(with_fva(9, 10), preset("strict_mfa")));
  EXPECT_FALSE(has(with_fva(10, 9), preset("strict_mfa")));
}

TEST(HasReverification, PresetLevels) {
  // strict, moderate and lax are second_factor: with both factors, f2 decides.
  EXPECT_TRUE(has(with_fva(500, 5), preset("strict")));
  EXPECT_FALSE(has(with_fva(5, 500), preset("strict")));
  EXPECT_FALSE(has(with_fva(5, 1500), preset("lax")));
  EXPECT_TRUE(has(with_fva(1500, 5), preset("lax")));
  // strict_mfa is multi_factor: both must be fresh.
  EXPECT_FALSE(has(with_fva(500, 5), preset("strict_mfa")));
}

TEST(HasReverification, UnknownPresetFails) {
  EXPECT_FALSE(has(example(), preset("paranoid")));
  EXPECT_FALSE(has(example(), preset("STRICT")));
  EXPECT_FALSE(has(example(), preset("")));
}

TEST(HasReverification, FirstFactor) {
  EXPECT_TRUE(has(with_fva(9, -1), level("first_factor", 10)));
  EXPECT_FALSE(has(with_fva(10, -1), level("first_factor", 10)));
  EXPECT_TRUE(has(with_fva(9, 500), level("first_factor", 10)));  // f2 does not matter
  EXPECT_FALSE(has(with_fva(-1, 0), level("first_factor", 10)));   // not enrolled
}

TEST(HasReverification, SecondFactor) {
  EXPECT_TRUE(has(with_fva(500, 5), level("second_factor", 10)));
  EXPECT_FALSE(has(with_fva(5, 500), level("second_factor", 10)));
  // -1 falls back to whichever factor is enrolled
  EXPECT_TRUE(has(with_fva(5, -1), level("second_factor", 10)));
  EXPECT_FALSE(has(with_fva(50, -1), level("second_factor", 10)));
  EXPECT_TRUE(has(with_fva(-1, 5), level("second_factor", 10)));
  EXPECT_FALSE(has(with_fva(-1, 50), level("second_factor", 10)));
}

TEST(HasReverification, MultiFactor) {
  EXPECT_TRUE(has(with_fva(5, 5), level("multi_factor", 10)));
  EXPECT_FALSE(has(with_fva(5, 50), level("multi_factor", 10)));
  EXPECT_FALSE(has(with_fva(50, 5), level("multi_factor", 10)));
  // no second factor: f1 alone decides
  EXPECT_TRUE(has(with_fva(5, -1), level("multi_factor", 10)));
  EXPECT_FALSE(has(with_fva(50, -1), level("multi_factor", 10)));
  // no first factor: fails even with a fresh second
  EXPECT_FALSE(has(with_fva(-1, 5), level("multi_factor", 10)));
}

TEST(HasReverification, BothFactorsMissingFails) {
  for (const char* lvl : {"first_factor", "second_factor", "multi_factor"})
    EXPECT_FALSE(has(with_fva(-1, -1), level(lvl, 1000000))) << lvl;
  EXPECT_FALSE(has(with_fva(-1, -1), preset("lax")));
}

TEST(HasReverification, InvalidAgesFail) {
  EXPECT_FALSE(has(with_fva(-2, 5), level("second_factor", 10)));
  EXPECT_FALSE(has(with_fva(5, -0.5), level("first_factor", 10)));
  AuthObject a = example();
  a.factor_verification_age.reset();
  EXPECT_FALSE(has(a, preset("lax")));
}

TEST(HasReverification, AgeZeroIsFresh) {
  EXPECT_TRUE(has(with_fva(0, -1), level("first_factor", 1)));
  EXPECT_TRUE(has(with_fva(0, 0), preset("strict_mfa")));
}

TEST(HasReverification, AfterMinutesMustBePositiveNumber) {
  EXPECT_FALSE(has(with_fva(0, 0), level("first_factor", 0)));
  EXPECT_FALSE(has(with_fva(0, 0), level("first_factor", -5)));
  EXPECT_FALSE(has(with_fva(0, 0), level("first_factor", "10")));
  EXPECT_FALSE(has(with_fva(0, 0), level("first_factor", nullptr)));
  EXPECT_FALSE(ask(with_fva(0, 0), R"({"reverification":{"level":"first_factor"}})"));
  EXPECT_TRUE(has(with_fva(9, -1), level("first_factor", 9.5)));  // fractions are fine
  EXPECT_FALSE(has(with_fva(9.5, -1), level("first_factor", 9.5)));
}

TEST(HasReverification, LevelMustBeKnown) {
  EXPECT_FALSE(has(with_fva(0, 0), level("third_factor", 10)));
  EXPECT_FALSE(has(with_fva(0, 0), level("", 10)));
  EXPECT_FALSE(ask(with_fva(0, 0), R"({"reverification":{"afterMinutes":10}})"));
}

TEST(HasReverification, OtherShapesFail) {
  EXPECT_FALSE(ask(example(), R"({"reverification":10})"));
  EXPECT_FALSE(ask(example(), R"({"reverification":["strict"]})"));
  EXPECT_FALSE(ask(example(), R"({"reverification":true})"));
}

// --- through decoded claims

TEST(HasClaims, WorkedExampleThroughTheParser) {
  AuthObject a = auth_from_claims(Json::parse(R"({"sub":"user_1","sid":"sess_1","v":2,"fva":[3,-1],"sts":"active",
    "fea":"u:basic,o:articles,o:billing,uo:reports","pla":"u:free,o:pro",
    "o":{"id":"org_1","slg":"acme","rol":"admin","per":"read,manage,delete","fpm":"3,1,4"}})"));
  EXPECT_TRUE(ask(a, R"({"role":"org:admin","permission":"articles:manage"})"));
  EXPECT_TRUE(ask(a, R"({"permission":"org:reports:delete"})"));
  EXPECT_FALSE(ask(a, R"({"permission":"org:billing:manage"})"));
  EXPECT_TRUE(ask(a, R"({"reverification":"strict"})"));
}

TEST(HasClaims, SignedOutPendingHasNothing) {
  AuthObject pending = example();
  pending.session_status = "pending";
  AuthObject out = signed_out(pending);
  EXPECT_FALSE(out.user_id);
  EXPECT_FALSE(out.session_id);
  EXPECT_FALSE(out.org_id);
  EXPECT_EQ(out.session_status, std::optional<std::string>("pending"));
  EXPECT_FALSE(ask(out, R"({"feature":"articles"})"));
  EXPECT_FALSE(ask(out, R"({"reverification":"lax"})"));
  EXPECT_TRUE(ask(pending, R"({"reverification":"lax"})"));
}

TEST(HasClaims, V1FlatClaims) {
  AuthObject a = auth_from_claims(Json::parse(R"({"sub":"user_1","org_id":"org_1","org_role":"org:admin",
    "org_permissions":["org:articles:read"]})"));
  EXPECT_TRUE(ask(a, R"({"role":"admin"})"));
  EXPECT_TRUE(ask(a, R"({"permission":"articles:read"})"));
  EXPECT_FALSE(ask(a, R"({"permission":"articles:manage"})"));
}

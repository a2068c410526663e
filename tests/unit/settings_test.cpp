// Instance organization settings: every field of the update, its limits, what later
// organizations inherit, the organizations switch over the Dispatcher, atomicity,
// and the Platform config route.
#include "catalogue_support.hpp"

using namespace clerksim;
using namespace clerksim::unit;

namespace {

const std::string kConfig = "/v1/platform/applications/app_x/instances/ins_x/config";

// The settings part of a state dump without the version counter, to compare what
// an update changed field by field.
Json settings_fields(const Instance& inst) {
  Json s = dump(inst)["organization_settings"];
  s.erase("config_version");
  return s;
}

// Passes when `f` throws a 422 ClerkError naming this parameter, whatever its code.
template <class F>
::testing::AssertionResult Rejects422(F&& f, const std::string& param) {
  try {
    f();
  } catch (const ClerkError& e) {
    if (e.status != 422 || e.meta.value("param_name", "") != param)
      return ::testing::AssertionFailure() << "got " << e.status << " " << e.code << " meta " << e.meta.dump();
    return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure() << "nothing was thrown";
}

NewOrganization org_named(const std::string& name, std::optional<std::string> creator = std::nullopt) {
  NewOrganization o;
  o.name = name;
  o.created_by = std::move(creator);
  return o;
}

}  // namespace

// --- each field

TEST(SettingsUpdate, EachFieldChangesOnlyItself) {
  struct Case {
    const char* field;
    SettingsPatch patch;
    Json expected;
  };
  Instance probe = make_instance();
  std::string member_id = role_id(probe, "org:member");
  std::vector<Case> cases;
  {
    SettingsPatch p;
    p.enabled = false;
    cases.push_back({"enabled", p, false});
  }
  {
    SettingsPatch p;
    p.max_allowed_memberships = 42;
    cases.push_back({"max_allowed_memberships", p, 42});
  }
  {
    SettingsPatch p;
    p.admin_delete_enabled = false;
    cases.push_back({"admin_delete_enabled", p, false});
  }
  {
    SettingsPatch p;
    p.slug_disabled = true;
    cases.push_back({"slug_disabled", p, true});
  }
  {
    SettingsPatch p;
    p.force_organization_selection = false;
    cases.push_back({"force_organization_selection", p, false});
  }
  {
    SettingsPatch p;
    p.domains_enrollment_modes = std::vector<std::string>{"manual_invitation", "automatic_suggestion"};
    cases.push_back({"domains_enrollment_modes", p, Json::array({"manual_invitation", "automatic_suggestion"})});
  }
  {
    SettingsPatch p;
    p.organization_creation_defaults = Json{{"enabled", true}};
    cases.push_back({"organization_creation_defaults", p, Json{{"enabled", true}}});
  }
  for (const auto& c : cases) {
    Instance inst = make_instance();
    Json before = settings_fields(inst);
    inst.update_organization_settings(c.patch);
    Json after = settings_fields(inst);
    EXPECT_EQ(after[c.field], c.expected) << c.field;
    after.erase(c.field);
    before.erase(c.field);
    EXPECT_EQ(after, before) << "updating " << c.field << " changed something else";
  }
}

TEST(SettingsUpdate, DomainsDefaultRoleTakesAnIdAndStoresTheKey) {
  Instance inst = make_instance();
  const Role& viewer = make_role(inst, "org:viewer", {"org:sys_memberships:read"});
  SettingsPatch p;
  p.domains_default_role_id = viewer.id;
  EXPECT_EQ(inst.update_organization_settings(p).domains_default_role, "org:viewer");
  EXPECT_EQ(to_wire(inst, inst.organization_settings())["domains_default_role"], "org:viewer");
  SettingsPatch unknown;
  unknown.domains_default_role_id = "role_nope";
  EXPECT_TRUE(FailsWith([&] { inst.update_organization_settings(unknown); }, 404, "resource_not_found"));
  SettingsPatch by_key;  // a key is not an id
  by_key.domains_default_role_id = "org:member";
  EXPECT_TRUE(FailsWith([&] { inst.update_organization_settings(by_key); }, 404, "resource_not_found"));
  EXPECT_EQ(inst.organization_settings().domains_default_role, "org:viewer");
}

TEST(SettingsUpdate, ConfigVersionMovesOnEverySuccessfulUpdateOnly) {
  Instance inst = make_instance();
  int64_t v = inst.organization_settings().config_version;
  SettingsPatch ok;
  ok.admin_delete_enabled = false;
  inst.update_organization_settings(ok);
  EXPECT_EQ(inst.organization_settings().config_version, v + 1);
  SettingsPatch bad;
  bad.max_allowed_memberships = -1;
  EXPECT_ANY_THROW(inst.update_organization_settings(bad));
  EXPECT_EQ(inst.organization_settings().config_version, v + 1);
}

// --- max_allowed_memberships

TEST(SettingsMaxMemberships, NegativeRefused) {
  Instance inst = make_instance();
  SettingsPatch p;
  p.max_allowed_memberships = -1;
  EXPECT_TRUE(Rejects422([&] { inst.update_organization_settings(p); }, "max_allowed_memberships"));
  EXPECT_EQ(inst.organization_settings().max_allowed_memberships, 5);
}

TEST(SettingsMaxMemberships, AboveInt32Refused) {
  Instance inst = make_instance();
  SettingsPatch p;
  p.max_allowed_memberships = 2147483648LL;
  EXPECT_TRUE(FailsWith([&] { inst.update_organization_settings(p); }, 422, "form_param_value_too_large",
                        "max_allowed_memberships"));
  p.max_allowed_memberships = 2147483647LL;
  EXPECT_EQ(inst.update_organization_settings(p).max_allowed_memberships, 2147483647LL);
  p.max_allowed_memberships = 0;
  EXPECT_EQ(inst.update_organization_settings(p).max_allowed_memberships, 0);
}

TEST(SettingsMaxMemberships, DefaultCapForLaterOrganizationsOnly) {
  Instance inst = make_instance();
  SettingsPatch p;
  p.max_allowed_memberships = 2;
  inst.update_organization_settings(p);
  EXPECT_EQ(inst.get_organization("org_acme").max_allowed_memberships, 5);
  EXPECT_EQ(inst.get_organization("org_globex").max_allowed_memberships, 0);
  const Organization& later = inst.create_organization(org_named("Initech", "user_erin"));
  EXPECT_EQ(later.max_allowed_memberships, 2);
  std::string id = later.id;
  inst.add_membership(id, "user_bob", "org:member");
  EXPECT_TRUE(FailsWith([&] { inst.add_membership(id, "user_dave", "org:member"); }, 403,
                        "organization_membership_quota_exceeded"));
  // an explicit cap still wins
  NewOrganization explicit_cap = org_named("Hooli");
  explicit_cap.max_allowed_memberships = 7;
  EXPECT_EQ(inst.create_organization(explicit_cap).max_allowed_memberships, 7);
}

TEST(SettingsMaxMemberships, OverTheWire) {
  Api api;
  EXPECT_TRUE(IsError(api.call("PATCH", "/v1/instance/organization_settings", Json{{"max_allowed_memberships", 2147483648LL}}),
                      422, "form_param_value_too_large", "max_allowed_memberships"));
  auto neg = api.call("PATCH", "/v1/instance/organization_settings", Json{{"max_allowed_memberships", -3}});
  EXPECT_EQ(neg.status, 422) << neg.body;
  auto ok = api.call("PATCH", "/v1/instance/organization_settings", Json{{"max_allowed_memberships", 3}});
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(body_of(ok)["max_allowed_memberships"], 3);
  auto created = api.call("POST", "/v1/organizations", Json{{"name", "Initech"}});
  EXPECT_EQ(body_of(created)["max_allowed_memberships"], 3);
}

// --- domains

// The instance starts with org:member as the domains default role, so turning
// domains on needs no role id; turning them off forgets the role, and from then on
// turning them on needs one again.
TEST(SettingsDomains, TurningOnNeedsADefaultRole) {
  Instance inst = make_instance();
  SettingsPatch on;
  on.domains_enabled = true;
  const OrganizationSettings& first = inst.update_organization_settings(on);
  EXPECT_TRUE(first.domains_enabled);
  EXPECT_EQ(first.domains_default_role, "org:member");

  SettingsPatch off;
  off.domains_enabled = false;
  EXPECT_FALSE(inst.update_organization_settings(off).domains_enabled);

  Json before = dump(inst);
  EXPECT_TRUE(FailsWith([&] { inst.update_organization_settings(on); }, 422, "form_conditional_param_missing",
                        "domains_default_role_id"));
  EXPECT_EQ(dump(inst), before);
  on.domains_default_role_id = role_id(inst, "org:member");
  const OrganizationSettings& s = inst.update_organization_settings(on);
  EXPECT_TRUE(s.domains_enabled);
  EXPECT_EQ(s.domains_default_role, "org:member");
}

// Whatever turning domains off does to the default role, the state must still load
// back as a fixture (a dump is what /__sim/state serves and reset reloads).
TEST(SettingsDomains, StateStillLoadsAfterTurningDomainsOff) {
  Instance inst = make_instance();
  SettingsPatch off;
  off.domains_enabled = false;
  inst.update_organization_settings(off);
  EXPECT_TRUE(Consistent(inst));
  EXPECT_NO_THROW(load_fixture(dump(inst), kSeed, true));
}

TEST(SettingsDomains, TurningOnOverTheWireAfterTurningOff) {
  Api api;
  ASSERT_EQ(api.call("PATCH", "/v1/instance/organization_settings", Json{{"domains_enabled", false}}).status, 200);
  EXPECT_TRUE(IsError(api.call("PATCH", "/v1/instance/organization_settings", Json{{"domains_enabled", true}}), 422,
                      "form_conditional_param_missing", "domains_default_role_id"));
  auto ok = api.call("PATCH", "/v1/instance/organization_settings",
                     Json{{"domains_enabled", true}, {"domains_default_role_id", role_id(api.instance(), "org:member")}});
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(body_of(ok)["domains_default_role"], "org:member");
}

TEST(SettingsDomains, TurningOnWithAnUnknownRoleRefused) {
  Instance inst = make_instance();
  Json before = dump(inst);
  SettingsPatch p;
  p.domains_enabled = true;
  p.domains_default_role_id = "role_nope";
  EXPECT_TRUE(FailsWith([&] { inst.update_organization_settings(p); }, 404, "resource_not_found"));
  EXPECT_EQ(dump(inst), before);
}

TEST(SettingsDomains, EnrollmentModesValidated) {
  Instance inst = make_instance();
  Json before = dump(inst);
  SettingsPatch p;
  p.domains_enrollment_modes = std::vector<std::string>{"automatic_invitation", "telepathy"};
  EXPECT_TRUE(FailsWith([&] { inst.update_organization_settings(p); }, 422, "form_param_value_invalid",
                        "domains_enrollment_modes"));
  EXPECT_EQ(dump(inst), before);
}

TEST(SettingsDomains, ManualInvitationAlwaysKept) {
  Instance inst = make_instance();
  auto modes = [&](std::vector<std::string> in) {
    SettingsPatch p;
    p.domains_enrollment_modes = std::move(in);
    return inst.update_organization_settings(p).domains_enrollment_modes;
  };
  EXPECT_EQ(modes({"automatic_invitation"}), (std::vector<std::string>{"manual_invitation", "automatic_invitation"}));
  EXPECT_EQ(modes({}), (std::vector<std::string>{"manual_invitation"}));
  auto all = modes({"automatic_suggestion", "manual_invitation", "automatic_suggestion", "automatic_invitation"});
  EXPECT_EQ(std::count(all.begin(), all.end(), "manual_invitation"), 1);
  EXPECT_EQ(std::count(all.begin(), all.end(), "automatic_suggestion"), 1);
  EXPECT_EQ(std::count(all.begin(), all.end(), "automatic_invitation"), 1);
  EXPECT_EQ(all.size(), 3u);
}

// --- creator role

TEST(SettingsCreatorRole, IneligibleRoleRefused) {
  Instance inst = make_instance();
  make_role(inst, "org:lead", {"org:sys_memberships:manage", "org:sys_memberships:read"}, true);
  Json before = dump(inst);
  for (const char* key : {"org:member", "org:lead"}) {
    SettingsPatch p;
    p.creator_role_id = role_id(inst, key);
    EXPECT_TRUE(FailsWith([&] { inst.update_organization_settings(p); }, 422,
                          "organization_missing_creator_role_permissions"))
        << key;
  }
  EXPECT_EQ(dump(inst), before);
  EXPECT_EQ(inst.creator_role(), "org:admin");
}

TEST(SettingsCreatorRole, EligibleRoleBecomesTheInitialSetsCreator) {
  Instance inst = make_instance();
  const Role& owner = make_role(inst, "org:owner", creator_permissions(), true);
  SettingsPatch p;
  p.creator_role_id = owner.id;
  inst.update_organization_settings(p);
  EXPECT_EQ(inst.initial_role_set().creator_role, "org:owner");
  EXPECT_EQ(inst.creator_role(), "org:owner");
  EXPECT_EQ(to_wire(inst, inst.organization_settings())["creator_role"], "org:owner");
  // existing memberships are untouched; new organizations' creators get the new role
  EXPECT_EQ(role_in(inst, "org_acme", "user_alice"), "org:admin");
  std::string org = inst.create_organization(org_named("Initech", "user_erin")).id;
  EXPECT_EQ(role_in(inst, org, "user_erin"), "org:owner");
  EXPECT_TRUE(Consistent(inst));
}

TEST(SettingsCreatorRole, UnknownRoleNotFound) {
  Instance inst = make_instance();
  SettingsPatch p;
  p.creator_role_id = "role_nope";
  EXPECT_TRUE(FailsWith([&] { inst.update_organization_settings(p); }, 404, "resource_not_found"));
}

TEST(SettingsCreatorRole, OverTheWireTakesIdsAndAnswersKeys) {
  Api api;
  std::string owner = make_role(api.instance(), "org:owner", creator_permissions(), true).id;
  std::string viewer = make_role(api.instance(), "org:viewer", {"org:sys_memberships:read"}).id;
  auto r = api.call("PATCH", "/v1/instance/organization_settings",
                    Json{{"creator_role_id", owner}, {"domains_enabled", true}, {"domains_default_role_id", viewer}});
  ASSERT_EQ(r.status, 200) << r.body;
  Json s = body_of(r);
  EXPECT_EQ(s["object"], "organization_settings");
  EXPECT_EQ(s["creator_role"], "org:owner");
  EXPECT_EQ(s["domains_default_role"], "org:viewer");
  EXPECT_EQ(s["domains_enabled"], true);
  EXPECT_EQ(s["initial_role_set_key"], "role_set:default");
  EXPECT_TRUE(IsError(api.call("PATCH", "/v1/instance/organization_settings",
                               Json{{"creator_role_id", role_id(api.instance(), "org:member")}}),
                      422, "organization_missing_creator_role_permissions"));
  EXPECT_TRUE(IsError(api.call("PATCH", "/v1/instance/organization_settings", Json{{"creator_role", "org:admin"}}),
                      422, "form_param_unknown", "creator_role"));
}

// --- atomicity

TEST(SettingsAtomicity, AFailingFieldDiscardsTheValidOnes) {
  struct Bad {
    const char* what;
    SettingsPatch patch;
  };
  Instance probe = make_instance();
  std::vector<Bad> bads;
  auto base = [] {
    SettingsPatch p;
    p.enabled = false;
    p.slug_disabled = true;
    p.admin_delete_enabled = false;
    p.organization_creation_defaults = Json{{"enabled", true}};
    p.domains_enrollment_modes = std::vector<std::string>{"automatic_invitation"};
    return p;
  };
  {
    SettingsPatch p = base();
    p.max_allowed_memberships = -5;
    bads.push_back({"negative cap", p});
  }
  {
    SettingsPatch p = base();
    p.max_allowed_memberships = 1LL << 40;
    bads.push_back({"huge cap", p});
  }
  {
    SettingsPatch p = base();
    p.domains_enrollment_modes = std::vector<std::string>{"nope"};
    bads.push_back({"bad mode", p});
  }
  {
    SettingsPatch p = base();
    p.creator_role_id = role_id(probe, "org:member");
    bads.push_back({"ineligible creator", p});
  }
  {
    SettingsPatch p = base();
    p.domains_default_role_id = "role_nope";
    bads.push_back({"unknown domain role", p});
  }
  for (const auto& b : bads) {
    Instance inst = make_instance();
    Json before = dump(inst);
    EXPECT_ANY_THROW(inst.update_organization_settings(b.patch)) << b.what;
    EXPECT_EQ(dump(inst), before) << b.what;
  }
}

// Domains turned on without a role once the instance has none left.
TEST(SettingsAtomicity, DomainsWithoutARoleDiscardsTheValidFields) {
  Instance inst = make_instance();
  SettingsPatch off;
  off.domains_enabled = false;
  inst.update_organization_settings(off);
  Json before = dump(inst);
  SettingsPatch p;
  p.slug_disabled = true;
  p.max_allowed_memberships = 9;
  p.domains_enrollment_modes = std::vector<std::string>{"automatic_suggestion"};
  p.domains_enabled = true;
  EXPECT_TRUE(FailsWith([&] { inst.update_organization_settings(p); }, 422, "form_conditional_param_missing"));
  EXPECT_EQ(dump(inst), before);
}

// --- the organizations switch

TEST(SettingsEnabled, OffBlocksOrganizationRoutes) {
  Api api;
  auto off = api.call("PATCH", "/v1/instance/organization_settings", Json{{"enabled", false}});
  ASSERT_EQ(off.status, 200) << off.body;
  EXPECT_EQ(body_of(off)["enabled"], false);
  std::string admin = role_id(api.instance(), "org:admin");
  struct Call {
    const char* method;
    std::string target;
    Json body;
  };
  std::vector<Call> calls = {
      {"GET", "/v1/organizations", nullptr},
      {"POST", "/v1/organizations", Json{{"name", "Initech"}}},
      {"GET", "/v1/organizations/org_acme", nullptr},
      {"PATCH", "/v1/organizations/org_acme", Json{{"name", "Acme"}}},
      {"DELETE", "/v1/organizations/org_globex", nullptr},
      {"GET", "/v1/organizations/org_acme/memberships", nullptr},
      {"POST", "/v1/organizations/org_globex/memberships", Json{{"user_id", "user_erin"}, {"role", "org:member"}}},
      {"GET", "/v1/organization_memberships", nullptr},
      {"GET", "/v1/users/user_alice/organization_memberships", nullptr},
      {"GET", "/v1/organization_roles", nullptr},
      {"GET", "/v1/organization_roles/" + admin, nullptr},
      {"POST", "/v1/organization_roles", Json{{"name", "V"}, {"key", "org:viewer"}}},
      {"GET", "/v1/organization_permissions", nullptr},
      {"POST", "/v1/organization_permissions", Json{{"name", "R"}, {"key", "org:reports:read"}}},
      {"GET", "/v1/role_sets", nullptr},
      {"GET", "/v1/role_sets/role_set:default", nullptr},
  };
  Json before = dump(api.instance());
  for (const auto& c : calls) {
    Response r = c.body.is_null() ? api.call(c.method, c.target) : api.call(c.method, c.target, c.body);
    EXPECT_TRUE(IsError(r, 403, "organization_not_enabled_in_instance")) << c.method << " " << c.target;
  }
  EXPECT_EQ(dump(api.instance()), before);
}

TEST(SettingsEnabled, SettingsAndUsersStillAnswerWhileOff) {
  Api api;
  SettingsPatch p;
  p.enabled = false;
  api.instance().update_organization_settings(p);
  EXPECT_EQ(api.call("GET", "/v1/users").status, 200);
  EXPECT_EQ(api.call("GET", "/v1/instance/organization_settings").status, 200);
  EXPECT_EQ(api.call("GET", kConfig).status, 200);
  auto patch = api.call("PATCH", "/v1/instance/organization_settings", Json{{"max_allowed_memberships", 9}});
  ASSERT_EQ(patch.status, 200) << patch.body;
  EXPECT_EQ(body_of(patch)["max_allowed_memberships"], 9);
  // turning it back on restores the routes
  auto on = api.call("PATCH", "/v1/instance/organization_settings", Json{{"enabled", true}});
  ASSERT_EQ(on.status, 200) << on.body;
  auto list = api.call("GET", "/v1/organizations");
  ASSERT_EQ(list.status, 200) << list.body;
  EXPECT_EQ(body_of(list)["total_count"], 2);
}

// --- Platform config route

TEST(PlatformConfig, GetReportsVersionAndSettings) {
  Api api;
  auto r = api.call("GET", kConfig);
  ASSERT_EQ(r.status, 200) << r.body;
  Json c = body_of(r);
  ASSERT_TRUE(c["config_version"].is_string()) << c.dump();
  EXPECT_EQ(c["config_version"], std::to_string(api.instance().organization_settings().config_version));
  ASSERT_TRUE(c.contains("organization_settings"));
  EXPECT_EQ(c["organization_settings"]["enabled"], true);
  EXPECT_EQ(c["organization_settings"]["max_allowed_memberships"], 5);
  EXPECT_EQ(c["organization_settings"]["creator_role"], "org:admin");
  Json only = body_of(api.call("GET", kConfig + "?keys[]=organization_settings"));
  EXPECT_TRUE(only.contains("organization_settings"));
  Json other = body_of(api.call("GET", kConfig + "?keys[]=auth_settings"));
  EXPECT_FALSE(other.contains("organization_settings")) << other.dump();
  EXPECT_TRUE(other["config_version"].is_string());
}

TEST(PlatformConfig, PatchAnswersBeforeAndAfter) {
  Api api;
  std::string v0 = body_of(api.call("GET", kConfig))["config_version"];
  auto r = api.call("PATCH", kConfig,
                    Json{{"organization_settings",
                          {{"enabled", true},
                           {"force_organization_selection", false},
                           {"slug_disabled", true},
                           {"organization_creation_defaults", {{"enabled", true}}}}}});
  ASSERT_EQ(r.status, 200) << r.body;
  Json b = body_of(r);
  ASSERT_TRUE(b["config_version"].is_string());
  EXPECT_NE(b["config_version"], v0);
  EXPECT_EQ(b["dry_run"], false);
  EXPECT_EQ(b["before"]["organization_settings"]["slug_disabled"], false);
  EXPECT_EQ(b["after"]["organization_settings"]["slug_disabled"], true);
  EXPECT_EQ(b["before"]["organization_settings"]["force_organization_selection"], true);
  EXPECT_EQ(b["after"]["organization_settings"]["force_organization_selection"], false);
  EXPECT_EQ(b["after"]["organization_settings"]["organization_creation_defaults"]["enabled"], true);
  EXPECT_TRUE(api.instance().organization_settings().slug_disabled);
  EXPECT_EQ(body_of(api.call("GET", kConfig))["config_version"], b["config_version"]);
  EXPECT_EQ(body_of(api.call("GET", "/v1/instance/organization_settings"))["slug_disabled"], true);
}

TEST(PlatformConfig, StaleIfMatchConflicts) {
  Api api;
  std::string v0 = body_of(api.call("GET", kConfig))["config_version"];
  ASSERT_EQ(api.call("PATCH", kConfig, Json{{"organization_settings", {{"slug_disabled", true}}}}, {{"If-Match", v0}}).status,
            200);
  Json before = dump(api.instance());
  auto stale = api.call("PATCH", kConfig, Json{{"organization_settings", {{"admin_delete_enabled", false}}}},
                        {{"If-Match", v0}});
  EXPECT_TRUE(IsError(stale, 409, "conflict"));
  EXPECT_EQ(dump(api.instance()), before);
  std::string v1 = body_of(api.call("GET", kConfig))["config_version"];
  auto fresh = api.call("PATCH", kConfig, Json{{"organization_settings", {{"admin_delete_enabled", false}}}},
                        {{"If-Match", v1}});
  EXPECT_EQ(fresh.status, 200) << fresh.body;
}

TEST(PlatformConfig, DryRunChangesNothing) {
  Api api;
  Json before = dump(api.instance());
  std::string v0 = body_of(api.call("GET", kConfig))["config_version"];
  auto r = api.call("PATCH", kConfig + "?dry_run=true",
                    Json{{"organization_settings", {{"enabled", false}, {"max_allowed_memberships", 12}}}});
  ASSERT_EQ(r.status, 200) << r.body;
  Json b = body_of(r);
  EXPECT_EQ(b["dry_run"], true);
  EXPECT_EQ(b["config_version"], v0);
  EXPECT_EQ(b["before"]["organization_settings"]["max_allowed_memberships"], 5);
  EXPECT_EQ(b["after"]["organization_settings"]["max_allowed_memberships"], 12);
  EXPECT_EQ(b["after"]["organization_settings"]["enabled"], false);
  EXPECT_EQ(dump(api.instance()), before);
  EXPECT_EQ(api.call("GET", "/v1/organizations").status, 200);
}

TEST(PlatformConfig, InvalidSettingsRefusedAndNothingChanges) {
  Api api;
  Json before = dump(api.instance());
  EXPECT_TRUE(IsError(api.call("PATCH", kConfig,
                               Json{{"organization_settings", {{"slug_disabled", true}, {"max_allowed_memberships", 2147483648LL}}}}),
                      422, "form_param_value_too_large", "max_allowed_memberships"));
  EXPECT_TRUE(IsError(api.call("PATCH", kConfig + "?dry_run=true",
                               Json{{"organization_settings", {{"domains_enrollment_modes", {"carrier_pigeon"}}}}}),
                      422, "form_param_value_invalid", "domains_enrollment_modes"));
  EXPECT_EQ(dump(api.instance()), before);
}

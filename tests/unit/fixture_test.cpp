// Fixture loading: errors point at the offending place with a JSON pointer, and
// what a fixture leaves out is filled in with Clerk's defaults.
#include <algorithm>

#include "test_support.hpp"

using namespace clerksim;
using namespace clerksim::unit;

namespace {

// The JSON pointer of the FixtureError that loading `fixture` throws, or a marker.
std::string error_at(const Json& fixture) {
  try {
    load_fixture(fixture, kSeed, true);
  } catch (const FixtureError& e) {
    return e.where;
  } catch (const std::exception& e) {
    return std::string("<not a FixtureError: ") + e.what() + ">";
  }
  return "<loaded>";
}

const std::vector<std::string> kNineSystemPermissions = {
    "org:sys_profile:manage",     "org:sys_profile:delete", "org:sys_memberships:read",
    "org:sys_memberships:manage", "org:sys_domains:read",   "org:sys_domains:manage",
    "org:sys_billing:read",       "org:sys_billing:manage", "org:sys_entconns:manage"};

const Role* find_role(const InstanceState& s, const std::string& key) {
  for (const auto& r : s.roles)
    if (r.key == key) return &r;
  return nullptr;
}

std::vector<std::string> sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return v;
}

}  // namespace

// --- errors name the JSON pointer

TEST(FixtureErrors, DuplicateEmailPointsAtTheSecondAddress) {
  Json fx = Json::parse(R"({"users": [
    {"email_addresses": ["same@x.test"]},
    {"email_addresses": ["same@x.test"]}
  ]})");
  EXPECT_EQ(error_at(fx), "/users/1/email_addresses/0");
}

TEST(FixtureErrors, DuplicateEmailIgnoresCase) {
  Json fx = Json::parse(R"({"users": [
    {"email_addresses": ["other@x.test", "Same@X.test"]},
    {"email_addresses": ["same@x.test"]}
  ]})");
  EXPECT_EQ(error_at(fx), "/users/1/email_addresses/0");
}

TEST(FixtureErrors, DuplicateEmailInTheBaseFixture) {
  Json fx = base_fixture();
  fx["users"][1]["email_addresses"] = Json::array({"alice@acme.test"});
  EXPECT_EQ(error_at(fx), "/users/1/email_addresses/0");
}

TEST(FixtureErrors, InvalidEmail) {
  Json fx = Json::parse(R"({"users": [{"email_addresses": ["ok@x.test", "not an email"]}]})");
  EXPECT_EQ(error_at(fx), "/users/0/email_addresses/1");
}

TEST(FixtureErrors, UnknownMemberUser) {
  Json fx = Json::parse(R"({
    "organizations": [{"id": "org_1", "name": "One"}],
    "memberships": [{"organization_id": "org_1", "user_id": "user_ghost", "role": "org:member"}]
  })");
  EXPECT_EQ(error_at(fx), "/memberships/0/user_id");
}

TEST(FixtureErrors, UnknownMemberOrganization) {
  Json fx = base_fixture();
  fx["memberships"][2]["organization_id"] = "org_ghost";
  EXPECT_EQ(error_at(fx), "/memberships/2/organization_id");
}

TEST(FixtureErrors, UnknownMemberRole) {
  Json fx = base_fixture();
  fx["memberships"][1]["role"] = "org:wizard";
  EXPECT_EQ(error_at(fx), "/memberships/1/role");
}

TEST(FixtureErrors, MissingMemberUser) {
  Json fx = base_fixture();
  fx["memberships"][3].erase("user_id");
  EXPECT_EQ(error_at(fx), "/memberships/3/user_id");
}

TEST(FixtureErrors, DuplicateMembership) {
  Json fx = base_fixture();
  fx["memberships"].push_back({{"organization_id", "org_acme"}, {"user_id", "user_bob"}, {"role", "org:admin"}});
  EXPECT_EQ(error_at(fx), "/memberships/5/user_id");
}

TEST(FixtureErrors, UnknownTopLevelField) {
  Json fx = base_fixture();
  fx["userz"] = Json::array();
  EXPECT_EQ(error_at(fx), "/userz");
}

TEST(FixtureErrors, UnknownNestedFields) {
  Json fx = base_fixture();
  fx["users"][2]["nickname"] = "cc";
  EXPECT_EQ(error_at(fx), "/users/2/nickname");

  Json org = base_fixture();
  org["organizations"][1]["members"] = 3;
  EXPECT_EQ(error_at(org), "/organizations/1/members");

  Json settings = base_fixture();
  settings["organization_settings"]["max_members"] = 3;
  EXPECT_EQ(error_at(settings), "/organization_settings/max_members");

  Json sim = base_fixture();
  sim["sim"] = {{"seed", 1}, {"speed", 2}};
  EXPECT_EQ(error_at(sim), "/sim/speed");

  Json email = Json::parse(R"({"users": [{"email_addresses": [{"email_address": "a@b.test", "primary": true}]}]})");
  EXPECT_EQ(error_at(email), "/users/0/email_addresses/0/primary");
}

TEST(FixtureErrors, WrongTypes) {
  Json name = base_fixture();
  name["users"][0]["first_name"] = 5;
  EXPECT_EQ(error_at(name), "/users/0/first_name");

  Json cap = base_fixture();
  cap["organizations"][0]["max_allowed_memberships"] = "5";
  EXPECT_EQ(error_at(cap), "/organizations/0/max_allowed_memberships");

  Json list = base_fixture();
  list["organizations"] = {{"id", "org_x"}};
  EXPECT_EQ(error_at(list), "/organizations");

  Json meta = base_fixture();
  meta["users"][0]["public_metadata"] = Json::array({1});
  EXPECT_EQ(error_at(meta), "/users/0/public_metadata");

  Json flag = base_fixture();
  flag["users"][4]["banned"] = "yes";
  EXPECT_EQ(error_at(flag), "/users/4/banned");

  Json email = Json::parse(R"({"users": [{"email_addresses": [42]}]})");
  EXPECT_EQ(error_at(email), "/users/0/email_addresses/0");

  Json perms = Json::parse(R"({"roles": [{"key": "org:x", "permissions": ["org:sys_billing:read", 7]}]})");
  EXPECT_EQ(error_at(perms), "/roles/0/permissions/1");

  Json root = Json::array();
  EXPECT_EQ(error_at(root), "");
}

TEST(FixtureErrors, DuplicateIdsSlugsUsernames) {
  Json id = base_fixture();
  id["users"][1]["id"] = "user_alice";
  EXPECT_EQ(error_at(id), "/users/1/id");

  Json slug = base_fixture();
  slug["organizations"][1]["slug"] = "acme-corp";
  EXPECT_EQ(error_at(slug), "/organizations/1/slug");

  Json badslug = base_fixture();
  badslug["organizations"][0]["slug"] = "Acme Corp";
  EXPECT_EQ(error_at(badslug), "/organizations/0/slug");

  Json username = base_fixture();
  username["users"][1]["username"] = "ALICE";
  EXPECT_EQ(error_at(username), "/users/1/username");

  Json external = base_fixture();
  external["users"][0]["external_id"] = "crm-1003";
  EXPECT_EQ(error_at(external), "/users/2/external_id");
}

TEST(FixtureErrors, CreatorMayBeGoneButSettingsRoleMustExist) {
  // created_by keeps naming the creator after that user is deleted, so a dump of
  // such an instance must load.
  Json creator = base_fixture();
  creator["organizations"][0]["created_by"] = "user_gone";
  EXPECT_EQ(load_fixture(creator, 0, true).organizations[0].created_by, "user_gone");

  Json settings = base_fixture();
  settings["organization_settings"]["domains_default_role"] = "org:owner";
  EXPECT_EQ(error_at(settings), "/organization_settings/domains_default_role");
}

TEST(FixtureErrors, RoleWithUnknownPermission) {
  Json fx = Json::parse(R"({"roles": [
    {"key": "org:admin", "permissions": ["org:sys_profile:manage"]},
    {"key": "org:member", "permissions": ["org:sys_memberships:read", "org:posts:write"]}
  ]})");
  EXPECT_EQ(error_at(fx), "/roles/1/permissions/1");
}

TEST(FixtureErrors, SecretKeyMustBeASecretKey) {
  Json fx = base_fixture();
  fx["instance"] = {{"secret_key", "pk_test_abc"}};
  EXPECT_EQ(error_at(fx), "/instance/secret_key");
}

// A primary email id must name one of the user's own addresses, as every operation
// guarantees.
TEST(FixtureErrors, PrimaryEmailMustBeOneOfTheUsersAddresses) {
  Json fx = Json::parse(R"({"users": [
    {"id": "user_a", "email_addresses": [{"id": "idn_a", "email_address": "a@x.test"}]},
    {"id": "user_b", "email_addresses": [{"id": "idn_b", "email_address": "b@x.test"}],
     "primary_email_address_id": "idn_a"}
  ]})");
  EXPECT_EQ(error_at(fx), "/users/1/primary_email_address_id");
}

TEST(FixtureErrors, MessageCarriesThePointer) {
  Json fx = base_fixture();
  fx["users"][0]["nickname"] = "x";
  try {
    load_fixture(fx, kSeed, true);
    FAIL() << "loaded";
  } catch (const FixtureError& e) {
    EXPECT_NE(std::string(e.what()).find("/users/0/nickname"), std::string::npos) << e.what();
  }
}

// --- defaults

TEST(FixtureDefaults, EmptyFixtureGetsTheNineSystemPermissions) {
  InstanceState s = load_fixture(Json::object(), kSeed, true);
  std::vector<std::string> keys;
  for (const auto& p : s.permissions) {
    keys.push_back(p.key);
    EXPECT_EQ(p.type, "system") << p.key;
    EXPECT_EQ(p.id.rfind("perm_", 0), 0u) << p.id;
    EXPECT_FALSE(p.name.empty()) << p.key;
  }
  EXPECT_EQ(sorted(keys), sorted(kNineSystemPermissions));
}

TEST(FixtureDefaults, AdminHoldsAllNine) {
  InstanceState s = load_fixture(Json::object(), kSeed, true);
  const Role* admin = find_role(s, "org:admin");
  ASSERT_NE(admin, nullptr);
  EXPECT_EQ(admin->name, "Admin");
  EXPECT_EQ(sorted(admin->permissions), sorted(kNineSystemPermissions));
}

TEST(FixtureDefaults, MemberHoldsReadMembersAndReadBilling) {
  InstanceState s = load_fixture(Json::object(), kSeed, true);
  const Role* member = find_role(s, "org:member");
  ASSERT_NE(member, nullptr);
  EXPECT_EQ(member->name, "Member");
  EXPECT_EQ(sorted(member->permissions),
            sorted({"org:sys_memberships:read", "org:sys_billing:read"}));
  EXPECT_EQ(s.roles.size(), 2u);
}

TEST(FixtureDefaults, Settings) {
  InstanceState s = load_fixture(Json::object(), kSeed, true);
  ASSERT_EQ(s.role_sets.size(), 1u);
  EXPECT_EQ(s.role_sets[0].key, "role_set:default");
  EXPECT_EQ(s.role_sets[0].type, "initial");
  EXPECT_EQ(s.role_sets[0].creator_role, "org:admin");
  EXPECT_EQ(s.role_sets[0].default_role, "org:member");
  EXPECT_EQ(s.settings.domains_default_role, "org:member");
  EXPECT_TRUE(s.settings.enabled);
  EXPECT_FALSE(s.settings.slug_disabled);
  EXPECT_EQ(s.info.secret_key, kKey);
  EXPECT_EQ(s.info.id.rfind("ins_", 0), 0u);
  EXPECT_EQ(s.clock_ms, kDefaultFixtureClockMs);
}

TEST(FixtureDefaults, UserAndOrganizationFieldsFilledIn) {
  InstanceState s = load_fixture(Json::parse(R"({
    "organization_settings": {"max_allowed_memberships": 9},
    "users": [{"email_addresses": ["Mixed@Case.TEST", "second@case.test"], "username": "MiXeD"}],
    "organizations": [{"name": "Acme, Inc."}]
  })"), kSeed, true);
  ASSERT_EQ(s.users.size(), 1u);
  const User& u = s.users[0];
  EXPECT_EQ(u.id.rfind("user_", 0), 0u);
  EXPECT_EQ(u.email_addresses[0].email_address, "mixed@case.test");
  EXPECT_EQ(u.primary_email_address_id, std::optional<std::string>(u.email_addresses[0].id));
  EXPECT_EQ(u.username, std::optional<std::string>("mixed"));
  EXPECT_EQ(u.created_at, kDefaultFixtureClockMs);
  ASSERT_EQ(s.organizations.size(), 1u);
  const Organization& o = s.organizations[0];
  EXPECT_EQ(o.slug, "acme-inc");
  EXPECT_EQ(o.max_allowed_memberships, 9);
  EXPECT_EQ(o.role_set_key, std::optional<std::string>("role_set:default"));
  EXPECT_EQ(o.id.rfind("org_", 0), 0u);
}

TEST(FixtureDefaults, GivenIdsAndTimesKept) {
  InstanceState s = load_fixture(Json::parse(R"({
    "sim": {"clock_ms": 1700000000000},
    "users": [{"id": "user_fixed", "created_at": 1600000000000}]
  })"), kSeed, true);
  EXPECT_EQ(s.users[0].id, "user_fixed");
  EXPECT_EQ(s.users[0].created_at, 1600000000000);
  EXPECT_EQ(s.users[0].updated_at, 1600000000000);
  EXPECT_EQ(s.clock_ms, 1700000000000);
  Instance inst(s, ClockMode::frozen);
  EXPECT_EQ(inst.clock().now_ms(), 1700000000000);
}

TEST(FixtureDefaults, FixtureSeedUsedUnlessForced) {
  Json fx = Json::parse(R"({"sim": {"seed": 77}})");
  EXPECT_EQ(load_fixture(fx, 5, false).seed, 77u);
  EXPECT_EQ(load_fixture(fx, 5, true).seed, 5u);
  EXPECT_EQ(load_fixture(Json::object(), 5, false).seed, 5u);
}

TEST(FixtureDefaults, CustomRolesReplaceTheDefaults) {
  InstanceState s = load_fixture(Json::parse(R"({
    "permissions": [{"key": "org:sys_memberships:read"}, {"key": "org:sys_memberships:manage"},
                    {"key": "org:posts:write"}],
    "roles": [{"key": "org:admin", "permissions": ["org:sys_memberships:manage", "org:posts:write"]},
              {"key": "org:member", "permissions": ["org:sys_memberships:read"]}]
  })"), kSeed, true);
  EXPECT_EQ(s.permissions.size(), 3u);
  EXPECT_EQ(s.permissions[0].type, "system");
  EXPECT_EQ(s.permissions[2].type, "custom");
  EXPECT_EQ(find_role(s, "org:admin")->permissions,
            (std::vector<std::string>{"org:sys_memberships:manage", "org:posts:write"}));
}

TEST(FixtureDefaults, LoadedStateIsDeterministic) {
  EXPECT_EQ(dump_fixture(load_fixture(base_fixture(), 3, true)), dump_fixture(load_fixture(base_fixture(), 3, true)));
  EXPECT_NE(dump_fixture(load_fixture(base_fixture(), 3, true)), dump_fixture(load_fixture(base_fixture(), 4, true)));
}

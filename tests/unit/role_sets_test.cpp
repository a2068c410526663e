// Role sets: the initial set, create/get/update, adding and replacing roles,
// replacing a whole set, and how an organization's set limits its members' roles.
#include <algorithm>
#include <regex>

#include "catalogue_support.hpp"

using namespace clerksim;
using namespace clerksim::unit;

namespace {

// An instance with two extra roles: org:viewer (reads members, not creator
// eligible) and org:owner (creator eligible).
Instance with_roles() {
  Instance inst = make_instance();
  make_role(inst, "org:viewer", {"org:sys_memberships:read"});
  make_role(inst, "org:owner", creator_permissions({"org:sys_profile:manage"}));
  return inst;
}

NewOrganization org_named(const std::string& name, std::optional<std::string> creator = std::nullopt,
                          std::optional<std::string> set = std::nullopt) {
  NewOrganization o;
  o.name = name;
  o.created_by = std::move(creator);
  o.role_set_key = std::move(set);
  return o;
}

OrganizationPatch switch_set(const std::string& key) {
  OrganizationPatch p;
  p.role_set_key = key;
  return p;
}

// role_set:team = {org:owner, org:viewer, org:member}, default org:viewer, creator
// org:owner; "Team Org" (org id returned) uses it with erin as owner and dave as viewer.
std::string team_org(Instance& inst) {
  inst.create_role_set(
      set_def("Team", {"org:owner", "org:viewer", "org:member"}, "org:viewer", "org:owner", "role_set:team"));
  std::string org = inst.create_organization(org_named("Team Org", "user_erin", "role_set:team")).id;
  inst.add_membership(org, "user_dave", "org:viewer");
  return org;
}

}  // namespace

// --- the initial set

TEST(InitialRoleSet, FromTheDefaultFixture) {
  Instance inst = make_instance();
  const RoleSet& s = inst.initial_role_set();
  EXPECT_EQ(s.key, "role_set:default");
  EXPECT_EQ(s.type, "initial");
  EXPECT_EQ(s.roles, (std::vector<std::string>{"org:admin", "org:member"}));
  EXPECT_EQ(s.default_role, "org:member");
  EXPECT_EQ(s.creator_role, "org:admin");
  EXPECT_EQ(inst.creator_role(), "org:admin");
  EXPECT_EQ(inst.list_role_sets(std::nullopt, kAll).total_count, 1);
  EXPECT_EQ(inst.get_organization("org_acme").role_set_key, "role_set:default");
  EXPECT_EQ(inst.get_organization("org_globex").role_set_key, "role_set:default");
  EXPECT_EQ(to_wire(inst, inst.organization_settings())["initial_role_set_key"], "role_set:default");
}

TEST(InitialRoleSet, WireShape) {
  Api api;
  auto r = api.call("GET", "/v1/role_sets/role_set:default");
  ASSERT_EQ(r.status, 200) << r.body;
  Json s = body_of(r);
  EXPECT_EQ(s["object"], "role_set");
  EXPECT_EQ(s["type"], "initial");
  EXPECT_EQ(s["default_role"]["key"], "org:member");
  EXPECT_EQ(s["creator_role"]["key"], "org:admin");
  ASSERT_EQ(s["roles"].size(), 2u);
  EXPECT_EQ(s["roles"][0]["object"], "role_set_item");
  // alice and carol are admins, bob, carol and dave members
  EXPECT_EQ(s["roles"][0]["members_count"], 2);
  EXPECT_EQ(s["roles"][1]["members_count"], 3);
  EXPECT_EQ(s["roles"][1]["has_members"], true);
}

// --- create

TEST(RoleSetCreate, WithExplicitKey) {
  Instance inst = with_roles();
  NewRoleSet in = set_def("Team", {"org:owner", "org:viewer"}, "org:viewer", "org:owner", "role_set:team_2");
  in.description = "For teams.";
  const RoleSet& s = inst.create_role_set(in);
  EXPECT_EQ(s.key, "role_set:team_2");
  EXPECT_EQ(s.name, "Team");
  EXPECT_EQ(s.description, "For teams.");
  EXPECT_EQ(s.type, "custom");
  EXPECT_EQ(s.roles, (std::vector<std::string>{"org:owner", "org:viewer"}));
  EXPECT_EQ(s.default_role, "org:viewer");
  EXPECT_EQ(s.creator_role, "org:owner");
  EXPECT_EQ(inst.initial_role_set().key, "role_set:default");
}

TEST(RoleSetCreate, KeyFormatChecked) {
  Instance inst = with_roles();
  for (const char* bad : {"team", "role_set:", "role_set:Team", "role_set:a-b", "roleset:team", "role_set:a b",
                          "role_set:team:x"})
    EXPECT_TRUE(FailsWith([&] { inst.create_role_set(set_def("T", {"org:admin"}, "org:admin", "org:admin", bad)); },
                          422, "form_param_format_invalid", "key"))
        << bad;
}

TEST(RoleSetCreate, KeyGeneratedFromName) {
  Instance inst = with_roles();
  const RoleSet& s = inst.create_role_set(set_def("Enterprise Plan!", {"org:admin"}, "org:admin", "org:admin"));
  EXPECT_EQ(s.key, "role_set:enterprise_plan");
}

TEST(RoleSetCreate, GeneratedKeyAvoidsTakenKeys) {
  Instance inst = with_roles();
  std::string first = inst.create_role_set(set_def("Enterprise", {"org:admin"}, "org:admin", "org:admin")).key;
  std::string second = inst.create_role_set(set_def("enterprise", {"org:admin"}, "org:admin", "org:admin")).key;
  std::string third = inst.create_role_set(set_def("Default", {"org:admin"}, "org:admin", "org:admin")).key;
  EXPECT_EQ(first, "role_set:enterprise");
  EXPECT_NE(second, first);
  EXPECT_NE(third, "role_set:default");
  static const std::regex format(R"(^role_set:[a-z0-9_]+$)");
  for (const auto& k : {first, second, third}) EXPECT_TRUE(std::regex_match(k, format)) << k;
}

TEST(RoleSetCreate, DuplicateKeyIsIdentifierExists) {
  Instance inst = with_roles();
  Json before = dump(inst);
  EXPECT_TRUE(FailsWith(
      [&] { inst.create_role_set(set_def("D", {"org:admin"}, "org:admin", "org:admin", "role_set:default")); }, 422,
      "form_identifier_exists", "key"));
  EXPECT_EQ(dump(inst), before);
}

TEST(RoleSetCreate, OneToTenRoles) {
  Instance inst = make_instance();
  std::vector<std::string> roles = {"org:admin", "org:member"};
  for (int i = 0; i < 9; ++i) roles.push_back(make_role(inst, "org:r" + std::to_string(i), {}).key);
  ASSERT_EQ(roles.size(), 11u);
  EXPECT_TRUE(FailsWith([&] { inst.create_role_set(set_def("None", {}, "org:admin", "org:admin")); }, 422,
                        "form_param_value_invalid", "roles"));
  EXPECT_TRUE(FailsWith([&] { inst.create_role_set(set_def("Eleven", roles, "org:member", "org:admin")); }, 422,
                        "form_param_value_invalid", "roles"));
  roles.pop_back();
  EXPECT_EQ(inst.create_role_set(set_def("Ten", roles, "org:member", "org:admin")).roles.size(), 10u);
  EXPECT_EQ(inst.create_role_set(set_def("One", {"org:admin"}, "org:admin", "org:admin")).roles.size(), 1u);
}

TEST(RoleSetCreate, UnknownRoleNotFound) {
  Instance inst = with_roles();
  EXPECT_TRUE(FailsWith(
      [&] { inst.create_role_set(set_def("T", {"org:admin", "org:ghost"}, "org:admin", "org:admin")); }, 404,
      "resource_not_found"));
}

TEST(RoleSetCreate, DefaultAndCreatorMustBeAmongTheRoles) {
  Instance inst = with_roles();
  EXPECT_TRUE(FailsWith([&] { inst.create_role_set(set_def("T", {"org:owner"}, "org:viewer", "org:owner")); }, 422,
                        "form_param_value_invalid", "default_role_key"));
  EXPECT_TRUE(FailsWith([&] { inst.create_role_set(set_def("T", {"org:viewer"}, "org:viewer", "org:owner")); }, 422,
                        "form_param_value_invalid", "creator_role_key"));
}

TEST(RoleSetCreate, CreatorMustBeEligible) {
  Instance inst = with_roles();
  Json before = dump(inst);
  EXPECT_TRUE(FailsWith(
      [&] { inst.create_role_set(set_def("T", {"org:admin", "org:viewer"}, "org:admin", "org:viewer")); }, 422,
      "organization_missing_creator_role_permissions"));
  EXPECT_TRUE(FailsWith(
      [&] { inst.create_role_set(set_def("T", {"org:admin", "org:member"}, "org:admin", "org:member")); }, 422,
      "organization_missing_creator_role_permissions"));
  EXPECT_EQ(dump(inst), before);
}

TEST(RoleSetCreate, TypeInitialDemotesThePreviousInitialSet) {
  Instance inst = with_roles();
  NewRoleSet in = set_def("Team", {"org:owner", "org:viewer"}, "org:viewer", "org:owner", "role_set:team");
  in.type = "initial";
  inst.create_role_set(in);
  EXPECT_EQ(inst.get_role_set("role_set:default").type, "custom");
  EXPECT_EQ(inst.get_role_set("role_set:team").type, "initial");
  EXPECT_EQ(inst.initial_role_set().key, "role_set:team");
  EXPECT_EQ(inst.creator_role(), "org:owner");
  auto sets = inst.list_role_sets(std::nullopt, kAll);
  EXPECT_EQ(std::count_if(sets.items.begin(), sets.items.end(), [](const RoleSet* s) { return s->type == "initial"; }),
            1);
  // existing organizations keep their set, new ones get the new initial set
  EXPECT_EQ(inst.get_organization("org_acme").role_set_key, "role_set:default");
  std::string org = inst.create_organization(org_named("Initech", "user_erin")).id;
  EXPECT_EQ(inst.get_organization(org).role_set_key, "role_set:team");
  EXPECT_EQ(role_in(inst, org, "user_erin"), "org:owner");
  EXPECT_EQ(to_wire(inst, inst.organization_settings())["initial_role_set_key"], "role_set:team");
  EXPECT_TRUE(Consistent(inst));
}

TEST(RoleSetCreate, UnknownTypeRefused) {
  Instance inst = with_roles();
  NewRoleSet in = set_def("T", {"org:admin"}, "org:admin", "org:admin");
  in.type = "primary";
  EXPECT_TRUE(FailsWith([&] { inst.create_role_set(in); }, 422, "form_param_value_invalid", "type"));
}

// A refused initial set must not demote the current one.
TEST(RoleSetCreate, RefusedInitialSetDemotesNothing) {
  Instance inst = with_roles();
  Json before = dump(inst);
  NewRoleSet in = set_def("Team", {"org:viewer"}, "org:viewer", "org:viewer");
  in.type = "initial";
  EXPECT_ANY_THROW(inst.create_role_set(in));
  EXPECT_EQ(dump(inst), before);
  EXPECT_EQ(inst.initial_role_set().key, "role_set:default");
}

TEST(RoleSetCreate, QuotaCountsEverySet) {
  Instance inst = make_instance();
  for (int i = 1; i < 10; ++i)  // the initial set plus nine
    ASSERT_NO_THROW(inst.create_role_set(set_def("S" + std::to_string(i), {"org:admin"}, "org:admin", "org:admin")))
        << i;
  Json before = dump(inst);
  EXPECT_TRUE(FailsWith([&] { inst.create_role_set(set_def("S10", {"org:admin"}, "org:admin", "org:admin")); }, 403,
                        "organization_instance_role_sets_quota_exceeded"));
  EXPECT_EQ(dump(inst), before);
}

TEST(RoleSetCreate, QuotaFollowsTheInstanceSetting) {
  Json fx = base_fixture();
  fx["organization_settings"]["max_role_sets_allowed"] = 2;
  Instance inst = make_instance(fx);
  inst.create_role_set(set_def("Second", {"org:admin"}, "org:admin", "org:admin"));
  EXPECT_TRUE(FailsWith([&] { inst.create_role_set(set_def("Third", {"org:admin"}, "org:admin", "org:admin")); }, 403,
                        "organization_instance_role_sets_quota_exceeded"));
  // freeing one by replacing it makes room again
  inst.replace_role_set("role_set:second", "role_set:default", {});
  EXPECT_NO_THROW(inst.create_role_set(set_def("Third", {"org:admin"}, "org:admin", "org:admin")));
}

TEST(RoleSetCreate, OverTheWire) {
  Api api;
  auto r = api.call("POST", "/v1/role_sets",
                    Json{{"name", "Support Team"},
                         {"roles", {"org:admin", "org:member"}},
                         {"default_role_key", "org:member"},
                         {"creator_role_key", "org:admin"}});
  ASSERT_EQ(r.status, 200) << r.body;
  Json s = body_of(r);
  EXPECT_EQ(s["key"], "role_set:support_team");
  EXPECT_EQ(s["type"], "custom");
  EXPECT_TRUE(IsError(api.call("POST", "/v1/role_sets",
                               Json{{"name", "x"},
                                    {"roles", {"org:admin", "org:member"}},
                                    {"default_role_key", "org:member"},
                                    {"creator_role_key", "org:member"}}),
                      422, "organization_missing_creator_role_permissions"));
}

TEST(RoleSetCreate, BodyChecksOverTheWire) {
  Api api;
  Json body = {{"name", "X"}, {"default_role_key", "org:admin"}, {"creator_role_key", "org:admin"}};
  EXPECT_TRUE(IsError(api.call("POST", "/v1/role_sets", body), 422, "form_param_missing", "roles"));
  body["roles"] = Json::array({"org:admin"});
  body["key"] = "role_set:Bad";
  EXPECT_TRUE(IsError(api.call("POST", "/v1/role_sets", body), 422, "form_param_format_invalid", "key"));
  body["key"] = "role_set:x";
  body["default_role_key"] = "org:member";
  EXPECT_TRUE(IsError(api.call("POST", "/v1/role_sets", body), 422, "form_param_value_invalid", "default_role_key"));
  EXPECT_EQ(api.instance().list_role_sets(std::nullopt, kAll).total_count, 1);
}

// --- get

TEST(RoleSetGet, ByKeyOrId) {
  Instance inst = with_roles();
  const RoleSet& s = inst.create_role_set(set_def("Team", {"org:owner"}, "org:owner", "org:owner", "role_set:team"));
  std::string id = s.id;
  EXPECT_EQ(inst.get_role_set("role_set:team").id, id);
  EXPECT_EQ(inst.get_role_set(id).key, "role_set:team");
  EXPECT_TRUE(FailsWith([&] { inst.get_role_set("role_set:nope"); }, 404, "resource_not_found"));
  EXPECT_TRUE(FailsWith([&] { inst.get_role_set("team"); }, 404, "resource_not_found"));
}

TEST(RoleSetGet, ByIdOverTheWire) {
  Api api;
  std::string id = api.instance().initial_role_set().id;
  auto r = api.call("GET", "/v1/role_sets/" + id);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(body_of(r)["key"], "role_set:default");
}

// --- update

TEST(RoleSetUpdate, NameAndDescription) {
  Instance inst = with_roles();
  RoleSetPatch p;
  p.name = "Standard";
  p.description = "The usual.";
  const RoleSet& s = inst.update_role_set("role_set:default", p);
  EXPECT_EQ(s.name, "Standard");
  EXPECT_EQ(s.description, "The usual.");
  EXPECT_EQ(s.key, "role_set:default");
}

TEST(RoleSetUpdate, DefaultMustAlreadyBeInTheSet) {
  Instance inst = with_roles();
  Json before = dump(inst);
  RoleSetPatch p;
  p.default_role_key = "org:viewer";
  EXPECT_TRUE(FailsWith([&] { inst.update_role_set("role_set:default", p); }, 422, "form_param_value_invalid",
                        "default_role_key"));
  EXPECT_EQ(dump(inst), before);
  p.default_role_key = "org:admin";
  EXPECT_EQ(inst.update_role_set("role_set:default", p).default_role, "org:admin");
}

TEST(RoleSetUpdate, CreatorMustAlreadyBeInTheSetAndEligible) {
  Instance inst = with_roles();
  Json before = dump(inst);
  RoleSetPatch outside;
  outside.creator_role_key = "org:owner";
  EXPECT_TRUE(FailsWith([&] { inst.update_role_set("role_set:default", outside); }, 422, "form_param_value_invalid",
                        "creator_role_key"));
  RoleSetPatch ineligible;
  ineligible.creator_role_key = "org:member";
  EXPECT_TRUE(FailsWith([&] { inst.update_role_set("role_set:default", ineligible); }, 422,
                        "organization_missing_creator_role_permissions"));
  EXPECT_EQ(dump(inst), before);
  inst.add_roles_to_role_set("role_set:default", {"org:owner"}, std::nullopt, std::nullopt);
  EXPECT_EQ(inst.update_role_set("role_set:default", outside).creator_role, "org:owner");
  EXPECT_EQ(inst.creator_role(), "org:owner");
}

TEST(RoleSetUpdate, KeyRenameMovesOrganizations) {
  Instance inst = with_roles();
  std::string org = team_org(inst);
  RoleSetPatch p;
  p.key = "role_set:squad";
  inst.update_role_set("role_set:team", p);
  EXPECT_EQ(inst.get_organization(org).role_set_key, "role_set:squad");
  EXPECT_TRUE(FailsWith([&] { inst.get_role_set("role_set:team"); }, 404, "resource_not_found"));
  // the organization still uses the set's roles
  EXPECT_EQ(inst.add_membership(org, "user_bob", "org:viewer").role, "org:viewer");
  EXPECT_TRUE(FailsWith([&] { inst.add_membership(org, "user_alice", "org:admin"); }, 422, "form_param_value_invalid",
                        "role"));
  EXPECT_TRUE(Consistent(inst));
}

TEST(RoleSetUpdate, RenamingTheInitialSetMovesFixtureOrganizations) {
  Instance inst = with_roles();
  RoleSetPatch p;
  p.key = "role_set:standard";
  inst.update_role_set("role_set:default", p);
  EXPECT_EQ(inst.get_organization("org_acme").role_set_key, "role_set:standard");
  EXPECT_EQ(inst.get_organization("org_globex").role_set_key, "role_set:standard");
  EXPECT_EQ(inst.initial_role_set().key, "role_set:standard");
  EXPECT_TRUE(Consistent(inst));
}

TEST(RoleSetUpdate, KeyRenameChecked) {
  Instance inst = with_roles();
  team_org(inst);
  Json before = dump(inst);
  RoleSetPatch taken;
  taken.key = "role_set:default";
  EXPECT_TRUE(FailsWith([&] { inst.update_role_set("role_set:team", taken); }, 422, "form_identifier_exists", "key"));
  RoleSetPatch bad;
  bad.key = "squad";
  EXPECT_TRUE(FailsWith([&] { inst.update_role_set("role_set:team", bad); }, 422, "form_param_format_invalid", "key"));
  EXPECT_EQ(dump(inst), before);
}

TEST(RoleSetUpdate, TypeInitialDemotesThePrevious) {
  Instance inst = with_roles();
  team_org(inst);
  RoleSetPatch p;
  p.type = "initial";
  inst.update_role_set("role_set:team", p);
  EXPECT_EQ(inst.get_role_set("role_set:default").type, "custom");
  EXPECT_EQ(inst.initial_role_set().key, "role_set:team");
  EXPECT_EQ(inst.creator_role(), "org:owner");
  RoleSetPatch custom;
  custom.type = "custom";
  EXPECT_TRUE(FailsWith([&] { inst.update_role_set("role_set:team", custom); }, 422, "form_param_value_invalid", "type"));
  EXPECT_EQ(inst.initial_role_set().key, "role_set:team");
}

TEST(RoleSetUpdate, KeyRenameOverTheWire) {
  Api api;
  auto r = api.call("PATCH", "/v1/role_sets/role_set:default", Json{{"key", "role_set:standard"}, {"name", "Standard"}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(body_of(r)["key"], "role_set:standard");
  EXPECT_EQ(body_of(api.call("GET", "/v1/organizations/org_acme"))["role_set_key"], "role_set:standard");
  EXPECT_EQ(body_of(api.call("GET", "/v1/instance/organization_settings"))["initial_role_set_key"], "role_set:standard");
  EXPECT_TRUE(IsError(api.call("GET", "/v1/role_sets/role_set:default"), 404, "resource_not_found"));
}

TEST(RoleSetUpdate, UnknownSetNotFound) {
  Instance inst = with_roles();
  RoleSetPatch p;
  p.name = "x";
  EXPECT_TRUE(FailsWith([&] { inst.update_role_set("role_set:nope", p); }, 404, "resource_not_found"));
}

// --- add roles

TEST(RoleSetAddRoles, AddsOnceInOrder) {
  Instance inst = with_roles();
  const RoleSet& s =
      inst.add_roles_to_role_set("role_set:default", {"org:viewer", "org:member", "org:viewer"}, std::nullopt, std::nullopt);
  EXPECT_EQ(s.roles, (std::vector<std::string>{"org:admin", "org:member", "org:viewer"}));
  EXPECT_EQ(inst.add_membership("org_acme", "user_erin", "org:viewer").role, "org:viewer");
}

TEST(RoleSetAddRoles, NewDefaultAndCreator) {
  Instance inst = with_roles();
  const RoleSet& s =
      inst.add_roles_to_role_set("role_set:default", {"org:viewer", "org:owner"}, "org:viewer", "org:owner");
  EXPECT_EQ(s.default_role, "org:viewer");
  EXPECT_EQ(s.creator_role, "org:owner");
  EXPECT_EQ(inst.creator_role(), "org:owner");
}

TEST(RoleSetAddRoles, Checks) {
  Instance inst = with_roles();
  Json before = dump(inst);
  EXPECT_TRUE(FailsWith([&] { inst.add_roles_to_role_set("role_set:default", {}, std::nullopt, std::nullopt); }, 422,
                        "form_param_value_invalid", "role_keys"));
  EXPECT_TRUE(FailsWith(
      [&] { inst.add_roles_to_role_set("role_set:default", {"org:ghost"}, std::nullopt, std::nullopt); }, 404,
      "resource_not_found"));
  EXPECT_TRUE(FailsWith([&] { inst.add_roles_to_role_set("role_set:default", {"org:viewer"}, std::nullopt, "org:viewer"); },
                        422, "organization_missing_creator_role_permissions"));
  EXPECT_TRUE(FailsWith([&] { inst.add_roles_to_role_set("role_set:default", {"org:viewer"}, "org:owner", std::nullopt); },
                        422, "form_param_value_invalid", "default_role_key"));
  EXPECT_TRUE(FailsWith([&] { inst.add_roles_to_role_set("role_set:nope", {"org:viewer"}, std::nullopt, std::nullopt); },
                        404, "resource_not_found"));
  std::vector<std::string> eleven(11, "org:viewer");
  EXPECT_TRUE(FailsWith([&] { inst.add_roles_to_role_set("role_set:default", eleven, std::nullopt, std::nullopt); }, 422,
                        "form_param_value_invalid", "role_keys"));
  EXPECT_EQ(dump(inst), before);
}

TEST(RoleSetAddRoles, OverTheWire) {
  Api api;
  make_role(api.instance(), "org:viewer", {});
  auto r = api.call("POST", "/v1/role_sets/role_set:default/roles",
                    Json{{"role_keys", {"org:viewer"}}, {"default_role_key", "org:viewer"}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(body_of(r)["default_role"]["key"], "org:viewer");
  EXPECT_EQ(body_of(r)["roles"].size(), 3u);
}

// --- replace one role in a set

TEST(RoleSetReplaceRole, MembersMoveAndDefaultDutyMoves) {
  Instance inst = with_roles();
  std::string team = team_org(inst);  // uses role_set:team, dave is org:viewer there
  inst.add_membership(team, "user_bob", "org:member");
  inst.clock().advance_ms(50);
  const RoleSet& s = inst.replace_role_in_role_set("role_set:default", "org:member", "org:viewer");
  EXPECT_EQ(s.roles, (std::vector<std::string>{"org:admin", "org:viewer"}));
  EXPECT_EQ(s.default_role, "org:viewer");
  EXPECT_EQ(s.creator_role, "org:admin");
  // members of organizations using the set moved
  EXPECT_EQ(role_in(inst, "org_acme", "user_bob"), "org:viewer");
  EXPECT_EQ(role_in(inst, "org_acme", "user_carol"), "org:viewer");
  EXPECT_EQ(role_in(inst, "org_globex", "user_dave"), "org:viewer");
  EXPECT_EQ(role_in(inst, "org_acme", "user_alice"), "org:admin");
  EXPECT_EQ(role_in(inst, "org_globex", "user_carol"), "org:admin");
  // an organization using another set is untouched
  EXPECT_EQ(role_in(inst, team, "user_bob"), "org:member");
  EXPECT_EQ(inst.get_role_set("role_set:team").roles,
            (std::vector<std::string>{"org:owner", "org:viewer", "org:member"}));
  // the removed role is no longer assignable in those organizations
  EXPECT_TRUE(FailsWith([&] { inst.add_membership("org_globex", "user_erin", "org:member"); }, 422,
                        "form_param_value_invalid", "role"));
  EXPECT_TRUE(Consistent(inst));
}

TEST(RoleSetReplaceRole, CreatorDutyMovesToAnEligibleRole) {
  Instance inst = with_roles();
  const RoleSet& s = inst.replace_role_in_role_set("role_set:default", "org:admin", "org:owner");
  EXPECT_EQ(s.creator_role, "org:owner");
  EXPECT_EQ(s.roles, (std::vector<std::string>{"org:member", "org:owner"}));
  EXPECT_EQ(inst.creator_role(), "org:owner");
  EXPECT_EQ(role_in(inst, "org_acme", "user_alice"), "org:owner");
  EXPECT_EQ(role_in(inst, "org_globex", "user_carol"), "org:owner");
  EXPECT_TRUE(Consistent(inst));
}

TEST(RoleSetReplaceRole, CreatorCannotMoveToAnIneligibleRole) {
  Instance inst = with_roles();
  Json before = dump(inst);
  EXPECT_TRUE(FailsWith([&] { inst.replace_role_in_role_set("role_set:default", "org:admin", "org:viewer"); }, 422,
                        "organization_missing_creator_role_permissions"));
  EXPECT_EQ(dump(inst), before);
}

TEST(RoleSetReplaceRole, Checks) {
  Instance inst = with_roles();
  Json before = dump(inst);
  EXPECT_TRUE(FailsWith([&] { inst.replace_role_in_role_set("role_set:default", "org:viewer", "org:member"); }, 422,
                        "form_param_value_invalid", "role_key"));
  EXPECT_TRUE(FailsWith([&] { inst.replace_role_in_role_set("role_set:default", "org:member", "org:ghost"); }, 404,
                        "resource_not_found"));
  EXPECT_TRUE(FailsWith([&] { inst.replace_role_in_role_set("role_set:default", "org:member", "org:member"); }, 422,
                        "form_param_value_invalid", "to_role_key"));
  EXPECT_TRUE(FailsWith([&] { inst.replace_role_in_role_set("role_set:nope", "org:member", "org:viewer"); }, 404,
                        "resource_not_found"));
  EXPECT_EQ(dump(inst), before);
}

TEST(RoleSetReplaceRole, OverTheWire) {
  Api api;
  make_role(api.instance(), "org:viewer", {"org:sys_memberships:read"});
  auto r = api.call("POST", "/v1/role_sets/role_set:default/roles/replace",
                    Json{{"role_key", "org:member"}, {"to_role_key", "org:viewer"}});
  ASSERT_EQ(r.status, 200) << r.body;
  Json s = body_of(r);
  EXPECT_EQ(s["default_role"]["key"], "org:viewer");
  EXPECT_EQ(s["default_role"]["members_count"], 3);
  Json bob = body_of(api.call("GET", "/v1/organizations/org_acme/memberships?role=org:viewer"));
  EXPECT_EQ(bob["total_count"], 2);
  EXPECT_EQ(bob["data"][0]["permissions"], Json::array({"org:sys_memberships:read"}));
}

// --- replace a whole set

TEST(RoleSetReplace, HeldRolesMissingInTheDestinationNeedMappings) {
  Instance inst = with_roles();
  team_org(inst);  // owner and viewer are held there; role_set:default has neither
  Json before = dump(inst);
  try {
    inst.replace_role_set("role_set:team", "role_set:default", {});
    ADD_FAILURE() << "replacing without mappings was accepted";
  } catch (const ClerkError& e) {
    EXPECT_EQ(e.status, 422);
    EXPECT_EQ(e.code, "organization_role_set_reassignment_mappings_missing");
  }
  // one mapping is not enough
  EXPECT_TRUE(FailsWith([&] { inst.replace_role_set("role_set:team", "role_set:default", {{"org:owner", "org:admin"}}); },
                        422, "organization_role_set_reassignment_mappings_missing"));
  EXPECT_EQ(dump(inst), before);
}

TEST(RoleSetReplace, MappingToARoleOutsideTheDestinationInvalid) {
  Instance inst = with_roles();
  team_org(inst);
  Json before = dump(inst);
  EXPECT_TRUE(FailsWith(
      [&] {
        inst.replace_role_set("role_set:team", "role_set:default",
                              {{"org:owner", "org:admin"}, {"org:viewer", "org:viewer"}});
      },
      422, "organization_role_set_reassignment_mappings_invalid"));
  EXPECT_TRUE(FailsWith(
      [&] {
        inst.replace_role_set("role_set:team", "role_set:default",
                              {{"org:owner", "org:ghost"}, {"org:viewer", "org:member"}});
      },
      422, "organization_role_set_reassignment_mappings_invalid"));
  EXPECT_EQ(dump(inst), before);
}

TEST(RoleSetReplace, OrganizationsMoveAndTheSourceIsDeleted) {
  Instance inst = with_roles();
  std::string org = team_org(inst);
  std::string source_id = inst.get_role_set("role_set:team").id;
  RoleSet removed =
      inst.replace_role_set("role_set:team", "role_set:default", {{"org:owner", "org:admin"}, {"org:viewer", "org:member"}});
  EXPECT_EQ(removed.id, source_id);
  EXPECT_TRUE(FailsWith([&] { inst.get_role_set("role_set:team"); }, 404, "resource_not_found"));
  EXPECT_TRUE(FailsWith([&] { inst.get_role_set(source_id); }, 404, "resource_not_found"));
  EXPECT_EQ(inst.get_organization(org).role_set_key, "role_set:default");
  EXPECT_EQ(role_in(inst, org, "user_erin"), "org:admin");
  EXPECT_EQ(role_in(inst, org, "user_dave"), "org:member");
  // other organizations are untouched
  EXPECT_EQ(role_in(inst, "org_globex", "user_dave"), "org:member");
  EXPECT_EQ(role_in(inst, "org_acme", "user_alice"), "org:admin");
  EXPECT_TRUE(Consistent(inst));
}

TEST(RoleSetReplace, NoMappingsNeededWhenDestinationHasTheHeldRoles) {
  Instance inst = with_roles();
  inst.create_role_set(set_def("Plain", {"org:admin", "org:member"}, "org:member", "org:admin", "role_set:plain"));
  std::string org = inst.create_organization(org_named("Plain Org", "user_erin", "role_set:plain")).id;
  inst.replace_role_set("role_set:plain", "role_set:default", {});
  EXPECT_EQ(inst.get_organization(org).role_set_key, "role_set:default");
  EXPECT_EQ(role_in(inst, org, "user_erin"), "org:admin");
}

TEST(RoleSetReplace, InitialSetCannotBeReplaced) {
  Instance inst = with_roles();
  inst.create_role_set(set_def("Plain", {"org:admin", "org:member"}, "org:member", "org:admin", "role_set:plain"));
  Json before = dump(inst);
  EXPECT_TRUE(FailsWith([&] { inst.replace_role_set("role_set:default", "role_set:plain", {}); }, 403,
                        "cannot_delete_initial_role_set"));
  EXPECT_EQ(dump(inst), before);
}

// Once another set is made initial, the old initial set can be replaced.
TEST(RoleSetReplace, DemotedSetCanBeReplaced) {
  Instance inst = with_roles();
  NewRoleSet plain = set_def("Plain", {"org:admin", "org:member"}, "org:member", "org:admin", "role_set:plain");
  plain.type = "initial";
  inst.create_role_set(plain);
  inst.replace_role_set("role_set:default", "role_set:plain", {});
  EXPECT_EQ(inst.get_organization("org_acme").role_set_key, "role_set:plain");
  EXPECT_EQ(inst.list_role_sets(std::nullopt, kAll).total_count, 1);
  EXPECT_TRUE(Consistent(inst));
}

TEST(RoleSetReplace, DestinationChecks) {
  Instance inst = with_roles();
  team_org(inst);
  Json before = dump(inst);
  EXPECT_TRUE(FailsWith([&] { inst.replace_role_set("role_set:team", "role_set:nope", {}); }, 404, "resource_not_found"));
  EXPECT_TRUE(FailsWith([&] { inst.replace_role_set("role_set:team", "role_set:team", {}); }, 422,
                        "form_param_value_invalid"));
  EXPECT_TRUE(FailsWith([&] { inst.replace_role_set("role_set:nope", "role_set:default", {}); }, 404,
                        "resource_not_found"));
  EXPECT_EQ(dump(inst), before);
}

TEST(RoleSetReplace, OverTheWire) {
  Api api;
  Instance& inst = api.instance();
  make_role(inst, "org:viewer", {"org:sys_memberships:read"});
  make_role(inst, "org:owner", creator_permissions());
  std::string org = team_org(inst);
  std::string id = inst.get_role_set("role_set:team").id;
  EXPECT_TRUE(IsError(api.call("POST", "/v1/role_sets/role_set:team/replace", Json{{"dest_role_set_key", "role_set:default"}}),
                      422, "organization_role_set_reassignment_mappings_missing"));
  EXPECT_TRUE(IsError(api.call("POST", "/v1/role_sets/role_set:default/replace",
                               Json{{"dest_role_set_key", "role_set:team"}}),
                      403, "cannot_delete_initial_role_set"));
  auto r = api.call("POST", "/v1/role_sets/role_set:team/replace",
                    Json{{"dest_role_set_key", "role_set:default"},
                         {"reassignment_mappings", {{"org:owner", "org:admin"}, {"org:viewer", "org:member"}}}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(body_of(r), (Json{{"object", "role_set"}, {"id", id}, {"deleted", true}}));
  EXPECT_EQ(body_of(api.call("GET", "/v1/organizations/" + org))["role_set_key"], "role_set:default");
}

// --- organizations and their set

TEST(OrganizationRoleSet, MembershipRoleMustBeInTheOrganizationsSet) {
  Instance inst = with_roles();
  std::string team = team_org(inst);
  Json before = dump(inst);
  EXPECT_TRUE(FailsWith([&] { inst.add_membership(team, "user_bob", "org:admin"); }, 422, "form_param_value_invalid",
                        "role"));
  EXPECT_TRUE(FailsWith([&] { inst.add_membership("org_globex", "user_erin", "org:viewer"); }, 422,
                        "form_param_value_invalid", "role"));
  EXPECT_TRUE(FailsWith([&] { inst.update_membership_role(team, "user_dave", "org:admin"); }, 422,
                        "form_param_value_invalid", "role"));
  EXPECT_TRUE(FailsWith([&] { inst.update_membership_role("org_acme", "user_bob", "org:owner"); }, 422,
                        "form_param_value_invalid", "role"));
  EXPECT_EQ(dump(inst), before);
  EXPECT_EQ(inst.add_membership(team, "user_bob", "org:member").role, "org:member");
}

TEST(OrganizationRoleSet, RoleOutsideTheSetOverTheWire) {
  Api api;
  make_role(api.instance(), "org:viewer", {});
  EXPECT_TRUE(IsError(api.call("POST", "/v1/organizations/org_globex/memberships",
                               Json{{"user_id", "user_erin"}, {"role", "org:viewer"}}),
                      422, "form_param_value_invalid", "role"));
  EXPECT_TRUE(IsError(api.call("PATCH", "/v1/organizations/org_acme/memberships/user_bob", Json{{"role", "org:viewer"}}),
                      422, "form_param_value_invalid", "role"));
}

TEST(OrganizationRoleSet, CreatorGetsTheSetsCreatorRole) {
  Instance inst = with_roles();
  std::string plain = inst.create_organization(org_named("Plain", "user_erin")).id;
  EXPECT_EQ(inst.get_organization(plain).role_set_key, "role_set:default");
  EXPECT_EQ(role_in(inst, plain, "user_erin"), "org:admin");

  inst.create_role_set(set_def("Team", {"org:owner", "org:viewer"}, "org:viewer", "org:owner", "role_set:team"));
  std::string team = inst.create_organization(org_named("Team Org", "user_bob", "role_set:team")).id;
  EXPECT_EQ(inst.get_organization(team).role_set_key, "role_set:team");
  EXPECT_EQ(role_in(inst, team, "user_bob"), "org:owner");
  // and its members are held to that set
  EXPECT_EQ(inst.add_membership(team, "user_dave", "org:viewer").role, "org:viewer");
  EXPECT_TRUE(FailsWith([&] { inst.add_membership(team, "user_alice", "org:member"); }, 422,
                        "form_param_value_invalid", "role"));
}

TEST(OrganizationRoleSet, UnknownSetOnCreateRefused) {
  Instance inst = with_roles();
  Json before = dump(inst);
  EXPECT_TRUE(FailsWith([&] { inst.create_organization(org_named("X", "user_erin", "role_set:nope")); }, 422,
                        "form_param_value_invalid", "role_set_key"));
  EXPECT_EQ(dump(inst), before);
}

TEST(OrganizationRoleSet, CreateOverTheWireWithRoleSetKey) {
  Api api;
  make_role(api.instance(), "org:owner", creator_permissions());
  api.instance().create_role_set(set_def("Team", {"org:owner"}, "org:owner", "org:owner", "role_set:team"));
  auto r = api.call("POST", "/v1/organizations",
                    Json{{"name", "Team Org"}, {"created_by", "user_erin"}, {"role_set_key", "role_set:team"}});
  ASSERT_EQ(r.status, 200) << r.body;
  Json org = body_of(r);
  EXPECT_EQ(org["role_set_key"], "role_set:team");
  Json members = body_of(api.call("GET", "/v1/organizations/" + org["id"].get<std::string>() + "/memberships"));
  ASSERT_EQ(members["data"].size(), 1u);
  EXPECT_EQ(members["data"][0]["role"], "org:owner");
}

TEST(OrganizationRoleSet, SwitchingToASetLackingAHeldRoleRefused) {
  Instance inst = with_roles();
  inst.create_role_set(set_def("Admins", {"org:admin"}, "org:admin", "org:admin", "role_set:admins"));
  Json before = dump(inst);
  EXPECT_TRUE(FailsWith([&] { inst.update_organization("org_acme", switch_set("role_set:admins")); }, 422,
                        "organization_role_on_set_assigned_to_user"));
  EXPECT_EQ(dump(inst), before);
  EXPECT_EQ(inst.get_organization("org_acme").role_set_key, "role_set:default");
}

TEST(OrganizationRoleSet, SwitchingToASetHoldingEveryHeldRole) {
  Instance inst = with_roles();
  inst.create_role_set(
      set_def("Wide", {"org:admin", "org:member", "org:viewer"}, "org:viewer", "org:admin", "role_set:wide"));
  inst.update_organization("org_acme", switch_set("role_set:wide"));
  EXPECT_EQ(inst.get_organization("org_acme").role_set_key, "role_set:wide");
  EXPECT_EQ(inst.add_membership("org_acme", "user_erin", "org:viewer").role, "org:viewer");
  EXPECT_TRUE(FailsWith([&] { inst.update_organization("org_acme", switch_set("role_set:nope")); }, 422,
                        "form_param_value_invalid", "role_set_key"));
  EXPECT_TRUE(Consistent(inst));
}

TEST(OrganizationRoleSet, SwitchOverTheWire) {
  Api api;
  api.instance().create_role_set(set_def("Admins", {"org:admin"}, "org:admin", "org:admin", "role_set:admins"));
  EXPECT_TRUE(IsError(api.call("PATCH", "/v1/organizations/org_acme", Json{{"role_set_key", "role_set:admins"}}), 422,
                      "organization_role_on_set_assigned_to_user"));
  // an organization whose members are all admins can switch
  api.instance().remove_membership("org_globex", "user_dave");
  auto r = api.call("PATCH", "/v1/organizations/org_globex", Json{{"role_set_key", "role_set:admins"}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(body_of(r)["role_set_key"], "role_set:admins");
}

// --- list

TEST(RoleSetList, QueryAndOrder) {
  Instance inst = with_roles();
  inst.clock().advance_ms(1000);
  inst.create_role_set(set_def("Zeta", {"org:admin"}, "org:admin", "org:admin", "role_set:zeta"));
  inst.clock().advance_ms(1000);
  inst.create_role_set(set_def("Alpha", {"org:admin"}, "org:admin", "org:admin", "role_set:alpha"));
  EXPECT_EQ(keys_of(inst.list_role_sets(std::nullopt, kAll)),
            (std::vector<std::string>{"role_set:alpha", "role_set:zeta", "role_set:default"}));
  EXPECT_EQ(keys_of(inst.list_role_sets(std::nullopt, ListWindow{500, 0, "name"})),
            (std::vector<std::string>{"role_set:alpha", "role_set:default", "role_set:zeta"}));
  EXPECT_EQ(keys_of(inst.list_role_sets(std::string("ZET"), kAll)), (std::vector<std::string>{"role_set:zeta"}));
  EXPECT_EQ(inst.list_role_sets(std::nullopt, ListWindow{1, 0, ""}).total_count, 3);
}

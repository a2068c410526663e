// Roles: key format, uniqueness, permissions by id, the custom role quota, delete
// guards, assigning and removing permissions, creator eligibility, the initial role
// set flag, key renames and what members see on the wire.
#include <algorithm>

#include "catalogue_support.hpp"

using namespace clerksim;
using namespace clerksim::unit;

namespace {

NewRole def(const std::string& key, const std::string& name = "A role") {
  NewRole r;
  r.key = key;
  r.name = name;
  return r;
}

RolePatch rename_key(const std::string& key) {
  RolePatch p;
  p.key = key;
  return p;
}

SettingsPatch domains_default(const std::string& role_id) {
  SettingsPatch p;
  p.domains_default_role_id = role_id;
  return p;
}

Json member_wire(const Instance& inst, const std::string& org, const std::string& user) {
  MembershipQuery q;
  q.user_id.add(user);
  auto page = inst.list_memberships(org, q, kAll);
  if (page.items.empty()) return nullptr;
  return to_wire(inst, *page.items[0]);
}

}  // namespace

// --- the defaults

TEST(DefaultRoles, AdminHoldsEverySystemPermission) {
  Instance inst = make_instance();
  const Role& admin = inst.get_role("org:admin");
  EXPECT_EQ(admin.permissions.size(), 9u);
  for (const Permission* p : inst.list_permissions(std::nullopt, kAll).items)
    EXPECT_TRUE(has(admin.permissions, p->key)) << p->key;
  EXPECT_TRUE(inst.is_creator_eligible(admin));
}

TEST(DefaultRoles, MemberReadsMembersAndBilling) {
  Instance inst = make_instance();
  const Role& member = inst.get_role("org:member");
  std::vector<std::string> perms = member.permissions;
  std::sort(perms.begin(), perms.end());
  EXPECT_EQ(perms, (std::vector<std::string>{"org:sys_billing:read", "org:sys_memberships:read"}));
  EXPECT_FALSE(inst.is_creator_eligible(member));
}

// --- create

TEST(RoleCreate, StoresKeyNameDescriptionAndPermissionKeys) {
  Instance inst = make_instance();
  NewRole in = def("org:billing_admin2", "  Billing admin  ");
  in.description = "Handles invoices.";
  in.permission_ids = {perm_id(inst, "org:sys_billing:read"), perm_id(inst, "org:sys_billing:manage")};
  const Role& r = inst.create_role(in);
  EXPECT_EQ(r.key, "org:billing_admin2");
  EXPECT_EQ(r.name, "Billing admin");
  EXPECT_EQ(r.description, "Handles invoices.");
  EXPECT_EQ(r.permissions, (std::vector<std::string>{"org:sys_billing:read", "org:sys_billing:manage"}));
  EXPECT_EQ(inst.get_role_by_id(r.id).key, "org:billing_admin2");
}

TEST(RoleCreate, KeyFormatChecked) {
  Instance inst = make_instance();
  for (const char* bad : {"admin2", "org:", "org:Admin2", "org:a:b", "org:a-b", "Org:viewer", "org:view er",
                          "role:viewer", "org:viewer "})
    EXPECT_TRUE(FailsWith([&] { inst.create_role(def(bad)); }, 422, "form_param_format_invalid", "key")) << bad;
}

TEST(RoleCreate, DuplicateKeyIsIdentifierExists) {
  Instance inst = make_instance();
  EXPECT_TRUE(FailsWith([&] { inst.create_role(def("org:admin")); }, 422, "form_identifier_exists", "key"));
  inst.create_role(def("org:viewer"));
  EXPECT_TRUE(FailsWith([&] { inst.create_role(def("org:viewer", "Other")); }, 422, "form_identifier_exists", "key"));
}

TEST(RoleCreate, NameRequired) {
  Instance inst = make_instance();
  EXPECT_TRUE(FailsWith([&] { inst.create_role(def("org:viewer", " ")); }, 422, "form_param_missing", "name"));
}

TEST(RoleCreate, PermissionsAreIdsNotKeys) {
  Instance inst = make_instance();
  NewRole by_key = def("org:viewer");
  by_key.permission_ids = {"org:sys_memberships:read"};
  EXPECT_TRUE(FailsWith([&] { inst.create_role(by_key); }, 404, "resource_not_found", "permissions"));
  NewRole unknown = def("org:viewer");
  unknown.permission_ids = {perm_id(inst, "org:sys_memberships:read"), "perm_nope"};
  EXPECT_TRUE(FailsWith([&] { inst.create_role(unknown); }, 404, "resource_not_found", "permissions"));
  EXPECT_EQ(inst.find_role("org:viewer"), nullptr);
}

TEST(RoleCreate, RepeatedPermissionIdsStoredOnce) {
  Instance inst = make_instance();
  NewRole in = def("org:viewer");
  std::string read = perm_id(inst, "org:sys_memberships:read");
  in.permission_ids = {read, read};
  EXPECT_EQ(inst.create_role(in).permissions, (std::vector<std::string>{"org:sys_memberships:read"}));
}

TEST(RoleCreate, FailedCreateChangesNothing) {
  Instance inst = make_instance();
  Json before = dump(inst);
  NewRole in = def("org:viewer");
  in.permission_ids = {"perm_nope"};
  in.include_in_initial_role_set = true;
  EXPECT_ANY_THROW(inst.create_role(in));
  EXPECT_ANY_THROW(inst.create_role(def("org:Bad")));
  EXPECT_EQ(dump(inst), before);
}

TEST(RoleCreate, OverTheWire) {
  Api api;
  std::string read = perm_id(api.instance(), "org:sys_memberships:read");
  auto r = api.call("POST", "/v1/organization_roles",
                    Json{{"name", "Viewer"}, {"key", "org:viewer"}, {"permissions", {read}}});
  ASSERT_EQ(r.status, 200) << r.body;
  Json role = body_of(r);
  EXPECT_EQ(role["object"], "role");
  EXPECT_EQ(role["key"], "org:viewer");
  EXPECT_EQ(role["is_creator_eligible"], false);
  ASSERT_EQ(role["permissions"].size(), 1u);
  EXPECT_EQ(role["permissions"][0]["object"], "permission");
  EXPECT_EQ(role["permissions"][0]["key"], "org:sys_memberships:read");
  EXPECT_TRUE(IsError(api.call("POST", "/v1/organization_roles", Json{{"name", "x"}, {"key", "org:viewer"}}), 422,
                      "form_identifier_exists", "key"));
  EXPECT_TRUE(IsError(api.call("POST", "/v1/organization_roles",
                               Json{{"name", "x"}, {"key", "org:x"}, {"permissions", {"perm_nope"}}}),
                      404, "resource_not_found", "permissions"));
}

// --- quota

TEST(RoleQuota, TenCustomRolesBeyondTheDefaults) {
  Instance inst = make_instance();
  for (int i = 0; i < 10; ++i) ASSERT_NO_THROW(inst.create_role(def("org:custom" + std::to_string(i)))) << i;
  Json before = dump(inst);
  NewRole extra = def("org:one_too_many");
  extra.include_in_initial_role_set = true;
  EXPECT_TRUE(FailsWith([&] { inst.create_role(extra); }, 403, "organization_instance_roles_quota_exceeded"));
  EXPECT_EQ(dump(inst), before);
}

TEST(RoleQuota, DeletingACustomRoleFreesASlot) {
  Instance inst = make_instance();
  std::string first;
  for (int i = 0; i < 10; ++i) {
    const Role& r = inst.create_role(def("org:custom" + std::to_string(i)));
    if (i == 0) first = r.id;
  }
  EXPECT_ANY_THROW(inst.create_role(def("org:extra")));
  inst.delete_role(first);
  EXPECT_NO_THROW(inst.create_role(def("org:extra")));
}

TEST(RoleQuota, FollowsTheInstanceSetting) {
  Json fx = base_fixture();
  fx["organization_settings"]["max_allowed_roles"] = 2;
  Instance inst = make_instance(fx);
  inst.create_role(def("org:one"));
  inst.create_role(def("org:two"));
  EXPECT_TRUE(FailsWith([&] { inst.create_role(def("org:three")); }, 403, "organization_instance_roles_quota_exceeded"));
}

TEST(RoleQuota, RenamedDefaultRoleDoesNotTakeACustomSlot) {
  Instance inst = make_instance();
  inst.update_role(role_id(inst, "org:admin"), rename_key("org:owner"));
  for (int i = 0; i < 10; ++i)
    EXPECT_NO_THROW(inst.create_role(def("org:custom" + std::to_string(i)))) << "custom role number " << i + 1;
  EXPECT_TRUE(FailsWith([&] { inst.create_role(def("org:one_too_many")); }, 403,
                        "organization_instance_roles_quota_exceeded"));
}

TEST(RoleQuota, OverTheWire) {
  Api api;
  for (int i = 0; i < 10; ++i)
    ASSERT_EQ(api.call("POST", "/v1/organization_roles",
                       Json{{"name", "r"}, {"key", "org:r" + std::to_string(i)}})
                  .status,
              200);
  EXPECT_TRUE(IsError(api.call("POST", "/v1/organization_roles", Json{{"name", "r"}, {"key", "org:r10"}}), 403,
                      "organization_instance_roles_quota_exceeded"));
}

// --- delete guards

TEST(RoleDelete, CreatorRoleOfTheInitialSetRefused) {
  Instance inst = make_instance();
  Json before = dump(inst);
  EXPECT_TRUE(FailsWith([&] { inst.delete_role(role_id(inst, "org:admin")); }, 422,
                        "organization_role_default_creator_role"));
  EXPECT_EQ(dump(inst), before);
}

TEST(RoleDelete, DefaultRoleOfTheInitialSetRefused) {
  Instance inst = make_instance();
  EXPECT_TRUE(FailsWith([&] { inst.delete_role(role_id(inst, "org:member")); }, 422,
                        "organization_role_default_creator_role"));
}

TEST(RoleDelete, CreatorRoleOfACustomSetRefused) {
  Instance inst = make_instance();
  const Role& owner = make_role(inst, "org:owner", creator_permissions());
  inst.create_role_set(set_def("Owners", {"org:owner", "org:member"}, "org:member", "org:owner"));
  Json before = dump(inst);
  EXPECT_TRUE(FailsWith([&] { inst.delete_role(owner.id); }, 422, "organization_role_default_creator_role"));
  EXPECT_EQ(dump(inst), before);
}

TEST(RoleDelete, DefaultRoleOfACustomSetRefused) {
  Instance inst = make_instance();
  const Role& viewer = make_role(inst, "org:viewer", {"org:sys_memberships:read"});
  inst.create_role_set(set_def("Viewers", {"org:admin", "org:viewer"}, "org:viewer", "org:admin"));
  EXPECT_TRUE(FailsWith([&] { inst.delete_role(viewer.id); }, 422, "organization_role_default_creator_role"));
}

TEST(RoleDelete, DomainsDefaultRoleRefused) {
  Instance inst = make_instance();
  const Role& viewer = make_role(inst, "org:viewer", {"org:sys_memberships:read"});
  inst.update_organization_settings(domains_default(viewer.id));
  Json before = dump(inst);
  EXPECT_TRUE(FailsWith([&] { inst.delete_role(viewer.id); }, 422, "organization_role_domain_default_role"));
  EXPECT_EQ(dump(inst), before);
}

TEST(RoleDelete, RoleHeldByAMemberRefused) {
  Instance inst = make_instance();
  const Role& viewer = make_role(inst, "org:viewer", {"org:sys_memberships:read"}, true);
  inst.add_membership("org_globex", "user_erin", "org:viewer");
  Json before = dump(inst);
  EXPECT_TRUE(FailsWith([&] { inst.delete_role(viewer.id); }, 422, "organization_role_assigned_members"));
  EXPECT_EQ(dump(inst), before);
  // once nobody holds it, it can go
  inst.update_membership_role("org_globex", "user_erin", "org:member");
  EXPECT_NO_THROW(inst.delete_role(viewer.id));
}

TEST(RoleDelete, UnusedRoleLeavesEverySet) {
  Instance inst = make_instance();
  const std::string id = make_role(inst, "org:viewer", {"org:sys_memberships:read"}, true).id;
  inst.create_role_set(set_def("Viewers", {"org:admin", "org:member", "org:viewer"}, "org:member", "org:admin"));
  Role removed = inst.delete_role(id);
  EXPECT_EQ(removed.key, "org:viewer");
  EXPECT_EQ(inst.find_role("org:viewer"), nullptr);
  EXPECT_TRUE(FailsWith([&] { inst.get_role_by_id(id); }, 404, "resource_not_found"));
  EXPECT_EQ(inst.get_role_set("role_set:default").roles, (std::vector<std::string>{"org:admin", "org:member"}));
  EXPECT_EQ(inst.get_role_set("role_set:viewers").roles, (std::vector<std::string>{"org:admin", "org:member"}));
  EXPECT_TRUE(Consistent(inst));
}

TEST(RoleDelete, UnknownIdNotFound) {
  Instance inst = make_instance();
  EXPECT_TRUE(FailsWith([&] { inst.delete_role("role_nope"); }, 404, "resource_not_found"));
}

TEST(RoleDelete, OverTheWire) {
  Api api;
  std::string id = make_role(api.instance(), "org:viewer", {}).id;
  EXPECT_TRUE(IsError(api.call("DELETE", "/v1/organization_roles/" + role_id(api.instance(), "org:admin")), 422,
                      "organization_role_default_creator_role"));
  auto r = api.call("DELETE", "/v1/organization_roles/" + id);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(body_of(r), (Json{{"object", "role"}, {"id", id}, {"deleted", true}}));
}

// --- assign and remove permissions

TEST(RolePermissions, AssignAppendsTheKey) {
  Instance inst = make_instance();
  const Permission& p = make_permission(inst, "org:reports:read");
  const Role& r = inst.assign_permission(role_id(inst, "org:member"), p.id);
  EXPECT_EQ(r.permissions.back(), "org:reports:read");
  EXPECT_EQ(inst.role_permissions("org:member").size(), 3u);
}

TEST(RolePermissions, AssignTwiceConflicts) {
  Instance inst = make_instance();
  std::string member = role_id(inst, "org:member");
  Json before = dump(inst);
  EXPECT_TRUE(FailsWith([&] { inst.assign_permission(member, perm_id(inst, "org:sys_memberships:read")); }, 409,
                        "organization_role_permission_association_exists"));
  EXPECT_EQ(dump(inst), before);
}

TEST(RolePermissions, AssignUnknownPermissionOrRoleNotFound) {
  Instance inst = make_instance();
  EXPECT_TRUE(FailsWith([&] { inst.assign_permission(role_id(inst, "org:member"), "perm_nope"); }, 404,
                        "resource_not_found"));
  EXPECT_TRUE(FailsWith([&] { inst.assign_permission("role_nope", perm_id(inst, "org:sys_domains:read")); }, 404,
                        "resource_not_found"));
}

TEST(RolePermissions, RemoveDropsTheKey) {
  Instance inst = make_instance();
  const Role& r = inst.remove_permission(role_id(inst, "org:member"), perm_id(inst, "org:sys_billing:read"));
  EXPECT_EQ(r.permissions, (std::vector<std::string>{"org:sys_memberships:read"}));
}

TEST(RolePermissions, RemoveMissingNotFound) {
  Instance inst = make_instance();
  Json before = dump(inst);
  EXPECT_TRUE(FailsWith([&] { inst.remove_permission(role_id(inst, "org:member"), perm_id(inst, "org:sys_domains:read")); },
                        404, "organization_role_permission_association_not_found"));
  EXPECT_EQ(dump(inst), before);
}

TEST(RolePermissions, CreatorMinimumCannotLeaveTheCreatorRole) {
  Instance inst = make_instance();
  std::string admin = role_id(inst, "org:admin");
  Json before = dump(inst);
  for (const auto& key : creator_permissions())
    EXPECT_TRUE(FailsWith([&] { inst.remove_permission(admin, perm_id(inst, key)); }, 422,
                          "organization_missing_creator_role_permissions"))
        << key;
  EXPECT_EQ(dump(inst), before);
  // other permissions can go
  EXPECT_NO_THROW(inst.remove_permission(admin, perm_id(inst, "org:sys_billing:manage")));
}

TEST(RolePermissions, CreatorMinimumKeptForACustomSetsCreator) {
  Instance inst = make_instance();
  const Role& owner = make_role(inst, "org:owner", creator_permissions());
  inst.create_role_set(set_def("Owners", {"org:owner", "org:member"}, "org:member", "org:owner"));
  EXPECT_TRUE(FailsWith([&] { inst.remove_permission(owner.id, perm_id(inst, "org:sys_profile:delete")); }, 422,
                        "organization_missing_creator_role_permissions"));
}

TEST(RolePermissions, NonCreatorRoleMayLoseThem) {
  Instance inst = make_instance();
  const Role& lead = make_role(inst, "org:lead", creator_permissions(), true);
  EXPECT_NO_THROW(inst.remove_permission(lead.id, perm_id(inst, "org:sys_profile:delete")));
  EXPECT_FALSE(inst.is_creator_eligible(inst.get_role("org:lead")));
}

// Replacing the whole permission list of the creator role is held to the same rule.
TEST(RolePermissions, UpdateCannotStripTheCreatorRole) {
  Instance inst = make_instance();
  Json before = dump(inst);
  RolePatch p;
  p.permission_ids = std::vector<std::string>{perm_id(inst, "org:sys_memberships:manage"),
                                              perm_id(inst, "org:sys_memberships:read")};
  EXPECT_TRUE(FailsWith([&] { inst.update_role(role_id(inst, "org:admin"), p); }, 422,
                        "organization_missing_creator_role_permissions"));
  EXPECT_EQ(dump(inst), before);
}

TEST(RolePermissions, UpdateReplacesTheWholeList) {
  Instance inst = make_instance();
  RolePatch p;
  p.permission_ids = std::vector<std::string>{perm_id(inst, "org:sys_domains:read")};
  EXPECT_EQ(inst.update_role(role_id(inst, "org:member"), p).permissions,
            (std::vector<std::string>{"org:sys_domains:read"}));
  RolePatch unknown;
  unknown.permission_ids = std::vector<std::string>{"perm_nope"};
  EXPECT_TRUE(FailsWith([&] { inst.update_role(role_id(inst, "org:member"), unknown); }, 404, "resource_not_found",
                        "permissions"));
}

// --- creator eligibility

TEST(CreatorEligibility, AllThreeRequired) {
  Instance inst = make_instance();
  EXPECT_TRUE(inst.is_creator_eligible(make_role(inst, "org:full", creator_permissions())));
  const auto all = creator_permissions();
  for (size_t skip = 0; skip < all.size(); ++skip) {
    std::vector<std::string> two;
    for (size_t i = 0; i < all.size(); ++i)
      if (i != skip) two.push_back(all[i]);
    two.push_back("org:sys_profile:manage");
    const Role& r = make_role(inst, "org:lacks" + std::to_string(skip), two);
    EXPECT_FALSE(inst.is_creator_eligible(r)) << "without " << all[skip];
    EXPECT_EQ(to_wire(inst, r)["is_creator_eligible"], false);
  }
}

TEST(CreatorEligibility, FollowsAssignment) {
  Instance inst = make_instance();
  const Role& r = make_role(inst, "org:lead", {"org:sys_memberships:manage", "org:sys_memberships:read"});
  EXPECT_FALSE(inst.is_creator_eligible(r));
  inst.assign_permission(r.id, perm_id(inst, "org:sys_profile:delete"));
  EXPECT_TRUE(inst.is_creator_eligible(inst.get_role("org:lead")));
  EXPECT_EQ(to_wire(inst, inst.get_role("org:lead"))["is_creator_eligible"], true);
}

// --- the initial role set flag

TEST(RoleInitialSet, FlagAddsTheRoleToTheInitialSet) {
  Instance inst = make_instance();
  make_role(inst, "org:viewer", {"org:sys_memberships:read"}, true);
  EXPECT_EQ(inst.initial_role_set().roles, (std::vector<std::string>{"org:admin", "org:member", "org:viewer"}));
  EXPECT_EQ(inst.add_membership("org_acme", "user_erin", "org:viewer").role, "org:viewer");
}

TEST(RoleInitialSet, WithoutTheFlagTheRoleIsNotAssignable) {
  Instance inst = make_instance();
  make_role(inst, "org:viewer", {"org:sys_memberships:read"});
  EXPECT_EQ(inst.initial_role_set().roles, (std::vector<std::string>{"org:admin", "org:member"}));
  EXPECT_TRUE(FailsWith([&] { inst.add_membership("org_acme", "user_erin", "org:viewer"); }, 422,
                        "form_param_value_invalid", "role"));
}

TEST(RoleInitialSet, FlagGoesToTheCurrentInitialSet) {
  Instance inst = make_instance();
  NewRoleSet s = set_def("Second", {"org:admin", "org:member"}, "org:member", "org:admin", "role_set:second");
  s.type = "initial";
  inst.create_role_set(s);
  make_role(inst, "org:viewer", {}, true);
  EXPECT_TRUE(has(inst.get_role_set("role_set:second").roles, "org:viewer"));
  EXPECT_FALSE(has(inst.get_role_set("role_set:default").roles, "org:viewer"));
}

TEST(RoleInitialSet, OverTheWire) {
  Api api;
  auto r = api.call("POST", "/v1/organization_roles",
                    Json{{"name", "Viewer"}, {"key", "org:viewer"}, {"include_in_initial_role_set", true}});
  ASSERT_EQ(r.status, 200) << r.body;
  Json set = body_of(api.call("GET", "/v1/role_sets/role_set:default"));
  std::vector<std::string> keys;
  for (const auto& item : set["roles"]) keys.push_back(item["key"]);
  EXPECT_EQ(keys, (std::vector<std::string>{"org:admin", "org:member", "org:viewer"}));
}

// --- update and key renames

TEST(RoleUpdate, NameAndDescriptionOnly) {
  Instance inst = make_instance();
  RolePatch p;
  p.name = "Administrator";
  p.description = "Runs the place.";
  const Role& r = inst.update_role(role_id(inst, "org:admin"), p);
  EXPECT_EQ(r.name, "Administrator");
  EXPECT_EQ(r.description, "Runs the place.");
  EXPECT_EQ(r.key, "org:admin");
  EXPECT_EQ(r.permissions.size(), 9u);
}

TEST(RoleUpdate, RenameChecksFormatAndUniqueness) {
  Instance inst = make_instance();
  std::string member = role_id(inst, "org:member");
  Json before = dump(inst);
  EXPECT_TRUE(FailsWith([&] { inst.update_role(member, rename_key("org:admin")); }, 422, "form_identifier_exists", "key"));
  EXPECT_TRUE(FailsWith([&] { inst.update_role(member, rename_key("member")); }, 422, "form_param_format_invalid", "key"));
  EXPECT_TRUE(FailsWith([&] { inst.update_role(member, rename_key("org:Member")); }, 422, "form_param_format_invalid",
                        "key"));
  EXPECT_EQ(dump(inst), before);
  EXPECT_NO_THROW(inst.update_role(member, rename_key("org:member")));
}

TEST(RoleUpdate, RenameCascadesToMembershipsSetsAndDomainsDefault) {
  Instance inst = make_instance();
  inst.create_role_set(set_def("Custom", {"org:admin", "org:member"}, "org:member", "org:admin", "role_set:custom"));
  inst.update_role(role_id(inst, "org:member"), rename_key("org:associate"));

  EXPECT_EQ(inst.find_role("org:member"), nullptr);
  EXPECT_EQ(role_in(inst, "org_acme", "user_bob"), "org:associate");
  EXPECT_EQ(role_in(inst, "org_acme", "user_carol"), "org:associate");
  EXPECT_EQ(role_in(inst, "org_globex", "user_dave"), "org:associate");
  EXPECT_EQ(role_in(inst, "org_acme", "user_alice"), "org:admin");
  for (const char* key : {"role_set:default", "role_set:custom"}) {
    const RoleSet& s = inst.get_role_set(key);
    EXPECT_EQ(s.roles, (std::vector<std::string>{"org:admin", "org:associate"})) << key;
    EXPECT_EQ(s.default_role, "org:associate") << key;
  }
  EXPECT_EQ(inst.organization_settings().domains_default_role, "org:associate");
  // members and new members keep working under the new key
  EXPECT_EQ(inst.add_membership("org_globex", "user_erin", "org:associate").role, "org:associate");
  EXPECT_TRUE(Consistent(inst));
}

TEST(RoleUpdate, RenamingTheCreatorRoleMovesTheCreatorDuty) {
  Instance inst = make_instance();
  inst.update_role(role_id(inst, "org:admin"), rename_key("org:owner"));
  EXPECT_EQ(inst.creator_role(), "org:owner");
  EXPECT_EQ(inst.initial_role_set().creator_role, "org:owner");
  EXPECT_EQ(to_wire(inst, inst.organization_settings())["creator_role"], "org:owner");
  EXPECT_EQ(role_in(inst, "org_acme", "user_alice"), "org:owner");
  EXPECT_EQ(role_in(inst, "org_globex", "user_carol"), "org:owner");
  NewOrganization o;
  o.name = "Initech";
  o.created_by = "user_erin";
  std::string org = inst.create_organization(o).id;
  EXPECT_EQ(role_in(inst, org, "user_erin"), "org:owner");
  EXPECT_TRUE(Consistent(inst));
}

TEST(RoleUpdate, RenameSeenOverTheWire) {
  Api api;
  std::string id = role_id(api.instance(), "org:member");
  auto r = api.call("PATCH", "/v1/organization_roles/" + id, Json{{"key", "org:associate"}});
  ASSERT_EQ(r.status, 200) << r.body;
  Json list = body_of(api.call("GET", "/v1/organizations/org_globex/memberships"));
  bool found = false;
  for (const auto& m : list["data"])
    if (m["public_user_data"]["user_id"] == "user_dave") {
      found = true;
      EXPECT_EQ(m["role"], "org:associate");
    }
  EXPECT_TRUE(found);
  EXPECT_EQ(body_of(api.call("GET", "/v1/instance/organization_settings"))["domains_default_role"], "org:associate");
}

// --- what members see

TEST(RoleMembershipWire, PermissionsFollowAssignAndRemove) {
  Api api;
  auto created = api.call("POST", "/v1/organization_permissions", Json{{"name", "Read reports"}, {"key", "org:reports:read"}});
  ASSERT_EQ(created.status, 200) << created.body;
  std::string perm = body_of(created)["id"];
  std::string member = role_id(api.instance(), "org:member");

  auto assigned = api.call("POST", "/v1/organization_roles/" + member + "/permissions/" + perm);
  ASSERT_EQ(assigned.status, 200) << assigned.body;
  EXPECT_EQ(body_of(assigned)["permissions"].back()["key"], "org:reports:read");
  Json with = Json(api.instance().role_permissions("org:member"));
  EXPECT_EQ(with, Json::array({"org:sys_memberships:read", "org:sys_billing:read", "org:reports:read"}));

  Json list = body_of(api.call("GET", "/v1/organizations/org_acme/memberships?role=org:member"));
  ASSERT_EQ(list["data"].size(), 2u) << list.dump();
  for (const auto& m : list["data"]) EXPECT_EQ(m["permissions"], with) << m["public_user_data"]["user_id"];
  // admins are not affected
  Json admins = body_of(api.call("GET", "/v1/organizations/org_acme/memberships?role=org:admin"));
  EXPECT_EQ(admins["data"][0]["permissions"], Json(api.instance().role_permissions("org:admin")));
  EXPECT_EQ(admins["data"][0]["permissions"].size(), 9u);

  EXPECT_TRUE(IsError(api.call("POST", "/v1/organization_roles/" + member + "/permissions/" + perm), 409,
                      "organization_role_permission_association_exists"));

  auto removed = api.call("DELETE", "/v1/organization_roles/" + member + "/permissions/" + perm);
  ASSERT_EQ(removed.status, 200) << removed.body;
  Json after = body_of(api.call("GET", "/v1/organizations/org_globex/memberships?role=org:member"));
  ASSERT_EQ(after["data"].size(), 1u);
  EXPECT_EQ(after["data"][0]["permissions"], Json::array({"org:sys_memberships:read", "org:sys_billing:read"}));

  EXPECT_TRUE(IsError(api.call("DELETE", "/v1/organization_roles/" + member + "/permissions/" + perm), 404,
                      "organization_role_permission_association_not_found"));
}

TEST(RoleMembershipWire, RemovingFromTheCreatorRoleOverTheWire) {
  Api api;
  std::string admin = role_id(api.instance(), "org:admin");
  std::string del = perm_id(api.instance(), "org:sys_profile:delete");
  EXPECT_TRUE(IsError(api.call("DELETE", "/v1/organization_roles/" + admin + "/permissions/" + del), 422,
                      "organization_missing_creator_role_permissions"));
  Json alice = member_wire(api.instance(), "org_acme", "user_alice");
  EXPECT_TRUE(has(alice["permissions"].get<std::vector<std::string>>(), "org:sys_profile:delete"));
}

// --- list

TEST(RoleList, QueryAndOrder) {
  Instance inst = make_instance();
  inst.clock().advance_ms(1000);
  make_role(inst, "org:viewer", {});
  inst.clock().advance_ms(1000);
  make_role(inst, "org:billing", {});
  auto page = inst.list_roles(std::nullopt, kAll);
  EXPECT_EQ(page.total_count, 4);
  EXPECT_EQ(keys_of(page)[0], "org:billing");  // newest first
  EXPECT_EQ(keys_of(inst.list_roles(std::nullopt, ListWindow{500, 0, "key"})),
            (std::vector<std::string>{"org:admin", "org:billing", "org:member", "org:viewer"}));
  EXPECT_EQ(keys_of(inst.list_roles(std::string("VIEW"), kAll)), (std::vector<std::string>{"org:viewer"}));
  EXPECT_EQ(keys_of(inst.list_roles(role_id(inst, "org:member"), kAll)), (std::vector<std::string>{"org:member"}));
  EXPECT_TRUE(FailsWith([&] { inst.list_roles(std::nullopt, ListWindow{10, 0, "permissions"}); }, 422,
                        "form_param_value_invalid", "order_by"));
}

// Membership rules: adding (check order, member cap), role changes, the
// minimum-permissions rule, permissions on the membership object, metadata.
#include <algorithm>

#include "test_support.hpp"

using namespace clerksim;
using namespace clerksim::unit;

namespace {

std::vector<std::string> members(const Instance& inst, const std::string& org) {
  std::vector<std::string> out;
  for (const Membership* m : inst.list_memberships(org, {}, ListWindow{500, 0, ""}).items) out.push_back(m->user_id);
  std::sort(out.begin(), out.end());
  return out;
}

std::string role_of(const Instance& inst, const std::string& org, const std::string& user) {
  for (const Membership* m : inst.list_memberships(org, {}, ListWindow{500, 0, ""}).items)
    if (m->user_id == user) return m->role;
  return "";
}

// An organization with a cap of `cap` seats holding only erin (as admin).
std::string small_org(Instance& inst, int64_t cap) {
  NewOrganization n;
  n.name = "Small";
  n.created_by = "user_erin";
  n.max_allowed_memberships = cap;
  return inst.create_organization(n).id;
}

}  // namespace

// --- adding a member

TEST(MembershipAdd, AddsWithRoleAndTimestamps) {
  Instance inst = make_instance();
  inst.clock().advance_ms(250);
  const Membership& m = inst.add_membership("org_acme", "user_erin", "org:member");
  EXPECT_EQ(m.organization_id, "org_acme");
  EXPECT_EQ(m.user_id, "user_erin");
  EXPECT_EQ(m.role, "org:member");
  EXPECT_EQ(m.created_at, kDefaultFixtureClockMs + 250);
  EXPECT_EQ(m.id.rfind("orgmem_", 0), 0u);
  EXPECT_EQ(inst.members_count("org_acme"), 4);
}

TEST(MembershipAdd, OrganizationBySlug) {
  Instance inst = make_instance();
  const Membership& m = inst.add_membership("globex", "user_erin", "org:member");
  EXPECT_EQ(m.organization_id, "org_globex");
}

TEST(MembershipAdd, UnknownOrganizationNotFound) {
  Instance inst = make_instance();
  EXPECT_TRUE(FailsWith([&] { inst.add_membership("org_nope", "user_erin", "org:member"); }, 404,
                        "resource_not_found"));
}

TEST(MembershipAdd, UnknownUserNotFound) {
  Instance inst = make_instance();
  try {
    inst.add_membership("org_acme", "user_ghost", "org:member");
    FAIL() << "an unknown user was added";
  } catch (const ClerkError& e) {
    EXPECT_EQ(e.status, 404);
    EXPECT_EQ(e.code, "resource_not_found");
    EXPECT_NE(e.meta.value("param_name", ""), "role");
  }
  EXPECT_EQ(inst.members_count("org_acme"), 3);
}

TEST(MembershipAdd, UnknownRoleNotFoundNamingRole) {
  Instance inst = make_instance();
  EXPECT_TRUE(FailsWith([&] { inst.add_membership("org_acme", "user_erin", "org:wizard"); }, 404,
                        "resource_not_found", "role"));
  EXPECT_EQ(inst.members_count("org_acme"), 3);
}

// S8 order: the user is looked up before the role.
TEST(MembershipAdd, UnknownUserReportedBeforeUnknownRole) {
  Instance inst = make_instance();
  try {
    inst.add_membership("org_acme", "user_ghost", "org:wizard");
    FAIL() << "nothing thrown";
  } catch (const ClerkError& e) {
    EXPECT_EQ(e.status, 404);
    EXPECT_FALSE(e.meta.contains("param_name")) << e.meta.dump();
  }
}

TEST(MembershipAdd, AlreadyAMember) {
  Instance inst = make_instance();
  EXPECT_TRUE(FailsWith([&] { inst.add_membership("org_acme", "user_bob", "org:admin"); }, 400,
                        "already_a_member_in_organization"));
  EXPECT_EQ(role_of(inst, "org_acme", "user_bob"), "org:member");
}

TEST(MembershipAdd, CapAllowsUpToTheLimit) {
  Instance inst = make_instance();
  std::string org = small_org(inst, 3);  // erin
  inst.add_membership(org, "user_alice", "org:member");  // 1 + 1 = 2 <= 3
  inst.add_membership(org, "user_bob", "org:member");    // 2 + 1 = 3 <= 3
  EXPECT_EQ(inst.members_count(org), 3);
}

TEST(MembershipAdd, CapReachedIsQuotaExceeded) {
  Instance inst = make_instance();
  std::string org = small_org(inst, 2);
  inst.add_membership(org, "user_alice", "org:member");
  EXPECT_TRUE(FailsWith([&] { inst.add_membership(org, "user_bob", "org:member"); }, 403,
                        "organization_membership_quota_exceeded"));
  EXPECT_EQ(members(inst, org), (std::vector<std::string>{"user_alice", "user_erin"}));
}

TEST(MembershipAdd, CapOfOneHoldsOnlyTheCreator) {
  Instance inst = make_instance();
  std::string org = small_org(inst, 1);
  EXPECT_TRUE(FailsWith([&] { inst.add_membership(org, "user_bob", "org:member"); }, 403,
                        "organization_membership_quota_exceeded"));
}

TEST(MembershipAdd, FixtureCapFromSettingsApplies) {
  Instance inst = make_instance();  // acme: cap 5, 3 members
  inst.add_membership("org_acme", "user_dave", "org:member");
  inst.add_membership("org_acme", "user_erin", "org:member");
  NewUser u;
  u.email_addresses = {"frank@acme.test"};
  std::string frank = inst.create_user(u).id;
  EXPECT_TRUE(FailsWith([&] { inst.add_membership("org_acme", frank, "org:member"); }, 403,
                        "organization_membership_quota_exceeded"));
}

TEST(MembershipAdd, CapZeroIsUnlimited) {
  Instance inst = make_instance();
  std::string org = small_org(inst, 0);
  for (int i = 0; i < 8; ++i) {
    NewUser u;
    u.email_addresses = {"member" + std::to_string(i) + "@many.test"};
    std::string id = inst.create_user(u).id;
    EXPECT_NO_THROW(inst.add_membership(org, id, "org:member"));
  }
  EXPECT_EQ(inst.members_count(org), 9);
}

TEST(MembershipAdd, LoweringTheCapBlocksFurtherAdds) {
  Instance inst = make_instance();
  OrganizationPatch p;
  p.max_allowed_memberships = 3;
  inst.update_organization("org_acme", p);
  EXPECT_TRUE(FailsWith([&] { inst.add_membership("org_acme", "user_erin", "org:member"); }, 403,
                        "organization_membership_quota_exceeded"));
  p.max_allowed_memberships = 0;
  inst.update_organization("org_acme", p);
  EXPECT_NO_THROW(inst.add_membership("org_acme", "user_erin", "org:member"));
}

// S8: the quota is checked before "already a member", so a full organization answers
// 403 even for a user who already belongs to it.
TEST(MembershipAdd, QuotaCheckedBeforeAlreadyMember) {
  Instance inst = make_instance();
  std::string org = small_org(inst, 2);
  inst.add_membership(org, "user_alice", "org:member");
  EXPECT_TRUE(FailsWith([&] { inst.add_membership(org, "user_alice", "org:member"); }, 403,
                        "organization_membership_quota_exceeded"));
}

TEST(MembershipAdd, RoleCheckedBeforeQuota) {
  Instance inst = make_instance();
  std::string org = small_org(inst, 1);
  EXPECT_TRUE(FailsWith([&] { inst.add_membership(org, "user_bob", "org:wizard"); }, 404, "resource_not_found",
                        "role"));
}

TEST(MembershipAdd, StartingMetadataStored) {
  Instance inst = make_instance();
  MetadataPatch md;
  md.public_metadata = Json{{"team", "red"}};
  md.private_metadata = Json{{"badge", 7}};
  const Membership& m = inst.add_membership("org_acme", "user_erin", "org:member", md);
  EXPECT_EQ(m.public_metadata, Json({{"team", "red"}}));
  EXPECT_EQ(m.private_metadata, Json({{"badge", 7}}));
}

// --- role changes

TEST(MembershipRole, PromoteMember) {
  Instance inst = make_instance();
  inst.clock().advance_ms(10);
  const Membership& m = inst.update_membership_role("org_acme", "user_bob", "org:admin");
  EXPECT_EQ(m.role, "org:admin");
  EXPECT_EQ(m.updated_at, kDefaultFixtureClockMs + 10);
  EXPECT_EQ(role_of(inst, "org_acme", "user_bob"), "org:admin");
}

TEST(MembershipRole, UnknownRoleNamesRole) {
  Instance inst = make_instance();
  EXPECT_TRUE(FailsWith([&] { inst.update_membership_role("org_acme", "user_bob", "org:wizard"); }, 404,
                        "resource_not_found", "role"));
  EXPECT_EQ(role_of(inst, "org_acme", "user_bob"), "org:member");
}

TEST(MembershipRole, NotAMemberNotFound) {
  Instance inst = make_instance();
  EXPECT_TRUE(FailsWith([&] { inst.update_membership_role("org_acme", "user_erin", "org:admin"); }, 404,
                        "resource_not_found"));
  EXPECT_TRUE(FailsWith([&] { inst.update_membership_role("org_acme", "user_ghost", "org:admin"); }, 404,
                        "resource_not_found"));
}

// --- minimum permissions (decision 15)

TEST(MinimumPermissions, DemotingTheOnlyAdminRefused) {
  Instance inst = make_instance();
  EXPECT_TRUE(FailsWith([&] { inst.update_membership_role("org_acme", "user_alice", "org:member"); }, 400,
                        "organization_minimum_permissions_needed"));
  EXPECT_EQ(role_of(inst, "org_acme", "user_alice"), "org:admin");
}

TEST(MinimumPermissions, DemotingTheOnlyAdminWhoIsTheOnlyMemberRefused) {
  Instance inst = make_instance();
  std::string org = small_org(inst, 0);
  EXPECT_TRUE(FailsWith([&] { inst.update_membership_role(org, "user_erin", "org:member"); }, 400,
                        "organization_minimum_permissions_needed"));
}

TEST(MinimumPermissions, SettingTheSameRoleIsNoChange) {
  Instance inst = make_instance();
  EXPECT_NO_THROW(inst.update_membership_role("org_acme", "user_alice", "org:admin"));
}

TEST(MinimumPermissions, DemotingOneOfTwoAdminsAllowed) {
  Instance inst = make_instance();
  inst.update_membership_role("org_acme", "user_bob", "org:admin");
  EXPECT_NO_THROW(inst.update_membership_role("org_acme", "user_alice", "org:member"));
  EXPECT_EQ(role_of(inst, "org_acme", "user_alice"), "org:member");
  // now bob is the only admin again
  EXPECT_TRUE(FailsWith([&] { inst.update_membership_role("org_acme", "user_bob", "org:member"); }, 400,
                        "organization_minimum_permissions_needed"));
}

TEST(MinimumPermissions, RemovingTheOnlyAdminWhileOthersRemainRefused) {
  Instance inst = make_instance();
  EXPECT_TRUE(FailsWith([&] { inst.remove_membership("org_acme", "user_alice"); }, 400,
                        "organization_minimum_permissions_needed"));
  EXPECT_EQ(members(inst, "org_acme"), (std::vector<std::string>{"user_alice", "user_bob", "user_carol"}));
}

TEST(MinimumPermissions, RemovingAnAdminWhenAnotherRemainsAllowed) {
  Instance inst = make_instance();
  inst.update_membership_role("org_acme", "user_carol", "org:admin");
  Membership removed = inst.remove_membership("org_acme", "user_alice");
  EXPECT_EQ(removed.user_id, "user_alice");
  EXPECT_EQ(removed.role, "org:admin");
  EXPECT_EQ(members(inst, "org_acme"), (std::vector<std::string>{"user_bob", "user_carol"}));
}

TEST(MinimumPermissions, RemovingPlainMembersAllowed) {
  Instance inst = make_instance();
  EXPECT_EQ(inst.remove_membership("org_acme", "user_bob").user_id, "user_bob");
  EXPECT_EQ(inst.remove_membership("org_acme", "user_carol").user_id, "user_carol");
  EXPECT_EQ(members(inst, "org_acme"), (std::vector<std::string>{"user_alice"}));
}

TEST(MinimumPermissions, RemovingTheVeryLastMemberLeavesAnEmptyOrganization) {
  Instance inst = make_instance();
  inst.remove_membership("org_acme", "user_bob");
  inst.remove_membership("org_acme", "user_carol");
  Membership last = inst.remove_membership("org_acme", "user_alice");
  EXPECT_EQ(last.role, "org:admin");
  const Organization& o = inst.get_organization("org_acme");  // still there
  EXPECT_EQ(o.slug, "acme-corp");
  EXPECT_EQ(inst.members_count("org_acme"), 0);
  EXPECT_FALSE(inst.missing_member_with_elevated_permissions("org_acme"));
  // and it can be joined again
  EXPECT_NO_THROW(inst.add_membership("org_acme", "user_erin", "org:admin"));
}

TEST(MinimumPermissions, LastMemberWithoutManagePermissionCanLeave) {
  Instance inst = make_instance();
  NewOrganization n;
  n.name = "No Admin";
  std::string org = inst.create_organization(n).id;
  inst.add_membership(org, "user_bob", "org:member");
  EXPECT_NO_THROW(inst.remove_membership(org, "user_bob"));
  EXPECT_EQ(inst.members_count(org), 0);
}

TEST(MinimumPermissions, CustomRoleWithManagePermissionCounts) {
  Json fx = base_fixture();
  fx["roles"] = Json::parse(R"([
    {"key": "org:admin", "name": "Admin", "permissions": ["org:sys_profile:manage", "org:sys_profile:delete",
      "org:sys_memberships:read", "org:sys_memberships:manage", "org:sys_domains:read", "org:sys_domains:manage",
      "org:sys_billing:read", "org:sys_billing:manage", "org:sys_entconns:manage"]},
    {"key": "org:member", "name": "Member", "permissions": ["org:sys_memberships:read", "org:sys_billing:read"]},
    {"key": "org:manager", "name": "Manager", "permissions": ["org:sys_memberships:read",
      "org:sys_memberships:manage", "org:sys_profile:delete"]}
  ])");
  Instance inst = make_instance(fx);
  inst.update_membership_role("org_acme", "user_bob", "org:manager");
  EXPECT_NO_THROW(inst.update_membership_role("org_acme", "user_alice", "org:member"));
  EXPECT_TRUE(FailsWith([&] { inst.remove_membership("org_acme", "user_bob"); }, 400,
                        "organization_minimum_permissions_needed"));
}

TEST(MembershipRemove, NotAMemberNotFound) {
  Instance inst = make_instance();
  EXPECT_TRUE(FailsWith([&] { inst.remove_membership("org_acme", "user_erin"); }, 404, "resource_not_found"));
  EXPECT_TRUE(FailsWith([&] { inst.remove_membership("org_nope", "user_bob"); }, 404, "resource_not_found"));
}

// --- the membership object

TEST(MembershipWire, PermissionsAreTheRolesPermissions) {
  Instance inst = make_instance();
  const Membership& admin = inst.update_membership_role("org_acme", "user_alice", "org:admin");
  Json a = to_wire(inst, admin);
  EXPECT_EQ(a["permissions"], Json(inst.get_role("org:admin").permissions));
  EXPECT_EQ(a["permissions"].size(), 9u);
  EXPECT_EQ(a["role"], "org:admin");
  EXPECT_EQ(a["role_name"], "Admin");

  Json m = to_wire(inst, inst.update_membership_role("org_acme", "user_bob", "org:member"));
  EXPECT_EQ(m["permissions"], Json::array({"org:sys_memberships:read", "org:sys_billing:read"}));
  EXPECT_EQ(m["role_name"], "Member");
}

TEST(MembershipWire, PermissionsFollowARoleChange) {
  Instance inst = make_instance();
  Json before = to_wire(inst, inst.add_membership("org_globex", "user_erin", "org:member"));
  EXPECT_EQ(before["permissions"].size(), 2u);
  Json after = to_wire(inst, inst.update_membership_role("org_globex", "user_erin", "org:admin"));
  EXPECT_EQ(after["permissions"], Json(inst.role_permissions("org:admin")));
}

TEST(MembershipWire, ObjectShape) {
  Instance inst = make_instance();
  Json m = to_wire(inst, inst.add_membership("org_globex", "user_erin", "org:member"));
  EXPECT_EQ(m["object"], "organization_membership");
  EXPECT_EQ(m["organization"]["object"], "organization");
  EXPECT_EQ(m["organization"]["id"], "org_globex");
  EXPECT_EQ(m["public_user_data"]["user_id"], "user_erin");
  EXPECT_EQ(m["public_user_data"]["identifier"], "erin@example.test");
  EXPECT_EQ(m["public_user_data"]["first_name"], "Erin");
}

// --- metadata

TEST(MembershipMetadata, DeepMergeWithNullDeletes) {
  Instance inst = make_instance();
  MetadataPatch first;
  first.public_metadata = Json::parse(R"({"prefs": {"theme": "dark", "lang": "en"}, "tags": ["a", "b"]})");
  first.private_metadata = Json::parse(R"({"note": "keep"})");
  inst.merge_membership_metadata("org_acme", "user_bob", first);
  MetadataPatch second;
  second.public_metadata = Json::parse(R"({"prefs": {"theme": null, "size": 12}, "tags": ["c"]})");
  const Membership& m = inst.merge_membership_metadata("org_acme", "user_bob", second);
  EXPECT_EQ(m.public_metadata, Json::parse(R"({"prefs": {"lang": "en", "size": 12}, "tags": ["c"]})"));
  EXPECT_EQ(m.private_metadata, Json::parse(R"({"note": "keep"})"));
}

TEST(MembershipMetadata, NonObjectRejected) {
  Instance inst = make_instance();
  MetadataPatch p;
  p.public_metadata = Json::array({1, 2});
  EXPECT_TRUE(FailsWith([&] { inst.merge_membership_metadata("org_acme", "user_bob", p); }, 422,
                        "form_param_value_invalid", "public_metadata"));
}

TEST(MembershipMetadata, UnknownMembershipNotFound) {
  Instance inst = make_instance();
  MetadataPatch p;
  p.public_metadata = Json::object();
  EXPECT_TRUE(FailsWith([&] { inst.merge_membership_metadata("org_acme", "user_erin", p); }, 404,
                        "resource_not_found"));
}

// --- over the wire

TEST(MembershipHttp, AddAndErrors) {
  Api api;
  auto ok = api.call("POST", "/v1/organizations/org_acme/memberships", Json{{"user_id", "user_erin"}, {"role", "org:member"}});
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(body_of(ok)["permissions"], Json::array({"org:sys_memberships:read", "org:sys_billing:read"}));
  EXPECT_TRUE(IsError(api.call("POST", "/v1/organizations/org_acme/memberships",
                               Json{{"user_id", "user_erin"}, {"role", "org:member"}}),
                      400, "already_a_member_in_organization"));
  EXPECT_TRUE(IsError(api.call("POST", "/v1/organizations/org_acme/memberships",
                               Json{{"user_id", "user_dave"}, {"role", "org:boss"}}),
                      404, "resource_not_found", "role"));
  EXPECT_TRUE(IsError(api.call("POST", "/v1/organizations/org_acme/memberships", Json{{"user_id", "user_dave"}}), 422,
                      "form_param_missing", "role"));
}

TEST(MembershipHttp, DeleteReturnsTheMembership) {
  Api api;
  auto r = api.call("DELETE", "/v1/organizations/org_acme/memberships/user_bob");
  ASSERT_EQ(r.status, 200) << r.body;
  Json m = body_of(r);
  EXPECT_EQ(m["object"], "organization_membership");
  EXPECT_EQ(m["public_user_data"]["user_id"], "user_bob");
  EXPECT_TRUE(IsError(api.call("DELETE", "/v1/organizations/org_acme/memberships/user_alice"), 400,
                      "organization_minimum_permissions_needed"));
}

TEST(MembershipHttp, ListEnvelope) {
  Api api;
  Json list = body_of(api.call("GET", "/v1/organizations/org_acme/memberships?role=org:admin"));
  EXPECT_EQ(list["total_count"], 1);
  ASSERT_EQ(list["data"].size(), 1u);
  EXPECT_EQ(list["data"][0]["public_user_data"]["user_id"], "user_alice");
}

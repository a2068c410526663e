// Permissions: the nine system permissions, custom permission keys, uniqueness,
// renames and deletes reaching into roles, and the list.
#include <algorithm>
#include <set>

#include "catalogue_support.hpp"

using namespace clerksim;
using namespace clerksim::unit;

namespace {

const std::vector<std::string> kSystemKeys = {
    "org:sys_profile:manage", "org:sys_profile:delete", "org:sys_memberships:read",
    "org:sys_memberships:manage", "org:sys_domains:read", "org:sys_domains:manage",
    "org:sys_billing:read",   "org:sys_billing:manage", "org:sys_entconns:manage"};

NewPermission def(const std::string& key, const std::string& name = "Some permission") {
  NewPermission p;
  p.key = key;
  p.name = name;
  return p;
}

PermissionPatch rename_key(const std::string& key) {
  PermissionPatch p;
  p.key = key;
  return p;
}

std::vector<std::string> ids_of(const Page<Permission>& page) {
  std::vector<std::string> out;
  for (const Permission* p : page.items) out.push_back(p->id);
  return out;
}

}  // namespace

// --- system permissions

TEST(SystemPermissions, ExactlyTheNineWithTypeSystem) {
  Instance inst = make_instance();
  auto page = inst.list_permissions(std::nullopt, kAll);
  EXPECT_EQ(page.total_count, 9);
  std::set<std::string> keys;
  for (const Permission* p : page.items) {
    EXPECT_EQ(p->type, "system") << p->key;
    EXPECT_FALSE(p->name.empty()) << p->key;
    keys.insert(p->key);
  }
  EXPECT_EQ(keys, std::set<std::string>(kSystemKeys.begin(), kSystemKeys.end()));
}

TEST(SystemPermissions, WireTypeIsSystem) {
  Api api;
  Json list = body_of(api.call("GET", "/v1/organization_permissions?limit=100"));
  ASSERT_EQ(list["data"].size(), 9u) << list.dump();
  for (const auto& p : list["data"]) {
    EXPECT_EQ(p["object"], "permission");
    EXPECT_EQ(p["type"], "system") << p.dump();
  }
}

TEST(SystemPermissions, UpdateRefusedForEach) {
  Instance inst = make_instance();
  for (const auto& key : kSystemKeys) {
    PermissionPatch name_only;
    name_only.name = "Renamed";
    EXPECT_TRUE(FailsWith([&] { inst.update_permission(perm_id(inst, key), name_only); }, 403,
                          "organization_system_permission_not_modifiable"))
        << key;
    EXPECT_TRUE(FailsWith([&] { inst.update_permission(perm_id(inst, key), rename_key("org:custom:thing")); }, 403,
                          "organization_system_permission_not_modifiable"))
        << key;
  }
}

TEST(SystemPermissions, DeleteRefusedForEach) {
  Instance inst = make_instance();
  for (const auto& key : kSystemKeys)
    EXPECT_TRUE(FailsWith([&] { inst.delete_permission(perm_id(inst, key)); }, 403,
                          "organization_system_permission_not_modifiable"))
        << key;
  EXPECT_EQ(inst.list_permissions(std::nullopt, kAll).total_count, 9);
}

TEST(SystemPermissions, RefusalsChangeNothing) {
  Instance inst = make_instance();
  Json before = dump(inst);
  PermissionPatch p;
  p.name = "Renamed";
  p.description = "changed";
  EXPECT_ANY_THROW(inst.update_permission(perm_id(inst, "org:sys_profile:manage"), p));
  EXPECT_ANY_THROW(inst.delete_permission(perm_id(inst, "org:sys_memberships:manage")));
  EXPECT_EQ(dump(inst), before);
  EXPECT_EQ(inst.get_role("org:admin").permissions.size(), 9u);
}

TEST(SystemPermissions, RefusedOverTheWire) {
  Api api;
  std::string id = perm_id(api.instance(), "org:sys_billing:read");
  EXPECT_TRUE(IsError(api.call("PATCH", "/v1/organization_permissions/" + id, Json{{"name", "x"}}), 403,
                      "organization_system_permission_not_modifiable"));
  EXPECT_TRUE(IsError(api.call("DELETE", "/v1/organization_permissions/" + id), 403,
                      "organization_system_permission_not_modifiable"));
}

// --- custom permissions: create

TEST(CustomPermissionCreate, StoredAsCustom) {
  Instance inst = make_instance();
  NewPermission in = def("org:reports:read", "  Read reports  ");
  in.description = "See the reports.";
  const Permission& p = inst.create_permission(in);
  EXPECT_EQ(p.key, "org:reports:read");
  EXPECT_EQ(p.name, "Read reports");
  EXPECT_EQ(p.description, "See the reports.");
  EXPECT_EQ(p.type, "custom");
  EXPECT_EQ(inst.get_permission(p.id).key, "org:reports:read");
  EXPECT_EQ(inst.list_permissions(std::nullopt, kAll).total_count, 10);
}

TEST(CustomPermissionCreate, KeyWithDigitsAndUnderscoresAccepted) {
  Instance inst = make_instance();
  EXPECT_NO_THROW(inst.create_permission(def("org:invoice_v2:export_csv")));
  EXPECT_NO_THROW(inst.create_permission(def("org:a1:b2")));
}

TEST(CustomPermissionCreate, KeyFormatChecked) {
  Instance inst = make_instance();
  for (const char* bad : {"reports:read", "org:reports", "org:reports:read:all", "org:Reports:read", "org:reports:READ",
                          "org::read", "org:reports:", "org:re-ports:read", "org:reports:read ", "ORG:reports:read",
                          "org:re ports:read"})
    EXPECT_TRUE(FailsWith([&] { inst.create_permission(def(bad)); }, 422, "form_param_format_invalid", "key")) << bad;
  EXPECT_EQ(inst.list_permissions(std::nullopt, kAll).total_count, 9);
}

TEST(CustomPermissionCreate, SystemPrefixReserved) {
  Instance inst = make_instance();
  for (const char* reserved : {"org:sys_reports:read", "org:sys_memberships:manage", "org:sys_x:y"})
    EXPECT_TRUE(FailsWith([&] { inst.create_permission(def(reserved)); }, 422, "form_param_value_invalid", "key"))
        << reserved;
}

// Only the exact "org:sys_" prefix is reserved.
TEST(CustomPermissionCreate, SimilarButNotReservedPrefixAccepted) {
  Instance inst = make_instance();
  EXPECT_EQ(inst.create_permission(def("org:system:read")).type, "custom");
  EXPECT_EQ(inst.create_permission(def("org:sys:read")).type, "custom");
}

TEST(CustomPermissionCreate, DuplicateKeyIsIdentifierExists) {
  Instance inst = make_instance();
  inst.create_permission(def("org:reports:read"));
  Json before = dump(inst);
  EXPECT_TRUE(FailsWith([&] { inst.create_permission(def("org:reports:read", "Other name")); }, 422,
                        "form_identifier_exists", "key"));
  EXPECT_EQ(dump(inst), before);
}

// An upper-case variant is not a duplicate of an existing key: it fails on format.
TEST(CustomPermissionCreate, UpperCaseVariantIsAFormatErrorNotADuplicate) {
  Instance inst = make_instance();
  inst.create_permission(def("org:reports:read"));
  EXPECT_TRUE(FailsWith([&] { inst.create_permission(def("org:Reports:read")); }, 422, "form_param_format_invalid",
                        "key"));
}

// Keys compare case-sensitively: a key that differs only in case from a stored one
// (loaded from a fixture) is a different key.
TEST(CustomPermissionCreate, UniquenessIsCaseSensitive) {
  Json fx = dump(make_instance());
  fx["permissions"].push_back({{"key", "org:Reports:read"}, {"name", "Legacy"}});
  Instance inst = make_instance(fx);
  ASSERT_NE(inst.find_permission_by_key("org:Reports:read"), nullptr);
  const Permission& p = inst.create_permission(def("org:reports:read"));
  EXPECT_EQ(p.key, "org:reports:read");
  EXPECT_NE(inst.find_permission_by_key("org:Reports:read")->id, p.id);
}

TEST(CustomPermissionCreate, NameRequired) {
  Instance inst = make_instance();
  EXPECT_TRUE(FailsWith([&] { inst.create_permission(def("org:reports:read", "")); }, 422, "form_param_missing",
                        "name"));
  EXPECT_TRUE(FailsWith([&] { inst.create_permission(def("org:reports:read", "   ")); }, 422, "form_param_missing",
                        "name"));
}

TEST(CustomPermissionCreate, FailuresDoNotMoveIds) {
  Instance inst = make_instance();
  Json before = dump(inst);
  EXPECT_ANY_THROW(inst.create_permission(def("org:sys_a:b")));
  EXPECT_ANY_THROW(inst.create_permission(def("bad")));
  EXPECT_EQ(dump(inst), before);
}

TEST(CustomPermissionCreate, OverTheWire) {
  Api api;
  auto r = api.call("POST", "/v1/organization_permissions",
                    Json{{"name", "Read reports"}, {"key", "org:reports:read"}, {"description", "d"}});
  ASSERT_EQ(r.status, 200) << r.body;
  Json p = body_of(r);
  EXPECT_EQ(p["object"], "permission");
  EXPECT_EQ(p["type"], "custom");
  EXPECT_EQ(p["key"], "org:reports:read");
  EXPECT_TRUE(IsError(api.call("POST", "/v1/organization_permissions", Json{{"name", "x"}, {"key", "org:reports:read"}}),
                      422, "form_identifier_exists", "key"));
  EXPECT_TRUE(IsError(api.call("POST", "/v1/organization_permissions", Json{{"name", "x"}, {"key", "org:sys_a:b"}}),
                      422, "form_param_value_invalid", "key"));
  EXPECT_TRUE(IsError(api.call("POST", "/v1/organization_permissions", Json{{"name", "x"}, {"key", "org:ab"}}), 422,
                      "form_param_format_invalid", "key"));
}

// --- custom permissions: update

TEST(CustomPermissionUpdate, NameAndDescription) {
  Instance inst = make_instance();
  std::string id = inst.create_permission(def("org:reports:read", "Old")).id;
  inst.clock().advance_ms(100);
  PermissionPatch p;
  p.name = " New name ";
  p.description = "New description";
  const Permission& after = inst.update_permission(id, p);
  EXPECT_EQ(after.name, "New name");
  EXPECT_EQ(after.description, "New description");
  EXPECT_EQ(after.key, "org:reports:read");
  EXPECT_EQ(after.updated_at, after.created_at + 100);
}

TEST(CustomPermissionUpdate, KeyRenameCascadesIntoRoles) {
  Instance inst = make_instance();
  std::string id = make_permission(inst, "org:reports:read").id;
  make_role(inst, "org:analyst", {"org:sys_memberships:read", "org:reports:read"}, true);
  make_role(inst, "org:auditor", {"org:reports:read"});
  inst.add_membership("org_acme", "user_erin", "org:analyst");

  inst.update_permission(id, rename_key("org:reports:view"));
  EXPECT_EQ(inst.get_permission(id).key, "org:reports:view");
  EXPECT_EQ(inst.find_permission_by_key("org:reports:read"), nullptr);
  EXPECT_EQ(inst.get_role("org:analyst").permissions,
            (std::vector<std::string>{"org:sys_memberships:read", "org:reports:view"}));
  EXPECT_EQ(inst.get_role("org:auditor").permissions, (std::vector<std::string>{"org:reports:view"}));
  // the membership object reports the new key
  MembershipQuery q;
  q.user_id.add("user_erin");
  Json wire = to_wire(inst, *inst.list_memberships("org_acme", q, kAll).items.at(0));
  EXPECT_EQ(wire["permissions"], Json::array({"org:sys_memberships:read", "org:reports:view"}));
  // and the role object still lists the permission
  Json role = to_wire(inst, inst.get_role("org:auditor"));
  ASSERT_EQ(role["permissions"].size(), 1u);
  EXPECT_EQ(role["permissions"][0]["key"], "org:reports:view");
  EXPECT_TRUE(Consistent(inst));
}

TEST(CustomPermissionUpdate, RenameToItsOwnKeyIsNoConflict) {
  Instance inst = make_instance();
  std::string id = make_permission(inst, "org:reports:read").id;
  EXPECT_NO_THROW(inst.update_permission(id, rename_key("org:reports:read")));
}

TEST(CustomPermissionUpdate, RenameToTakenKeyRefused) {
  Instance inst = make_instance();
  std::string id = make_permission(inst, "org:reports:read").id;
  make_permission(inst, "org:reports:write");
  make_role(inst, "org:analyst", {"org:reports:read"});
  Json before = dump(inst);
  EXPECT_TRUE(FailsWith([&] { inst.update_permission(id, rename_key("org:reports:write")); }, 422,
                        "form_identifier_exists", "key"));
  EXPECT_EQ(dump(inst), before);
}

TEST(CustomPermissionUpdate, RenameChecksFormatAndReservedPrefix) {
  Instance inst = make_instance();
  std::string id = make_permission(inst, "org:reports:read").id;
  Json before = dump(inst);
  EXPECT_TRUE(FailsWith([&] { inst.update_permission(id, rename_key("org:Reports:read")); }, 422,
                        "form_param_format_invalid", "key"));
  EXPECT_TRUE(FailsWith([&] { inst.update_permission(id, rename_key("reports")); }, 422, "form_param_format_invalid",
                        "key"));
  EXPECT_TRUE(FailsWith([&] { inst.update_permission(id, rename_key("org:sys_profile:manage")); }, 422,
                        "form_param_value_invalid", "key"));
  EXPECT_TRUE(FailsWith([&] { inst.update_permission(id, rename_key("org:sys_reports:read")); }, 422,
                        "form_param_value_invalid", "key"));
  EXPECT_EQ(dump(inst), before);
}

// A failing rename must not leave a half-applied name change behind.
TEST(CustomPermissionUpdate, FailedUpdateKeepsOtherFieldsToo) {
  Instance inst = make_instance();
  std::string id = make_permission(inst, "org:reports:read", "Read reports").id;
  Json before = dump(inst);
  PermissionPatch p;
  p.name = "Changed";
  p.description = "Changed";
  p.key = "bad key";
  EXPECT_ANY_THROW(inst.update_permission(id, p));
  EXPECT_EQ(dump(inst), before);
  EXPECT_EQ(inst.get_permission(id).name, "Read reports");
}

TEST(CustomPermissionUpdate, UnknownIdNotFound) {
  Instance inst = make_instance();
  EXPECT_TRUE(FailsWith([&] { inst.update_permission("perm_nope", rename_key("org:a:b")); }, 404,
                        "resource_not_found"));
  EXPECT_TRUE(FailsWith([&] { inst.get_permission("perm_nope"); }, 404, "resource_not_found"));
}

TEST(CustomPermissionUpdate, OverTheWire) {
  Api api;
  std::string id = make_permission(api.instance(), "org:reports:read").id;
  auto r = api.call("PATCH", "/v1/organization_permissions/" + id, Json{{"key", "org:reports:list"}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(body_of(r)["key"], "org:reports:list");
  EXPECT_EQ(body_of(api.call("GET", "/v1/organization_permissions/" + id))["key"], "org:reports:list");
}

// --- custom permissions: delete

TEST(CustomPermissionDelete, RemovedFromEveryRole) {
  Instance inst = make_instance();
  std::string id = make_permission(inst, "org:reports:read").id;
  make_permission(inst, "org:reports:write");
  make_role(inst, "org:analyst", {"org:reports:read", "org:reports:write"}, true);
  inst.assign_permission(role_id(inst, "org:admin"), id);
  inst.add_membership("org_acme", "user_erin", "org:analyst");

  Permission removed = inst.delete_permission(id);
  EXPECT_EQ(removed.key, "org:reports:read");
  EXPECT_TRUE(FailsWith([&] { inst.get_permission(id); }, 404, "resource_not_found"));
  EXPECT_EQ(inst.get_role("org:analyst").permissions, (std::vector<std::string>{"org:reports:write"}));
  EXPECT_FALSE(has(inst.get_role("org:admin").permissions, "org:reports:read"));
  EXPECT_EQ(inst.get_role("org:admin").permissions.size(), 9u);
  MembershipQuery q;
  q.user_id.add("user_erin");
  EXPECT_EQ(to_wire(inst, *inst.list_memberships("org_acme", q, kAll).items.at(0))["permissions"],
            Json::array({"org:reports:write"}));
  EXPECT_TRUE(Consistent(inst));
}

TEST(CustomPermissionDelete, KeyCanBeReusedAfterDelete) {
  Instance inst = make_instance();
  std::string id = make_permission(inst, "org:reports:read").id;
  inst.delete_permission(id);
  EXPECT_NE(make_permission(inst, "org:reports:read").id, id);
}

TEST(CustomPermissionDelete, UnknownIdNotFound) {
  Instance inst = make_instance();
  EXPECT_TRUE(FailsWith([&] { inst.delete_permission("perm_nope"); }, 404, "resource_not_found"));
}

TEST(CustomPermissionDelete, OverTheWireIsDeletedObject) {
  Api api;
  std::string id = make_permission(api.instance(), "org:reports:read").id;
  auto r = api.call("DELETE", "/v1/organization_permissions/" + id);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(body_of(r), (Json{{"object", "permission"}, {"id", id}, {"deleted", true}}));
  EXPECT_TRUE(IsError(api.call("GET", "/v1/organization_permissions/" + id), 404, "resource_not_found"));
}

// --- list

class PermissionList : public ::testing::Test {
 protected:
  // Three custom permissions created one second apart after the nine system ones.
  void SetUp() override {
    inst_.clock().advance_ms(1000);
    a_ = make_permission(inst_, "org:reports:read", "Read Reports").id;
    inst_.clock().advance_ms(1000);
    b_ = make_permission(inst_, "org:invoices:export", "Export invoices").id;
    inst_.clock().advance_ms(1000);
    c_ = make_permission(inst_, "org:reports:write", "Write reports").id;
  }
  Instance inst_ = make_instance();
  std::string a_, b_, c_;
};

TEST_F(PermissionList, DefaultOrderIsNewestFirst) {
  auto page = inst_.list_permissions(std::nullopt, kAll);
  EXPECT_EQ(page.total_count, 12);
  ASSERT_GE(page.items.size(), 3u);
  EXPECT_EQ(page.items[0]->id, c_);
  EXPECT_EQ(page.items[1]->id, b_);
  EXPECT_EQ(page.items[2]->id, a_);
}

TEST_F(PermissionList, OrderByCreatedAtAscending) {
  auto page = inst_.list_permissions(std::nullopt, ListWindow{500, 0, "created_at"});
  auto ids = ids_of(page);
  ASSERT_EQ(ids.size(), 12u);
  EXPECT_EQ((std::vector<std::string>(ids.end() - 3, ids.end())), (std::vector<std::string>{a_, b_, c_}));
}

TEST_F(PermissionList, OrderByKey) {
  auto keys = keys_of(inst_.list_permissions(std::nullopt, ListWindow{500, 0, "key"}));
  EXPECT_TRUE(std::is_sorted(keys.begin(), keys.end())) << ::testing::PrintToString(keys);
  auto desc = keys_of(inst_.list_permissions(std::nullopt, ListWindow{500, 0, "-key"}));
  EXPECT_TRUE(std::is_sorted(desc.rbegin(), desc.rend())) << ::testing::PrintToString(desc);
  EXPECT_EQ(keys.front(), "org:invoices:export");
}

TEST_F(PermissionList, OrderByName) {
  auto page = inst_.list_permissions(std::string("reports"), ListWindow{500, 0, "name"});
  ASSERT_EQ(page.items.size(), 2u);
  EXPECT_EQ(page.items[0]->id, a_);  // "Read Reports" before "Write reports"
  EXPECT_EQ(page.items[1]->id, c_);
  auto desc = inst_.list_permissions(std::string("reports"), ListWindow{500, 0, "-name"});
  EXPECT_EQ(desc.items[0]->id, c_);
}

TEST_F(PermissionList, UnknownOrderFieldRefused) {
  EXPECT_TRUE(FailsWith([&] { inst_.list_permissions(std::nullopt, ListWindow{10, 0, "type"}); }, 422,
                        "form_param_value_invalid", "order_by"));
}

TEST_F(PermissionList, QueryIsSubstringOfKeyOrName) {
  EXPECT_EQ(inst_.list_permissions(std::string("reports"), kAll).total_count, 2);      // key and name
  EXPECT_EQ(inst_.list_permissions(std::string("EXPORT"), kAll).total_count, 1);       // name, any case
  EXPECT_EQ(inst_.list_permissions(std::string("sys_billing"), kAll).total_count, 2);  // key
  EXPECT_EQ(inst_.list_permissions(std::string("members"), kAll).total_count, 2);      // "Read/Manage members"
  EXPECT_EQ(inst_.list_permissions(std::string("nothing-like-this"), kAll).total_count, 0);
}

TEST_F(PermissionList, QueryMatchesIdExactlyOnly) {
  auto page = inst_.list_permissions(b_, kAll);
  ASSERT_EQ(page.total_count, 1);
  EXPECT_EQ(page.items[0]->id, b_);
  EXPECT_EQ(inst_.list_permissions(b_.substr(0, b_.size() - 2), kAll).total_count, 0);
}

TEST_F(PermissionList, LimitAndOffset) {
  auto page = inst_.list_permissions(std::nullopt, ListWindow{2, 1, ""});
  EXPECT_EQ(page.total_count, 12);
  ASSERT_EQ(page.items.size(), 2u);
  EXPECT_EQ(page.items[0]->id, b_);
  EXPECT_EQ(page.items[1]->id, a_);
  EXPECT_EQ(inst_.list_permissions(std::nullopt, ListWindow{10, 50, ""}).items.size(), 0u);
}

TEST(PermissionListWire, QueryAndOrderOverTheWire) {
  Api api;
  make_permission(api.instance(), "org:reports:write", "Write reports");
  make_permission(api.instance(), "org:reports:read", "Read reports");
  Json list = body_of(api.call("GET", "/v1/organization_permissions?query=reports&order_by=key"));
  EXPECT_EQ(list["total_count"], 2);
  ASSERT_EQ(list["data"].size(), 2u);
  EXPECT_EQ(list["data"][0]["key"], "org:reports:read");
  EXPECT_EQ(list["data"][1]["key"], "org:reports:write");
  EXPECT_TRUE(IsError(api.call("GET", "/v1/organization_permissions?order_by=bogus"), 422, "form_param_value_invalid",
                      "order_by"));
}

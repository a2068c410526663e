// User rules: create (identifiers, uniqueness, passwords), list filters and order,
// count, update and delete.
#include <algorithm>

#include "test_support.hpp"

using namespace clerksim;
using namespace clerksim::unit;

namespace {

NewUser with_email(const std::string& email) {
  NewUser u;
  u.email_addresses = {email};
  return u;
}

std::vector<std::string> ids(const std::vector<const User*>& users) {
  std::vector<std::string> out;
  for (const User* u : users) out.push_back(u->id);
  return out;
}

std::vector<std::string> sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return v;
}

const ListWindow kAll{500, 0, ""};

}  // namespace

// --- create

TEST(UserCreate, EmailsLowerCasedFirstIsPrimaryAndVerified) {
  Instance inst = make_instance();
  NewUser in;
  in.email_addresses = {"Frank.Ocean@Example.COM", "frank@second.test"};
  const User& u = inst.create_user(in);
  ASSERT_EQ(u.email_addresses.size(), 2u);
  EXPECT_EQ(u.email_addresses[0].email_address, "frank.ocean@example.com");
  EXPECT_EQ(u.email_addresses[1].email_address, "frank@second.test");
  ASSERT_TRUE(u.primary_email_address_id.has_value());
  EXPECT_EQ(*u.primary_email_address_id, u.email_addresses[0].id);
  EXPECT_FALSE(u.email_addresses[0].reserved);
  Json w = to_wire(inst, u);
  EXPECT_EQ(w["primary_email_address_id"], u.email_addresses[0].id);
  EXPECT_EQ(w["email_addresses"][0]["verification"]["status"], "verified");
  EXPECT_EQ(w["email_addresses"][0]["verification"]["strategy"], "admin");
  EXPECT_EQ(w["email_addresses"][1]["verification"]["status"], "verified");
}

TEST(UserCreate, NoEmailMeansNoPrimary) {
  Instance inst = make_instance();
  NewUser in;
  in.username = "loner";
  const User& u = inst.create_user(in);
  EXPECT_FALSE(u.primary_email_address_id.has_value());
  EXPECT_TRUE(to_wire(inst, u)["primary_email_address_id"].is_null());
}

TEST(UserCreate, ReservedStatusMakesAnUnverifiedAddress) {
  Instance inst = make_instance();
  NewUser in;
  in.email_addresses = {"a@res.test", "b@res.test"};
  in.email_address_statuses = {"verified", "reserved"};
  const User& u = inst.create_user(in);
  EXPECT_FALSE(u.email_addresses[0].reserved);
  EXPECT_TRUE(u.email_addresses[1].reserved);
}

TEST(UserCreate, StatusListLengthMustMatch) {
  Instance inst = make_instance();
  NewUser in;
  in.email_addresses = {"a@res.test", "b@res.test"};
  in.email_address_statuses = {"verified"};
  EXPECT_TRUE(FailsWith([&] { inst.create_user(in); }, 422, "form_param_array_length_mismatch",
                        "email_address_identification_status"));
}

TEST(UserCreate, InvalidEmailIsFormatInvalid) {
  Instance inst = make_instance();
  for (const char* bad : {"not-an-email", "a@", "@b.test", "a b@c.test", "a@b"})
    EXPECT_TRUE(FailsWith([&] { inst.create_user(with_email(bad)); }, 422, "form_param_format_invalid",
                          "email_address"))
        << bad;
}

TEST(UserCreate, DuplicateEmailIsIdentifierExists) {
  Instance inst = make_instance();
  EXPECT_TRUE(FailsWith([&] { inst.create_user(with_email("alice@acme.test")); }, 422, "form_identifier_exists",
                        "email_address"));
  EXPECT_TRUE(FailsWith([&] { inst.create_user(with_email("ALICE@Acme.Test")); }, 422, "form_identifier_exists",
                        "email_address"));
}

TEST(UserCreate, DuplicateUsernameIsIdentifierExists) {
  Instance inst = make_instance();
  NewUser in = with_email("new@x.test");
  in.username = "bob";
  EXPECT_TRUE(FailsWith([&] { inst.create_user(in); }, 422, "form_identifier_exists", "username"));
  in.username = "BOB";
  EXPECT_TRUE(FailsWith([&] { inst.create_user(in); }, 422, "form_identifier_exists", "username"));
}

TEST(UserCreate, DuplicateExternalIdIsIdentifierExists) {
  Instance inst = make_instance();
  NewUser in = with_email("new@x.test");
  in.external_id = "crm-1003";
  EXPECT_TRUE(FailsWith([&] { inst.create_user(in); }, 422, "form_identifier_exists", "external_id"));
}

TEST(UserCreate, RejectedCreateAddsNobody) {
  Instance inst = make_instance();
  int64_t before = inst.count_users({});
  NewUser in = with_email("fresh@x.test");
  in.username = "alice";
  EXPECT_ANY_THROW(inst.create_user(in));
  EXPECT_EQ(inst.count_users({}), before);
  UserQuery q;
  q.email_address = {"fresh@x.test"};
  EXPECT_EQ(inst.count_users(q), 0);
}

TEST(UserCreate, ShortPasswordRejected) {
  Instance inst = make_instance();
  NewUser in = with_email("pw@x.test");
  in.password = "1234567";
  EXPECT_TRUE(FailsWith([&] { inst.create_user(in); }, 422, "form_password_length_too_short", "password"));
}

TEST(UserCreate, EightCharacterPasswordAccepted) {
  Instance inst = make_instance();
  NewUser in = with_email("pw@x.test");
  in.password = "12345678";
  EXPECT_TRUE(inst.create_user(in).password_enabled);
}

TEST(UserCreate, SkipPasswordChecksAllowsShortPassword) {
  Instance inst = make_instance();
  NewUser in = with_email("pw@x.test");
  in.password = "abc";
  in.skip_password_checks = true;
  EXPECT_TRUE(inst.create_user(in).password_enabled);
}

TEST(UserCreate, NoPasswordMeansPasswordDisabled) {
  Instance inst = make_instance();
  EXPECT_FALSE(inst.create_user(with_email("nopw@x.test")).password_enabled);
}

TEST(UserCreate, UsernameLowerCased) {
  Instance inst = make_instance();
  NewUser in = with_email("u@x.test");
  in.username = "MixedCase";
  EXPECT_EQ(inst.create_user(in).username, std::optional<std::string>("mixedcase"));
}

// --- list

class UserList : public ::testing::Test {
 protected:
  void SetUp() override {
    inst_.clock().advance_ms(1000);
    NewUser z = with_email("zed@zulu.test");
    z.first_name = "Zed";
    z.username = "zz";
    z.external_id = "crm-9";
    zed_ = inst_.create_user(z).id;
  }
  std::vector<std::string> list(const UserQuery& q, const std::string& order = "") {
    return ids(inst_.list_users(q, ListWindow{500, 0, order}));
  }
  Instance inst_ = make_instance();
  std::string zed_;
};

TEST_F(UserList, DefaultNewestFirst) {
  auto all = list({});
  ASSERT_EQ(all.size(), 6u);
  EXPECT_EQ(all.front(), zed_);
}

TEST_F(UserList, EmailAddressFilter) {
  UserQuery q;
  q.email_address = {"bob@acme.test", "dave@globex.test", "unknown@nowhere.test"};
  EXPECT_EQ(sorted(list(q)), (std::vector<std::string>{"user_bob", "user_dave"}));
}

TEST_F(UserList, UserIdIncludeAndExclude) {
  UserQuery inc;
  inc.user_id.add("user_alice");
  inc.user_id.add("+user_erin");
  inc.user_id.add("user_ghost");
  EXPECT_EQ(sorted(list(inc)), (std::vector<std::string>{"user_alice", "user_erin"}));
  UserQuery exc;
  exc.user_id.add("-user_alice");
  exc.user_id.add("-" + zed_);
  EXPECT_EQ(sorted(list(exc)), (std::vector<std::string>{"user_bob", "user_carol", "user_dave", "user_erin"}));
}

TEST_F(UserList, ExternalIdFilter) {
  UserQuery q;
  q.external_id.add("crm-1003");
  EXPECT_EQ(list(q), (std::vector<std::string>{"user_carol"}));
  UserQuery exc;
  exc.external_id.add("-crm-1003");
  auto rest = list(exc);
  EXPECT_EQ(rest.size(), 5u);
  EXPECT_EQ(std::count(rest.begin(), rest.end(), "user_carol"), 0);
}

TEST_F(UserList, QuerySearchesIdentifiersAndNames) {
  UserQuery byDomain;
  byDomain.query = "globex";
  EXPECT_EQ(sorted(list(byDomain)), (std::vector<std::string>{"user_carol", "user_dave"}));
  UserQuery byName;
  byName.query = "anders";
  EXPECT_EQ(list(byName), (std::vector<std::string>{"user_alice"}));
  UserQuery byId;
  byId.query = "user_erin";
  EXPECT_EQ(list(byId), (std::vector<std::string>{"user_erin"}));
}

TEST_F(UserList, OrganizationIdFilter) {
  UserQuery q;
  q.organization_id.add("org_globex");
  EXPECT_EQ(sorted(list(q)), (std::vector<std::string>{"user_carol", "user_dave"}));
  UserQuery both;
  both.organization_id.add("org_globex");
  both.organization_id.add("org_acme");
  EXPECT_EQ(sorted(list(both)), (std::vector<std::string>{"user_alice", "user_bob", "user_carol", "user_dave"}));
  UserQuery exc;
  exc.organization_id.add("-org_acme");
  EXPECT_EQ(sorted(list(exc)), sorted({"user_dave", "user_erin", zed_}));
}

TEST_F(UserList, OrderByUsernameAndEmail) {
  auto by_username = list({}, "+username");
  // alice, bob, zz, then the three without a username
  ASSERT_EQ(by_username.size(), 6u);
  EXPECT_EQ((std::vector<std::string>(by_username.begin(), by_username.begin() + 3)),
            (std::vector<std::string>{"user_alice", "user_bob", zed_}));
  EXPECT_EQ(list({}, "-email_address").front(), zed_);
  EXPECT_EQ(list({}, "email_address").front(), "user_alice");
  EXPECT_EQ(list({}, "+created_at").back(), zed_);
}

TEST_F(UserList, InvalidOrderByNamesOrderBy) {
  EXPECT_TRUE(FailsWith([&] { list({}, "name"); }, 422, "form_param_value_invalid", "order_by"));
}

TEST_F(UserList, Paging) {
  auto page = inst_.list_users({}, ListWindow{2, 1, "+created_at"});
  EXPECT_EQ(ids(page), (std::vector<std::string>{"user_bob", "user_carol"}));
}

TEST_F(UserList, CountAppliesTheSameFilters) {
  EXPECT_EQ(inst_.count_users({}), 6);
  UserQuery q;
  q.organization_id.add("org_acme");
  EXPECT_EQ(inst_.count_users(q), 3);
  UserQuery none;
  none.email_address = {"nobody@nowhere.test"};
  EXPECT_EQ(inst_.count_users(none), 0);
}

// --- update

TEST(UserUpdate, EmptyUsernameClears) {
  Instance inst = make_instance();
  UserPatch p;
  p.username = std::optional<std::string>("");
  EXPECT_FALSE(inst.update_user("user_alice", p).username.has_value());
  EXPECT_TRUE(to_wire(inst, inst.get_user("user_alice"))["username"].is_null());
}

TEST(UserUpdate, NullUsernameClears) {
  Instance inst = make_instance();
  UserPatch p;
  p.username = std::optional<std::string>();
  EXPECT_FALSE(inst.update_user("user_bob", p).username.has_value());
}

TEST(UserUpdate, ClearedUsernameCanBeTakenByAnother) {
  Instance inst = make_instance();
  UserPatch clear;
  clear.username = std::optional<std::string>("");
  inst.update_user("user_alice", clear);
  UserPatch take;
  take.username = std::optional<std::string>("alice");
  EXPECT_EQ(inst.update_user("user_erin", take).username, std::optional<std::string>("alice"));
}

TEST(UserUpdate, UsernameTakenByAnother) {
  Instance inst = make_instance();
  UserPatch p;
  p.username = std::optional<std::string>("bob");
  EXPECT_TRUE(FailsWith([&] { inst.update_user("user_alice", p); }, 422, "form_identifier_exists", "username"));
  EXPECT_EQ(inst.get_user("user_alice").username, std::optional<std::string>("alice"));
}

TEST(UserUpdate, ExternalIdTakenByAnother) {
  Instance inst = make_instance();
  UserPatch p;
  p.external_id = std::optional<std::string>("crm-1003");
  EXPECT_TRUE(FailsWith([&] { inst.update_user("user_alice", p); }, 422, "form_identifier_exists", "external_id"));
}

TEST(UserUpdate, PrimaryEmailMustBeOwn) {
  Instance inst = make_instance();
  std::string bobs = *inst.get_user("user_bob").primary_email_address_id;
  UserPatch p;
  p.primary_email_address_id = std::optional<std::string>(bobs);
  EXPECT_TRUE(FailsWith([&] { inst.update_user("user_alice", p); }, 422, "form_param_value_invalid",
                        "primary_email_address_id"));
  p.primary_email_address_id = std::optional<std::string>("idn_does_not_exist");
  EXPECT_TRUE(FailsWith([&] { inst.update_user("user_alice", p); }, 422, "form_param_value_invalid",
                        "primary_email_address_id"));
  EXPECT_NE(*inst.get_user("user_alice").primary_email_address_id, bobs);
}

TEST(UserUpdate, PrimaryEmailSwitchesToOwnSecondAddress) {
  Instance inst = make_instance();
  NewUser in;
  in.email_addresses = {"one@two.test", "two@two.test"};
  const User& u = inst.create_user(in);
  std::string id = u.id, second = u.email_addresses[1].id;
  UserPatch p;
  p.primary_email_address_id = std::optional<std::string>(second);
  EXPECT_EQ(inst.update_user(id, p).primary_email_address_id, std::optional<std::string>(second));
  EXPECT_EQ(inst.get_user(id).primary_email()->email_address, "two@two.test");
}

TEST(UserUpdate, PrimaryEmailCannotBeReserved) {
  Instance inst = make_instance();
  NewUser in;
  in.email_addresses = {"one@res.test", "two@res.test"};
  in.email_address_statuses = {"verified", "reserved"};
  const User& u = inst.create_user(in);
  std::string id = u.id, reserved = u.email_addresses[1].id;
  UserPatch p;
  p.primary_email_address_id = std::optional<std::string>(reserved);
  EXPECT_TRUE(FailsWith([&] { inst.update_user(id, p); }, 422, "form_param_value_invalid", "primary_email_address_id"));
}

TEST(UserUpdate, ShortPasswordRejectedUnlessSkipped) {
  Instance inst = make_instance();
  UserPatch p;
  p.password = "short";
  EXPECT_TRUE(FailsWith([&] { inst.update_user("user_bob", p); }, 422, "form_password_length_too_short", "password"));
  EXPECT_FALSE(inst.get_user("user_bob").password_enabled);
  p.skip_password_checks = true;
  EXPECT_TRUE(inst.update_user("user_bob", p).password_enabled);
}

TEST(UserUpdate, PartialUpdateKeepsOtherFields) {
  Instance inst = make_instance();
  UserPatch p;
  p.first_name = std::optional<std::string>("Alicia");
  const User& u = inst.update_user("user_alice", p);
  EXPECT_EQ(u.first_name, std::optional<std::string>("Alicia"));
  EXPECT_EQ(u.last_name, std::optional<std::string>("Anders"));
  EXPECT_EQ(u.username, std::optional<std::string>("alice"));
}

TEST(UserUpdate, UnknownUserNotFound) {
  Instance inst = make_instance();
  EXPECT_TRUE(FailsWith([&] { inst.update_user("user_ghost", UserPatch{}); }, 404, "resource_not_found"));
}

// --- delete

TEST(UserDelete, CascadesToMemberships) {
  Instance inst = make_instance();
  inst.delete_user("user_carol");
  EXPECT_TRUE(FailsWith([&] { inst.get_user("user_carol"); }, 404, "resource_not_found"));
  for (const auto& m : inst.snapshot().memberships) EXPECT_NE(m.user_id, "user_carol");
  EXPECT_EQ(inst.members_count("org_acme"), 2);
  EXPECT_EQ(inst.members_count("org_globex"), 1);
  UserQuery q;
  q.organization_id.add("org_globex");
  EXPECT_EQ(ids(inst.list_users(q, kAll)), (std::vector<std::string>{"user_dave"}));
}

TEST(UserDelete, FreesIdentifiers) {
  Instance inst = make_instance();
  inst.delete_user("user_bob");
  NewUser in = with_email("bob@acme.test");
  in.username = "bob";
  EXPECT_NO_THROW(inst.create_user(in));
}

TEST(UserDelete, UnknownUserNotFound) {
  Instance inst = make_instance();
  EXPECT_TRUE(FailsWith([&] { inst.delete_user("user_ghost"); }, 404, "resource_not_found"));
}

// --- over the wire

TEST(UserHttp, CreateErrorsNameTheParameter) {
  Api api;
  EXPECT_TRUE(IsError(api.call("POST", "/v1/users", Json{{"email_address", {"bad"}}}), 422,
                      "form_param_format_invalid", "email_address"));
  EXPECT_TRUE(IsError(api.call("POST", "/v1/users", Json{{"email_address", {"x@y.test"}}, {"username", "alice"}}), 422,
                      "form_identifier_exists", "username"));
  EXPECT_TRUE(IsError(api.call("POST", "/v1/users", Json{{"email_address", {"x@y.test"}}, {"password", "pw"}}), 422,
                      "form_password_length_too_short", "password"));
  auto ok = api.call("POST", "/v1/users",
                     Json{{"email_address", {"X@Y.test"}}, {"password", "pw"}, {"skip_password_checks", true}});
  ASSERT_EQ(ok.status, 200) << ok.body;
  Json u = body_of(ok);
  EXPECT_EQ(u["object"], "user");
  EXPECT_EQ(u["email_addresses"][0]["email_address"], "x@y.test");
  EXPECT_EQ(u["password_enabled"], true);
}

TEST(UserHttp, OnlyTheFirstOrderByCounts) {
  Api api;
  Json b = body_of(api.call("GET", "/v1/users?order_by=-email_address&order_by=%2Bemail_address&limit=1"));
  ASSERT_TRUE(b.is_array());
  ASSERT_EQ(b.size(), 1u);
  EXPECT_EQ(b[0]["id"], "user_erin");  // erin@example.test is last by address
}

TEST(UserHttp, PatchUsernameEmptyStringClears) {
  Api api;
  auto r = api.call("PATCH", "/v1/users/user_alice", Json{{"username", ""}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(body_of(r)["username"].is_null());
}

TEST(UserHttp, DeleteAnswersDeletedObject) {
  Api api;
  auto r = api.call("DELETE", "/v1/users/user_bob");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(body_of(r), (Json{{"object", "user"}, {"id", "user_bob"}, {"deleted", true}}));
  Json members = body_of(api.call("GET", "/v1/organizations/org_acme/memberships"));
  EXPECT_EQ(members["total_count"], 2);
}

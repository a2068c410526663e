// Organization rules: slugs, names, creator, member caps, delete cascade and the list.
#include <algorithm>

#include "test_support.hpp"

using namespace clerksim;
using namespace clerksim::unit;

namespace {

NewOrganization named(const std::string& name) {
  NewOrganization n;
  n.name = name;
  return n;
}

NewOrganization with_slug(const std::string& name, const std::string& slug) {
  NewOrganization n = named(name);
  n.slug = slug;
  return n;
}

std::vector<std::string> ids_of(const Page<Organization>& page) {
  std::vector<std::string> out;
  for (const Organization* o : page.items) out.push_back(o->id);
  return out;
}

std::vector<std::string> member_ids(const Instance& inst, const std::string& org) {
  std::vector<std::string> out;
  for (const Membership* m : inst.list_memberships(org, {}, ListWindow{500, 0, ""}).items) out.push_back(m->user_id);
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

// --- slugs

TEST(OrganizationSlug, ExplicitSlugIsKept) {
  Instance inst = make_instance();
  const Organization& o = inst.create_organization(with_slug("Initech", "initech-2024"));
  EXPECT_EQ(o.slug, "initech-2024");
}

TEST(OrganizationSlug, UppercaseRejected) {
  Instance inst = make_instance();
  EXPECT_TRUE(FailsWith([&] { inst.create_organization(with_slug("Initech", "Initech")); }, 422,
                        "form_param_format_invalid", "slug"));
}

TEST(OrganizationSlug, UnderscoreSpaceAndDotRejected) {
  Instance inst = make_instance();
  for (const char* bad : {"init_tech", "init tech", "init.tech", "initéch"})
    EXPECT_TRUE(FailsWith([&] { inst.create_organization(with_slug("Initech", bad)); }, 422,
                          "form_param_format_invalid", "slug"))
        << bad;
}

TEST(OrganizationSlug, RejectedCreateLeavesNoOrganization) {
  Instance inst = make_instance();
  auto before = inst.list_organizations({}, ListWindow{500, 0, ""}).total_count;
  EXPECT_ANY_THROW(inst.create_organization(with_slug("Initech", "Bad Slug")));
  EXPECT_EQ(inst.list_organizations({}, ListWindow{500, 0, ""}).total_count, before);
}

TEST(OrganizationSlug, DuplicateOnCreateIsIdentifierExists) {
  Instance inst = make_instance();
  EXPECT_TRUE(FailsWith([&] { inst.create_organization(with_slug("Other Acme", "acme-corp")); }, 422,
                        "form_identifier_exists", "slug"));
}

TEST(OrganizationSlug, GeneratedFromName) {
  Instance inst = make_instance();
  EXPECT_EQ(inst.create_organization(named("Acme, Inc.")).slug, "acme-inc");
}

TEST(OrganizationSlug, GeneratedSlugIsNumberedWhenTaken) {
  Instance inst = make_instance();
  EXPECT_EQ(inst.create_organization(named("Acme, Inc.")).slug, "acme-inc");
  EXPECT_EQ(inst.create_organization(named("Acme Inc")).slug, "acme-inc-2");
  EXPECT_EQ(inst.create_organization(named("ACME   inc!")).slug, "acme-inc-3");
}

TEST(OrganizationSlug, GeneratedSlugSkipsExplicitlyTakenNumbers) {
  Instance inst = make_instance();
  inst.create_organization(with_slug("x", "acme-inc"));
  inst.create_organization(with_slug("y", "acme-inc-2"));
  EXPECT_EQ(inst.create_organization(named("Acme, Inc.")).slug, "acme-inc-3");
}

TEST(OrganizationSlug, GeneratedSlugAvoidsExistingFixtureSlug) {
  Instance inst = make_instance();
  EXPECT_EQ(inst.create_organization(named("Acme Corp")).slug, "acme-corp-2");
}

TEST(OrganizationSlug, SlugFreedByDeleteCanBeReused) {
  Instance inst = make_instance();
  inst.delete_organization("org_acme");
  EXPECT_EQ(inst.create_organization(with_slug("New Acme", "acme-corp")).slug, "acme-corp");
}

TEST(OrganizationSlug, DisabledSlugsRefuseAnExplicitSlug) {
  Json fx = base_fixture();
  fx["organization_settings"]["slug_disabled"] = true;
  Instance inst = make_instance(fx);
  EXPECT_TRUE(FailsWith([&] { inst.create_organization(with_slug("Initech", "initech")); }, 403,
                        "organization_slugs_disabled"));
  // without a slug the organization is still created
  EXPECT_NO_THROW(inst.create_organization(named("Initech")));
}

TEST(OrganizationGet, ByIdOrSlug) {
  Instance inst = make_instance();
  EXPECT_EQ(inst.get_organization("org_acme").slug, "acme-corp");
  EXPECT_EQ(inst.get_organization("acme-corp").id, "org_acme");
  EXPECT_EQ(inst.get_organization("globex").id, "org_globex");
}

TEST(OrganizationGet, UnknownIsNotFound) {
  Instance inst = make_instance();
  EXPECT_TRUE(FailsWith([&] { inst.get_organization("org_nope"); }, 404, "resource_not_found"));
  EXPECT_TRUE(FailsWith([&] { inst.get_organization("no-such-slug"); }, 404, "resource_not_found"));
}

TEST(OrganizationUpdate, SlugTakenByAnotherOrganization) {
  Instance inst = make_instance();
  OrganizationPatch p;
  p.slug = "acme-corp";
  EXPECT_TRUE(FailsWith([&] { inst.update_organization("org_globex", p); }, 422, "form_identifier_exists", "slug"));
  EXPECT_EQ(inst.get_organization("org_globex").slug, "globex");
}

TEST(OrganizationUpdate, OwnSlugIsNotAConflict) {
  Instance inst = make_instance();
  OrganizationPatch p;
  p.slug = "acme-corp";
  p.name = "Acme Corporation";
  const Organization& o = inst.update_organization("org_acme", p);
  EXPECT_EQ(o.slug, "acme-corp");
  EXPECT_EQ(o.name, "Acme Corporation");
}

TEST(OrganizationUpdate, NewSlugFormatChecked) {
  Instance inst = make_instance();
  OrganizationPatch p;
  p.slug = "Globex Corp";
  EXPECT_TRUE(FailsWith([&] { inst.update_organization("org_globex", p); }, 422, "form_param_format_invalid", "slug"));
}

TEST(OrganizationUpdate, NewSlugFindsTheOrganization) {
  Instance inst = make_instance();
  OrganizationPatch p;
  p.slug = "globex-corp";
  inst.update_organization("org_globex", p);
  EXPECT_EQ(inst.get_organization("globex-corp").id, "org_globex");
  EXPECT_TRUE(FailsWith([&] { inst.get_organization("globex"); }, 404, "resource_not_found"));
}

TEST(OrganizationUpdate, OnlySuppliedFieldsChange) {
  Instance inst = make_instance();
  OrganizationPatch p;
  p.max_allowed_memberships = 9;
  const Organization& o = inst.update_organization("org_acme", p);
  EXPECT_EQ(o.max_allowed_memberships, 9);
  EXPECT_EQ(o.name, "Acme Corp");
  EXPECT_EQ(o.slug, "acme-corp");
  EXPECT_EQ(o.public_metadata, Json({{"plan", "team"}}));
}

// --- names

TEST(OrganizationName, EmptyIsMissing) {
  Instance inst = make_instance();
  EXPECT_TRUE(FailsWith([&] { inst.create_organization(named("")); }, 422, "form_param_missing", "name"));
  EXPECT_TRUE(FailsWith([&] { inst.create_organization(named("   ")); }, 422, "form_param_missing", "name"));
}

TEST(OrganizationName, SurroundingWhitespaceTrimmed) {
  Instance inst = make_instance();
  EXPECT_EQ(inst.create_organization(named("  Initech  ")).name, "Initech");
}

TEST(OrganizationName, At256CharactersAccepted) {
  Instance inst = make_instance();
  EXPECT_EQ(inst.create_organization(named(std::string(256, 'a'))).name.size(), 256u);
}

TEST(OrganizationName, Over256CharactersRejected) {
  Instance inst = make_instance();
  try {
    inst.create_organization(named(std::string(257, 'a')));
    FAIL() << "a 257-character name was accepted";
  } catch (const ClerkError& e) {
    EXPECT_EQ(e.status, 422);
    EXPECT_EQ(e.meta.value("param_name", ""), "name");
  }
}

// The limit is in characters: 200 two-byte characters (400 bytes) are within it.
TEST(OrganizationName, LimitCountsCharactersNotBytes) {
  Instance inst = make_instance();
  std::string name;
  for (int i = 0; i < 200; ++i) name += "\xC3\xBC";  // U+00FC
  EXPECT_NO_THROW(inst.create_organization(named(name)));
}

TEST(OrganizationName, UrlsRejected) {
  Instance inst = make_instance();
  for (const char* bad : {"Visit https://evil.example", "www.evil.example", "http://x"})
    EXPECT_TRUE(FailsWith([&] { inst.create_organization(named(bad)); }, 422, "form_param_value_invalid", "name"))
        << bad;
}

TEST(OrganizationName, HtmlRejected) {
  Instance inst = make_instance();
  for (const char* bad : {"<b>Acme</b>", "Acme <script>alert(1)</script>"})
    EXPECT_TRUE(FailsWith([&] { inst.create_organization(named(bad)); }, 422, "form_param_value_invalid", "name"))
        << bad;
}

TEST(OrganizationName, PunctuationIsFine) {
  Instance inst = make_instance();
  EXPECT_EQ(inst.create_organization(named("Smith & Sons, Ltd. (UK)")).name, "Smith & Sons, Ltd. (UK)");
}

TEST(OrganizationName, UpdateValidatesToo) {
  Instance inst = make_instance();
  OrganizationPatch p;
  p.name = "<i>x</i>";
  EXPECT_TRUE(FailsWith([&] { inst.update_organization("org_acme", p); }, 422, "form_param_value_invalid", "name"));
  p.name = "";
  EXPECT_TRUE(FailsWith([&] { inst.update_organization("org_acme", p); }, 422, "form_param_missing", "name"));
  EXPECT_EQ(inst.get_organization("org_acme").name, "Acme Corp");
}

// --- creator

TEST(OrganizationCreator, UnknownCreatorIsBadRequest) {
  Instance inst = make_instance();
  NewOrganization n = named("Initech");
  n.created_by = "user_nobody";
  EXPECT_TRUE(FailsWith([&] { inst.create_organization(n); }, 400, "organization_creator_not_found"));
  EXPECT_TRUE(FailsWith([&] { inst.get_organization("initech"); }, 404, "resource_not_found"));
}

TEST(OrganizationCreator, CreatorBecomesAdminMember) {
  Instance inst = make_instance();
  NewOrganization n = named("Initech");
  n.created_by = "user_erin";
  const Organization& o = inst.create_organization(n);
  EXPECT_EQ(o.created_by, std::optional<std::string>("user_erin"));
  auto page = inst.list_memberships(o.id, {}, ListWindow{});
  ASSERT_EQ(page.total_count, 1);
  EXPECT_EQ(page.items[0]->user_id, "user_erin");
  EXPECT_EQ(page.items[0]->role, "org:admin");
  EXPECT_EQ(inst.members_count(o.id), 1);
}

TEST(OrganizationCreator, CreatorRoleComesFromTheRoleSet) {
  Json fx = base_fixture();
  fx["role_sets"] = Json::parse(R"([{"key": "role_set:default", "type": "initial",
    "roles": ["org:owner", "org:admin", "org:member"], "default_role": "org:member", "creator_role": "org:owner"}])");
  fx["roles"] = Json::parse(R"([
    {"key": "org:owner", "name": "Owner", "permissions": ["org:sys_profile:manage", "org:sys_profile:delete",
      "org:sys_memberships:read", "org:sys_memberships:manage"]},
    {"key": "org:admin", "name": "Admin", "permissions": ["org:sys_memberships:read", "org:sys_memberships:manage"]},
    {"key": "org:member", "name": "Member", "permissions": ["org:sys_memberships:read"]}
  ])");
  Instance inst = make_instance(fx);
  NewOrganization n = named("Initech");
  n.created_by = "user_erin";
  const Organization& o = inst.create_organization(n);
  auto page = inst.list_memberships(o.id, {}, ListWindow{});
  ASSERT_EQ(page.total_count, 1);
  EXPECT_EQ(page.items[0]->role, "org:owner");
}

TEST(OrganizationCreator, WithoutCreatorTheOrganizationIsEmpty) {
  Instance inst = make_instance();
  const Organization& o = inst.create_organization(named("Initech"));
  EXPECT_FALSE(o.created_by.has_value());
  EXPECT_EQ(inst.members_count(o.id), 0);
}

// --- member cap

TEST(OrganizationCap, DefaultsToSettings) {
  Json fx = base_fixture();
  fx["organization_settings"]["max_allowed_memberships"] = 7;
  Instance inst = make_instance(fx);
  EXPECT_EQ(inst.create_organization(named("Initech")).max_allowed_memberships, 7);
}

TEST(OrganizationCap, ExplicitValueWins) {
  Instance inst = make_instance();
  NewOrganization n = named("Initech");
  n.max_allowed_memberships = 0;
  EXPECT_EQ(inst.create_organization(n).max_allowed_memberships, 0);
  NewOrganization m = named("Hooli");
  m.max_allowed_memberships = 12;
  EXPECT_EQ(inst.create_organization(m).max_allowed_memberships, 12);
}

TEST(OrganizationCap, NegativeRejected) {
  Instance inst = make_instance();
  NewOrganization n = named("Initech");
  n.max_allowed_memberships = -1;
  EXPECT_TRUE(FailsWith([&] { inst.create_organization(n); }, 422, "form_param_value_invalid",
                        "max_allowed_memberships"));
  OrganizationPatch p;
  p.max_allowed_memberships = -3;
  EXPECT_TRUE(FailsWith([&] { inst.update_organization("org_acme", p); }, 422, "form_param_value_invalid",
                        "max_allowed_memberships"));
  EXPECT_EQ(inst.get_organization("org_acme").max_allowed_memberships, 5);
}

TEST(OrganizationCreate, AdminDeleteEnabledCopiedFromSettings) {
  Json fx = base_fixture();
  fx["organization_settings"]["admin_delete_enabled"] = false;
  Instance inst = make_instance(fx);
  EXPECT_FALSE(inst.create_organization(named("Initech")).admin_delete_enabled);
}

TEST(OrganizationCreate, TimestampsFromTheClock) {
  Instance inst = make_instance();
  inst.clock().advance_ms(5000);
  const Organization& o = inst.create_organization(named("Initech"));
  EXPECT_EQ(o.created_at, kDefaultFixtureClockMs + 5000);
  EXPECT_EQ(o.updated_at, kDefaultFixtureClockMs + 5000);
}

// --- delete

TEST(OrganizationDelete, CascadesToMemberships) {
  Instance inst = make_instance();
  Organization removed = inst.delete_organization("org_acme");
  EXPECT_EQ(removed.id, "org_acme");
  EXPECT_TRUE(FailsWith([&] { inst.get_organization("org_acme"); }, 404, "resource_not_found"));
  for (const auto& m : inst.snapshot().memberships) EXPECT_NE(m.organization_id, "org_acme");
  // bob was only in acme; carol keeps her globex membership
  EXPECT_EQ(inst.list_user_memberships("user_bob", ListWindow{}).total_count, 0);
  auto carol = inst.list_user_memberships("user_carol", ListWindow{});
  ASSERT_EQ(carol.total_count, 1);
  EXPECT_EQ(carol.items[0]->organization_id, "org_globex");
  EXPECT_EQ(member_ids(inst, "org_globex"), (std::vector<std::string>{"user_carol", "user_dave"}));
}

TEST(OrganizationDelete, BySlugAndUnknown) {
  Instance inst = make_instance();
  EXPECT_EQ(inst.delete_organization("globex").id, "org_globex");
  EXPECT_TRUE(FailsWith([&] { inst.delete_organization("org_globex"); }, 404, "resource_not_found"));
}

// --- list

class OrganizationList : public ::testing::Test {
 protected:
  // Adds three organizations at increasing times after the two fixture ones:
  //   org b "Beta"  (1 member: erin)      t+1s
  //   org z "Zeta"  (0 members)           t+2s
  //   org a "alpha" (3 members)           t+3s
  void SetUp() override {
    inst_.clock().advance_ms(1000);
    NewOrganization b;
    b.name = "Beta";
    b.created_by = "user_erin";
    beta_ = inst_.create_organization(b).id;
    inst_.clock().advance_ms(1000);
    NewOrganization z;
    z.name = "Zeta";
    zeta_ = inst_.create_organization(z).id;
    inst_.clock().advance_ms(1000);
    NewOrganization a;
    a.name = "alpha";
    a.created_by = "user_bob";
    alpha_ = inst_.create_organization(a).id;
    inst_.add_membership(alpha_, "user_dave", "org:member");
    inst_.add_membership(alpha_, "user_erin", "org:member");
  }
  Page<Organization> list(OrganizationQuery q = {}, const std::string& order = "", int64_t limit = 500,
                          int64_t offset = 0) {
    return inst_.list_organizations(q, ListWindow{limit, offset, order});
  }
  Instance inst_ = make_instance();
  std::string beta_, zeta_, alpha_;
};

TEST_F(OrganizationList, DefaultNewestFirst) {
  EXPECT_EQ(ids_of(list()), (std::vector<std::string>{alpha_, zeta_, beta_, "org_globex", "org_acme"}));
}

TEST_F(OrganizationList, MinusCreatedAtIsNewestFirst) {
  EXPECT_EQ(ids_of(list({}, "-created_at")), ids_of(list()));
}

TEST_F(OrganizationList, PlusCreatedAtIsOldestFirst) {
  EXPECT_EQ(ids_of(list({}, "+created_at")), (std::vector<std::string>{"org_acme", "org_globex", beta_, zeta_, alpha_}));
  EXPECT_EQ(ids_of(list({}, "created_at")), ids_of(list({}, "+created_at")));
}

TEST_F(OrganizationList, OrderByName) {
  // names: Acme Corp, Globex, Beta, Zeta, alpha
  EXPECT_EQ(ids_of(list({}, "+name")), (std::vector<std::string>{"org_acme", alpha_, beta_, "org_globex", zeta_}));
  EXPECT_EQ(ids_of(list({}, "name")), ids_of(list({}, "+name")));
  EXPECT_EQ(ids_of(list({}, "-name")), (std::vector<std::string>{zeta_, "org_globex", beta_, alpha_, "org_acme"}));
}

TEST_F(OrganizationList, OrderByMembersCount) {
  // members: acme 3, globex 2, beta 1, zeta 0, alpha 3
  auto asc = ids_of(list({}, "members_count"));
  ASSERT_EQ(asc.size(), 5u);
  EXPECT_EQ(asc[0], zeta_);
  EXPECT_EQ(asc[1], beta_);
  EXPECT_EQ(asc[2], "org_globex");
  auto desc = ids_of(list({}, "-members_count"));
  EXPECT_EQ(desc[4], zeta_);
  EXPECT_EQ(desc[3], beta_);
  EXPECT_EQ(desc[2], "org_globex");
}

TEST_F(OrganizationList, InvalidOrderByNamesOrderBy) {
  for (const char* bad : {"slug", "+updated_at", "-foo", "name,created_at"})
    EXPECT_TRUE(FailsWith([&] { list({}, bad); }, 422, "form_param_value_invalid", "order_by")) << bad;
}

TEST_F(OrganizationList, QueryMatchesNameSlugSubstringAndExactId) {
  OrganizationQuery q;
  q.query = "lob";  // Globex
  EXPECT_EQ(ids_of(list(q)), (std::vector<std::string>{"org_globex"}));
  q.query = "acme-c";  // slug substring
  EXPECT_EQ(ids_of(list(q)), (std::vector<std::string>{"org_acme"}));
  q.query = zeta_;
  EXPECT_EQ(ids_of(list(q)), (std::vector<std::string>{zeta_}));
  q.query = "no match anywhere";
  EXPECT_EQ(list(q).total_count, 0);
}

TEST_F(OrganizationList, UserIdIncludes) {
  OrganizationQuery q;
  q.user_id.add("user_carol");
  EXPECT_EQ(ids_of(list(q, "+created_at")), (std::vector<std::string>{"org_acme", "org_globex"}));
  OrganizationQuery two;
  two.user_id.add("user_alice");
  two.user_id.add("+user_erin");
  EXPECT_EQ(ids_of(list(two, "+created_at")), (std::vector<std::string>{"org_acme", beta_, alpha_}));
}

TEST_F(OrganizationList, UserIdMinusExcludes) {
  OrganizationQuery q;
  q.user_id.add("-user_erin");
  EXPECT_EQ(ids_of(list(q, "+created_at")), (std::vector<std::string>{"org_acme", "org_globex", zeta_}));
}

TEST_F(OrganizationList, UserIdIncludeAndExclude) {
  OrganizationQuery q;
  q.user_id.add("user_dave");
  q.user_id.add("-user_bob");
  EXPECT_EQ(ids_of(list(q)), (std::vector<std::string>{"org_globex"}));
}

TEST_F(OrganizationList, UnknownUserIdMatchesNothing) {
  OrganizationQuery q;
  q.user_id.add("user_ghost");
  EXPECT_EQ(list(q).total_count, 0);
}

TEST_F(OrganizationList, OrganizationIdFilter) {
  OrganizationQuery q;
  q.organization_id.add("org_acme");
  q.organization_id.add(zeta_);
  EXPECT_EQ(ids_of(list(q, "+created_at")), (std::vector<std::string>{"org_acme", zeta_}));
  OrganizationQuery ex;
  ex.organization_id.add("-org_acme");
  ex.organization_id.add("-" + zeta_);
  EXPECT_EQ(ids_of(list(ex, "+created_at")), (std::vector<std::string>{"org_globex", beta_, alpha_}));
}

TEST_F(OrganizationList, PagingKeepsTotal) {
  auto page = list({}, "+created_at", 2, 1);
  EXPECT_EQ(page.total_count, 5);
  EXPECT_EQ(ids_of(page), (std::vector<std::string>{"org_globex", beta_}));
  auto past_end = list({}, "+created_at", 10, 7);
  EXPECT_EQ(past_end.total_count, 5);
  EXPECT_TRUE(past_end.items.empty());
  EXPECT_EQ(ids_of(list({}, "+created_at", 2, 4)), (std::vector<std::string>{alpha_}));
}

TEST_F(OrganizationList, FiltersCombineWithTotal) {
  OrganizationQuery q;
  q.user_id.add("user_erin");
  auto page = list(q, "+created_at", 1, 0);
  EXPECT_EQ(page.total_count, 2);
  EXPECT_EQ(ids_of(page), (std::vector<std::string>{beta_}));
}

// --- over the wire

TEST(OrganizationWire, MembersCountOnlyWhenAsked) {
  Api api;
  Json plain = body_of(api.call("GET", "/v1/organizations/org_acme"));
  EXPECT_FALSE(plain.contains("members_count"));
  Json counted = body_of(api.call("GET", "/v1/organizations/acme-corp?include_members_count=true"));
  EXPECT_EQ(counted["id"], "org_acme");
  EXPECT_EQ(counted["members_count"], 3);
}

TEST(OrganizationWire, CreateAndDelete) {
  Api api;
  auto created = api.call("POST", "/v1/organizations", Json{{"name", "Acme, Inc."}, {"created_by", "user_erin"}});
  ASSERT_EQ(created.status, 200) << created.body;
  Json o = body_of(created);
  EXPECT_EQ(o["object"], "organization");
  EXPECT_EQ(o["slug"], "acme-inc");
  EXPECT_EQ(o["created_by"], "user_erin");
  EXPECT_EQ(o["max_allowed_memberships"], 5);
  auto deleted = api.call("DELETE", "/v1/organizations/" + o["id"].get<std::string>());
  ASSERT_EQ(deleted.status, 200);
  EXPECT_EQ(body_of(deleted), (Json{{"object", "organization"}, {"id", o["id"]}, {"deleted", true}, {"slug", "acme-inc"}}));
}

TEST(OrganizationWire, DuplicateSlugResponse) {
  Api api;
  EXPECT_TRUE(IsError(api.call("POST", "/v1/organizations", Json{{"name", "X"}, {"slug", "globex"}}), 422,
                      "form_identifier_exists", "slug"));
  EXPECT_TRUE(IsError(api.call("PATCH", "/v1/organizations/org_acme", Json{{"slug", "globex"}}), 422,
                      "form_identifier_exists", "slug"));
}

TEST(OrganizationWire, MissingNameResponse) {
  Api api;
  EXPECT_TRUE(IsError(api.call("POST", "/v1/organizations", Json{{"slug", "x"}}), 422, "form_param_missing", "name"));
}

TEST(OrganizationWire, UnknownCreatorResponse) {
  Api api;
  EXPECT_TRUE(IsError(api.call("POST", "/v1/organizations", Json{{"name", "X"}, {"created_by", "user_ghost"}}), 400,
                      "organization_creator_not_found"));
}

TEST(OrganizationWire, ListEnvelopeAndOrderBy) {
  Api api;
  Json asc = body_of(api.call("GET", "/v1/organizations?order_by=%2Bname"));
  ASSERT_EQ(asc["data"].size(), 2u);
  EXPECT_EQ(asc["total_count"], 2);
  EXPECT_EQ(asc["data"][0]["id"], "org_acme");
  Json desc = body_of(api.call("GET", "/v1/organizations?order_by=-name"));
  EXPECT_EQ(desc["data"][0]["id"], "org_globex");
  EXPECT_TRUE(IsError(api.call("GET", "/v1/organizations?order_by=banana"), 422, "form_param_value_invalid",
                      "order_by"));
}

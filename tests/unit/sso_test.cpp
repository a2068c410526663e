// Enterprise SSO: connection rules (one connection per domain, no domain both SSO
// and verified in one organization, activation needs IdP details), and the IdP
// sign-in: JIT on and off, subdomains, membership with the default role (again after
// removal), the session's active organization, and what users show.
#include <algorithm>

#include "test_support.hpp"
#include "wire/sso.hpp"

using namespace clerksim;
using namespace clerksim::unit;

namespace {

ConnectionInput saml(const std::string& name, std::vector<std::string> domains,
                     std::optional<std::string> org = std::nullopt, bool active = true) {
  ConnectionInput in;
  in.name = name;
  in.provider = "saml_okta";
  in.domains = std::move(domains);
  in.organization_id = std::move(org);
  in.active = active;
  SamlPatch s;
  s.idp_metadata_url = "https://idp.example.test/metadata";
  in.saml = s;
  return in;
}

IdpSignIn person(const std::string& email) {
  IdpSignIn in;
  in.email_address = email;
  return in;
}

std::string state_of(const Instance& inst) { return dump_fixture(inst.snapshot()).dump(); }

void enable_domains(Instance& inst) {
  SettingsPatch p;
  p.domains_enabled = true;
  p.domains_enrollment_modes = {"manual_invitation", "automatic_invitation"};
  inst.update_organization_settings(p);
}

const User* user_with_email(const Instance& inst, const std::string& email) {
  UserQuery q;
  q.email_address = {email};
  auto users = inst.list_users(q, ListWindow{});
  return users.empty() ? nullptr : users.front();
}

}  // namespace

TEST(EnterpriseConnections, CreateValidatesAndDerivesTheProtocol) {
  Instance inst = make_instance();
  const auto& c = inst.create_enterprise_connection(saml("Acme Okta", {"Acme.test"}, "org_acme"));
  EXPECT_EQ(c.protocol(), "saml");
  EXPECT_EQ(c.domains, std::vector<std::string>{"acme.test"});
  EXPECT_EQ(c.id.rfind("entconn_", 0), 0u);
  EXPECT_EQ(c.saml_connection_id.rfind("samlc_", 0), 0u);
  ConnectionInput oidc;
  oidc.name = "Initech";
  oidc.provider = "oidc_custom";
  oidc.domains = {"initech.test"};
  EXPECT_EQ(inst.create_enterprise_connection(oidc).protocol(), "oauth");
  ConnectionInput bad = saml("x", {"x.test"});
  bad.provider = "saml_unknown";
  EXPECT_TRUE(FailsWith([&] { inst.create_enterprise_connection(bad); }, 422, "form_param_value_invalid", "provider"));
  EXPECT_TRUE(FailsWith([&] { inst.create_enterprise_connection(saml("x", {})); }, 422, "form_param_missing", "domains"));
  EXPECT_TRUE(FailsWith([&] { inst.create_enterprise_connection(saml("x", {"not a domain"})); }, 422,
                        "form_param_format_invalid", "domains"));
  EXPECT_TRUE(FailsWith([&] { inst.create_enterprise_connection(saml("x", {"x.test"}, "org_nope")); }, 404,
                        "resource_not_found"));
}

TEST(EnterpriseConnections, ActivatingNeedsTheIdentityProvidersDetails) {
  Instance inst = make_instance();
  ConnectionInput in = saml("Bare", {"bare.test"});
  in.saml.reset();
  EXPECT_TRUE(FailsWith([&] { inst.create_enterprise_connection(in); }, 422, "saml_connection_cant_be_activated"));
  in.active = false;
  std::string id = inst.create_enterprise_connection(in).id;
  ConnectionInput on;
  on.active = true;
  EXPECT_TRUE(FailsWith([&] { inst.update_enterprise_connection(id, on); }, 422, "saml_connection_cant_be_activated"));
  SamlPatch s;
  s.idp_sso_url = "https://idp.example.test/sso";
  s.idp_entity_id = "https://idp.example.test";
  on.saml = s;
  EXPECT_TRUE(inst.update_enterprise_connection(id, on).active);
}

TEST(EnterpriseConnections, ADomainBelongsToAtMostOneConnection) {
  Instance inst = make_instance();
  inst.create_enterprise_connection(saml("Acme", {"acme.test"}, "org_acme"));
  std::string before = state_of(inst);
  EXPECT_TRUE(FailsWith([&] { inst.create_enterprise_connection(saml("Again", {"other.test", "ACME.test"})); }, 409,
                        "conflict", "domains"));
  EXPECT_EQ(state_of(inst), before);
  std::string other = inst.create_enterprise_connection(saml("Globex", {"globex.test"}, "org_globex")).id;
  ConnectionInput take;
  take.domains = std::vector<std::string>{"acme.test"};
  EXPECT_TRUE(FailsWith([&] { inst.update_enterprise_connection(other, take); }, 409, "conflict", "domains"));
  EXPECT_EQ(inst.get_enterprise_connection(other).domains, std::vector<std::string>{"globex.test"});
}

TEST(EnterpriseConnections, AVerifiedDomainCannotAlsoBeTheSameOrganizationsSsoDomain) {
  Instance inst = make_instance();
  enable_domains(inst);
  NewOrganizationDomain d;
  d.name = "acme.test";
  inst.create_organization_domain("org_acme", d);
  // connection side
  EXPECT_TRUE(FailsWith([&] { inst.create_enterprise_connection(saml("Acme", {"acme.test"}, "org_acme")); }, 422,
                        "organization_domain_exists_for_enrollment", "domains"));
  // another organization's connection may use it
  inst.create_enterprise_connection(saml("Globex", {"acme.test"}, "org_globex"));
}

TEST(EnterpriseConnections, AnSsoDomainCannotBecomeTheSameOrganizationsVerifiedDomain) {
  Instance inst = make_instance();
  enable_domains(inst);
  inst.create_enterprise_connection(saml("Acme", {"acme.test"}, "org_acme"));
  NewOrganizationDomain d;
  d.name = "acme.test";
  EXPECT_TRUE(FailsWith([&] { inst.create_organization_domain("org_acme", d); }, 422,
                        "organization_domain_exists_for_enterprise_connection"));
  d.verified = false;
  EXPECT_TRUE(FailsWith([&] { inst.create_organization_domain("org_acme", d); }, 422,
                        "organization_domain_exists_for_enterprise_connection"));
  d.verified = true;
  inst.create_organization_domain("org_globex", d);
}

TEST(SsoSignIn, JitCreatesTheUserAMembershipWithTheDefaultRoleAndASessionInTheOrganization) {
  Instance inst = make_instance();
  const auto& c = inst.create_enterprise_connection(saml("Acme", {"acme.test"}, "org_acme"));
  IdpSignIn in = person("Zoe@Acme.test");
  in.first_name = "Zoe";
  in.provider_user_id = "00u1okta";
  SsoSignIn out = inst.sign_in_with_sso(in);
  EXPECT_TRUE(out.user_created);
  EXPECT_EQ(out.user->email_addresses.at(0).email_address, "zoe@acme.test");
  EXPECT_EQ(out.user->first_name, "Zoe");
  ASSERT_NE(out.membership, nullptr);
  EXPECT_EQ(out.membership->organization_id, "org_acme");
  EXPECT_EQ(out.membership->role, "org:member");
  EXPECT_EQ(out.session->user_id, out.user->id);
  EXPECT_EQ(out.session->last_active_organization_id, "org_acme");
  SessionClaims claims = inst.session_claims(out.session->id);
  ASSERT_TRUE(claims.org);
  EXPECT_EQ(claims.org->id, "org_acme");
  auto accounts = inst.enterprise_accounts(out.user->id);
  ASSERT_EQ(accounts.size(), 1u);
  EXPECT_EQ(accounts[0]->enterprise_connection_id, c.id);
  EXPECT_EQ(accounts[0]->provider, "saml_okta");
  EXPECT_EQ(accounts[0]->protocol, "saml");
  EXPECT_EQ(accounts[0]->provider_user_id, "00u1okta");
}

TEST(SsoSignIn, ExistingUsersAreLinkedNotDuplicated) {
  Instance inst = make_instance();
  inst.create_enterprise_connection(saml("Globex", {"globex.test"}, "org_globex"));
  SsoSignIn out = inst.sign_in_with_sso(person("dave@globex.test"));
  EXPECT_FALSE(out.user_created);
  EXPECT_EQ(out.user->id, "user_dave");
  EXPECT_EQ(out.membership->role, "org:member");  // the membership dave already had
  std::string account = inst.enterprise_accounts("user_dave").at(0)->id;
  inst.sign_in_with_sso(person("dave@globex.test"));
  ASSERT_EQ(inst.enterprise_accounts("user_dave").size(), 1u);
  EXPECT_EQ(inst.enterprise_accounts("user_dave")[0]->id, account);
}

TEST(SsoSignIn, WithJitOffUnknownUsersAreRefusedAndKnownOnesStillSignIn) {
  Instance inst = make_instance();
  ConnectionInput in = saml("Acme", {"acme.test"}, "org_acme");
  in.disable_jit_provisioning = true;
  inst.create_enterprise_connection(in);
  std::string before = state_of(inst);
  try {
    inst.sign_in_with_sso(person("newcomer@acme.test"));
    ADD_FAILURE() << "no error";
  } catch (const ClerkError& e) {
    EXPECT_EQ(e.status, 422);
    EXPECT_EQ(e.code, "saml_jit_provisioning_disabled");
    EXPECT_EQ(e.meta["email_address"], "newcomer@acme.test");
  }
  EXPECT_EQ(state_of(inst), before);
  EXPECT_EQ(user_with_email(inst, "newcomer@acme.test"), nullptr);
  EXPECT_EQ(inst.sign_in_with_sso(person("bob@acme.test")).user->id, "user_bob");
}

TEST(SsoSignIn, BannedUsersCannotSignIn) {
  Json fixture = base_fixture();
  fixture["users"][1]["banned"] = true;  // bob
  Instance inst = make_instance(fixture);
  inst.create_enterprise_connection(saml("Acme", {"acme.test"}, "org_acme"));
  std::string before = state_of(inst);
  EXPECT_TRUE(FailsWith([&] { inst.sign_in_with_sso(person("bob@acme.test")); }, 403, "user_banned"));
  EXPECT_EQ(state_of(inst), before);
}

TEST(SsoSignIn, RemovedMembersAreAddedBackOnTheirNextSignIn) {
  Instance inst = make_instance();
  inst.create_enterprise_connection(saml("Acme", {"acme.test"}, "org_acme"));
  SsoSignIn first = inst.sign_in_with_sso(person("zoe@acme.test"));
  std::string user = first.user->id;
  inst.remove_membership("org_acme", user);
  EXPECT_EQ(inst.find_membership("org_acme", user), nullptr);
  SsoSignIn again = inst.sign_in_with_sso(person("zoe@acme.test"));
  EXPECT_FALSE(again.user_created);
  ASSERT_NE(inst.find_membership("org_acme", user), nullptr);
  EXPECT_EQ(inst.find_membership("org_acme", user)->role, "org:member");
  EXPECT_EQ(again.session->last_active_organization_id, "org_acme");
}

TEST(SsoSignIn, SubdomainsMatchOnlyWhenAllowedAndTheExactDomainWins) {
  Instance inst = make_instance();
  ConnectionInput parent = saml("Acme", {"acme.test"}, "org_acme");
  std::string parent_id = inst.create_enterprise_connection(parent).id;
  EXPECT_TRUE(FailsWith([&] { inst.sign_in_with_sso(person("ann@eng.acme.test")); }, 422,
                        "enterprise_sso_sign_in_connection_missing", "email_address"));
  ConnectionInput allow;
  SamlPatch s;
  s.allow_subdomains = true;
  allow.saml = s;
  inst.update_enterprise_connection(parent_id, allow);
  EXPECT_EQ(inst.sign_in_with_sso(person("ann@eng.acme.test")).connection->id, parent_id);
  EXPECT_EQ(inst.connection_for_email("x@notacme.test"), nullptr);  // a suffix is not a subdomain
  std::string child = inst.create_enterprise_connection(saml("Acme Eng", {"eng.acme.test"}, "org_globex")).id;
  SsoSignIn out = inst.sign_in_with_sso(person("ben@eng.acme.test"));
  EXPECT_EQ(out.connection->id, child);
  EXPECT_EQ(out.membership->organization_id, "org_globex");
}

TEST(SsoSignIn, InactiveConnectionsDoNotSignAnyoneIn) {
  Instance inst = make_instance();
  std::string id = inst.create_enterprise_connection(saml("Acme", {"acme.test"}, "org_acme", false)).id;
  EXPECT_TRUE(FailsWith([&] { inst.sign_in_with_sso(person("zoe@acme.test")); }, 422,
                        "enterprise_sso_sign_in_connection_missing"));
  EXPECT_FALSE(inst.matches_sso_connection("zoe@acme.test"));
  ConnectionInput on;
  on.active = true;
  inst.update_enterprise_connection(id, on);
  EXPECT_TRUE(inst.matches_sso_connection("zoe@acme.test"));
}

TEST(SsoSignIn, AFullOrganizationRefusesBeforeAnythingChanges) {
  Instance inst = make_instance();  // org_acme: cap 5, three members
  inst.create_enterprise_connection(saml("Acme", {"acme.test"}, "org_acme"));
  inst.sign_in_with_sso(person("u1@acme.test"));
  inst.sign_in_with_sso(person("u2@acme.test"));
  std::string before = state_of(inst);
  EXPECT_TRUE(FailsWith([&] { inst.sign_in_with_sso(person("u3@acme.test")); }, 403,
                        "organization_membership_quota_exceeded_for_sso"));
  EXPECT_EQ(state_of(inst), before);
}

TEST(SsoSignIn, AConnectionWithoutAnOrganizationSignsInWithoutOne) {
  Instance inst = make_instance();
  inst.create_enterprise_connection(saml("App-wide", {"example.test"}));
  SsoSignIn out = inst.sign_in_with_sso(person("erin@example.test"));
  EXPECT_EQ(out.membership, nullptr);
  EXPECT_EQ(out.user->id, "user_erin");
  EXPECT_FALSE(out.session->last_active_organization_id);
}

TEST(SsoSignIn, UsersShowTheirEnterpriseAccountsAndMatchingEmails) {
  Instance inst = make_instance();
  std::string id = inst.create_enterprise_connection(saml("Acme", {"acme.test"}, "org_acme")).id;
  inst.sign_in_with_sso(person("bob@acme.test"));
  Json bob = to_wire(inst, inst.get_user("user_bob"));
  EXPECT_EQ(bob["email_addresses"][0]["matches_sso_connection"], true);
  ASSERT_EQ(bob["enterprise_accounts"].size(), 1u);
  const Json& a = bob["enterprise_accounts"][0];
  EXPECT_EQ(a["object"], "enterprise_account");
  EXPECT_EQ(a["provider"], "saml_okta");
  EXPECT_EQ(a["protocol"], "saml");
  EXPECT_EQ(a["enterprise_connection_id"], id);
  EXPECT_EQ(a["enterprise_connection"]["provider"], "saml_okta");
  EXPECT_EQ(a["enterprise_connection"]["protocol"], "saml");
  EXPECT_EQ(a["verification"]["strategy"], "saml");
  Json carol = to_wire(inst, inst.get_user("user_carol"));
  EXPECT_EQ(carol["email_addresses"][0]["matches_sso_connection"], false);
  // The account outlives its connection, which then reads as null.
  inst.delete_enterprise_connection(id);
  bob = to_wire(inst, inst.get_user("user_bob"));
  EXPECT_TRUE(bob["enterprise_accounts"][0]["enterprise_connection"].is_null());
  EXPECT_EQ(bob["enterprise_accounts"][0]["enterprise_connection_id"], id);
  EXPECT_EQ(bob["email_addresses"][0]["matches_sso_connection"], false);
}

TEST(SsoSignIn, StateRoundTripsThroughTheFixtureFormat) {
  Instance inst = make_instance();
  inst.create_enterprise_connection(saml("Acme", {"acme.test"}, "org_acme"));
  inst.sign_in_with_sso(person("zoe@acme.test"));
  Json dumped = dump_fixture(inst.snapshot());
  Instance back(load_fixture(dumped, kSeed, false), ClockMode::frozen);
  EXPECT_EQ(dump_fixture(back.snapshot()), dumped);
  EXPECT_EQ(back.enterprise_accounts(user_with_email(back, "zoe@acme.test")->id).size(), 1u);
}

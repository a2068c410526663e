// Verified domains: the instance switch and allowed modes, common providers, one
// organization per verified name, the per-organization quota, each enrollment mode
// (for users already there and users created later), delete_pending, ownership,
// and the organizationDomain events.
#include <algorithm>

#include "test_support.hpp"
#include "wire/sso.hpp"

using namespace clerksim;
using namespace clerksim::unit;

namespace {

void enable_domains(Instance& inst, std::vector<std::string> modes = {"manual_invitation", "automatic_invitation",
                                                                      "automatic_suggestion"}) {
  SettingsPatch p;
  p.domains_enabled = true;
  p.domains_enrollment_modes = modes;
  inst.update_organization_settings(p);
}

NewOrganizationDomain domain(const std::string& name, const std::string& mode = "manual_invitation",
                             bool verified = true) {
  NewOrganizationDomain d;
  d.name = name;
  d.enrollment_mode = mode;
  d.verified = verified;
  return d;
}

std::string state_of(const Instance& inst) { return dump_fixture(inst.snapshot()).dump(); }

std::vector<const Invitation*> user_invitations(const Instance& inst, const std::string& user) {
  InvitationQuery q;
  q.status = {"pending"};
  return inst.list_user_invitations(user, q, ListWindow{500, 0, ""}).items;
}

}  // namespace

TEST(Domains, RefusedWhileTheInstanceHasThemOff) {
  Instance inst = make_instance();
  std::string before = state_of(inst);
  EXPECT_TRUE(FailsWith([&] { inst.create_organization_domain("org_acme", domain("acme.test")); }, 403,
                        "organization_domains_not_enabled"));
  EXPECT_EQ(state_of(inst), before);
}

TEST(Domains, ModeMustBeEnabledForTheInstance) {
  Instance inst = make_instance();
  enable_domains(inst, {"manual_invitation"});
  EXPECT_TRUE(FailsWith([&] { inst.create_organization_domain("org_acme", domain("acme.test", "automatic_invitation")); },
                        403, "organization_domain_enrollment_mode_not_enabled"));
  EXPECT_TRUE(FailsWith([&] { inst.create_organization_domain("org_acme", domain("acme.test", "sometimes")); }, 422,
                        "form_param_value_invalid", "enrollment_mode"));
  const auto& d = inst.create_organization_domain("org_acme", domain("acme.test"));
  EXPECT_EQ(d.enrollment_mode, "manual_invitation");
}

TEST(Domains, CommonEmailProvidersAreRefused) {
  Instance inst = make_instance();
  enable_domains(inst);
  for (const char* name : {"gmail.com", "Outlook.com", "yahoo.com", "icloud.com", "hotmail.com", " proton.me "})
    EXPECT_TRUE(FailsWith([&] { inst.create_organization_domain("org_acme", domain(name)); }, 422,
                          "organization_domain_common", "name"))
        << name;
  EXPECT_TRUE(FailsWith([&] { inst.create_organization_domain("org_acme", domain("not a domain")); }, 422,
                        "form_param_format_invalid", "name"));
}

TEST(Domains, OneOrganizationPerVerifiedNameAndNoRepeatsWithinOne) {
  Instance inst = make_instance();
  enable_domains(inst);
  inst.create_organization_domain("org_acme", domain("acme.test"));
  EXPECT_TRUE(FailsWith([&] { inst.create_organization_domain("org_acme", domain("ACME.test", "manual_invitation", false)); },
                        422, "organization_domain_already_exists_same_organization"));
  EXPECT_TRUE(FailsWith([&] { inst.create_organization_domain("org_globex", domain("acme.test")); }, 422,
                        "organization_domain_already_exists"));
  // Unverified, another organization may claim it; it cannot verify it.
  const auto& claim = inst.create_organization_domain("org_globex", domain("acme.test", "manual_invitation", false));
  EXPECT_FALSE(claim.verified());
  std::string id = claim.id;
  EXPECT_TRUE(FailsWith([&] { inst.verify_domain_affiliation(id); }, 422, "organization_domain_already_exists"));
  OrganizationDomainPatch p;
  p.verified = true;
  EXPECT_TRUE(FailsWith([&] { inst.update_organization_domain("org_globex", id, p); }, 422,
                        "organization_domain_already_exists"));
  EXPECT_FALSE(inst.find_organization_domain(id)->verified());
  // Once the first holder lets go, the claim can be verified.
  inst.delete_organization_domain("org_acme", inst.list_organization_domains("org_acme", {}, {}).items[0]->id);
  EXPECT_TRUE(inst.verify_domain_affiliation(id).verified());
}

TEST(Domains, AtMostTenPerOrganization) {
  Instance inst = make_instance();
  enable_domains(inst);
  for (int i = 0; i < 10; ++i) {
    std::string name = "d";
    name += std::to_string(i);
    name += ".acme.test";
    inst.create_organization_domain("org_acme", domain(name));
  }
  std::string before = state_of(inst);
  EXPECT_TRUE(FailsWith([&] { inst.create_organization_domain("org_acme", domain("d10.acme.test")); }, 403,
                        "organization_domain_quota_exceeded"));
  EXPECT_EQ(state_of(inst), before);
  inst.create_organization_domain("org_globex", domain("d10.acme.test", "manual_invitation", false));
}

TEST(Domains, AutomaticInvitationInvitesExistingUsersWhenVerified) {
  Instance inst = make_instance();
  enable_domains(inst);
  int64_t org_pending = inst.pending_invitations_count("org_globex");
  const auto& d = inst.create_organization_domain("org_globex", domain("acme.test", "automatic_invitation", false));
  std::string id = d.id;
  EXPECT_TRUE(user_invitations(inst, "user_alice").empty());  // nothing until verified
  inst.verify_domain_affiliation(id);
  const OrganizationDomain& verified = *inst.find_organization_domain(id);
  EXPECT_EQ(inst.domain_pending_invitations(verified), 2);  // alice and bob; carol is already a member
  auto mine = user_invitations(inst, "user_alice");
  ASSERT_EQ(mine.size(), 1u);
  EXPECT_EQ(mine[0]->organization_id, "org_globex");
  EXPECT_EQ(mine[0]->role, "org:member");
  EXPECT_EQ(mine[0]->organization_domain_id, id);
  // Not in the organization's own list, and not holding seats.
  EXPECT_EQ(inst.list_invitations("org_globex", {}, ListWindow{500, 0, ""}).total_count, 0);
  EXPECT_EQ(inst.pending_invitations_count("org_globex"), org_pending);
  // Accepting it makes a member with the domain role.
  auto acc = inst.accept_invitation(mine[0]->id, std::string("user_alice"));
  EXPECT_EQ(acc.membership->role, "org:member");
  EXPECT_EQ(inst.domain_pending_invitations(verified), 1);
  // Verifying again changes nothing.
  inst.verify_domain_affiliation(id);
  EXPECT_EQ(inst.domain_pending_invitations(verified), 1);
}

TEST(Domains, AutomaticInvitationInvitesUsersCreatedLater) {
  Instance inst = make_instance();
  enable_domains(inst);
  const auto& d = inst.create_organization_domain("org_globex", domain("initech.test", "automatic_invitation"));
  std::string id = d.id;
  NewUser n;
  n.email_addresses = {"frank@initech.test"};
  const User& frank = inst.create_user(n);
  auto mine = user_invitations(inst, frank.id);
  ASSERT_EQ(mine.size(), 1u);
  EXPECT_EQ(mine[0]->email_address, "frank@initech.test");
  // An unverified (reserved) address does not count.
  NewUser r;
  r.email_addresses = {"gina@initech.test"};
  r.email_address_statuses = {"reserved"};
  const User& gina = inst.create_user(r);
  EXPECT_TRUE(user_invitations(inst, gina.id).empty());
  EXPECT_EQ(inst.domain_pending_invitations(*inst.find_organization_domain(id)), 1);
}

TEST(Domains, AutomaticSuggestionOffersAndAcceptingMakesAMember) {
  Instance inst = make_instance();
  enable_domains(inst);
  const auto& d = inst.create_organization_domain("org_globex", domain("acme.test", "automatic_suggestion"));
  std::string id = d.id;
  EXPECT_EQ(inst.domain_pending_suggestions(d), 2);
  EXPECT_TRUE(user_invitations(inst, "user_bob").empty());
  auto page = inst.list_user_suggestions("user_bob", ListWindow{});
  ASSERT_EQ(page.total_count, 1);
  std::string sid = page.items[0]->id;
  EXPECT_EQ(page.items[0]->organization_id, "org_globex");
  inst.accept_suggestion(sid);
  const Membership* m = inst.find_membership("org_globex", "user_bob");
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(m->role, "org:member");
  EXPECT_EQ(inst.domain_pending_suggestions(*inst.find_organization_domain(id)), 1);
  EXPECT_TRUE(FailsWith([&] { inst.accept_suggestion(sid); }, 400, "organization_suggestion_already_accepted"));
  EXPECT_TRUE(FailsWith([&] { inst.accept_suggestion("orgsugg_nope"); }, 404, "resource_not_found"));
}

TEST(Domains, ManualInvitationDoesNothingAutomatic) {
  Instance inst = make_instance();
  enable_domains(inst);
  const auto& d = inst.create_organization_domain("org_globex", domain("acme.test", "manual_invitation"));
  NewUser n;
  n.email_addresses = {"henry@acme.test"};
  const User& henry = inst.create_user(n);
  EXPECT_EQ(inst.domain_pending_invitations(d), 0);
  EXPECT_EQ(inst.domain_pending_suggestions(d), 0);
  EXPECT_TRUE(user_invitations(inst, henry.id).empty());
  EXPECT_EQ(inst.list_user_suggestions(henry.id, ListWindow{}).total_count, 0);
}

TEST(Domains, DomainMembersGetTheInstanceDomainRole) {
  Instance inst = make_instance();
  enable_domains(inst);
  SettingsPatch p;
  p.domains_default_role_id = inst.find_role("org:admin")->id;
  inst.update_organization_settings(p);
  inst.create_organization_domain("org_globex", domain("acme.test", "automatic_invitation"));
  EXPECT_EQ(user_invitations(inst, "user_bob").at(0)->role, "org:admin");
}

TEST(Domains, ChangingModeWithDeletePendingDropsWhatIsPending) {
  Instance inst = make_instance();
  enable_domains(inst);
  const auto& d = inst.create_organization_domain("org_globex", domain("acme.test", "automatic_invitation"));
  std::string id = d.id;
  // Without delete_pending, the invitations stay and suggestions are added.
  OrganizationDomainPatch keep;
  keep.enrollment_mode = "automatic_suggestion";
  inst.update_organization_domain("org_globex", id, keep);
  EXPECT_EQ(inst.domain_pending_invitations(*inst.find_organization_domain(id)), 2);
  EXPECT_EQ(inst.domain_pending_suggestions(*inst.find_organization_domain(id)), 2);
  // With it, the suggestions go when the mode moves on, and the invitations stay revoked after.
  OrganizationDomainPatch drop;
  drop.enrollment_mode = "manual_invitation";
  drop.delete_pending = true;
  inst.update_organization_domain("org_globex", id, drop);
  EXPECT_EQ(inst.domain_pending_invitations(*inst.find_organization_domain(id)), 0);
  EXPECT_EQ(inst.domain_pending_suggestions(*inst.find_organization_domain(id)), 0);
  EXPECT_TRUE(user_invitations(inst, "user_alice").empty());
}

TEST(Domains, OwnershipVerificationIsIdempotent) {
  Instance inst = make_instance();
  enable_domains(inst);
  std::string id = inst.create_organization_domain("org_acme", domain("acme.test")).id;
  inst.take_events();
  const auto& d = inst.verify_domain_ownership("org_acme", id);
  ASSERT_TRUE(d.ownership);
  EXPECT_EQ(d.ownership->status, "verified");
  EXPECT_EQ(d.ownership->strategy, "manual_override");
  EXPECT_EQ(inst.take_events().size(), 1u);
  inst.verify_domain_ownership("org_acme", id);
  EXPECT_TRUE(inst.take_events().empty());
  EXPECT_TRUE(FailsWith([&] { inst.verify_domain_ownership("org_globex", id); }, 404, "resource_not_found"));
}

TEST(Domains, EventsCarryTheDomainAndDeletionADeletedObject) {
  Instance inst = make_instance();
  enable_domains(inst);
  inst.take_events();
  // As the router does: each request's events are rendered when it ends.
  std::vector<Json> rendered;
  auto render = [&] {
    for (const auto& e : inst.take_events()) rendered.push_back(render_event(inst, e, "test"));
  };
  std::string id = inst.create_organization_domain("org_acme", domain("acme.test")).id;
  render();
  OrganizationDomainPatch p;
  p.enrollment_mode = "automatic_suggestion";
  inst.update_organization_domain("org_acme", id, p);
  render();
  inst.delete_organization_domain("org_acme", id);
  render();
  ASSERT_EQ(rendered.size(), 3u);
  EXPECT_EQ(rendered[0]["type"], "organizationDomain.created");
  EXPECT_EQ(rendered[0]["data"]["object"], "organization_domain");
  EXPECT_EQ(rendered[0]["data"]["name"], "acme.test");
  EXPECT_EQ(rendered[1]["type"], "organizationDomain.updated");
  EXPECT_EQ(rendered[2]["type"], "organizationDomain.deleted");
  EXPECT_EQ(rendered[2]["data"], Json({{"object", "organization_domain"}, {"id", id}, {"deleted", true}}));
}

TEST(Domains, WireShapeReportsVerificationAndCounts) {
  Instance inst = make_instance();
  enable_domains(inst);
  const auto& d = inst.create_organization_domain("org_globex", domain("acme.test", "automatic_invitation"));
  Json j = to_wire(inst, d);
  EXPECT_EQ(j["object"], "organization_domain");
  EXPECT_EQ(j["affiliation_verification"]["status"], "verified");
  EXPECT_EQ(j["verification"], j["affiliation_verification"]);
  EXPECT_TRUE(j["ownership_verification"].is_null());
  EXPECT_EQ(j["total_pending_invitations"], 2);
  EXPECT_EQ(j["total_pending_suggestions"], 0);
  EXPECT_EQ(j["public_organization_data"]["id"], "org_globex");
}

TEST(Domains, DeletingTheOrganizationTakesItsDomains) {
  Instance inst = make_instance();
  enable_domains(inst);
  std::string id = inst.create_organization_domain("org_globex", domain("acme.test")).id;
  inst.delete_organization("org_globex");
  EXPECT_EQ(inst.find_organization_domain(id), nullptr);
  // The name is free again.
  inst.create_organization_domain("org_acme", domain("acme.test"));
}

TEST(Domains, StateRoundTripsThroughTheFixtureFormat) {
  Instance inst = make_instance();
  enable_domains(inst);
  inst.create_organization_domain("org_globex", domain("acme.test", "automatic_suggestion"));
  inst.create_organization_domain("org_acme", domain("initech.test", "automatic_invitation", false));
  Json dumped = dump_fixture(inst.snapshot());
  Instance back(load_fixture(dumped, kSeed, false), ClockMode::frozen);
  EXPECT_EQ(dump_fixture(back.snapshot()), dumped);
}

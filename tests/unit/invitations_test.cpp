// Organization invitations: validation on create, the seat cap with pending
// invitations counted, bulk all-or-nothing, expiry on the instance clock,
// revocation, acceptance, their effect on roles, organizations and users, and
// the events each change leaves behind.
#include <algorithm>

#include "test_support.hpp"

using namespace clerksim;
using namespace clerksim::unit;

namespace {

constexpr int64_t kDay = 24LL * 60 * 60 * 1000;

NewInvitation invite(const std::string& email, const std::string& role = "org:member",
                     std::optional<std::string> inviter = std::nullopt) {
  NewInvitation n;
  n.email_address = email;
  n.role = role;
  n.inviter_user_id = std::move(inviter);
  return n;
}

const Invitation& create_one(Instance& inst, const std::string& org, const NewInvitation& n) {
  auto out = inst.create_invitations(org, {n}, false);
  if (out.size() != 1) throw std::runtime_error("create_invitations returned " + std::to_string(out.size()));
  return *out.front();
}

std::vector<std::string> event_types(Instance& inst) {
  std::vector<std::string> out;
  for (const auto& e : inst.take_events()) out.push_back(e.type);
  return out;
}

std::string state_of(const Instance& inst) { return dump_fixture(inst.snapshot()).dump(); }

int64_t invitation_count(const Instance& inst, const std::string& org) {
  return inst.list_invitations(org, {}, ListWindow{500, 0, ""}).total_count;
}

std::vector<std::string> emails_of(const Page<Invitation>& page) {
  std::vector<std::string> out;
  for (const Invitation* i : page.items) out.push_back(i->email_address);
  return out;
}

std::vector<std::string> members(const Instance& inst, const std::string& org) {
  std::vector<std::string> out;
  for (const Membership* m : inst.list_memberships(org, {}, ListWindow{500, 0, ""}).items) out.push_back(m->user_id);
  std::sort(out.begin(), out.end());
  return out;
}

// "<prefix><i>@example.test"
std::string numbered(const char* prefix, int i) {
  std::string s(prefix);
  s += std::to_string(i);
  s += "@example.test";
  return s;
}

// A role that is not part of any role set.
const Role& stray_role(Instance& inst, const std::string& key) {
  NewRole r;
  r.name = "Stray";
  r.key = key;
  return inst.create_role(r);
}

}  // namespace

// --- creating one invitation

TEST(InvitationCreate, PendingWithDefaults) {
  Instance inst = make_instance();
  inst.clock().advance_ms(500);
  const int64_t now = kDefaultFixtureClockMs + 500;
  const Invitation& inv = create_one(inst, "org_acme", invite("  Frank.Foo@Example.TEST "));
  EXPECT_EQ(inv.id.rfind("orginv_", 0), 0u) << inv.id;
  EXPECT_EQ(inv.organization_id, "org_acme");
  EXPECT_EQ(inv.email_address, "frank.foo@example.test");
  EXPECT_EQ(inv.role, "org:member");
  EXPECT_EQ(inv.status, "pending");
  EXPECT_EQ(inst.invitation_status(inv), "pending");
  EXPECT_FALSE(inv.inviter_id.has_value());
  EXPECT_FALSE(inv.user_id.has_value());
  EXPECT_EQ(inv.created_at, now);
  EXPECT_EQ(inv.updated_at, now);
  EXPECT_EQ(inv.expires_at, now + 30 * kDay);
  EXPECT_EQ(inv.public_metadata, Json::object());
  EXPECT_EQ(inv.private_metadata, Json::object());
  EXPECT_EQ(inst.pending_invitations_count("org_acme"), 1);
  EXPECT_EQ(inst.pending_invitations_count("org_globex"), 0);
  EXPECT_EQ(inst.find_invitation(inv.id), &inv);
  EXPECT_EQ(&inst.get_invitation("org_acme", inv.id), &inv);
  EXPECT_EQ(event_types(inst), (std::vector<std::string>{"organizationInvitation.created"}));
}

TEST(InvitationCreate, OrganizationBySlugAndUnknownOrganization) {
  Instance inst = make_instance();
  EXPECT_EQ(create_one(inst, "acme-corp", invite("frank@example.test")).organization_id, "org_acme");
  EXPECT_TRUE(FailsWith([&] { create_one(inst, "org_nope", invite("gina@example.test")); }, 404, "resource_not_found"));
}

TEST(InvitationCreate, KeepsMetadataRedirectAndInviter) {
  Instance inst = make_instance();
  NewInvitation n = invite("frank@example.test", "org:admin", "user_alice");
  n.metadata.public_metadata = Json{{"team", "ops"}};
  n.metadata.private_metadata = Json{{"ticket", 7}};
  n.redirect_url = "https://app.example.test/welcome?x=1";
  n.expires_in_days = 7;
  const Invitation& inv = create_one(inst, "org_acme", n);
  EXPECT_EQ(inv.role, "org:admin");
  EXPECT_EQ(inv.inviter_id, std::optional<std::string>("user_alice"));
  EXPECT_EQ(inv.public_metadata, (Json{{"team", "ops"}}));
  EXPECT_EQ(inv.private_metadata, (Json{{"ticket", 7}}));
  EXPECT_EQ(inv.redirect_url, std::optional<std::string>("https://app.example.test/welcome?x=1"));
  EXPECT_EQ(inv.expires_at, inv.created_at + 7 * kDay);
}

TEST(InvitationCreate, EmailMustBeValid) {
  Instance inst = make_instance();
  for (const char* bad : {"", "not-an-email", "@example.test", "frank@", "frank example@test.dev"})
    EXPECT_TRUE(FailsWith([&] { create_one(inst, "org_acme", invite(bad)); }, 422, "form_param_format_invalid",
                          "email_address"))
        << "'" << bad << "'";
  EXPECT_EQ(invitation_count(inst, "org_acme"), 0);
}

TEST(InvitationCreate, RoleMustExistAndBeInTheOrganizationsRoleSet) {
  Instance inst = make_instance();
  EXPECT_TRUE(FailsWith([&] { create_one(inst, "org_acme", invite("frank@example.test", "org:wizard")); }, 404,
                        "resource_not_found", "role"));
  stray_role(inst, "org:stray");
  EXPECT_TRUE(FailsWith([&] { create_one(inst, "org_acme", invite("frank@example.test", "org:stray")); }, 422,
                        "form_param_value_invalid", "role"));
  EXPECT_EQ(invitation_count(inst, "org_acme"), 0);
}

TEST(InvitationCreate, ExpiresInDaysFrom1To365) {
  Instance inst = make_instance();
  for (int64_t bad : {0LL, -1LL, 366LL, 10000LL}) {
    NewInvitation n = invite("frank@example.test");
    n.expires_in_days = bad;
    EXPECT_TRUE(FailsWith([&] { create_one(inst, "org_globex", n); }, 422, "form_param_value_invalid",
                          "expires_in_days"))
        << bad;
  }
  EXPECT_EQ(invitation_count(inst, "org_globex"), 0);
  NewInvitation one = invite("one@example.test");
  one.expires_in_days = 1;
  NewInvitation year = invite("year@example.test");
  year.expires_in_days = 365;
  const Invitation& a = create_one(inst, "org_globex", one);
  const Invitation& b = create_one(inst, "org_globex", year);
  EXPECT_EQ(a.expires_at, a.created_at + kDay);
  EXPECT_EQ(b.expires_at, b.created_at + 365 * kDay);
}

TEST(InvitationCreate, RedirectUrlMustBeAbsolute) {
  Instance inst = make_instance();
  for (const char* bad : {"not a url", "/welcome", "app.example.test/welcome", "https://"}) {
    NewInvitation n = invite("frank@example.test");
    n.redirect_url = bad;
    EXPECT_TRUE(FailsWith([&] { create_one(inst, "org_acme", n); }, 422, "form_param_type_invalid", "redirect_url"))
        << bad;
  }
  EXPECT_EQ(invitation_count(inst, "org_acme"), 0);
  NewInvitation ok = invite("frank@example.test");
  ok.redirect_url = "http://localhost:3000/accept";
  EXPECT_NO_THROW(create_one(inst, "org_acme", ok));
}

TEST(InvitationCreate, MetadataMustBeObjects) {
  Instance inst = make_instance();
  NewInvitation n = invite("frank@example.test");
  n.metadata.public_metadata = Json::array({1, 2});
  EXPECT_TRUE(FailsWith([&] { create_one(inst, "org_acme", n); }, 422, "form_param_value_invalid", "public_metadata"));
  EXPECT_EQ(invitation_count(inst, "org_acme"), 0);
}

// --- the inviter

TEST(InvitationInviter, MustBeAMember) {
  Instance inst = make_instance();
  EXPECT_TRUE(FailsWith([&] { create_one(inst, "org_acme", invite("frank@example.test", "org:member", "user_dave")); },
                        403, "not_a_member_in_organization"));
  EXPECT_EQ(invitation_count(inst, "org_acme"), 0);
}

TEST(InvitationInviter, UnknownUserIsRefused) {
  Instance inst = make_instance();
  try {
    create_one(inst, "org_acme", invite("frank@example.test", "org:member", "user_ghost"));
    FAIL() << "an invitation by an unknown user was created";
  } catch (const ClerkError& e) {
    EXPECT_GE(e.status, 400);
    EXPECT_LT(e.status, 500);
  }
  EXPECT_EQ(invitation_count(inst, "org_acme"), 0);
}

TEST(InvitationInviter, MustHoldTheMemberManagementPermission) {
  Instance inst = make_instance();
  try {
    create_one(inst, "org_acme", invite("frank@example.test", "org:member", "user_bob"));
    FAIL() << "org:member bob was allowed to invite";
  } catch (const ClerkError& e) {
    EXPECT_EQ(e.status, 403);
    EXPECT_EQ(e.code, "missing_organization_permission");
    EXPECT_EQ(e.meta.value("permissions", Json::array()), Json::array({"org:sys_memberships:manage"})) << e.meta.dump();
  }
  EXPECT_EQ(invitation_count(inst, "org_acme"), 0);
  EXPECT_EQ(create_one(inst, "org_acme", invite("frank@example.test", "org:member", "user_alice")).inviter_id,
            std::optional<std::string>("user_alice"));
}

TEST(InvitationInviter, ACustomRoleWithThePermissionMayInvite) {
  Instance inst = make_instance();
  NewRole r;
  r.name = "Recruiter";
  r.key = "org:recruiter";
  r.permission_ids = {inst.find_permission_by_key("org:sys_memberships:manage")->id};
  r.include_in_initial_role_set = true;
  inst.create_role(r);
  inst.update_membership_role("org_acme", "user_bob", "org:recruiter");
  const Invitation& inv = create_one(inst, "org_acme", invite("frank@example.test", "org:member", "user_bob"));
  EXPECT_EQ(inv.inviter_id, std::optional<std::string>("user_bob"));
}

// --- uniqueness and members

TEST(InvitationCreate, SecondPendingInvitationForTheSameAddressIsRefused) {
  Instance inst = make_instance();
  create_one(inst, "org_acme", invite("frank@example.test"));
  inst.take_events();
  EXPECT_TRUE(FailsWith([&] { create_one(inst, "org_acme", invite("FRANK@example.test", "org:admin")); }, 400,
                        "organization_invitation_not_unique"));
  EXPECT_EQ(invitation_count(inst, "org_acme"), 1);
  EXPECT_TRUE(event_types(inst).empty());
  // The same address may be invited to another organization.
  EXPECT_NO_THROW(create_one(inst, "org_globex", invite("frank@example.test")));
}

TEST(InvitationCreate, AfterRevocationOrExpiryTheAddressMayBeInvitedAgain) {
  Instance inst = make_instance();
  const Invitation& first = create_one(inst, "org_globex", invite("frank@example.test"));
  inst.revoke_invitation("org_globex", first.id, std::nullopt);
  NewInvitation shortlived = invite("frank@example.test");
  shortlived.expires_in_days = 1;
  const Invitation& second = create_one(inst, "org_globex", shortlived);
  EXPECT_NE(second.id, first.id);
  inst.clock().advance_ms(kDay);
  EXPECT_EQ(inst.invitation_status(second), "expired");
  const Invitation& third = create_one(inst, "org_globex", invite("frank@example.test"));
  EXPECT_EQ(inst.invitation_status(third), "pending");
  EXPECT_EQ(invitation_count(inst, "org_globex"), 3);
}

TEST(InvitationCreate, AddressOfAMemberIsRefused) {
  Instance inst = make_instance();
  EXPECT_TRUE(FailsWith([&] { create_one(inst, "org_acme", invite("ALICE@acme.test")); }, 400,
                        "already_a_member_in_organization"));
  EXPECT_EQ(invitation_count(inst, "org_acme"), 0);
  // dave belongs to globex only, so acme may invite him.
  EXPECT_NO_THROW(create_one(inst, "org_acme", invite("dave@globex.test")));
}

// --- the seat cap counts pending invitations

TEST(InvitationCap, PendingInvitationsHoldSeats) {
  Instance inst = make_instance();  // org_acme: cap 5, 3 members
  create_one(inst, "org_acme", invite("one@example.test"));
  const Invitation& second = create_one(inst, "org_acme", invite("two@example.test"));
  EXPECT_EQ(inst.pending_invitations_count("org_acme"), 2);
  inst.take_events();
  const std::string before = state_of(inst);
  EXPECT_TRUE(FailsWith([&] { create_one(inst, "org_acme", invite("three@example.test")); }, 403,
                        "organization_membership_quota_exceeded"));
  EXPECT_EQ(state_of(inst), before);
  EXPECT_TRUE(event_types(inst).empty());
  // A membership needs a seat too.
  EXPECT_TRUE(FailsWith([&] { inst.add_membership("org_acme", "user_erin", "org:member"); }, 403,
                        "organization_membership_quota_exceeded"));
  EXPECT_EQ(inst.members_count("org_acme"), 3);
  // Revoking frees a seat.
  inst.revoke_invitation("org_acme", second.id, std::nullopt);
  EXPECT_EQ(inst.pending_invitations_count("org_acme"), 1);
  EXPECT_NO_THROW(inst.add_membership("org_acme", "user_erin", "org:member"));
  EXPECT_TRUE(FailsWith([&] { create_one(inst, "org_acme", invite("three@example.test")); }, 403,
                        "organization_membership_quota_exceeded"));
}

TEST(InvitationCap, RevokedSeatCanBeReInvited) {
  Instance inst = make_instance();
  create_one(inst, "org_acme", invite("one@example.test"));
  const Invitation& two = create_one(inst, "org_acme", invite("two@example.test"));
  inst.revoke_invitation("org_acme", two.id, std::nullopt);
  EXPECT_NO_THROW(create_one(inst, "org_acme", invite("three@example.test")));
  EXPECT_EQ(inst.pending_invitations_count("org_acme"), 2);
}

TEST(InvitationCap, ExpiredInvitationsFreeTheirSeats) {
  Instance inst = make_instance();
  NewInvitation a = invite("one@example.test");
  a.expires_in_days = 1;
  create_one(inst, "org_acme", a);
  create_one(inst, "org_acme", invite("two@example.test"));
  EXPECT_TRUE(FailsWith([&] { create_one(inst, "org_acme", invite("three@example.test")); }, 403,
                        "organization_membership_quota_exceeded"));
  inst.clock().advance_ms(kDay);
  EXPECT_EQ(inst.pending_invitations_count("org_acme"), 1);
  EXPECT_NO_THROW(create_one(inst, "org_acme", invite("three@example.test")));
}

TEST(InvitationCap, AcceptingUsesTheSeatTheInvitationHeld) {
  Instance inst = make_instance();
  const Invitation& one = create_one(inst, "org_acme", invite("erin@example.test"));
  create_one(inst, "org_acme", invite("two@example.test"));
  Acceptance a = inst.accept_invitation(one.id, std::nullopt);
  EXPECT_EQ(a.user->id, "user_erin");
  EXPECT_EQ(inst.members_count("org_acme"), 4);
  EXPECT_EQ(inst.pending_invitations_count("org_acme"), 1);
  EXPECT_TRUE(FailsWith([&] { create_one(inst, "org_acme", invite("three@example.test")); }, 403,
                        "organization_membership_quota_exceeded"));
}

TEST(InvitationCap, RaisedCapAndUnlimitedOrganizations) {
  Instance inst = make_instance();
  OrganizationPatch p;
  p.max_allowed_memberships = 4;
  inst.update_organization("org_acme", p);
  create_one(inst, "org_acme", invite("one@example.test"));
  EXPECT_TRUE(FailsWith([&] { create_one(inst, "org_acme", invite("two@example.test")); }, 403,
                        "organization_membership_quota_exceeded"));
  // org_globex has cap 0: no limit.
  for (int i = 0; i < 12; ++i) create_one(inst, "org_globex", invite(numbered("guest", i)));
  EXPECT_EQ(inst.pending_invitations_count("org_globex"), 12);
}

TEST(InvitationCap, QuotaIsCheckedBeforeAlreadyAMember) {
  Instance inst = make_instance();
  OrganizationPatch p;
  p.max_allowed_memberships = 3;
  inst.update_organization("org_acme", p);
  EXPECT_TRUE(FailsWith([&] { create_one(inst, "org_acme", invite("bob@acme.test")); }, 403,
                        "organization_membership_quota_exceeded"));
}

// --- bulk

TEST(InvitationBulk, CreatesAllInOrder) {
  Instance inst = make_instance();
  std::vector<NewInvitation> in = {invite("one@example.test"), invite("two@example.test", "org:admin", "user_carol")};
  auto out = inst.create_invitations("org_globex", in, true);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0]->email_address, "one@example.test");
  EXPECT_EQ(out[1]->email_address, "two@example.test");
  EXPECT_EQ(out[1]->role, "org:admin");
  EXPECT_EQ(out[1]->inviter_id, std::optional<std::string>("user_carol"));
  EXPECT_EQ(event_types(inst),
            (std::vector<std::string>{"organizationInvitation.created", "organizationInvitation.created"}));
}

TEST(InvitationBulk, AtMostTen) {
  Instance inst = make_instance();
  std::vector<NewInvitation> ten, eleven;
  for (int i = 0; i < 11; ++i) {
    eleven.push_back(invite(numbered("guest", i)));
    if (i < 10) ten.push_back(eleven.back());
  }
  const std::string before = state_of(inst);
  EXPECT_TRUE(FailsWith([&] { inst.create_invitations("org_globex", eleven, true); }, 400, "bulk_size_exceeded"));
  EXPECT_EQ(state_of(inst), before);
  EXPECT_EQ(inst.create_invitations("org_globex", ten, true).size(), 10u);
}

TEST(InvitationBulk, OneBadItemCreatesNothing) {
  struct Case {
    const char* name;
    NewInvitation bad;
    int status;
    const char* code;
  };
  NewInvitation late = invite("late@example.test");
  late.expires_in_days = 0;
  NewInvitation relative = invite("rel@example.test");
  relative.redirect_url = "/welcome";
  std::vector<Case> cases = {
      {"invalid email", invite("nope"), 422, "form_param_format_invalid"},
      {"unknown role", invite("x@example.test", "org:wizard"), 404, "resource_not_found"},
      {"inviter not a member", invite("x@example.test", "org:member", "user_erin"), 403, "not_a_member_in_organization"},
      {"inviter lacks permission", invite("x@example.test", "org:member", "user_dave"), 403,
       "missing_organization_permission"},
      {"expires_in_days 0", late, 422, "form_param_value_invalid"},
      {"relative redirect", relative, 422, "form_param_type_invalid"},
      {"a member's address", invite("dave@globex.test"), 400, "already_a_member_in_organization"},
      {"address repeated in the batch", invite("one@example.test"), 400, "organization_invitation_not_unique"},
  };
  for (const auto& c : cases) {
    Instance inst = make_instance();
    const std::string before = state_of(inst);
    std::vector<NewInvitation> in = {invite("one@example.test"), c.bad, invite("three@example.test")};
    EXPECT_TRUE(FailsWith([&] { inst.create_invitations("org_globex", in, true); }, c.status, c.code)) << c.name;
    EXPECT_EQ(state_of(inst), before) << c.name;
    EXPECT_TRUE(event_types(inst).empty()) << c.name;
    EXPECT_EQ(invitation_count(inst, "org_globex"), 0) << c.name;
  }
}

TEST(InvitationBulk, SecondPendingForAnAddressCreatesNothing) {
  Instance inst = make_instance();
  create_one(inst, "org_globex", invite("two@example.test"));
  inst.take_events();
  const std::string before = state_of(inst);
  std::vector<NewInvitation> in = {invite("one@example.test"), invite("Two@Example.test")};
  EXPECT_TRUE(FailsWith([&] { inst.create_invitations("org_globex", in, true); }, 400,
                        "organization_invitation_not_unique"));
  EXPECT_EQ(state_of(inst), before);
  EXPECT_TRUE(event_types(inst).empty());
}

TEST(InvitationBulk, TheWholeBatchMustFitUnderTheCap) {
  Instance inst = make_instance();  // org_acme: 3 of 5 seats taken
  const std::string before = state_of(inst);
  std::vector<NewInvitation> three = {invite("a@example.test"), invite("b@example.test"), invite("c@example.test")};
  EXPECT_TRUE(FailsWith([&] { inst.create_invitations("org_acme", three, true); }, 403,
                        "organization_membership_quota_exceeded"));
  EXPECT_EQ(state_of(inst), before);
  three.pop_back();
  EXPECT_EQ(inst.create_invitations("org_acme", three, true).size(), 2u);
  EXPECT_EQ(inst.pending_invitations_count("org_acme"), 2);
}

// --- expiry

TEST(InvitationExpiry, ExpiredExactlyAtExpiresAt) {
  Instance inst = make_instance();
  NewInvitation n = invite("frank@example.test");
  n.expires_in_days = 1;
  const Invitation& inv = create_one(inst, "org_acme", n);
  inst.clock().set_ms(inv.expires_at - 1);
  EXPECT_EQ(inst.invitation_status(inv), "pending");
  EXPECT_EQ(inst.pending_invitations_count("org_acme"), 1);
  inst.clock().set_ms(inv.expires_at);
  EXPECT_EQ(inst.invitation_status(inv), "expired");
  EXPECT_EQ(inst.pending_invitations_count("org_acme"), 0);
  // The stored status stays as it was; only the reading changes.
  EXPECT_EQ(inv.status, "pending");
}

TEST(InvitationExpiry, DefaultLifetimeIsThirtyDays) {
  Instance inst = make_instance();
  const Invitation& inv = create_one(inst, "org_acme", invite("frank@example.test"));
  inst.clock().advance_ms(30 * kDay - 1);
  EXPECT_EQ(inst.invitation_status(inv), "pending");
  inst.clock().advance_ms(1);
  EXPECT_EQ(inst.invitation_status(inv), "expired");
}

TEST(InvitationExpiry, ListsFilterByTheDerivedStatus) {
  Instance inst = make_instance();
  NewInvitation shortlived = invite("short@example.test");
  shortlived.expires_in_days = 1;
  create_one(inst, "org_globex", shortlived);
  create_one(inst, "org_globex", invite("long@example.test"));
  inst.clock().advance_ms(kDay);
  InvitationQuery expired;
  expired.status = {"expired"};
  EXPECT_EQ(emails_of(inst.list_invitations("org_globex", expired, ListWindow{})),
            (std::vector<std::string>{"short@example.test"}));
  InvitationQuery pending;
  pending.status = {"pending"};
  EXPECT_EQ(emails_of(inst.list_invitations("org_globex", pending, ListWindow{})),
            (std::vector<std::string>{"long@example.test"}));
  EXPECT_EQ(emails_of(inst.list_all_invitations(expired, ListWindow{})),
            (std::vector<std::string>{"short@example.test"}));
}

TEST(InvitationExpiry, ExpiredCannotBeRevokedOrAccepted) {
  Instance inst = make_instance();
  NewInvitation n = invite("erin@example.test");
  n.expires_in_days = 2;
  const Invitation& inv = create_one(inst, "org_acme", n);
  inst.clock().advance_ms(2 * kDay);
  inst.take_events();
  const std::string before = state_of(inst);
  EXPECT_TRUE(FailsWith([&] { inst.revoke_invitation("org_acme", inv.id, std::nullopt); }, 404,
                        "organization_invitation_not_pending"));
  EXPECT_TRUE(FailsWith([&] { inst.accept_invitation(inv.id, std::nullopt); }, 404,
                        "organization_invitation_not_pending"));
  EXPECT_EQ(state_of(inst), before);
  EXPECT_TRUE(event_types(inst).empty());
  EXPECT_EQ(members(inst, "org_acme"), (std::vector<std::string>{"user_alice", "user_bob", "user_carol"}));
}

// --- revocation

TEST(InvitationRevoke, PendingBecomesRevoked) {
  Instance inst = make_instance();
  const Invitation& inv = create_one(inst, "org_acme", invite("frank@example.test"));
  inst.take_events();
  inst.clock().advance_ms(1234);
  const Invitation& r = inst.revoke_invitation("org_acme", inv.id, std::nullopt);
  EXPECT_EQ(r.id, inv.id);
  EXPECT_EQ(r.status, "revoked");
  EXPECT_EQ(inst.invitation_status(r), "revoked");
  EXPECT_EQ(r.updated_at, kDefaultFixtureClockMs + 1234);
  EXPECT_EQ(r.created_at, kDefaultFixtureClockMs);
  EXPECT_EQ(inst.pending_invitations_count("org_acme"), 0);
  EXPECT_EQ(event_types(inst), (std::vector<std::string>{"organizationInvitation.revoked"}));
  // Only pending invitations can be revoked.
  EXPECT_TRUE(FailsWith([&] { inst.revoke_invitation("org_acme", inv.id, std::nullopt); }, 404,
                        "organization_invitation_not_pending"));
  EXPECT_TRUE(event_types(inst).empty());
}

TEST(InvitationRevoke, UnknownOrOtherOrganizationsInvitation) {
  Instance inst = make_instance();
  const Invitation& inv = create_one(inst, "org_acme", invite("frank@example.test"));
  EXPECT_TRUE(FailsWith([&] { inst.revoke_invitation("org_acme", "orginv_nope", std::nullopt); }, 404,
                        "organization_invitation_not_pending"));
  EXPECT_TRUE(FailsWith([&] { inst.revoke_invitation("org_globex", inv.id, std::nullopt); }, 404,
                        "organization_invitation_not_pending"));
  EXPECT_TRUE(FailsWith([&] { inst.revoke_invitation("org_nope", inv.id, std::nullopt); }, 404, "resource_not_found"));
  EXPECT_EQ(inst.invitation_status(inv), "pending");
}

TEST(InvitationRevoke, RequestingUserIsCheckedLikeTheInviter) {
  Instance inst = make_instance();
  const Invitation& inv = create_one(inst, "org_acme", invite("frank@example.test"));
  EXPECT_TRUE(FailsWith([&] { inst.revoke_invitation("org_acme", inv.id, std::string("user_dave")); }, 403,
                        "not_a_member_in_organization"));
  EXPECT_TRUE(FailsWith([&] { inst.revoke_invitation("org_acme", inv.id, std::string("user_bob")); }, 403,
                        "missing_organization_permission"));
  EXPECT_EQ(inst.invitation_status(inv), "pending");
  EXPECT_EQ(inst.revoke_invitation("org_acme", inv.id, std::string("user_alice")).status, "revoked");
  // The permission check comes before the status check.
  EXPECT_TRUE(FailsWith([&] { inst.revoke_invitation("org_acme", inv.id, std::string("user_bob")); }, 403,
                        "missing_organization_permission"));
}

TEST(InvitationRevoke, AcceptedCannotBeRevoked) {
  Instance inst = make_instance();
  const Invitation& inv = create_one(inst, "org_acme", invite("erin@example.test"));
  inst.accept_invitation(inv.id, std::nullopt);
  EXPECT_TRUE(FailsWith([&] { inst.revoke_invitation("org_acme", inv.id, std::nullopt); }, 404,
                        "organization_invitation_not_pending"));
  EXPECT_EQ(inst.invitation_status(inv), "accepted");
}

// --- acceptance

TEST(InvitationAccept, ExistingOwnerOfTheAddressJoinsWithRoleAndMetadata) {
  Instance inst = make_instance();
  NewInvitation n = invite("Erin@Example.test", "org:admin", "user_alice");
  n.metadata.public_metadata = Json{{"team", "ops"}};
  n.metadata.private_metadata = Json{{"ticket", 7}};
  const Invitation& inv = create_one(inst, "org_acme", n);
  inst.take_events();
  inst.clock().advance_ms(99);
  Acceptance a = inst.accept_invitation(inv.id, std::nullopt);
  ASSERT_NE(a.invitation, nullptr);
  ASSERT_NE(a.membership, nullptr);
  ASSERT_NE(a.user, nullptr);
  EXPECT_EQ(a.user->id, "user_erin");
  EXPECT_EQ(a.invitation->id, inv.id);
  EXPECT_EQ(a.invitation->status, "accepted");
  EXPECT_EQ(inst.invitation_status(inv), "accepted");
  EXPECT_EQ(a.invitation->user_id, std::optional<std::string>("user_erin"));
  EXPECT_EQ(a.invitation->updated_at, kDefaultFixtureClockMs + 99);
  EXPECT_EQ(a.membership->organization_id, "org_acme");
  EXPECT_EQ(a.membership->user_id, "user_erin");
  EXPECT_EQ(a.membership->role, "org:admin");
  EXPECT_EQ(a.membership->public_metadata, (Json{{"team", "ops"}}));
  EXPECT_EQ(a.membership->private_metadata, (Json{{"ticket", 7}}));
  EXPECT_EQ(a.membership->created_at, kDefaultFixtureClockMs + 99);
  EXPECT_EQ(inst.find_membership("org_acme", "user_erin"), a.membership);
  EXPECT_EQ(inst.pending_invitations_count("org_acme"), 0);
  EXPECT_EQ(event_types(inst),
            (std::vector<std::string>{"organizationMembership.created", "organizationInvitation.accepted"}));
}

TEST(InvitationAccept, UnknownAddressSignsUpANewUser) {
  Instance inst = make_instance();
  const Invitation& inv = create_one(inst, "org_globex", invite("newcomer@example.test"));
  inst.take_events();
  Acceptance a = inst.accept_invitation(inv.id, std::nullopt);
  ASSERT_NE(a.user, nullptr);
  EXPECT_EQ(a.user->id.rfind("user_", 0), 0u);
  ASSERT_EQ(a.user->email_addresses.size(), 1u);
  EXPECT_EQ(a.user->email_addresses[0].email_address, "newcomer@example.test");
  ASSERT_NE(a.user->primary_email(), nullptr);
  EXPECT_EQ(a.user->primary_email()->email_address, "newcomer@example.test");
  EXPECT_EQ(inst.find_user(a.user->id), a.user);
  EXPECT_EQ(a.membership->user_id, a.user->id);
  EXPECT_EQ(a.invitation->user_id, std::optional<std::string>(a.user->id));
  EXPECT_EQ(event_types(inst), (std::vector<std::string>{"user.created", "organizationMembership.created",
                                                         "organizationInvitation.accepted"}));
}

TEST(InvitationAccept, NamedUser) {
  Instance inst = make_instance();
  const Invitation& inv = create_one(inst, "org_acme", invite("someone-else@example.test"));
  Acceptance a = inst.accept_invitation(inv.id, std::string("user_dave"));
  EXPECT_EQ(a.user->id, "user_dave");
  EXPECT_EQ(a.membership->user_id, "user_dave");
  EXPECT_EQ(members(inst, "org_acme"), (std::vector<std::string>{"user_alice", "user_bob", "user_carol", "user_dave"}));
}

TEST(InvitationAccept, UsedInvitationsAreRefused) {
  Instance inst = make_instance();
  const Invitation& accepted = create_one(inst, "org_acme", invite("erin@example.test"));
  const Invitation& revoked = create_one(inst, "org_acme", invite("frank@example.test"));
  inst.accept_invitation(accepted.id, std::nullopt);
  inst.revoke_invitation("org_acme", revoked.id, std::nullopt);
  inst.take_events();
  const std::string before = state_of(inst);
  EXPECT_TRUE(FailsWith([&] { inst.accept_invitation(accepted.id, std::nullopt); }, 400,
                        "organization_invitation_already_accepted"));
  EXPECT_TRUE(FailsWith([&] { inst.accept_invitation(revoked.id, std::nullopt); }, 400,
                        "organization_invitation_revoked_code"));
  EXPECT_TRUE(FailsWith([&] { inst.accept_invitation("orginv_nope", std::nullopt); }, 404, "resource_not_found"));
  EXPECT_EQ(state_of(inst), before);
  EXPECT_TRUE(event_types(inst).empty());
}

// The invitee joined by other means after being invited. bapi.md c.6: acceptance
// marks the invitation accepted and records the user, and creates a membership
// only when the user is not a member yet. The invitation must not stay pending
// (it would hold a seat for good).
TEST(InvitationAccept, AnExistingMemberAcceptsWithoutASecondMembership) {
  Instance inst = make_instance();
  const Invitation& inv = create_one(inst, "org_globex", invite("erin@example.test", "org:admin"));
  const Membership& joined = inst.add_membership("org_globex", "user_erin", "org:member");
  const std::string membership_id = joined.id;
  inst.take_events();
  try {
    Acceptance a = inst.accept_invitation(inv.id, std::nullopt);
    EXPECT_EQ(a.user->id, "user_erin");
    ASSERT_NE(a.membership, nullptr);
    EXPECT_EQ(a.membership->id, membership_id);
    EXPECT_EQ(a.membership->role, "org:member") << "the existing membership keeps its role";
  } catch (const ClerkError& e) {
    ADD_FAILURE() << "accepting as an existing member threw " << e.status << " " << e.code << " (" << e.long_message
                  << ")";
  }
  EXPECT_EQ(inst.invitation_status(inv), "accepted");
  EXPECT_EQ(inv.user_id, std::optional<std::string>("user_erin"));
  EXPECT_EQ(inst.members_count("org_globex"), 3);
  EXPECT_EQ(inst.pending_invitations_count("org_globex"), 0);
  EXPECT_EQ(event_types(inst), (std::vector<std::string>{"organizationInvitation.accepted"}));
}

TEST(InvitationAccept, UnknownNamedUserIsRefused) {
  Instance inst = make_instance();
  const Invitation& inv = create_one(inst, "org_acme", invite("frank@example.test"));
  EXPECT_TRUE(FailsWith([&] { inst.accept_invitation(inv.id, std::string("user_ghost")); }, 404,
                        "resource_not_found"));
  EXPECT_EQ(inst.invitation_status(inv), "pending");
}

TEST(InvitationAccept, TicketNamesTheInvitation) {
  const std::string ticket = Instance::invitation_ticket("orginv_abc");
  EXPECT_FALSE(ticket.empty());
  EXPECT_EQ(Instance::invitation_from_ticket(ticket), std::optional<std::string>("orginv_abc"));
  EXPECT_EQ(Instance::invitation_from_ticket("garbage"), std::nullopt);
}

// --- lists

TEST(InvitationList, StatusFilterTakesSeveralValues) {
  Instance inst = make_instance();
  const Invitation& a = create_one(inst, "org_globex", invite("a@example.test"));
  inst.clock().advance_ms(1);
  const Invitation& b = create_one(inst, "org_globex", invite("erin@example.test"));
  inst.clock().advance_ms(1);
  create_one(inst, "org_globex", invite("c@example.test"));
  inst.revoke_invitation("org_globex", a.id, std::nullopt);
  inst.accept_invitation(b.id, std::nullopt);
  auto by = [&](std::vector<std::string> statuses) {
    InvitationQuery q;
    q.status = std::move(statuses);
    return emails_of(inst.list_invitations("org_globex", q, ListWindow{}));
  };
  EXPECT_EQ(by({"pending"}), (std::vector<std::string>{"c@example.test"}));
  EXPECT_EQ(by({"revoked"}), (std::vector<std::string>{"a@example.test"}));
  EXPECT_EQ(by({"accepted"}), (std::vector<std::string>{"erin@example.test"}));
  EXPECT_EQ(by({"revoked", "accepted"}), (std::vector<std::string>{"erin@example.test", "a@example.test"}));
  EXPECT_EQ(by({}), (std::vector<std::string>{"c@example.test", "erin@example.test", "a@example.test"}));
  EXPECT_TRUE(by({"expired"}).empty());
  EXPECT_TRUE(FailsWith([&] { by({"pending", "lost"}); }, 422, "form_param_value_invalid", "status"));
}

TEST(InvitationList, EmailFilterOrderAndPaging) {
  Instance inst = make_instance();
  for (const char* e : {"bravo@example.test", "alpha@example.test", "charlie@example.test"}) {
    create_one(inst, "org_globex", invite(e));
    inst.clock().advance_ms(10);
  }
  create_one(inst, "org_acme", invite("alpha@example.test"));
  EXPECT_EQ(emails_of(inst.list_invitations("org_globex", {}, ListWindow{})),
            (std::vector<std::string>{"charlie@example.test", "alpha@example.test", "bravo@example.test"}));
  EXPECT_EQ(emails_of(inst.list_invitations("org_globex", {}, ListWindow{10, 0, "created_at"})),
            (std::vector<std::string>{"bravo@example.test", "alpha@example.test", "charlie@example.test"}));
  EXPECT_EQ(emails_of(inst.list_invitations("org_globex", {}, ListWindow{10, 0, "+email_address"})),
            (std::vector<std::string>{"alpha@example.test", "bravo@example.test", "charlie@example.test"}));
  EXPECT_EQ(emails_of(inst.list_invitations("org_globex", {}, ListWindow{10, 0, "-email_address"})),
            (std::vector<std::string>{"charlie@example.test", "bravo@example.test", "alpha@example.test"}));
  auto page = inst.list_invitations("org_globex", {}, ListWindow{1, 1, ""});
  EXPECT_EQ(emails_of(page), (std::vector<std::string>{"alpha@example.test"}));
  EXPECT_EQ(page.total_count, 3);
  InvitationQuery q;
  q.email_address = "ALPHA@example.test";
  auto one = inst.list_invitations("org_globex", q, ListWindow{});
  EXPECT_EQ(emails_of(one), (std::vector<std::string>{"alpha@example.test"}));
  EXPECT_EQ(one.items[0]->organization_id, "org_globex");
}

TEST(InvitationList, InstanceWideWithQuery) {
  Instance inst = make_instance();
  create_one(inst, "org_globex", invite("alpha@one.test"));
  inst.clock().advance_ms(1);
  create_one(inst, "org_acme", invite("beta@two.test"));
  auto all = inst.list_all_invitations({}, ListWindow{});
  EXPECT_EQ(all.total_count, 2);
  EXPECT_EQ(emails_of(all), (std::vector<std::string>{"beta@two.test", "alpha@one.test"}));
  InvitationQuery q;
  q.query = "ONE.test";
  EXPECT_EQ(emails_of(inst.list_all_invitations(q, ListWindow{})), (std::vector<std::string>{"alpha@one.test"}));
}

TEST(InvitationList, UsersInvitationsAreThoseToTheirAddress) {
  Instance inst = make_instance();
  create_one(inst, "org_acme", invite("erin@example.test"));
  inst.clock().advance_ms(1);
  const Invitation& g = create_one(inst, "org_globex", invite("erin@example.test"));
  create_one(inst, "org_globex", invite("someone@example.test"));
  inst.accept_invitation(g.id, std::nullopt);
  auto all = inst.list_user_invitations("user_erin", {}, ListWindow{});
  EXPECT_EQ(all.total_count, 2);
  InvitationQuery pending;
  pending.status = {"pending"};
  auto p = inst.list_user_invitations("user_erin", pending, ListWindow{});
  ASSERT_EQ(p.items.size(), 1u);
  EXPECT_EQ(p.items[0]->organization_id, "org_acme");
  EXPECT_EQ(inst.list_user_invitations("user_bob", {}, ListWindow{}).total_count, 0);
  EXPECT_TRUE(FailsWith([&] { inst.list_user_invitations("user_ghost", {}, ListWindow{}); }, 404,
                        "resource_not_found"));
}

TEST(InvitationGet, MustBelongToTheOrganization) {
  Instance inst = make_instance();
  const Invitation& inv = create_one(inst, "org_acme", invite("frank@example.test"));
  EXPECT_TRUE(FailsWith([&] { inst.get_invitation("org_globex", inv.id); }, 404, "resource_not_found"));
  EXPECT_TRUE(FailsWith([&] { inst.get_invitation("org_acme", "orginv_nope"); }, 404, "resource_not_found"));
}

// --- effects on roles, organizations and users

TEST(InvitationRoles, RoleOfferedByAPendingInvitationCannotBeDeleted) {
  Instance inst = make_instance();
  NewRole r;
  r.name = "Guest";
  r.key = "org:guest";
  r.include_in_initial_role_set = true;
  const std::string role_id = inst.create_role(r).id;
  const Invitation& inv = create_one(inst, "org_acme", invite("frank@example.test", "org:guest"));
  EXPECT_TRUE(FailsWith([&] { inst.delete_role(role_id); }, 422, "organization_role_exists_in_invitations"));
  EXPECT_NE(inst.find_role("org:guest"), nullptr);
  inst.revoke_invitation("org_acme", inv.id, std::nullopt);
  EXPECT_NO_THROW(inst.delete_role(role_id));
  EXPECT_EQ(inst.find_role("org:guest"), nullptr);
}

TEST(InvitationRoles, ExpiredInvitationDoesNotHoldTheRole) {
  Instance inst = make_instance();
  NewRole r;
  r.name = "Guest";
  r.key = "org:guest";
  r.include_in_initial_role_set = true;
  const std::string role_id = inst.create_role(r).id;
  NewInvitation n = invite("frank@example.test", "org:guest");
  n.expires_in_days = 1;
  create_one(inst, "org_acme", n);
  inst.clock().advance_ms(kDay);
  EXPECT_NO_THROW(inst.delete_role(role_id));
}

TEST(InvitationOrganizations, DeletingTheOrganizationRemovesItsInvitations) {
  Instance inst = make_instance();
  const std::string acme_inv = create_one(inst, "org_acme", invite("frank@example.test")).id;
  const std::string globex_inv = create_one(inst, "org_globex", invite("frank@example.test")).id;
  inst.delete_organization("org_acme");
  EXPECT_EQ(inst.find_invitation(acme_inv), nullptr);
  ASSERT_NE(inst.find_invitation(globex_inv), nullptr);
  EXPECT_EQ(inst.list_all_invitations({}, ListWindow{}).total_count, 1);
  EXPECT_TRUE(FailsWith([&] { inst.accept_invitation(acme_inv, std::nullopt); }, 404, "resource_not_found"));
}

TEST(InvitationUsers, DeletingAUserLeavesInvitationsAlone) {
  Instance inst = make_instance();
  const Invitation& to_erin = create_one(inst, "org_globex", invite("erin@example.test", "org:member", "user_carol"));
  const Invitation& by_alice = create_one(inst, "org_acme", invite("frank@example.test", "org:member", "user_alice"));
  inst.delete_user("user_erin");
  inst.delete_user("user_alice");
  EXPECT_EQ(inst.invitation_status(to_erin), "pending");
  EXPECT_EQ(inst.invitation_status(by_alice), "pending");
  EXPECT_EQ(by_alice.inviter_id, std::optional<std::string>("user_alice"));
  EXPECT_EQ(inst.list_all_invitations({}, ListWindow{}).total_count, 2);
  // With erin gone, her address signs up a new user.
  Acceptance a = inst.accept_invitation(to_erin.id, std::nullopt);
  EXPECT_NE(a.user->id, "user_erin");
  EXPECT_EQ(a.user->email_addresses.at(0).email_address, "erin@example.test");
}

// --- state dumps

TEST(InvitationState, DumpWithInvitationsLoadsBackUnchanged) {
  Instance inst = make_instance();
  NewInvitation full = invite("full@example.test", "org:admin", "user_alice");
  full.metadata.public_metadata = Json{{"team", "ops"}};
  full.metadata.private_metadata = Json{{"ticket", 7}};
  full.redirect_url = "https://app.example.test/join";
  full.expires_in_days = 3;
  create_one(inst, "org_acme", full);
  const Invitation& accepted = create_one(inst, "org_globex", invite("erin@example.test"));
  const Invitation& revoked = create_one(inst, "org_globex", invite("gone@example.test"));
  inst.clock().advance_ms(1000);
  inst.accept_invitation(accepted.id, std::nullopt);
  inst.revoke_invitation("org_globex", revoked.id, std::nullopt);
  const Json dump = dump_fixture(inst.snapshot());
  ASSERT_EQ(dump["invitations"].size(), 3u);
  InstanceState state;
  ASSERT_NO_THROW(state = load_fixture(dump, kSeed, false));
  Instance again(state, ClockMode::frozen);
  EXPECT_EQ(dump_fixture(again.snapshot()), dump);
  EXPECT_EQ(again.pending_invitations_count("org_acme"), 1);
  EXPECT_EQ(again.invitation_status(*again.find_invitation(accepted.id)), "accepted");
  EXPECT_EQ(again.invitation_status(*again.find_invitation(revoked.id)), "revoked");
}

// Only pending invitations keep a role from being deleted, so a revoked (or
// accepted, or expired) invitation may name a role that is gone. The dump of
// that state must still load: a dump loads back into the same instance.
TEST(InvitationState, DumpLoadsBackAfterARoleOfAPastInvitationWasDeleted) {
  Instance inst = make_instance();
  NewRole r;
  r.name = "Guest";
  r.key = "org:guest";
  r.include_in_initial_role_set = true;
  const std::string role_id = inst.create_role(r).id;
  const Invitation& inv = create_one(inst, "org_globex", invite("frank@example.test", "org:guest"));
  inst.revoke_invitation("org_globex", inv.id, std::nullopt);
  ASSERT_NO_THROW(inst.delete_role(role_id));
  const Json dump = dump_fixture(inst.snapshot());
  try {
    Instance again(load_fixture(dump, kSeed, false), ClockMode::frozen);
    EXPECT_EQ(dump_fixture(again.snapshot()), dump);
  } catch (const FixtureError& e) {
    ADD_FAILURE() << "the dump does not load back: " << e.what();
  }
}

// --- through the dispatcher: wire fields and the event log

TEST(InvitationWire, EventsAreLoggedInOrder) {
  Api api;
  auto created = api.call("POST", "/v1/organizations/org_acme/invitations",
                          Json{{"email_address", "newcomer@example.test"}, {"role", "org:member"}});
  ASSERT_EQ(created.status, 200) << created.body;
  const std::string id = body_of(created)["id"];
  // A refused request logs nothing.
  auto dup = api.call("POST", "/v1/organizations/org_acme/invitations",
                      Json{{"email_address", "newcomer@example.test"}, {"role", "org:member"}});
  EXPECT_TRUE(IsError(dup, 400, "organization_invitation_not_unique"));
  auto accepted = api.call("POST", "/__sim/invitations/" + id + "/accept", "{}");
  ASSERT_EQ(accepted.status, 200) << accepted.body;
  auto other = api.call("POST", "/v1/organizations/org_globex/invitations",
                        Json{{"email_address", "x@example.test"}, {"role", "org:member"}});
  ASSERT_EQ(other.status, 200);
  auto revoked = api.call("POST", "/v1/organizations/org_globex/invitations/" +
                                      body_of(other)["id"].get<std::string>() + "/revoke",
                          "{}");
  ASSERT_EQ(revoked.status, 200) << revoked.body;

  auto log = api.call("GET", "/__sim/webhooks/events");
  ASSERT_EQ(log.status, 200);
  Json b = body_of(log);
  std::vector<std::string> types;
  for (const auto& e : b["data"]) {
    EXPECT_EQ(e["object"], "event");
    EXPECT_TRUE(e["timestamp"].is_number_integer());
    EXPECT_TRUE(e["instance_id"].is_string());
    types.push_back(e["type"]);
  }
  EXPECT_EQ(types, (std::vector<std::string>{"organizationInvitation.created", "user.created",
                                             "organizationMembership.created", "organizationInvitation.accepted",
                                             "organizationInvitation.created", "organizationInvitation.revoked"}));
  EXPECT_EQ(b["total_count"], 6);
  EXPECT_EQ(b["data"][0]["data"]["id"], id);
  EXPECT_EQ(b["data"][0]["data"]["object"], "organization_invitation");
  EXPECT_EQ(b["data"][3]["data"]["status"], "accepted");
  EXPECT_EQ(b["data"][3]["data"]["user_id"], body_of(accepted)["user"]["id"]);
  EXPECT_EQ(b["data"][5]["data"]["status"], "revoked");
}

TEST(InvitationWire, ObjectShapeAndTicketAcceptance) {
  Api api;
  auto created = api.call("POST", "/v1/organizations/org_acme/invitations",
                          Json{{"email_address", "Erin@Example.test"},
                               {"role", "org:admin"},
                               {"inviter_user_id", "user_alice"},
                               {"redirect_url", "https://app.example.test/join"},
                               {"public_metadata", {{"team", "ops"}}}});
  ASSERT_EQ(created.status, 200) << created.body;
  Json inv = body_of(created);
  EXPECT_EQ(inv["object"], "organization_invitation");
  EXPECT_EQ(inv["email_address"], "erin@example.test");
  EXPECT_EQ(inv["role"], "org:admin");
  EXPECT_EQ(inv["role_name"], "Admin");
  EXPECT_EQ(inv["organization_id"], "org_acme");
  EXPECT_EQ(inv["inviter_id"], "user_alice");
  EXPECT_EQ(inv["public_inviter_data"]["user_id"], "user_alice");
  EXPECT_EQ(inv["status"], "pending");
  EXPECT_EQ(inv["expires_at"], kDefaultFixtureClockMs + 30 * kDay);
  ASSERT_TRUE(inv["url"].is_string());
  const std::string url = inv["url"];
  EXPECT_EQ(url.rfind("https://app.example.test/join?", 0), 0u) << url;
  auto pos = url.find("__clerk_ticket=");
  ASSERT_NE(pos, std::string::npos) << url;
  std::string ticket = url.substr(pos + 15);
  ticket = ticket.substr(0, ticket.find('&'));

  auto org = body_of(api.call("GET", "/v1/organizations/org_acme"));
  EXPECT_EQ(org["pending_invitations_count"], 1);

  auto bad = api.call("POST", "/__sim/tickets/accept", Json{{"ticket", "ticket_nothing"}});
  EXPECT_TRUE(IsError(bad, 404, "resource_not_found"));
  auto res = api.call("POST", "/__sim/tickets/accept", Json{{"ticket", ticket}});
  ASSERT_EQ(res.status, 200) << res.body;
  Json a = body_of(res);
  EXPECT_EQ(a["invitation"]["status"], "accepted");
  EXPECT_EQ(a["invitation"]["url"], nullptr);
  EXPECT_EQ(a["membership"]["role"], "org:admin");
  EXPECT_EQ(a["membership"]["public_metadata"], (Json{{"team", "ops"}}));
  EXPECT_EQ(a["user"]["id"], "user_erin");
  org = body_of(api.call("GET", "/v1/organizations/org_acme?include_members_count=true"));
  EXPECT_EQ(org["pending_invitations_count"], 0);
  EXPECT_EQ(org["members_count"], 4);
  auto again = api.call("POST", "/__sim/tickets/accept", Json{{"ticket", ticket}});
  EXPECT_TRUE(IsError(again, 400, "organization_invitation_already_accepted"));
}

TEST(InvitationWire, ClockRouteExpiresInvitations) {
  Api api;
  auto created = api.call("POST", "/v1/organizations/org_acme/invitations",
                          Json{{"email_address", "frank@example.test"}, {"role", "org:member"}});
  ASSERT_EQ(created.status, 200);
  const std::string id = body_of(created)["id"];
  auto moved = api.call("POST", "/__sim/clock", Json{{"advance_ms", 31 * kDay}});
  ASSERT_EQ(moved.status, 200) << moved.body;
  Json got = body_of(api.call("GET", "/v1/organizations/org_acme/invitations/" + id));
  EXPECT_EQ(got["status"], "expired");
  EXPECT_EQ(got["url"], nullptr);
  Json listed = body_of(api.call("GET", "/v1/organizations/org_acme/invitations?status=expired"));
  EXPECT_EQ(listed["total_count"], 1);
  Json pending = body_of(api.call("GET", "/v1/organizations/org_acme/invitations/pending"));
  EXPECT_EQ(pending["total_count"], 0);
  EXPECT_EQ(body_of(api.call("GET", "/v1/organizations/org_acme"))["pending_invitations_count"], 0);
  auto accept = api.call("POST", "/__sim/invitations/" + id + "/accept", "{}");
  EXPECT_TRUE(IsError(accept, 404, "organization_invitation_not_pending"));
}

TEST(InvitationWire, MembershipPostCountsPendingInvitations) {
  Api api;
  auto bulk = api.call("POST", "/v1/organizations/org_acme/invitations/bulk",
                       Json::array({{{"email_address", "one@example.test"}, {"role", "org:member"}},
                                    {{"email_address", "two@example.test"}, {"role", "org:member"}}}));
  ASSERT_EQ(bulk.status, 200) << bulk.body;
  Json b = body_of(bulk);
  EXPECT_EQ(b["total_count"], 2);
  EXPECT_EQ(b["data"].size(), 2u);
  auto add = api.call("POST", "/v1/organizations/org_acme/memberships",
                      Json{{"user_id", "user_erin"}, {"role", "org:member"}});
  EXPECT_TRUE(IsError(add, 403, "organization_membership_quota_exceeded"));
}

TEST(InvitationWire, BulkBodyMustBeAnArrayOfAtMostTen) {
  Api api;
  Json eleven = Json::array();
  for (int i = 0; i < 11; ++i)
    eleven.push_back({{"email_address", numbered("g", i)}, {"role", "org:member"}});
  EXPECT_TRUE(IsError(api.call("POST", "/v1/organizations/org_globex/invitations/bulk", eleven), 400,
                      "bulk_size_exceeded"));
  EXPECT_EQ(body_of(api.call("GET", "/v1/organizations/org_globex/invitations"))["total_count"], 0);
  auto obj = api.call("POST", "/v1/organizations/org_globex/invitations/bulk",
                      Json{{"email_address", "one@example.test"}, {"role", "org:member"}});
  EXPECT_GE(obj.status, 400);
  EXPECT_LT(obj.status, 500);
}

// Billing: plan switches as a completed checkout makes them, what the clock does to
// subscription items, seats, and what tokens and memberships say once billing gates
// custom permissions.
#include "test_support.hpp"
#include "wire/billing.hpp"

using namespace clerksim;
using namespace clerksim::unit;

namespace {

constexpr int64_t kDay = 24LL * 60 * 60 * 1000;
constexpr int64_t kStart = kDefaultFixtureClockMs;  // 2026-01-01T00:00:00Z

// The base fixture with custom permissions (features posts and analytics), a free
// default plan, a pro plan with both features and a 14-day trial, and a team plan
// capped at 3 seats. org_acme has 3 members, org_globex 2.
Json billing_fixture(bool organizations = true, bool users = true) {
  Json f = base_fixture();
  f["permissions"] = Json::array();
  for (const char* key : {"org:sys_profile:manage", "org:sys_profile:delete", "org:sys_memberships:read",
                          "org:sys_memberships:manage", "org:sys_domains:read", "org:sys_domains:manage",
                          "org:sys_billing:read", "org:sys_billing:manage", "org:sys_entconns:manage",
                          "org:posts:read", "org:posts:edit", "org:analytics:read"})
    f["permissions"].push_back({{"key", key}});
  f["roles"] = Json::parse(R"JSON([
    {"key": "org:admin", "permissions": ["org:sys_profile:manage", "org:sys_profile:delete", "org:sys_memberships:read",
      "org:sys_memberships:manage", "org:sys_domains:read", "org:sys_domains:manage", "org:sys_billing:read",
      "org:sys_billing:manage", "org:sys_entconns:manage", "org:posts:read", "org:posts:edit", "org:analytics:read"]},
    {"key": "org:member", "permissions": ["org:sys_memberships:read", "org:sys_billing:read", "org:posts:read"]}
  ])JSON");
  f["billing"] = Json::parse(R"JSON({
    "features": [{"slug": "posts", "name": "Posts"}, {"slug": "analytics", "name": "Analytics"},
                 {"slug": "exports", "name": "Exports"}],
    "plans": [
      {"slug": "free", "name": "Free", "for_payer_type": "org", "is_default": true},
      {"slug": "pro", "name": "Pro", "for_payer_type": "org", "fee": 4999, "annual_monthly_fee": 3999,
       "features": ["posts", "analytics"], "free_trial_days": 14},
      {"slug": "team", "name": "Team", "for_payer_type": "org", "fee": 9900, "features": ["posts", "analytics"],
       "seat_limit": 3},
      {"slug": "free", "name": "Free", "for_payer_type": "user", "is_default": true},
      {"slug": "plus", "name": "Plus", "for_payer_type": "user", "fee": 999, "features": ["exports"]}
    ]})JSON");
  f["billing"]["settings"] = {{"organizations", organizations}, {"users", users}};
  return f;
}

Checkout plan(const std::string& slug, const std::string& period = "month") {
  Checkout c;
  c.plan = slug;
  c.period = period;
  return c;
}

const SubscriptionItem* current(const Instance& inst, const std::string& owner, const std::string& type = "org") {
  const Subscription& s = inst.get_payer_subscription(type, owner);
  for (const SubscriptionItem* i : inst.subscription_items(s.id))
    if (i->status == "active" || i->status == "canceled") return i;
  return nullptr;
}

std::string plan_slug(const Instance& inst, const SubscriptionItem* item) {
  return item ? inst.find_plan(item->plan_id)->slug : "";
}

std::vector<std::string> event_types(Instance& inst) {
  std::vector<std::string> out;
  for (const auto& e : inst.take_events()) out.push_back(e.type);
  return out;
}

void advance(Instance& inst, int64_t ms) {
  inst.clock().advance_ms(ms);
  inst.advance_billing();
}

}  // namespace

// --- plans and subscriptions

TEST(Billing, EveryPayerStartsOnItsDefaultPlan) {
  Instance inst = make_instance(billing_fixture());
  EXPECT_EQ(plan_slug(inst, current(inst, "org_acme")), "free");
  EXPECT_EQ(plan_slug(inst, current(inst, "user_erin", "user")), "free");
  NewOrganization initech;
  initech.name = "Initech";
  const Organization& o = inst.create_organization(initech);
  EXPECT_EQ(plan_slug(inst, current(inst, o.id)), "free");
  auto types = event_types(inst);
  EXPECT_EQ(std::count(types.begin(), types.end(), "subscription.created"), 1);
  EXPECT_EQ(std::count(types.begin(), types.end(), "subscriptionItem.active"), 1);
}

TEST(Billing, WithoutPlansNothingIsCreatedAndTokensAreUnchanged) {
  Instance inst = make_instance();
  EXPECT_TRUE(FailsWith([&] { inst.get_payer_subscription("org", "org_acme"); }, 403, "billing_not_enabled"));
  EXPECT_TRUE(inst.snapshot().billing.subscriptions.empty());
}

TEST(Billing, SubscribingEndsTheOldItemAndStartsTheNewOneOnTheClock) {
  Instance inst = make_instance(billing_fixture());
  const SubscriptionItem* free = current(inst, "org_acme");
  std::string free_id = free->id;
  inst.clock().advance_ms(kDay);
  inst.take_events();
  inst.subscribe("org", "org_acme", plan("pro"));
  const SubscriptionItem* pro = current(inst, "org_acme");
  EXPECT_EQ(plan_slug(inst, pro), "pro");
  EXPECT_EQ(pro->period_start, kStart + kDay);
  ASSERT_TRUE(pro->period_end);
  EXPECT_EQ(*pro->period_end, kStart + kDay + 31 * kDay);  // 2026-01-02 -> 2026-02-02
  const SubscriptionItem* old = inst.find_subscription_item(free_id);
  EXPECT_EQ(old->status, "ended");
  EXPECT_EQ(*old->ended_at, kStart + kDay);
  EXPECT_EQ(event_types(inst), (std::vector<std::string>{"subscriptionItem.ended", "subscriptionItem.active",
                                                         "subscription.updated"}));
}

TEST(Billing, AnnualPeriodsEndAYearLaterAndPlansWithoutAnnualPricesRefuseThem) {
  Instance inst = make_instance(billing_fixture());
  inst.subscribe("org", "org_acme", plan("pro", "annual"));
  EXPECT_EQ(*current(inst, "org_acme")->period_end, kStart + 365 * kDay);
  EXPECT_TRUE(FailsWith([&] { inst.subscribe("org", "org_globex", plan("team", "annual")); }, 422,
                        "form_param_value_invalid", "period"));
  EXPECT_TRUE(FailsWith([&] { inst.subscribe("org", "org_globex", plan("pro", "weekly")); }, 422,
                        "form_param_value_invalid", "period"));
}

TEST(Billing, SubscribeRefusesUnknownPlansOtherPayerTypesAndDisabledBilling) {
  Instance inst = make_instance(billing_fixture(true, false));
  EXPECT_TRUE(FailsWith([&] { inst.subscribe("org", "org_acme", plan("gold")); }, 404, "plan_not_found", "plan"));
  EXPECT_TRUE(FailsWith([&] { inst.subscribe("org", "org_acme", plan("plus")); }, 404, "plan_not_found", "plan"));
  EXPECT_TRUE(FailsWith([&] { inst.subscribe("user", "user_erin", plan("plus")); }, 403, "billing_not_enabled"));
  EXPECT_TRUE(FailsWith([&] { inst.subscribe("org", "org_nope", plan("pro")); }, 404, "resource_not_found"));
  EXPECT_EQ(plan_slug(inst, current(inst, "org_acme")), "free");
  EXPECT_TRUE(inst.take_events().empty());
}

TEST(Billing, SubscribingToTheSamePlanAgainChangesNothing) {
  Instance inst = make_instance(billing_fixture());
  inst.subscribe("org", "org_acme", plan("pro"));
  std::string id = current(inst, "org_acme")->id;
  inst.take_events();
  inst.subscribe("org", "org_acme", plan("pro"));
  EXPECT_EQ(current(inst, "org_acme")->id, id);
  EXPECT_TRUE(inst.take_events().empty());
}

// --- the clock

TEST(Billing, AnActiveItemRenewsWhenTheClockPassesItsPeriodEnd) {
  Instance inst = make_instance(billing_fixture());
  inst.subscribe("org", "org_acme", plan("pro"));
  std::string id = current(inst, "org_acme")->id;
  inst.take_events();
  advance(inst, 30 * kDay);
  EXPECT_EQ(*current(inst, "org_acme")->period_end, kStart + 31 * kDay) << "not yet at the end";
  advance(inst, 2 * kDay);  // past 2026-02-01
  const SubscriptionItem* item = current(inst, "org_acme");
  EXPECT_EQ(item->id, id);
  EXPECT_EQ(item->period_start, kStart + 31 * kDay);
  EXPECT_EQ(*item->period_end, kStart + 59 * kDay);  // 2026-03-01
  EXPECT_EQ(event_types(inst), (std::vector<std::string>{"subscriptionItem.updated", "subscription.updated"}));
  advance(inst, 70 * kDay);  // two more renewals at once
  EXPECT_EQ(current(inst, "org_acme")->period_start, kStart + 90 * kDay);  // 2026-04-01
  EXPECT_EQ(*current(inst, "org_acme")->period_end, kStart + 120 * kDay);
}

TEST(Billing, CancelAtPeriodEndKeepsThePlanUntilThenAndFallsBackToTheDefault) {
  Instance inst = make_instance(billing_fixture());
  inst.subscribe("org", "org_acme", plan("pro"));
  std::string id = current(inst, "org_acme")->id;
  inst.take_events();
  const SubscriptionItem& canceled = inst.cancel_subscription_item(id, false);
  EXPECT_EQ(canceled.status, "canceled");
  EXPECT_EQ(*canceled.canceled_at, kStart);
  EXPECT_EQ(event_types(inst), (std::vector<std::string>{"subscriptionItem.canceled", "subscriptionItem.upcoming",
                                                         "subscription.updated"}));
  EXPECT_EQ(inst.active_plan("org", "org_acme")->slug, "pro");
  EXPECT_TRUE(FailsWith([&] { inst.cancel_subscription_item(id, false); }, 400,
                        "commerce_subscription_item_already_canceled"));
  advance(inst, 31 * kDay);
  EXPECT_EQ(inst.find_subscription_item(id)->status, "ended");
  EXPECT_EQ(*inst.find_subscription_item(id)->ended_at, kStart + 31 * kDay);
  EXPECT_EQ(inst.active_plan("org", "org_acme")->slug, "free");
  EXPECT_EQ(current(inst, "org_acme")->period_start, kStart + 31 * kDay);
  EXPECT_EQ(event_types(inst), (std::vector<std::string>{"subscriptionItem.ended", "subscriptionItem.active",
                                                         "subscription.updated"}));
}

TEST(Billing, CancelNowEndsAtOnceAndTheDefaultPlanCannotBeCanceled) {
  Instance inst = make_instance(billing_fixture());
  std::string free_id = current(inst, "org_acme")->id;
  EXPECT_TRUE(FailsWith([&] { inst.cancel_subscription_item(free_id, false); }, 422,
                        "commerce_subscription_item_cannot_be_canceled"));
  EXPECT_TRUE(FailsWith([&] { inst.cancel_subscription_item("csubi_missing", false); }, 404,
                        "subscription_item_not_found"));
  inst.subscribe("org", "org_acme", plan("pro"));
  std::string id = current(inst, "org_acme")->id;
  const SubscriptionItem& ended = inst.cancel_subscription_item(id, true);
  EXPECT_EQ(ended.status, "ended");
  EXPECT_EQ(*ended.ended_at, kStart);
  EXPECT_EQ(inst.active_plan("org", "org_acme")->slug, "free");
  EXPECT_TRUE(FailsWith([&] { inst.cancel_subscription_item(id, true); }, 422,
                        "commerce_subscription_item_cannot_be_canceled"));
}

TEST(Billing, AFreeTrialAnnouncesItsEndAndThenTurnsIntoThePaidPlan) {
  Instance inst = make_instance(billing_fixture());
  Checkout trial = plan("pro");
  trial.free_trial = true;
  inst.subscribe("org", "org_acme", trial);
  const SubscriptionItem* item = current(inst, "org_acme");
  EXPECT_TRUE(item->is_free_trial);
  EXPECT_EQ(*item->period_end, kStart + 14 * kDay);
  EXPECT_TRUE(inst.get_payer_subscription("org", "org_acme").had_free_trial);
  inst.take_events();
  advance(inst, 10 * kDay);
  EXPECT_TRUE(inst.take_events().empty());
  advance(inst, 1 * kDay);  // three days before the end
  EXPECT_EQ(event_types(inst), (std::vector<std::string>{"subscriptionItem.freeTrialEnding"}));
  advance(inst, 3 * kDay);
  item = current(inst, "org_acme");
  EXPECT_FALSE(item->is_free_trial);
  EXPECT_EQ(item->period_start, kStart + 14 * kDay);
  EXPECT_EQ(*item->period_end, kStart + 45 * kDay);  // 2026-01-15 -> 2026-02-15
  // one trial per payer
  inst.subscribe("org", "org_acme", plan("free"));
  EXPECT_TRUE(FailsWith([&] { inst.subscribe("org", "org_acme", trial); }, 422, "form_param_value_invalid",
                        "free_trial"));
  Checkout no_trial = plan("team");
  no_trial.free_trial = true;
  EXPECT_TRUE(FailsWith([&] { inst.subscribe("org", "org_globex", no_trial); }, 403, "plan_free_trials_disabled"));
}

TEST(Billing, ACanceledTrialEndsAtItsEndDate) {
  Instance inst = make_instance(billing_fixture());
  Checkout trial = plan("pro");
  trial.free_trial = true;
  inst.subscribe("org", "org_acme", trial);
  inst.cancel_subscription_item(current(inst, "org_acme")->id, false);
  advance(inst, 14 * kDay);
  EXPECT_EQ(inst.active_plan("org", "org_acme")->slug, "free");
}

TEST(Billing, ExtendingAFreeTrial) {
  Instance inst = make_instance(billing_fixture());
  inst.subscribe("org", "org_globex", plan("pro"));
  std::string paid = current(inst, "org_globex")->id;
  EXPECT_TRUE(FailsWith([&] { inst.extend_free_trial(paid, kStart + 20 * kDay); }, 403,
                        "subscription_item_not_in_free_trial"));
  Checkout trial = plan("pro");
  trial.free_trial = true;
  inst.subscribe("org", "org_acme", trial);
  std::string id = current(inst, "org_acme")->id;
  EXPECT_TRUE(FailsWith([&] { inst.extend_free_trial(id, kStart + 10 * kDay); }, 422, "form_param_value_invalid",
                        "extend_to"));
  EXPECT_TRUE(FailsWith([&] { inst.extend_free_trial(id, kStart + 14 * kDay + 366 * kDay); }, 422,
                        "form_param_value_invalid", "extend_to"));
  EXPECT_EQ(*inst.extend_free_trial(id, kStart + 30 * kDay).period_end, kStart + 30 * kDay);
  EXPECT_EQ(*inst.extend_free_trial(id, kStart + 30 * kDay).period_end, kStart + 30 * kDay);  // same date: no change
  advance(inst, 20 * kDay);
  EXPECT_TRUE(current(inst, "org_acme")->is_free_trial) << "the trial now runs to day 30";
  advance(inst, 10 * kDay);
  EXPECT_FALSE(current(inst, "org_acme")->is_free_trial);
}

// --- seats

TEST(Billing, ASeatLimitedPlanSetsTheMemberLimit) {
  Instance inst = make_instance(billing_fixture());
  // Read the organization afresh each time: a reference is good until the next write.
  auto acme = [&]() -> const Organization& { return inst.get_organization("org_acme"); };
  EXPECT_EQ(inst.member_limit(acme()), 5);
  inst.subscribe("org", "org_acme", plan("team"));
  EXPECT_EQ(inst.member_limit(acme()), 3);
  EXPECT_TRUE(inst.member_limit_managed_by_billing(acme()));
  EXPECT_TRUE(FailsWith([&] { inst.add_membership("org_acme", "user_erin", "org:member"); }, 403,
                        "organization_membership_quota_exceeded"));
  NewInvitation invite;
  invite.email_address = "x@acme.test";
  invite.role = "org:member";
  EXPECT_TRUE(FailsWith([&] { inst.create_invitations("org_acme", {invite}, false); }, 403,
                        "organization_membership_quota_exceeded"));
  OrganizationPatch patch;
  patch.max_allowed_memberships = 10;
  EXPECT_TRUE(FailsWith([&] { inst.update_organization("org_acme", patch); }, 400,
                        "organization_member_limit_managed_by_billing", "max_allowed_memberships"));
  inst.remove_membership("org_acme", "user_carol");
  EXPECT_NO_THROW(inst.add_membership("org_acme", "user_erin", "org:member"));
  // leaving the plan gives the organization its own limit back
  inst.subscribe("org", "org_acme", plan("pro"));
  EXPECT_EQ(inst.member_limit(acme()), 5);
  EXPECT_NO_THROW(inst.update_organization("org_acme", patch));
  EXPECT_EQ(inst.member_limit(acme()), 10);
}

TEST(Billing, APlanWithFewerSeatsThanOccupiedIsRefusedUntilMembersLeave) {
  Instance inst = make_instance(billing_fixture());
  NewInvitation invite;
  invite.email_address = "x@acme.test";
  invite.role = "org:member";
  inst.create_invitations("org_acme", {invite}, false);
  inst.take_events();
  try {
    inst.subscribe("org", "org_acme", plan("team"));
    FAIL() << "expected plan_seat_limit_exceeded";
  } catch (const ClerkError& e) {
    EXPECT_EQ(e.status, 422);
    EXPECT_EQ(e.code, "plan_seat_limit_exceeded");
    EXPECT_EQ(e.meta["plan_seat_limit"], 3);
    EXPECT_EQ(e.meta["current_members"], 4) << "members plus pending invitations";
  }
  EXPECT_EQ(inst.active_plan("org", "org_acme")->slug, "free");
  EXPECT_TRUE(inst.take_events().empty());
  inst.remove_membership("org_acme", "user_bob");
  EXPECT_NO_THROW(inst.subscribe("org", "org_acme", plan("team")));
  Checkout two = plan("team");
  two.seats = 2;
  EXPECT_TRUE(FailsWith([&] { inst.subscribe("org", "org_globex", [] { Checkout c = plan("team"); c.seats = 4; return c; }()); },
                        422, "form_param_value_invalid", "seats"));
  EXPECT_NO_THROW(inst.subscribe("org", "org_globex", two));
  EXPECT_EQ(inst.member_limit(inst.get_organization("org_globex")), 2);
}

TEST(Billing, WithOrganizationBillingOffPlanSeatsDoNotApply) {
  Instance inst = make_instance(billing_fixture());
  inst.subscribe("org", "org_acme", plan("team"));
  inst.update_billing_settings(false, std::nullopt);
  EXPECT_EQ(inst.member_limit(inst.get_organization("org_acme")), 5);
  EXPECT_NO_THROW(inst.add_membership("org_acme", "user_erin", "org:member"));
}

// --- claims and permissions

TEST(Billing, TokensCarryPlansAndFeaturesAndOnlyPermissionsWhoseFeatureIsBought) {
  Instance inst = make_instance(billing_fixture());
  const Session& s = inst.create_session("user_alice", std::string("org_acme"));
  SessionClaims before = inst.session_claims(s.id);
  EXPECT_EQ(before.org_plans, (std::vector<std::string>{"free"}));
  EXPECT_EQ(before.user_plans, (std::vector<std::string>{"free"}));
  EXPECT_TRUE(before.org_features.empty());
  EXPECT_TRUE(before.org->permissions.empty()) << "custom permissions need their feature in the plan";

  inst.subscribe("org", "org_acme", plan("pro"));
  inst.subscribe("user", "user_alice", plan("plus"));
  SessionClaims after = inst.session_claims(s.id);
  EXPECT_EQ(after.org_plans, (std::vector<std::string>{"pro"}));
  EXPECT_EQ(after.org_features, (std::vector<std::string>{"posts", "analytics"}));
  EXPECT_EQ(after.user_plans, (std::vector<std::string>{"plus"}));
  EXPECT_EQ(after.user_features, (std::vector<std::string>{"exports"}));
  EXPECT_EQ(after.org->permissions,
            (std::vector<std::string>{"org:posts:read", "org:posts:edit", "org:analytics:read"}));
}

TEST(Billing, WithBillingOffTheRoleDecidesAndNoPlansAreClaimed) {
  Instance inst = make_instance(billing_fixture(false, false));
  const Session& s = inst.create_session("user_alice", std::string("org_acme"));
  SessionClaims c = inst.session_claims(s.id);
  EXPECT_TRUE(c.org_plans.empty());
  EXPECT_TRUE(c.user_plans.empty());
  EXPECT_EQ(c.org->permissions, (std::vector<std::string>{"org:posts:read", "org:posts:edit", "org:analytics:read"}));
}

TEST(Billing, MembershipPermissionsAreFilteredTheSameWay) {
  Instance inst = make_instance(billing_fixture());
  const Membership* bob = inst.find_membership("org_acme", "user_bob");
  EXPECT_EQ(inst.membership_permissions(*bob),
            (std::vector<std::string>{"org:sys_memberships:read", "org:sys_billing:read"}));
  inst.subscribe("org", "org_acme", plan("pro"));
  EXPECT_EQ(inst.membership_permissions(*bob),
            (std::vector<std::string>{"org:sys_memberships:read", "org:sys_billing:read", "org:posts:read"}));
}

// --- state and control plane

TEST(Billing, AStateDumpLoadsBackIntoTheSameBilling) {
  Instance inst = make_instance(billing_fixture());
  inst.subscribe("org", "org_acme", plan("pro"));
  inst.cancel_subscription_item(current(inst, "org_acme")->id, false);
  Json dump = dump_fixture(inst.snapshot());
  Instance again(load_fixture(dump, kSeed, false), ClockMode::frozen);
  EXPECT_EQ(dump_fixture(again.snapshot()), dump);
  EXPECT_EQ(again.active_plan("org", "org_acme")->slug, "pro");
  advance(again, 31 * kDay);
  EXPECT_EQ(again.active_plan("org", "org_acme")->slug, "free");
}

TEST(Billing, FixtureMistakesAreReportedByPointer) {
  Json bad = billing_fixture();
  bad["billing"]["plans"][1]["features"] = {"posts", "nope"};
  try {
    load_fixture(bad, kSeed, true);
    FAIL() << "expected a FixtureError";
  } catch (const FixtureError& e) {
    EXPECT_EQ(e.where, "/billing/plans/1/features/1");
  }
  Json twice = billing_fixture();
  twice["billing"]["plans"][2]["slug"] = "pro";
  EXPECT_THROW(load_fixture(twice, kSeed, true), FixtureError);
}

TEST(Billing, ControlPlaneCreatesFeaturesAndPlansWithClerkErrors) {
  Api api(billing_fixture());
  Response f = api.call("POST", "/__sim/billing/features", Json{{"slug", "sso"}, {"name", "SSO"}});
  ASSERT_EQ(f.status, 200) << f.body;
  EXPECT_EQ(body_of(f)["object"], "feature");
  EXPECT_TRUE(IsError(api.call("POST", "/__sim/billing/features", Json{{"slug", "sso"}, {"name", "Again"}}), 422,
                      "form_identifier_exists", "slug"));
  Response p = api.call("POST", "/__sim/billing/plans",
                        Json{{"slug", "enterprise"}, {"name", "Enterprise"}, {"for_payer_type", "org"},
                             {"fee", 29900}, {"features", {"sso", "posts"}}, {"seat_limit", 20}});
  ASSERT_EQ(p.status, 200) << p.body;
  Json plan = body_of(p);
  EXPECT_EQ(plan["object"], "commerce_plan");
  EXPECT_EQ(plan["fee"], (Json{{"amount", 29900}, {"amount_formatted", "$299.00"}, {"currency", "USD"},
                               {"currency_symbol", "$"}}));
  EXPECT_EQ(plan["features"][0]["slug"], "sso");
  EXPECT_EQ(plan["unit_prices"][0]["name"], "seats");
  EXPECT_EQ(plan["unit_prices"][0]["tiers"][0]["ends_after_block"], 20);
  EXPECT_TRUE(IsError(api.call("POST", "/__sim/billing/plans",
                               Json{{"slug", "enterprise"}, {"name", "E"}, {"for_payer_type", "org"}}),
                      422, "form_identifier_exists", "slug"));
  EXPECT_EQ(api.call("POST", "/__sim/billing/plans",
                     Json{{"slug", "enterprise"}, {"name", "E"}, {"for_payer_type", "user"}}).status, 200)
      << "slugs are unique within a payer type only";
  EXPECT_TRUE(IsError(api.call("POST", "/__sim/billing/plans",
                               Json{{"slug", "x"}, {"name", "X"}, {"for_payer_type", "team"}}),
                      422, "form_param_value_invalid", "for_payer_type"));
  EXPECT_TRUE(IsError(api.call("POST", "/__sim/billing/plans",
                               Json{{"slug", "x"}, {"name", "X"}, {"for_payer_type", "org"}, {"features", {"nope"}}}),
                      422, "form_param_value_invalid", "features"));
  EXPECT_TRUE(IsError(api.call("POST", "/__sim/billing/plans",
                               Json{{"slug", "x"}, {"name", "X"}, {"for_payer_type", "org"}, {"is_default", true}}),
                      422, "form_param_value_invalid", "is_default"));
  EXPECT_TRUE(IsError(api.call("POST", "/__sim/billing/plans",
                               Json{{"slug", "x"}, {"name", "X"}, {"for_payer_type", "user"}, {"fee", 500},
                                    {"seat_limit", 3}}),
                      422, "unit_prices_not_allowed_for_user_plans"));
  EXPECT_TRUE(IsError(api.call("POST", "/__sim/billing/plans", Json{{"slug", "x"}, {"for_payer_type", "org"}}), 422,
                      "form_param_missing", "name"));
}

TEST(Billing, ADefaultPlanAddedLaterPutsEveryPayerOnIt) {
  Api api;
  ASSERT_EQ(api.call("POST", "/__sim/billing/settings", Json{{"organizations", true}}).status, 200);
  EXPECT_TRUE(IsError(api.call("GET", "/v1/organizations/org_acme/billing/subscription"), 404,
                      "subscription_not_found"));
  ASSERT_EQ(api.call("POST", "/__sim/billing/plans",
                     Json{{"slug", "free"}, {"name", "Free"}, {"for_payer_type", "org"}, {"is_default", true}})
                .status,
            200);
  Response r = api.call("GET", "/v1/organizations/org_acme/billing/subscription");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(body_of(r)["subscription_items"][0]["plan"]["slug"], "free");
}

// --- BAPI

TEST(Billing, BapiAnswersBillingNotEnabledPerPayerType) {
  Api api(billing_fixture(true, false));
  EXPECT_EQ(api.call("GET", "/v1/organizations/org_acme/billing/subscription").status, 200);
  EXPECT_TRUE(IsError(api.call("GET", "/v1/users/user_alice/billing/subscription"), 403, "billing_not_enabled"));
  EXPECT_TRUE(IsError(api.call("POST", "/__sim/users/user_alice/billing/subscribe", Json{{"plan", "plus"}}), 403,
                      "billing_not_enabled"));
  EXPECT_TRUE(IsError(api.call("GET", "/v1/users/user_nobody/billing/subscription"), 404, "resource_not_found"));
}

TEST(Billing, SubscriptionItemListFiltersAndHidesFreeItemsUnlessAsked) {
  Api api(billing_fixture());
  ASSERT_EQ(api.call("POST", "/__sim/organizations/org_acme/billing/subscribe", Json{{"plan", "pro"}}).status, 200);
  ASSERT_EQ(api.call("POST", "/__sim/organizations/org_globex/billing/subscribe",
                     Json{{"plan", "pro"}, {"free_trial", true}}).status, 200);
  ASSERT_EQ(api.call("POST", "/__sim/users/user_erin/billing/subscribe", Json{{"plan", "plus"}}).status, 200);
  auto list = [&](const std::string& q) {
    Response r = api.call("GET", "/v1/billing/subscription_items" + q);
    EXPECT_EQ(r.status, 200) << r.body;
    return body_of(r);
  };
  EXPECT_EQ(list("")["total_count"], 3);
  EXPECT_EQ(list("?payer_type=user")["data"][0]["plan"]["slug"], "plus");
  EXPECT_EQ(list("?status=free_trial")["total_count"], 1);
  EXPECT_EQ(list("?status=free_trial")["data"][0]["payer"]["organization_id"], "org_globex");
  EXPECT_EQ(list("?query=acme")["total_count"], 1);
  EXPECT_EQ(list("?status=ended")["total_count"], 0) << "ended free items stay hidden";
  EXPECT_EQ(list("?status=ended&include_free=true")["total_count"], 3);
  int64_t all = list("?include_free=true&limit=500")["total_count"];
  EXPECT_EQ(all, 3 + 3 + 4) << "three paid, three ended free, four users still on the free plan";
  EXPECT_EQ(list("?limit=1&offset=1")["data"].size(), 1u);
  EXPECT_TRUE(IsError(api.call("GET", "/v1/billing/subscription_items?status=canceled"), 422,
                      "form_param_value_invalid", "status"));
}

TEST(Billing, PlanListIsNewestFirstAndFiltersByPayerType) {
  Api api(billing_fixture());
  api.instance().clock().advance_ms(1000);
  ASSERT_EQ(api.call("POST", "/__sim/billing/plans",
                     Json{{"slug", "max"}, {"name", "Max"}, {"for_payer_type", "org"}, {"fee", 19900}}).status,
            200);
  Json orgs = body_of(api.call("GET", "/v1/billing/plans?payer_type=org"));
  EXPECT_EQ(orgs["total_count"], 4);
  EXPECT_EQ(orgs["data"][0]["slug"], "max");
  Json users = body_of(api.call("GET", "/v1/billing/plans?payer_type=user&limit=1"));
  EXPECT_EQ(users["total_count"], 2);
  EXPECT_EQ(users["data"].size(), 1u);
  EXPECT_TRUE(IsError(api.call("GET", "/v1/billing/plans?payer_type=team"), 422, "form_param_value_invalid",
                      "payer_type"));
}

TEST(Billing, MembershipsInBapiResponsesCarryOnlyBoughtPermissions) {
  Api api(billing_fixture());
  auto bob = [&] {
    Json list = body_of(api.call("GET", "/v1/organizations/org_acme/memberships?user_id=user_bob"));
    return list["data"][0]["permissions"];
  };
  EXPECT_EQ(bob(), (Json{"org:sys_memberships:read", "org:sys_billing:read"}));
  ASSERT_EQ(api.call("POST", "/__sim/organizations/org_acme/billing/subscribe", Json{{"plan", "pro"}}).status, 200);
  EXPECT_EQ(bob(), (Json{"org:sys_memberships:read", "org:sys_billing:read", "org:posts:read"}));
}

TEST(Billing, ClockAdvanceThroughTheControlPlaneRenewsAndLogsEvents) {
  Api api(billing_fixture());
  ASSERT_EQ(api.call("POST", "/__sim/organizations/org_acme/billing/subscribe", Json{{"plan", "pro"}}).status, 200);
  Json sub = body_of(api.call("GET", "/v1/organizations/org_acme/billing/subscription"));
  std::string item = sub["subscription_items"][0]["id"];
  ASSERT_EQ(api.call("DELETE", "/v1/billing/subscription_items/" + item).status, 200);
  ASSERT_EQ(api.call("DELETE", "/__sim/webhooks/events").status, 200);
  ASSERT_EQ(api.call("POST", "/__sim/clock", Json{{"advance_ms", 32 * kDay}}).status, 200);
  Json log = body_of(api.call("GET", "/__sim/webhooks/events"));
  ASSERT_EQ(log["total_count"], 3);
  EXPECT_EQ(log["data"][0]["type"], "subscriptionItem.ended");
  EXPECT_EQ(log["data"][0]["data"]["id"], item);
  EXPECT_EQ(log["data"][0]["data"]["status"], "ended");
  EXPECT_EQ(log["data"][0]["data"]["interval"], "month");
  EXPECT_EQ(log["data"][0]["data"]["plan"]["slug"], "pro");
  EXPECT_EQ(log["data"][0]["data"]["payer"]["organization_id"], "org_acme");
  EXPECT_EQ(log["data"][1]["type"], "subscriptionItem.active");
  EXPECT_EQ(log["data"][2]["type"], "subscription.updated");
  EXPECT_EQ(log["data"][2]["data"]["object"], "commerce_subscription");
  EXPECT_EQ(log["data"][2]["data"]["items"][0]["plan"]["slug"], "free");
  EXPECT_EQ(log["data"][2]["data"]["payer"]["organization_name"], "Acme Corp");
  Json after = body_of(api.call("GET", "/v1/organizations/org_acme/billing/subscription"));
  EXPECT_EQ(after["subscription_items"].size(), 1u);
  EXPECT_EQ(after["subscription_items"][0]["plan"]["slug"], "free");
}

TEST(Billing, DeletingAPayerDropsItsSubscription) {
  Instance inst = make_instance(billing_fixture());
  inst.subscribe("org", "org_globex", plan("pro"));
  inst.delete_organization("org_globex");
  for (const auto& s : inst.snapshot().billing.subscriptions) EXPECT_NE(s.owner_id, "org_globex");
  inst.delete_user("user_erin");
  for (const auto& s : inst.snapshot().billing.subscriptions) EXPECT_NE(s.owner_id, "user_erin");
}

// --- limits of time and input

TEST(Billing, YearsSkippedAtOnceRenewOnceIntoThePeriodHoldingNow) {
  Instance inst = make_instance(billing_fixture());
  inst.subscribe("org", "org_acme", plan("pro"));
  inst.take_events();
  advance(inst, 3650 * kDay);
  auto types = event_types(inst);
  EXPECT_EQ(types, (std::vector<std::string>{"subscriptionItem.updated", "subscription.updated"}));
  const SubscriptionItem* item = current(inst, "org_acme");
  ASSERT_NE(item, nullptr);
  int64_t now = inst.clock().now_ms();
  EXPECT_LE(item->period_start, now);
  ASSERT_TRUE(item->period_end.has_value());
  EXPECT_GT(*item->period_end, now);
  EXPECT_LE(*item->period_end - item->period_start, 31 * kDay);
}

TEST(Billing, TheClockStaysWithinClerksYears) {
  Api api(billing_fixture());
  EXPECT_TRUE(IsError(api.call("POST", "/__sim/clock", Json{{"set_ms", -1}}), 422, "form_param_value_invalid", "set_ms"));
  EXPECT_TRUE(IsError(api.call("POST", "/__sim/clock", Json{{"advance_ms", 100000000000000000LL}}), 422,
                      "form_param_value_invalid", "advance_ms"));
  EXPECT_EQ(api.instance().clock().now_ms(), kStart) << "a refused move leaves the clock where it was";
}

TEST(Billing, PayersStartOnTheFreePlanSilentlyWhileTheirBillingIsOff) {
  Instance inst = make_instance(billing_fixture(true, false));
  NewUser u;
  u.email_addresses = {"zoe@example.test"};
  inst.create_user(u);
  auto types = event_types(inst);
  EXPECT_EQ(types, std::vector<std::string>{"user.created"});
}

TEST(Billing, TrialsAreAYearAtMost) {
  Instance inst = make_instance(billing_fixture());
  NewPlan p;
  p.slug = "long";
  p.name = "Long";
  p.payer_type = "org";
  p.fee = 100;
  p.free_trial_days = 366;
  EXPECT_TRUE(FailsWith([&] { inst.create_plan(p); }, 422, "form_param_value_invalid", "free_trial_days"));
}

TEST(BillingFixture, AnIdUsedTwiceIsRefused) {
  Json f = billing_fixture();
  f["billing"]["features"][0]["id"] = "feat_same";
  f["billing"]["features"][1]["id"] = "feat_same";
  try {
    load_fixture(f, kSeed, true);
    FAIL() << "two features with one id loaded";
  } catch (const FixtureError& e) {
    EXPECT_EQ(e.where, "/billing/features/1/id");
  }
}

TEST(Billing, BuyingACanceledPlanAgainUndoesTheCancellation) {
  Instance inst = make_instance(billing_fixture());
  inst.subscribe("org", "org_acme", plan("pro"));
  const SubscriptionItem* pro = current(inst, "org_acme");
  ASSERT_NE(pro, nullptr);
  std::string id = pro->id;
  int64_t end = *pro->period_end;
  inst.cancel_subscription_item(id, false);
  inst.take_events();
  inst.subscribe("org", "org_acme", plan("pro"));
  EXPECT_EQ(event_types(inst),
            (std::vector<std::string>{"subscriptionItem.abandoned", "subscriptionItem.active", "subscription.updated"}));
  pro = current(inst, "org_acme");
  ASSERT_NE(pro, nullptr);
  EXPECT_EQ(pro->id, id) << "the same item goes on";
  EXPECT_EQ(pro->status, "active");
  EXPECT_FALSE(pro->canceled_at.has_value());
  EXPECT_EQ(*pro->period_end, end);
  advance(inst, 40 * kDay);
  EXPECT_EQ(plan_slug(inst, current(inst, "org_acme")), "pro") << "it renews instead of ending";
}

#pragma once
// Billing as plain data: features, plans, the billing switch, and each payer's
// subscription with its items. Rules live in Instance (billing.cpp).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace clerksim {

struct Feature {
  std::string id;
  uint64_t seq = 0;
  std::string slug;  // what tokens carry in `fea` and permission keys name: org:<slug>:<action>
  std::string name;
  std::optional<std::string> description;
  int64_t created_at = 0;
  int64_t updated_at = 0;

  bool operator==(const Feature&) const = default;
};

// A plan for one payer type. Amounts are cents of USD.
struct Plan {
  std::string id;
  uint64_t seq = 0;
  std::string slug;  // unique within its payer type
  std::string name;
  std::optional<std::string> description;
  std::string payer_type = "org";  // "org" | "user"
  std::string product_id;
  int64_t fee = 0;                 // per month, billed monthly
  int64_t annual_monthly_fee = 0;  // per month, billed annually; 0 = no annual billing
  bool is_default = false;         // the free plan every payer of its type starts on
  bool publicly_visible = true;
  std::vector<std::string> features;   // feature slugs
  std::optional<int64_t> seat_limit;   // organizations only: the member cap the plan sets
  int64_t free_trial_days = 0;         // 0 = no free trial
  int64_t created_at = 0;
  int64_t updated_at = 0;

  bool operator==(const Plan&) const = default;
};

// One plan held by a payer for a stretch of time.
// status: "active", "canceled" (still in use until period_end), "upcoming" (starts at
// period_start), "ended", "abandoned" (an upcoming item that never started).
struct SubscriptionItem {
  std::string id;
  uint64_t seq = 0;
  std::string subscription_id;
  std::string plan_id;
  std::string plan_period = "month";  // "month" | "annual"
  std::string status = "active";
  bool is_free_trial = false;
  bool trial_ending_announced = false;  // subscriptionItem.freeTrialEnding was sent
  std::optional<int64_t> seats;         // seat quantity; none = no seat limit
  int64_t period_start = 0;
  std::optional<int64_t> period_end;    // none: runs until changed (free default plans)
  std::optional<int64_t> canceled_at, ended_at, past_due_at;
  int64_t created_at = 0;
  int64_t updated_at = 0;

  bool operator==(const SubscriptionItem&) const = default;
};

// The one subscription of a payer (an organization or a user).
struct Subscription {
  std::string id;
  uint64_t seq = 0;
  std::string payer_id;  // "cpayer_..."
  std::string payer_type = "org";
  std::string owner_id;  // the organization's or the user's id
  std::string status = "active";
  bool had_free_trial = false;
  std::optional<int64_t> active_at, past_due_at;
  int64_t created_at = 0;
  int64_t updated_at = 0;

  bool operator==(const Subscription&) const = default;
};

struct BillingSettings {
  bool organizations = false;  // billing for organization payers
  bool users = false;          // billing for user payers

  bool operator==(const BillingSettings&) const = default;
};

struct BillingState {
  BillingSettings settings;
  std::vector<Feature> features;
  std::vector<Plan> plans;
  std::vector<Subscription> subscriptions;
  std::vector<SubscriptionItem> items;

  bool operator==(const BillingState&) const = default;
};

// What the control plane (and a fixture) may say about a new feature or plan.
struct NewFeature {
  std::string slug, name;
  std::optional<std::string> description;
};

struct NewPlan {
  std::string slug, name, payer_type;
  std::optional<std::string> description;
  int64_t fee = 0, annual_monthly_fee = 0;
  bool is_default = false, publicly_visible = true;
  std::vector<std::string> features;
  std::optional<int64_t> seat_limit;
  int64_t free_trial_days = 0;
};

// A completed checkout: the plan (by slug) a payer switches to.
struct Checkout {
  std::string plan;
  std::string period = "month";
  std::optional<int64_t> seats;
  bool free_trial = false;
};

struct SubscriptionItemQuery {
  std::optional<std::string> status;      // active, ended, past_due, upcoming, free_trial
  std::optional<std::string> payer_type;  // user, org
  std::optional<std::string> plan_id;
  std::optional<std::string> query;       // part of the payer's name or email, or the plan's name or slug
  bool include_free = false;
};

}  // namespace clerksim

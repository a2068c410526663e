// Billing: features, plans, one subscription per payer, plan switches as a completed
// checkout would make them, and what the instance clock does to subscription items.
#include <algorithm>
#include <ctime>
#include <utility>
#include <set>

#include "core/faults.hpp"
#include "core/text.hpp"
#include "domain/instance.hpp"
#include "domain/rules.hpp"
#include "domain/listing.hpp"

namespace clerksim {

namespace {

constexpr int64_t kDayMs = 24LL * 60 * 60 * 1000;
constexpr int64_t kTrialEndingNoticeMs = 3 * kDayMs;  // freeTrialEnding is sent this long before a trial ends
constexpr int64_t kMaxTrialExtensionMs = 365 * kDayMs;
constexpr int64_t kMaxTrialDays = 365;

// `ms` plus whole months on the UTC calendar; a day past the end of the target month
// becomes its last day (Jan 31 + 1 month = Feb 28).
int64_t add_months(int64_t ms, int months) {
  int64_t millis = ((ms % 1000) + 1000) % 1000;
  std::time_t seconds = static_cast<std::time_t>((ms - millis) / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  int day = tm.tm_mday;
  tm.tm_mday = 1;
  tm.tm_mon += months;
  std::time_t first = timegm(&tm);  // normalises month and year
  gmtime_r(&first, &tm);
  static const int lengths[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int year = tm.tm_year + 1900;
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  int last = lengths[tm.tm_mon] + (tm.tm_mon == 1 && leap ? 1 : 0);
  tm.tm_mday = std::min(day, last);
  return static_cast<int64_t>(timegm(&tm)) * 1000 + millis;
}

int64_t period_after(int64_t start, const std::string& period) {
  return add_months(start, period == "annual" ? 12 : 1);
}

bool is_free(const Plan& p) { return p.fee == 0 && p.annual_monthly_fee == 0; }

ClerkError billing_off(const std::string& payer_type) {
  return {403, "billing_not_enabled", "access denied",
          std::string("Billing for ") + (payer_type == "org" ? "organizations" : "users") +
              " is turned off for this instance; turn it on with POST /__sim/billing/settings."};
}

ClerkError item_not_found(const std::string& id) {
  return {404, "subscription_item_not_found", "Subscription item not found",
          "There is no subscription item with id '" + id + "'.", {{"param_name", "subscription_item_id"}}};
}

ClerkError cannot_cancel(const std::string& why) {
  return {422, "commerce_subscription_item_cannot_be_canceled", "Subscription item cannot be canceled",
          "This subscription item cannot be canceled: " + why + "."};
}

void require_payer_type(const std::string& value, const std::string& param) {
  if (value != "org" && value != "user")
    throw ClerkError::param_value(param, param + " must be 'org' or 'user'.");
}

// "org:<feature>:<action>" -> <feature>; system permissions have none that billing gates.
std::optional<std::string> gated_feature(const std::string& permission_key) {
  if (starts_with(permission_key, "org:sys_")) return std::nullopt;
  auto first = permission_key.find(':'), second = permission_key.find(':', first + 1);
  if (first == std::string::npos || second == std::string::npos) return std::nullopt;
  return permission_key.substr(first + 1, second - first - 1);
}

}  // namespace

// --- the switch

bool Instance::billing_enabled(const std::string& payer_type) const {
  return payer_type == "org" ? billing_.organizations : billing_.users;
}

void Instance::require_billing_enabled(const std::string& payer_type) const {
  if (!billing_enabled(payer_type)) throw billing_off(payer_type);
}

const BillingSettings& Instance::update_billing_settings(std::optional<bool> organizations, std::optional<bool> users) {
  if (organizations) billing_.organizations = *organizations;
  if (users) billing_.users = *users;
  return billing_;
}

// --- features and plans

const Feature* Instance::find_feature(const std::string& slug) const {
  for (const auto& [id, f] : features_)
    if (f.slug == slug) return &f;
  return nullptr;
}

std::vector<const Feature*> Instance::plan_features(const Plan& plan) const {
  std::vector<const Feature*> out;
  for (const auto& slug : plan.features)
    if (const Feature* f = find_feature(slug)) out.push_back(f);
  return out;
}

namespace {
void require_billing_slug(const std::string& slug, const std::string& param) {
  if (slug.empty()) throw ClerkError::param_missing(param);
  if (!valid_billing_slug(slug))
    throw ClerkError::param_value(param, param + " may hold lower-case letters, digits, '-' and '_' only.");
}
}  // namespace

const Feature& Instance::create_feature(const NewFeature& in) {
  require_billing_slug(in.slug, "slug");
  if (trim(in.name).empty()) throw ClerkError::param_missing("name");
  if (find_feature(in.slug))
    throw ClerkError::identifier_exists("slug", "A feature with slug '" + in.slug + "' already exists.");
  int64_t now = clock_.now_ms();
  Feature f;
  f.id = ids_.next("feat");
  f.seq = next_seq();
  f.slug = in.slug;
  f.name = in.name;
  f.description = in.description;
  f.created_at = f.updated_at = now;
  return *features_.insert(f.id, std::move(f)).first;
}

const Plan* Instance::default_plan(const std::string& payer_type) const {
  for (const auto& [id, p] : plans_)
    if (p.is_default && p.payer_type == payer_type) return &p;
  return nullptr;
}

const Plan* Instance::find_plan(const std::string& id) const {
  auto it = plans_.find(id);
  return it == plans_.end() ? nullptr : &it->second;
}

const Plan& Instance::create_plan(const NewPlan& in) {
  require_payer_type(in.payer_type, "for_payer_type");
  require_billing_slug(in.slug, "slug");
  if (trim(in.name).empty()) throw ClerkError::param_missing("name");
  for (const auto& [id, p] : plans_)
    if (p.slug == in.slug && p.payer_type == in.payer_type)
      throw ClerkError::identifier_exists("slug", "A " + in.payer_type + " plan with slug '" + in.slug +
                                                      "' already exists.");
  if (in.fee < 0) throw ClerkError::param_value("fee", "fee must not be negative.");
  if (in.annual_monthly_fee < 0)
    throw ClerkError::param_value("annual_monthly_fee", "annual_monthly_fee must not be negative.");
  if ((in.fee > 0 && in.fee < 100) || (in.annual_monthly_fee > 0 && in.annual_monthly_fee < 100))
    throw ClerkError(422, "plan_amount_invalid", "Paid plan month or annual fee invalid",
                     "A paid plan costs at least 100 cents a month.", {{"param_name", "fee"}});
  if (in.fee >= 99999999 || in.annual_monthly_fee >= 99999999)
    throw ClerkError(422, "plan_amount_exceeds_upper_limit", "Paid plan monthly base fee exceeds upper limit",
                     "A plan's monthly fee must be below $999,999.99.", {{"param_name", "fee"}});
  if (in.is_default) {
    if (in.fee != 0 || in.annual_monthly_fee != 0)
      throw ClerkError::param_value("is_default", "The default plan is free: give it no fee.");
    if (default_plan(in.payer_type))
      throw ClerkError::param_value("is_default", "There already is a default " + in.payer_type + " plan.");
  }
  if (in.seat_limit) {
    if (in.payer_type != "org")
      throw ClerkError(422, "unit_prices_not_allowed_for_user_plans", "Unit prices not allowed for user plans",
                       "Only organization plans can limit seats.", {{"param_name", "seat_limit"}});
    if (*in.seat_limit < 1) throw ClerkError::param_value("seat_limit", "seat_limit must be at least 1.");
  }
  if (in.free_trial_days < 0 || in.free_trial_days > kMaxTrialDays)
    throw ClerkError::param_value("free_trial_days", "free_trial_days is between 0 and 365.");
  if (in.free_trial_days > 0 && in.fee == 0 && in.annual_monthly_fee == 0)
    throw ClerkError::param_value("free_trial_days", "Only a paid plan can have a free trial.");
  std::set<std::string> seen;
  for (const auto& slug : in.features) {
    if (!find_feature(slug))
      throw ClerkError::param_value("features", "There is no feature with slug '" + slug +
                                                    "'; create it with POST /__sim/billing/features first.");
    if (!seen.insert(slug).second)
      throw ClerkError::param_value("features", "The feature '" + slug + "' is listed twice.");
  }
  int64_t now = clock_.now_ms();
  Plan p;
  p.id = ids_.next("cplan");
  p.seq = next_seq();
  p.slug = in.slug;
  p.name = in.name;
  p.description = in.description;
  p.payer_type = in.payer_type;
  p.product_id = ids_.next("cprod");
  p.fee = in.fee;
  p.annual_monthly_fee = in.annual_monthly_fee;
  p.is_default = in.is_default;
  p.publicly_visible = in.publicly_visible;
  p.features = in.features;
  p.seat_limit = in.seat_limit;
  p.free_trial_days = in.free_trial_days;
  p.created_at = p.updated_at = now;
  const Plan& stored = *plans_.insert(p.id, std::move(p)).first;
  // Every payer of the type starts on the default plan, those that exist already included.
  if (stored.is_default) {
    if (stored.payer_type == "org")
      for (const auto& [id, o] : organizations_) start_default_subscription("org", id, true);
    else
      for (const auto& [id, u] : users_) start_default_subscription("user", id, true);
  }
  return stored;
}

Page<Plan> Instance::list_plans(const std::optional<std::string>& payer_type, const ListWindow& w) const {
  if (payer_type) require_payer_type(*payer_type, "payer_type");
  std::vector<const Plan*> items;
  for (const auto& [id, p] : plans_)
    if (!payer_type || p.payer_type == *payer_type) items.push_back(&p);
  order_items(items, OrderBy{"created_at", true},
              [](const Plan& p, const std::string&) -> SortValue { return p.created_at; });
  return paginate(items, w.limit, w.offset);
}

// --- subscriptions

Subscription* Instance::subscription_of(const std::string& owner_id) {
  const Subscription* found = std::as_const(*this).subscription_of(owner_id);
  return found ? &subscriptions_.mut(found->id) : nullptr;
}

const Subscription* Instance::subscription_of(const std::string& owner_id) const {
  for (const auto& [id, s] : subscriptions_)
    if (s.owner_id == owner_id) return &s;
  return nullptr;
}

const Subscription* Instance::find_subscription(const std::string& id) const {
  auto it = subscriptions_.find(id);
  return it == subscriptions_.end() ? nullptr : &it->second;
}

const SubscriptionItem* Instance::find_subscription_item(const std::string& id) const {
  auto it = items_.find(id);
  return it == items_.end() ? nullptr : &it->second;
}

std::vector<const SubscriptionItem*> Instance::subscription_items(const std::string& subscription_id) const {
  std::vector<const SubscriptionItem*> out;
  for (const auto& [id, item] : items_)
    if (item.subscription_id == subscription_id) out.push_back(&item);
  std::sort(out.begin(), out.end(), [](const SubscriptionItem* a, const SubscriptionItem* b) { return a->seq < b->seq; });
  return out;
}

// The item that gives the payer its plan now: active, or canceled but still running.
SubscriptionItem* Instance::current_item(const std::string& subscription_id) {
  const SubscriptionItem* found = std::as_const(*this).current_item(subscription_id);
  return found ? &items_.mut(found->id) : nullptr;
}

const SubscriptionItem* Instance::current_item(const std::string& subscription_id) const {
  for (const auto& [id, item] : items_)
    if (item.subscription_id == subscription_id && (item.status == "active" || item.status == "canceled")) return &item;
  return nullptr;
}

SubscriptionItem* Instance::upcoming_item(const std::string& subscription_id) {
  for (const auto& [id, item] : items_)
    if (item.subscription_id == subscription_id && item.status == "upcoming") return &items_.mut(id);
  return nullptr;
}

void Instance::emit_item(const std::string& type, const SubscriptionItem& item) {
  emit(DomainEvent(type, "commerce_subscription_item", item.id));
}

void Instance::emit_subscription(const std::string& type, const Subscription& sub) {
  emit(DomainEvent(type, "commerce_subscription", sub.id));
}

SubscriptionItem& Instance::start_item(Subscription& sub, const Plan& plan, const std::string& period,
                                       std::optional<int64_t> seats, bool free_trial, int64_t start, bool upcoming) {
  int64_t now = clock_.now_ms();
  SubscriptionItem item;
  item.id = ids_.next("csubi");
  item.seq = next_seq();
  item.subscription_id = sub.id;
  item.plan_id = plan.id;
  item.plan_period = period;
  item.status = upcoming ? "upcoming" : "active";
  item.is_free_trial = free_trial;
  item.seats = seats;
  item.period_start = start;
  if (free_trial) item.period_end = start + plan.free_trial_days * kDayMs;
  else if (!is_free(plan)) item.period_end = period_after(start, period);
  item.created_at = item.updated_at = now;
  if (free_trial) sub.had_free_trial = true;
  SubscriptionItem& stored = *items_.insert(item.id, std::move(item)).first;
  emit_item(upcoming ? "subscriptionItem.upcoming" : "subscriptionItem.active", stored);
  return stored;
}

void Instance::start_default_subscription(const std::string& payer_type, const std::string& owner_id, bool announce) {
  if (default_plan(payer_type) && !subscription_of(owner_id)) ensure_subscription(payer_type, owner_id, announce);
}

Subscription& Instance::ensure_subscription(const std::string& payer_type, const std::string& owner_id,
                                            bool announce) {
  if (Subscription* existing = subscription_of(owner_id)) return *existing;
  size_t events_before = events_.size();
  const Plan* plan = default_plan(payer_type);
  int64_t now = clock_.now_ms();
  Subscription sub;
  sub.id = ids_.next("csub");
  sub.seq = next_seq();
  sub.payer_id = ids_.next("cpayer");
  sub.payer_type = payer_type;
  sub.owner_id = owner_id;
  sub.status = "active";
  sub.active_at = now;
  sub.created_at = sub.updated_at = now;
  Subscription& stored = *subscriptions_.insert(sub.id, std::move(sub)).first;
  if (announce) emit_subscription("subscription.created", stored);
  if (plan) start_item(stored, *plan, "month", std::nullopt, false, now, false);
  if (announce) emit_subscription("subscription.active", stored);
  else events_.erase(events_.begin() + static_cast<std::ptrdiff_t>(events_before), events_.end());
  return stored;
}

void Instance::drop_billing_payer(const std::string& owner_id) {
  const Subscription* sub = subscription_of(owner_id);
  if (!sub) return;
  std::string id = sub->id;
  items_.erase_if([&](const std::string&, const SubscriptionItem& item) { return item.subscription_id == id; });
  subscriptions_.erase(id);
}

const Subscription& Instance::get_payer_subscription(const std::string& payer_type, const std::string& owner_id) const {
  std::string id = payer_type == "org" ? get_organization(owner_id).id : get_user(owner_id).id;
  require_billing_enabled(payer_type);
  const Subscription* sub = subscription_of(id);
  if (!sub)
    throw ClerkError(404, "subscription_not_found", "Subscription not found",
                     "'" + id + "' has no subscription: the instance has no default " + payer_type +
                         " plan and it never subscribed to one.");
  return *sub;
}

const Subscription& Instance::subscribe(const std::string& payer_type, const std::string& owner_ref,
                                        const Checkout& in) {
  require_payer_type(payer_type, "payer_type");
  std::string owner_id = payer_type == "org" ? get_organization(owner_ref).id : get_user(owner_ref).id;
  require_billing_enabled(payer_type);
  const Plan* plan = nullptr;
  for (const auto& [id, p] : plans_)
    if (p.slug == in.plan && p.payer_type == payer_type) plan = &p;
  if (in.plan.empty()) throw ClerkError::param_missing("plan");
  if (!plan)
    throw ClerkError(404, "plan_not_found", "Plan not found",
                     "There is no " + payer_type + " plan with slug '" + in.plan + "'.", {{"param_name", "plan"}});
  if (in.period != "month" && in.period != "annual")
    throw ClerkError::param_value("period", "period must be 'month' or 'annual'.");
  if (in.period == "annual" && !is_free(*plan) && plan->annual_monthly_fee == 0)
    throw ClerkError::param_value("period", "The plan '" + plan->slug + "' has no annual price.");
  if (in.seats && !plan->seat_limit)
    throw ClerkError::param_value("seats", "The plan '" + plan->slug + "' does not sell seats.");
  if (in.seats && (*in.seats < 1 || *in.seats > *plan->seat_limit))
    throw ClerkError::param_value("seats", "The plan '" + plan->slug + "' sells between 1 and " +
                                               std::to_string(*plan->seat_limit) + " seats.");
  std::optional<int64_t> seats = in.seats ? in.seats : plan->seat_limit;
  if (seats) {
    int64_t occupied = members_count(owner_id) + pending_invitations_count(owner_id);
    if (occupied > *seats)
      throw ClerkError(422, "plan_seat_limit_exceeded", "Plan seat limit exceeded",
                       "The organization has " + std::to_string(occupied) +
                           " members and pending invitations, but the plan '" + plan->slug + "' allows " +
                           std::to_string(*seats) + ". Remove members or revoke invitations first.",
                       {{"plan_seat_limit", *seats}, {"current_members", occupied}});
  }
  const Subscription* existing = subscription_of(owner_id);
  if (in.free_trial) {
    if (plan->free_trial_days == 0)
      throw ClerkError(403, "plan_free_trials_disabled", "Free trials disabled",
                       "The plan '" + plan->slug + "' has no free trial.", {{"param_name", "free_trial"}});
    if (existing && existing->had_free_trial)
      throw ClerkError::param_value("free_trial", "This payer has had a free trial already.");
  }
  // --- commit
  bool fresh = existing == nullptr;
  Subscription& sub = fresh ? ensure_subscription(payer_type, owner_id, true) : *subscription_of(owner_id);
  int64_t now = clock_.now_ms();
  SubscriptionItem* current = current_item(sub.id);
  const bool same = current && current->plan_id == plan->id && current->plan_period == in.period &&
                    current->seats == seats && !in.free_trial;
  if (same && current->status == "active") return sub;  // already on it: a checkout for the same thing changes nothing
  auto abandon_upcoming = [&] {
    if (SubscriptionItem* next = upcoming_item(sub.id)) {
      next->status = "abandoned";
      next->updated_at = now;
      emit_item("subscriptionItem.abandoned", *next);
    }
  };
  if (same && current->status == "canceled") {
    // Buying again what was canceled but still runs undoes the cancellation: the
    // period goes on, and the plan queued to follow it is dropped.
    abandon_upcoming();
    current->status = "active";
    current->canceled_at.reset();
    current->updated_at = now;
    emit_item("subscriptionItem.active", *current);
  } else {
    if (current) {
      current->status = "ended";
      current->ended_at = now;
      current->updated_at = now;
      emit_item("subscriptionItem.ended", *current);
    }
    abandon_upcoming();
    start_item(sub, *plan, in.period, seats, in.free_trial, now, false);
    sub.status = "active";
    if (!sub.active_at) sub.active_at = now;
  }
  sub.updated_at = now;
  emit_subscription("subscription.updated", sub);
  return sub;
}

Page<SubscriptionItem> Instance::list_subscription_items(const SubscriptionItemQuery& q, const ListWindow& w) const {
  static const std::vector<std::string> statuses = {"active", "ended", "past_due", "upcoming", "free_trial"};
  if (q.status && std::find(statuses.begin(), statuses.end(), *q.status) == statuses.end())
    throw ClerkError::param_value("status", "status must be one of active, ended, past_due, upcoming, free_trial.");
  if (q.payer_type) require_payer_type(*q.payer_type, "payer_type");
  std::vector<const SubscriptionItem*> items;
  for (const auto& [id, item] : items_) {
    const Subscription* sub = find_subscription(item.subscription_id);
    const Plan* plan = find_plan(item.plan_id);
    if (!sub || !plan) continue;
    if (q.payer_type && sub->payer_type != *q.payer_type) continue;
    if (q.plan_id && item.plan_id != *q.plan_id) continue;
    if (!q.include_free && plan->is_default) continue;
    if (q.status) {
      if (*q.status == "free_trial") {
        if (!item.is_free_trial || (item.status != "active" && item.status != "canceled")) continue;
      } else if (item.status != *q.status) {
        continue;
      }
    }
    if (q.query) {
      std::vector<std::string> haystack = {plan->name, plan->slug};
      if (sub->payer_type == "org") {
        if (const Organization* o = find_organization(sub->owner_id)) haystack.push_back(o->name);
      } else if (const User* u = find_user(sub->owner_id)) {
        if (u->first_name) haystack.push_back(*u->first_name);
        if (u->last_name) haystack.push_back(*u->last_name);
        for (const auto& e : u->email_addresses) haystack.push_back(e.email_address);
      }
      if (std::none_of(haystack.begin(), haystack.end(), [&](const std::string& h) { return contains_ci(h, *q.query); }))
        continue;
    }
    items.push_back(&item);
  }
  order_items(items, OrderBy{"created_at", true},
              [](const SubscriptionItem& i, const std::string&) -> SortValue { return i.created_at; });
  return paginate(items, w.limit, w.offset);
}

const SubscriptionItem& Instance::cancel_subscription_item(const std::string& id, bool end_now) {
  SubscriptionItem* found = items_.find_mut(id);
  if (!found) throw item_not_found(id);
  SubscriptionItem& item = *found;
  Subscription& sub = subscriptions_.mut(item.subscription_id);
  require_billing_enabled(sub.payer_type);
  const Plan& plan = plans_.at(item.plan_id);
  if (item.status == "canceled")
    throw ClerkError(400, "commerce_subscription_item_already_canceled", "Subscription item already canceled",
                     "Subscription item '" + item.id + "' was canceled already.");
  if (item.status == "ended" || item.status == "abandoned") throw cannot_cancel("it has " + item.status);
  if (item.status == "upcoming") throw cannot_cancel("it has not started");
  if (plan.is_default) throw cannot_cancel("it is the default plan, which every payer falls back to");
  // --- commit
  int64_t now = clock_.now_ms();
  const Plan* fallback = default_plan(sub.payer_type);
  item.canceled_at = now;
  item.updated_at = now;
  if (end_now || !item.period_end) {
    item.status = "ended";
    item.ended_at = now;
    emit_item("subscriptionItem.canceled", item);
    emit_item("subscriptionItem.ended", item);
    if (fallback) start_item(sub, *fallback, "month", std::nullopt, false, now, false);
  } else {
    item.status = "canceled";
    emit_item("subscriptionItem.canceled", item);
    if (fallback) start_item(sub, *fallback, "month", std::nullopt, false, *item.period_end, true);
  }
  sub.updated_at = now;
  emit_subscription("subscription.updated", sub);
  return item;
}

const SubscriptionItem& Instance::extend_free_trial(const std::string& id, int64_t extend_to_ms) {
  SubscriptionItem* found = items_.find_mut(id);
  if (!found) throw item_not_found(id);
  SubscriptionItem& item = *found;
  const Subscription& sub = subscriptions_.at(item.subscription_id);
  require_billing_enabled(sub.payer_type);
  const Plan& plan = plans_.at(item.plan_id);
  if (plan.free_trial_days == 0)
    throw ClerkError(403, "plan_free_trials_disabled", "Free trials disabled",
                     "The plan '" + plan.slug + "' has no free trial.");
  if (!item.is_free_trial || (item.status != "active" && item.status != "canceled") || !item.period_end)
    throw ClerkError(403, "subscription_item_not_in_free_trial", "Subscription item is not in free trial",
                     "Subscription item '" + item.id + "' is not in a free trial.");
  if (extend_to_ms == *item.period_end) return item;  // the same date again changes nothing
  int64_t now = clock_.now_ms();
  if (extend_to_ms <= now) throw ClerkError::param_value("extend_to", "extend_to must lie in the future.");
  if (extend_to_ms < *item.period_end)
    throw ClerkError::param_value("extend_to", "extend_to must not be before the trial's current end.");
  if (extend_to_ms > *item.period_end + kMaxTrialExtensionMs)
    throw ClerkError::param_value("extend_to", "A trial can be extended by at most 365 days past its current end.");
  item.period_end = extend_to_ms;
  item.trial_ending_announced = false;
  item.updated_at = now;
  emit_item("subscriptionItem.updated", item);
  return item;
}

// --- time

bool Instance::advance_subscription(Subscription& sub, int64_t now) {
  SubscriptionItem* item = current_item(sub.id);
  if (!item || !item->period_end) return false;
  int64_t end = *item->period_end;
  if (item->is_free_trial && item->status == "active" && !item->trial_ending_announced &&
      now >= end - kTrialEndingNoticeMs) {
    item->trial_ending_announced = true;
    item->updated_at = now;
    emit_item("subscriptionItem.freeTrialEnding", *item);
    return true;
  }
  if (now < end) return false;
  if (item->status == "canceled") {
    item->status = "ended";
    item->ended_at = end;
    item->updated_at = now;
    emit_item("subscriptionItem.ended", *item);
    if (SubscriptionItem* next = upcoming_item(sub.id)) {
      next->status = "active";
      next->period_start = end;
      next->updated_at = now;
      emit_item("subscriptionItem.active", *next);
    }
  } else {
    // A trial turns into the paid plan; a paid period renews. However many periods
    // the clock skipped, the item lands in the one holding now, with one event.
    item->is_free_trial = false;
    int64_t start = end;
    int64_t next = period_after(start, item->plan_period);
    while (next <= now) {
      start = next;
      next = period_after(start, item->plan_period);
    }
    item->period_start = start;
    item->period_end = next;
    item->updated_at = now;
    emit_item("subscriptionItem.updated", *item);
  }
  sub.updated_at = now;
  emit_subscription("subscription.updated", sub);
  return true;
}

void Instance::advance_billing() {
  int64_t now = clock_.now_ms();
  std::vector<std::string> ids;
  for (const auto& [id, sub] : subscriptions_) ids.push_back(id);
  for (const auto& id : ids)
    while (advance_subscription(subscriptions_.mut(id), now)) {
    }
}

// --- consequences

const Plan* Instance::active_plan(const std::string& payer_type, const std::string& owner_id) const {
  if (!billing_enabled(payer_type)) return nullptr;
  const Subscription* sub = subscription_of(owner_id);
  if (!sub) return nullptr;
  const SubscriptionItem* item = current_item(sub->id);
  return item ? find_plan(item->plan_id) : nullptr;
}

int64_t Instance::member_limit(const Organization& org) const {
  if (billing_enabled("org"))
    if (const Subscription* sub = subscription_of(org.id))
      if (const SubscriptionItem* item = current_item(sub->id); item && item->seats) return *item->seats;
  return org.max_allowed_memberships;
}

bool Instance::member_limit_managed_by_billing(const Organization& org) const {
  if (!billing_enabled("org")) return false;
  const Subscription* sub = subscription_of(org.id);
  const SubscriptionItem* item = sub ? current_item(sub->id) : nullptr;
  return item && item->seats;
}

void Instance::require_member_limit_editable(const Organization& org) const {
  if (member_limit_managed_by_billing(org))
    throw ClerkError(400, "organization_member_limit_managed_by_billing", "member limit managed by Billing",
                     "The organization's plan sets its member limit; change the plan's seats instead.",
                     {{"param_name", "max_allowed_memberships"}});
}

std::vector<std::string> Instance::membership_permissions(const Membership& m) const {
  std::vector<std::string> keys = role_permissions(m.role);
  if (!billing_enabled("org") || faults::active(faults::Fault::billing_gate_off)) return keys;
  const Plan* plan = active_plan("org", m.organization_id);
  std::vector<std::string> out;
  for (const auto& key : keys) {
    auto feature = gated_feature(key);
    if (!feature || (plan && std::count(plan->features.begin(), plan->features.end(), *feature)))
      out.push_back(key);
  }
  return out;
}

// With billing on for a payer type, `pla` and `fea` carry the payer's plan and its
// features, and an organization's custom permissions need their feature in its plan.
void Instance::apply_billing_claims(SessionClaims& c) const {
  if (c.org && billing_enabled("org")) {
    const Plan* plan = active_plan("org", c.org->id);
    std::vector<std::string> features = plan ? plan->features : std::vector<std::string>{};
    std::vector<std::string> kept;
    for (const auto& key : c.org->permissions) {
      auto feature = gated_feature(key);
      if (!feature || std::count(features.begin(), features.end(), *feature)) kept.push_back(key);
    }
    if (faults::active(faults::Fault::billing_gate_off)) {
      kept = c.org->permissions;  // and the features of every permission, so they decode
      for (const auto& key : kept)
        if (auto f = gated_feature(key); f && !std::count(features.begin(), features.end(), *f)) features.push_back(*f);
    }
    c.org->permissions = kept;
    c.org_features = features;
    c.org_plans.clear();
    if (plan) c.org_plans.push_back(plan->slug);
  }
  if (billing_enabled("user"))
    if (const Plan* plan = active_plan("user", c.user_id)) {
      c.user_plans = {plan->slug};
      c.user_features = plan->features;
    }
}

// --- state

void Instance::load_billing(const BillingState& state) {
  billing_ = state.settings;
  for (auto f : state.features) { f.seq = next_seq(); features_.insert(f.id, f); }
  for (auto p : state.plans) { p.seq = next_seq(); plans_.insert(p.id, p); }
  for (auto s : state.subscriptions) { s.seq = next_seq(); subscriptions_.insert(s.id, s); }
  for (auto i : state.items) { i.seq = next_seq(); items_.insert(i.id, i); }
  // Payers the state names without a subscription start on their default plan.
  for (const auto& [id, o] : organizations_) start_default_subscription("org", id, false);
  for (const auto& [id, u] : users_) start_default_subscription("user", id, false);
}

namespace {
template <class T, class Map>
std::vector<T> by_seq(const Map& map) {
  std::vector<T> out;
  for (const auto& [key, value] : map) out.push_back(value);
  std::sort(out.begin(), out.end(), [](const T& a, const T& b) { return a.seq < b.seq; });
  return out;
}
}  // namespace

BillingState Instance::billing_snapshot() const {
  BillingState s;
  s.settings = billing_;
  s.features = by_seq<Feature>(features_);
  s.plans = by_seq<Plan>(plans_);
  s.subscriptions = by_seq<Subscription>(subscriptions_);
  s.items = by_seq<SubscriptionItem>(items_);
  return s;
}

}  // namespace clerksim

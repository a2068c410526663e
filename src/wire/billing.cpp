#include "wire/billing.hpp"

#include <algorithm>
#include <ctime>
#include <set>

#include "wire/encode.hpp"
#include "wire/fixture.hpp"
#include "wire/fixture_node.hpp"

namespace clerksim {

namespace {

// Cents of USD as Clerk shows money: {"amount": 4999, "amount_formatted": "$49.99", ...}.
std::string format_cents(int64_t cents) {
  std::string sign = cents < 0 ? "-$" : "$";
  int64_t abs = cents < 0 ? -cents : cents;
  std::string frac = std::to_string(abs % 100);
  if (frac.size() < 2) frac = "0" + frac;
  return sign + std::to_string(abs / 100) + "." + frac;
}

Json money(int64_t cents) {
  return {{"amount", cents}, {"amount_formatted", format_cents(cents)}, {"currency", "USD"}, {"currency_symbol", "$"}};
}

bool is_free(const Plan& p) { return p.fee == 0 && p.annual_monthly_fee == 0; }

// What one period of the item costs: a month's fee, or twelve annual-billing months.
int64_t period_amount(const Plan& p, const std::string& period) {
  return period == "annual" ? p.annual_monthly_fee * 12 : p.fee;
}

Json annual_money(const Plan& p, int64_t months) {
  if (p.annual_monthly_fee > 0) return money(p.annual_monthly_fee * months);
  return is_free(p) ? money(0) : Json(nullptr);
}

Json unit_prices(const Plan& p) {
  return Json::array({{{"name", "seats"},
                       {"block_size", 1},
                       {"tiers", Json::array({{{"starts_at_block", 1},
                                               {"ends_after_block", *p.seat_limit},
                                               {"fee_per_block", money(0)}}})}}});
}

const Plan& plan_of(const Instance& inst, const SubscriptionItem& item) {
  const Plan* p = inst.find_plan(item.plan_id);
  if (!p) throw ClerkError(404, "plan_not_found", "Plan not found", "Plan '" + item.plan_id + "' is gone.");
  return *p;
}

const Subscription& subscription_of(const Instance& inst, const SubscriptionItem& item) {
  const Subscription* s = inst.find_subscription(item.subscription_id);
  if (!s)
    throw ClerkError(404, "subscription_not_found", "Subscription not found",
                     "Subscription '" + item.subscription_id + "' is gone.");
  return *s;
}

// The payer's details as strings, "" where the payer type has none.
struct PayerDetails {
  std::string user_id, first_name, last_name, email, organization_id, organization_name, image_url;
};

PayerDetails payer_details(const Instance& inst, const Subscription& s) {
  PayerDetails d;
  if (s.payer_type == "org") {
    d.organization_id = s.owner_id;
    d.image_url = placeholder_image("organization", s.owner_id);
    if (const auto* o = [&]() -> const Organization* {
          try {
            return &inst.get_organization(s.owner_id);
          } catch (const ClerkError&) {
            return nullptr;
          }
        }())
      d.organization_name = o->name;
  } else {
    d.user_id = s.owner_id;
    d.image_url = placeholder_image("user", s.owner_id);
    if (const User* u = inst.find_user(s.owner_id)) {
      d.first_name = u->first_name.value_or("");
      d.last_name = u->last_name.value_or("");
      if (const auto* e = u->primary_email()) d.email = e->email_address;
    }
  }
  return d;
}

Json payer_to_wire(const Instance& inst, const Subscription& s) {
  PayerDetails d = payer_details(inst, s);
  auto opt = [](const std::string& v) { return v.empty() ? Json(nullptr) : Json(v); };
  Json j = {{"object", "commerce_payer"}, {"id", s.payer_id}, {"instance_id", inst.info().id},
            {"image_url", d.image_url},   {"created_at", s.created_at}, {"updated_at", s.updated_at}};
  if (s.payer_type == "org") {
    j["organization_id"] = d.organization_id;
    j["organization_name"] = opt(d.organization_name);
  } else {
    j["user_id"] = d.user_id;
    j["first_name"] = opt(d.first_name);
    j["last_name"] = opt(d.last_name);
    j["email"] = opt(d.email);
  }
  return j;
}

Json payer_event_payload(const Instance& inst, const Subscription& s) {
  PayerDetails d = payer_details(inst, s);
  return {{"object", "commerce_payer"},    {"id", s.payer_id},
          {"user_id", d.user_id},          {"first_name", d.first_name},
          {"last_name", d.last_name},      {"email", d.email},
          {"organization_id", d.organization_id}, {"organization_name", d.organization_name},
          {"image_url", d.image_url},      {"created_at", s.created_at},
          {"updated_at", s.updated_at}};
}

// The next charge of an item that renews: at the end of its period (or trial).
Json next_payment(const Plan& plan, const SubscriptionItem& item) {
  if (item.status != "active" || !item.period_end || is_free(plan)) return nullptr;
  return {{"amount", money(period_amount(plan, item.plan_period))}, {"date", *item.period_end}};
}

bool listed_in_subscription(const SubscriptionItem& item) {
  return item.status == "active" || item.status == "canceled" || item.status == "upcoming" ||
         item.status == "past_due";
}

Json item_event_payload(const Instance& inst, const SubscriptionItem& item, bool standalone) {
  const Plan& plan = plan_of(inst, item);
  const Subscription& sub = subscription_of(inst, item);
  Json plan_json = {{"id", plan.id},
                    {"slug", plan.slug},
                    {"name", plan.name},
                    {"is_recurring", true},
                    {"amount", period_amount(plan, item.plan_period)},
                    {"currency", "USD"}};
  if (plan.seat_limit) plan_json["unit_prices"] = unit_prices(plan);
  Json j = {{"object", "commerce_subscription_item"},
            {"id", item.id},
            {"status", item.status},
            {"is_free_trial", item.is_free_trial},
            {"created_at", item.created_at},
            {"updated_at", item.updated_at},
            {"period_start", item.period_start},
            {"period_end", nullable(item.period_end)},
            {"interval", item.plan_period},
            {"plan_id", plan.id},
            {"plan", plan_json},
            {"subscription_id", standalone ? Json(sub.id) : Json(nullptr)}};
  if (standalone) j["payer"] = payer_event_payload(inst, sub);
  if (item.seats) j["seats"] = {{"quantity", *item.seats}};
  return j;
}

}  // namespace

Json to_wire(const Instance&, const Feature& f) {
  return {{"object", "feature"},
          {"id", f.id},
          {"name", f.name},
          {"description", nullable(f.description)},
          {"slug", f.slug},
          {"avatar_url", nullptr}};
}

Json to_wire(const Instance& inst, const Plan& p) {
  Json features = Json::array();
  for (const Feature* f : inst.plan_features(p)) features.push_back(to_wire(inst, *f));
  Json j = {{"object", "commerce_plan"},
            {"id", p.id},
            {"name", p.name},
            {"fee", money(p.fee)},
            {"annual_monthly_fee", annual_money(p, 1)},
            {"annual_fee", annual_money(p, 12)},
            {"description", nullable(p.description)},
            {"product_id", p.product_id},
            {"is_default", p.is_default},
            {"is_recurring", true},
            {"publicly_visible", p.publicly_visible},
            {"has_base_fee", p.fee > 0},
            {"for_payer_type", p.payer_type},
            {"slug", p.slug},
            {"avatar_url", nullptr},
            {"features", features},
            {"free_trial_enabled", p.free_trial_days > 0},
            {"free_trial_days", p.free_trial_days > 0 ? Json(p.free_trial_days) : Json(nullptr)}};
  if (p.seat_limit) j["unit_prices"] = unit_prices(p);
  return j;
}

Json to_wire(const Instance& inst, const SubscriptionItem& item) {
  const Plan& plan = plan_of(inst, item);
  const Subscription& sub = subscription_of(inst, item);
  Json j = {{"object", "commerce_subscription_item"},
            {"id", item.id},
            {"instance_id", inst.info().id},
            {"status", item.status},
            {"plan_id", plan.id},
            {"plan", to_wire(inst, plan)},
            {"plan_period", item.plan_period},
            {"payer_id", sub.payer_id},
            {"payer", payer_to_wire(inst, sub)},
            {"is_free_trial", item.is_free_trial},
            {"period_start", item.period_start},
            {"period_end", nullable(item.period_end)},
            {"canceled_at", nullable(item.canceled_at)},
            {"past_due_at", nullable(item.past_due_at)},
            {"ended_at", nullable(item.ended_at)},
            {"created_at", item.created_at},
            {"updated_at", item.updated_at},
            {"next_payment", next_payment(plan, item)}};
  if (plan.seat_limit) j["seats"] = {{"quantity", nullable(item.seats)}};
  return j;
}

Json subscription_item_v2_to_wire(const Instance& inst, const SubscriptionItem& item) {
  const Plan& plan = plan_of(inst, item);
  const Subscription& sub = subscription_of(inst, item);
  Json plan_json = to_wire(inst, plan);
  plan_json.erase("unit_prices");
  int64_t monthly = plan.fee, annual_monthly = plan.annual_monthly_fee;
  plan_json["amount"] = monthly;
  plan_json["amount_formatted"] = format_cents(monthly);
  plan_json["annual_monthly_amount"] = annual_monthly;
  plan_json["annual_monthly_amount_formatted"] = format_cents(annual_monthly);
  plan_json["annual_amount"] = annual_monthly * 12;
  plan_json["annual_amount_formatted"] = format_cents(annual_monthly * 12);
  plan_json["currency"] = "USD";
  plan_json["currency_symbol"] = "$";
  plan_json["payer_type"] = Json::array({plan.payer_type});
  plan_json["description"] = plan.description.value_or("");
  plan_json["avatar_url"] = "";
  for (auto& f : plan_json["features"]) {  // this shape has no nulls in features either
    if (f["description"].is_null()) f["description"] = "";
    f["avatar_url"] = "";
  }
  plan_json["period"] = item.plan_period;
  plan_json["interval"] = 1;
  // This shape has no "canceled" status: a canceled item still running reads as active.
  std::string status = item.status == "canceled" ? "active" : item.status;
  // proration_date: the UTC date the current period started, YYYY-MM-DD.
  std::time_t start = static_cast<std::time_t>(item.period_start / 1000);
  std::tm tm{};
  gmtime_r(&start, &tm);
  char date[16];
  std::strftime(date, sizeof date, "%Y-%m-%d", &tm);
  // A completed simulated checkout leaves no payment source; "" says so.
  return {{"object", "commerce_subscription_item"},
          {"id", item.id},
          {"instance_id", inst.info().id},
          {"status", status},
          {"plan_id", plan.id},
          {"plan", plan_json},
          {"plan_period", item.plan_period},
          {"payment_source_id", ""},
          {"payer_id", sub.payer_id},
          {"is_free_trial", item.is_free_trial},
          {"period_start", item.period_start},
          {"period_end", nullable(item.period_end)},
          {"proration_date", date},
          {"canceled_at", nullable(item.canceled_at)},
          {"past_due_at", nullable(item.past_due_at)},
          {"ended_at", nullable(item.ended_at)},
          {"amount", money(period_amount(plan, item.plan_period))},
          {"next_payment", next_payment(plan, item)},
          {"created_at", item.created_at},
          {"updated_at", item.updated_at}};
}

Json to_wire(const Instance& inst, const Subscription& s) {
  Json items = Json::array();
  Json next = nullptr;
  for (const SubscriptionItem* item : inst.subscription_items(s.id)) {
    if (!listed_in_subscription(*item)) continue;
    items.push_back(to_wire(inst, *item));
    if (const Plan* plan = inst.find_plan(item->plan_id); plan && next.is_null()) {
      Json n = next_payment(*plan, *item);
      if (!n.is_null()) next = {{"date", n["date"]}, {"amount", n["amount"]}};
    }
  }
  Json j = {{"object", "commerce_subscription"},
            {"id", s.id},
            {"instance_id", inst.info().id},
            {"status", s.status},
            {"payer_id", s.payer_id},
            {"created_at", s.created_at},
            {"updated_at", s.updated_at},
            {"active_at", nullable(s.active_at)},
            {"past_due_at", nullable(s.past_due_at)},
            {"subscription_items", items},
            {"eligible_for_free_trial", !s.had_free_trial}};
  if (!next.is_null()) j["next_payment"] = next;
  return j;
}

Json billing_settings_to_wire(const BillingSettings& s) {
  return {{"organizations", s.organizations}, {"users", s.users}};
}

Json billing_event_data(const Instance& inst, const DomainEvent& e) {
  if (e.object_kind == "commerce_subscription_item") {
    const SubscriptionItem* item = inst.find_subscription_item(e.id);
    if (!item) throw ClerkError(404, "subscription_item_not_found", "Subscription item not found", e.id);
    return item_event_payload(inst, *item, true);
  }
  const Subscription* s = inst.find_subscription(e.id);
  if (!s) throw ClerkError(404, "subscription_not_found", "Subscription not found", e.id);
  Json items = Json::array();
  for (const SubscriptionItem* item : inst.subscription_items(s->id))
    if (listed_in_subscription(*item)) items.push_back(item_event_payload(inst, *item, false));
  return {{"object", "commerce_subscription"},
          {"id", s->id},
          {"status", s->status},
          {"active_at", nullable(s->active_at)},
          {"canceled_at", nullptr},
          {"created_at", s->created_at},
          {"ended_at", nullptr},
          {"past_due_at", nullable(s->past_due_at)},
          {"updated_at", s->updated_at},
          {"latest_payment_id", nullptr},
          {"payer_id", s->payer_id},
          {"payer", payer_event_payload(inst, *s)},
          {"payment_source_id", nullptr},
          {"items", items}};
}

// --- fixture

namespace {
// The entry's "id", or the next one of the seeded generator; an id names one thing only.
std::string unique_id(FixtureNode& n, IdGenerator& ids, const char* prefix, std::set<std::string>& taken) {
  auto given = n.str("id");
  std::string id = given ? *given : ids.next(prefix);
  if (!taken.insert(id).second) n.fail("id", "the id '" + id + "' is used twice");
  return id;
}
}  // namespace

BillingState load_billing_fixture(const Json& j, const std::string& where, IdGenerator& ids, int64_t now,
                                  const InstanceState& state) {
  FixtureNode root(j, where);
  BillingState b;
  if (const Json* settings = root.get("settings")) {
    FixtureNode n(*settings, where + "/settings");
    b.settings.organizations = n.flag("organizations").value_or(false);
    b.settings.users = n.flag("users").value_or(false);
    n.done();
  }
  std::set<std::string> taken;  // ids: each names one feature, plan, subscription or item
  std::set<std::string> feature_slugs;
  auto features = root.list("features");
  for (size_t i = 0; i < features.size(); ++i) {
    FixtureNode n(*features[i], root.path("features", i));
    Feature f;
    f.id = unique_id(n, ids, "feat", taken);
    f.slug = n.required("slug");
    if (!feature_slugs.insert(f.slug).second) n.fail("slug", "the feature slug '" + f.slug + "' is used twice");
    f.name = n.str("name").value_or(f.slug);
    f.description = n.str("description");
    f.created_at = n.num("created_at").value_or(now);
    f.updated_at = n.num("updated_at").value_or(f.created_at);
    n.done();
    b.features.push_back(f);
  }
  std::set<std::pair<std::string, std::string>> plan_slugs;
  std::set<std::string> defaults;
  auto plans = root.list("plans");
  for (size_t i = 0; i < plans.size(); ++i) {
    FixtureNode n(*plans[i], root.path("plans", i));
    Plan p;
    p.id = unique_id(n, ids, "cplan", taken);
    p.slug = n.required("slug");
    p.name = n.str("name").value_or(p.slug);
    p.description = n.str("description");
    p.payer_type = n.str("for_payer_type").value_or("org");
    if (p.payer_type != "org" && p.payer_type != "user") n.fail("for_payer_type", "must be 'org' or 'user'");
    if (!plan_slugs.insert({p.payer_type, p.slug}).second)
      n.fail("slug", "the " + p.payer_type + " plan slug '" + p.slug + "' is used twice");
    auto product = n.str("product_id");
    p.product_id = product ? *product : ids.next("cprod");
    p.fee = n.num("fee").value_or(0);
    p.annual_monthly_fee = n.num("annual_monthly_fee").value_or(0);
    if (p.fee < 0 || p.annual_monthly_fee < 0) n.fail("fee", "must not be negative");
    p.is_default = n.flag("is_default").value_or(false);
    if (p.is_default && (p.fee != 0 || p.annual_monthly_fee != 0)) n.fail("is_default", "a default plan is free");
    if (p.is_default && !defaults.insert(p.payer_type).second)
      n.fail("is_default", "there is already a default " + p.payer_type + " plan");
    p.publicly_visible = n.flag("publicly_visible").value_or(true);
    auto slugs = n.list("features");
    for (size_t k = 0; k < slugs.size(); ++k) {
      if (!slugs[k]->is_string()) n.fail("features/" + std::to_string(k), "must be a string");
      std::string slug = slugs[k]->get<std::string>();
      if (!feature_slugs.count(slug)) n.fail("features/" + std::to_string(k), "there is no feature '" + slug + "'");
      p.features.push_back(slug);
    }
    p.seat_limit = n.num("seat_limit");
    if (p.seat_limit && (*p.seat_limit < 1 || p.payer_type != "org"))
      n.fail("seat_limit", "must be at least 1, on an organization plan");
    p.free_trial_days = n.num("free_trial_days").value_or(0);
    if (p.free_trial_days < 0 || p.free_trial_days > 365) n.fail("free_trial_days", "must be between 0 and 365");
    p.created_at = n.num("created_at").value_or(now);
    p.updated_at = n.num("updated_at").value_or(p.created_at);
    n.done();
    b.plans.push_back(p);
  }
  std::set<std::string> owners;
  auto subscriptions = root.list("subscriptions");
  for (size_t i = 0; i < subscriptions.size(); ++i) {
    FixtureNode n(*subscriptions[i], root.path("subscriptions", i));
    Subscription s;
    s.id = unique_id(n, ids, "csub", taken);
    auto payer = n.str("payer_id");
    s.payer_id = payer ? *payer : ids.next("cpayer");
    auto org = n.str("organization_id");
    auto user = n.str("user_id");
    if (bool(org) == bool(user)) n.fail("organization_id", "give exactly one of organization_id and user_id");
    s.payer_type = org ? "org" : "user";
    s.owner_id = org ? *org : *user;
    bool exists = org ? std::any_of(state.organizations.begin(), state.organizations.end(),
                                    [&](const Organization& o) { return o.id == *org; })
                      : std::any_of(state.users.begin(), state.users.end(), [&](const User& u) { return u.id == *user; });
    if (!exists) n.fail(org ? "organization_id" : "user_id", "names no " + std::string(org ? "organization" : "user"));
    if (!owners.insert(s.owner_id).second) n.fail(org ? "organization_id" : "user_id", "has a subscription already");
    s.status = n.str("status").value_or("active");
    s.had_free_trial = n.flag("had_free_trial").value_or(false);
    s.created_at = n.num("created_at").value_or(now);
    s.updated_at = n.num("updated_at").value_or(s.created_at);
    s.active_at = n.get("active_at") ? n.num("active_at") : std::optional<int64_t>(s.created_at);
    s.past_due_at = n.num("past_due_at");
    auto items = n.list("items");
    int running = 0;
    for (size_t k = 0; k < items.size(); ++k) {
      FixtureNode in(*items[k], n.path("items", k));
      SubscriptionItem item;
      item.id = unique_id(in, ids, "csubi", taken);
      item.subscription_id = s.id;
      auto plan_id = in.str("plan_id");
      auto plan_slug = in.str("plan");
      const Plan* plan = nullptr;
      for (const auto& p : b.plans)
        if (p.payer_type == s.payer_type && ((plan_id && p.id == *plan_id) || (plan_slug && p.slug == *plan_slug)))
          plan = &p;
      if (!plan) in.fail(plan_id ? "plan_id" : "plan", "names no " + s.payer_type + " plan");
      item.plan_id = plan->id;
      item.plan_period = in.str("plan_period").value_or("month");
      if (item.plan_period != "month" && item.plan_period != "annual") in.fail("plan_period", "must be month or annual");
      item.status = in.str("status").value_or("active");
      static const std::vector<std::string> statuses = {"active", "canceled", "upcoming", "ended", "abandoned"};
      if (std::find(statuses.begin(), statuses.end(), item.status) == statuses.end())
        in.fail("status", "must be one of active, canceled, upcoming, ended, abandoned");
      if (item.status == "active" || item.status == "canceled") ++running;
      if (running > 1) in.fail("status", "a subscription has at most one active or canceled item");
      item.is_free_trial = in.flag("is_free_trial").value_or(false);
      item.trial_ending_announced = in.flag("trial_ending_announced").value_or(false);
      item.seats = in.num("seats");
      if (!item.seats && plan->seat_limit) item.seats = plan->seat_limit;
      item.period_start = in.num("period_start").value_or(now);
      item.period_end = in.num("period_end");
      item.canceled_at = in.num("canceled_at");
      item.ended_at = in.num("ended_at");
      item.past_due_at = in.num("past_due_at");
      item.created_at = in.num("created_at").value_or(now);
      item.updated_at = in.num("updated_at").value_or(item.created_at);
      in.done();
      b.items.push_back(item);
    }
    n.done();
    b.subscriptions.push_back(s);
  }
  root.done();
  return b;
}

Json dump_billing_fixture(const BillingState& b) {
  Json j;
  j["settings"] = billing_settings_to_wire(b.settings);
  j["features"] = Json::array();
  for (const auto& f : b.features)
    j["features"].push_back({{"id", f.id}, {"slug", f.slug}, {"name", f.name}, {"description", nullable(f.description)},
                             {"created_at", f.created_at}, {"updated_at", f.updated_at}});
  j["plans"] = Json::array();
  for (const auto& p : b.plans)
    j["plans"].push_back({{"id", p.id},
                          {"slug", p.slug},
                          {"name", p.name},
                          {"description", nullable(p.description)},
                          {"for_payer_type", p.payer_type},
                          {"product_id", p.product_id},
                          {"fee", p.fee},
                          {"annual_monthly_fee", p.annual_monthly_fee},
                          {"is_default", p.is_default},
                          {"publicly_visible", p.publicly_visible},
                          {"features", p.features},
                          {"seat_limit", nullable(p.seat_limit)},
                          {"free_trial_days", p.free_trial_days},
                          {"created_at", p.created_at},
                          {"updated_at", p.updated_at}});
  j["subscriptions"] = Json::array();
  for (const auto& s : b.subscriptions) {
    Json items = Json::array();
    for (const auto& i : b.items)
      if (i.subscription_id == s.id)
        items.push_back({{"id", i.id},
                         {"plan_id", i.plan_id},
                         {"plan_period", i.plan_period},
                         {"status", i.status},
                         {"is_free_trial", i.is_free_trial},
                         {"trial_ending_announced", i.trial_ending_announced},
                         {"seats", nullable(i.seats)},
                         {"period_start", i.period_start},
                         {"period_end", nullable(i.period_end)},
                         {"canceled_at", nullable(i.canceled_at)},
                         {"ended_at", nullable(i.ended_at)},
                         {"past_due_at", nullable(i.past_due_at)},
                         {"created_at", i.created_at},
                         {"updated_at", i.updated_at}});
    Json sj = {{"id", s.id},
               {"payer_id", s.payer_id},
               {"status", s.status},
               {"had_free_trial", s.had_free_trial},
               {"active_at", nullable(s.active_at)},
               {"past_due_at", nullable(s.past_due_at)},
               {"created_at", s.created_at},
               {"updated_at", s.updated_at},
               {"items", items}};
    sj[s.payer_type == "org" ? "organization_id" : "user_id"] = s.owner_id;
    j["subscriptions"].push_back(sj);
  }
  return j;
}

}  // namespace clerksim

#pragma once
// Clerk's JSON for billing objects ("commerce_*"), their event payloads, and the
// "billing" part of the fixture format.
#include "domain/instance.hpp"

#include <string>

namespace clerksim {

Json to_wire(const Instance& inst, const Feature& f);
Json to_wire(const Instance& inst, const Plan& p);
Json to_wire(const Instance& inst, const Subscription& s);
Json to_wire(const Instance& inst, const SubscriptionItem& item);
// The alternate item shape of POST .../extend_free_trial (plan amounts flattened).
Json subscription_item_v2_to_wire(const Instance& inst, const SubscriptionItem& item);
Json billing_settings_to_wire(const BillingSettings& s);
// `data` of a subscription.* or subscriptionItem.* event.
Json billing_event_data(const Instance& inst, const DomainEvent& e);

// The fixture's "billing" object. Loading reports problems by JSON pointer (FixtureError).
// `state` holds the users and organizations loaded so far, which subscriptions must name.
BillingState load_billing_fixture(const Json& j, const std::string& where, IdGenerator& ids, int64_t now,
                                  const InstanceState& state);
Json dump_billing_fixture(const BillingState& s);

}  // namespace clerksim

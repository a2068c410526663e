#pragma once
// The event types Clerk defines for webhooks, spelled as Clerk spells them
// ("organizationMembership.created", "subscriptionItem.pastDue").
#include <string>
#include <vector>

#include "domain/model.hpp"

namespace clerksim {

const std::vector<std::string>& webhook_event_types();
bool is_webhook_event_type(const std::string& type);
// An endpoint takes an event when it names no types or names this one.
bool endpoint_wants(const WebhookEndpoint& endpoint, const std::string& type);
bool valid_webhook_url(const std::string& url);  // http://host[:port][/path]

}  // namespace clerksim

// Webhook endpoints: where an instance's events go. Delivery itself is the
// transport's job (webhooks/); the instance only keeps the list.
#include <algorithm>

#include "core/text.hpp"
#include "domain/events.hpp"
#include "domain/instance.hpp"

namespace clerksim {

const std::vector<std::string>& webhook_event_types() {
  static const std::vector<std::string> types = {
      "email.created",
      "organization.created",
      "organization.updated",
      "organization.deleted",
      "organizationDomain.created",
      "organizationDomain.updated",
      "organizationDomain.deleted",
      "organizationInvitation.created",
      "organizationInvitation.accepted",
      "organizationInvitation.revoked",
      "organizationMembership.created",
      "organizationMembership.updated",
      "organizationMembership.deleted",
      "paymentAttempt.created",
      "paymentAttempt.updated",
      "permission.created",
      "permission.updated",
      "permission.deleted",
      "role.created",
      "role.updated",
      "role.deleted",
      "session.created",
      "session.pending",
      "session.ended",
      "session.removed",
      "session.revoked",
      "sms.created",
      "subscription.created",
      "subscription.updated",
      "subscription.active",
      "subscription.pastDue",
      "subscriptionItem.abandoned",
      "subscriptionItem.active",
      "subscriptionItem.canceled",
      "subscriptionItem.ended",
      "subscriptionItem.freeTrialEnding",
      "subscriptionItem.incomplete",
      "subscriptionItem.pastDue",
      "subscriptionItem.upcoming",
      "subscriptionItem.updated",
      "user.created",
      "user.updated",
      "user.deleted",
      "waitlistEntry.created",
      "waitlistEntry.updated",
  };
  return types;
}

bool is_webhook_event_type(const std::string& type) {
  const auto& types = webhook_event_types();
  return std::find(types.begin(), types.end(), type) != types.end();
}

bool valid_webhook_url(const std::string& url) {
  if (!starts_with(url, "http://")) return false;
  std::string rest = url.substr(7);
  if (rest.empty() || rest[0] == '/' || rest[0] == ':') return false;
  return std::none_of(url.begin(), url.end(), [](char c) { return c <= ' ' || c == 0x7f; });
}

const WebhookEndpoint& Instance::add_webhook_endpoint(const std::string& url, const std::vector<std::string>& events,
                                                      const std::string& secret) {
  if (!valid_webhook_url(url))
    throw ClerkError::param_format("url", "A webhook endpoint is an http:// URL with a host, such as "
                                          "http://127.0.0.1:3000/api/webhooks.");
  for (const auto& type : events)
    if (!is_webhook_event_type(type))
      throw ClerkError::param_value("events", "'" + type + "' is not a Clerk event type; types are spelled like "
                                              "organizationMembership.created.");
  WebhookEndpoint ep;
  ep.id = event_ids_.next("ep");
  ep.url = url;
  ep.events = events;
  ep.secret = secret;
  ep.created_at = clock_.now_ms();
  endpoints_.push_back(std::move(ep));
  return endpoints_.back();
}

const WebhookEndpoint& Instance::get_webhook_endpoint(const std::string& id) const {
  for (const auto& ep : endpoints_)
    if (ep.id == id) return ep;
  throw ClerkError::not_found("endpoint", id);
}

void Instance::remove_webhook_endpoint(const std::string& id) {
  get_webhook_endpoint(id);
  endpoints_.erase(std::remove_if(endpoints_.begin(), endpoints_.end(),
                                  [&](const WebhookEndpoint& ep) { return ep.id == id; }),
                   endpoints_.end());
}

const std::string& Instance::endpoint_secret(const WebhookEndpoint& ep) const {
  return ep.secret.empty() ? info_.webhook_secret : ep.secret;
}

bool endpoint_wants(const WebhookEndpoint& ep, const std::string& type) {
  return ep.events.empty() || std::find(ep.events.begin(), ep.events.end(), type) != ep.events.end();
}

}  // namespace clerksim

// Webhook endpoints: where an instance's events go. Delivery itself is the
// transport's job (webhooks/); the instance only keeps the list.
#include <algorithm>
#include <cctype>

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

// http://, a host (a name of letters, digits, '-' and '.', or an IPv6 literal in
// brackets), an optional port, then an optional path and query of printable
// characters; 2048 characters at most.
bool valid_webhook_url(const std::string& url) {
  if (url.size() > 2048 || !starts_with(url, "http://")) return false;
  size_t i = 7;
  const size_t host = i;
  if (i < url.size() && url[i] == '[') {
    size_t close = url.find(']', i);
    if (close == std::string::npos || close == i + 1) return false;
    for (size_t k = i + 1; k < close; ++k)
      if (!std::isxdigit(static_cast<unsigned char>(url[k])) && url[k] != ':' && url[k] != '.') return false;
    i = close + 1;
  } else {
    while (i < url.size() && (std::isalnum(static_cast<unsigned char>(url[i])) || url[i] == '-' || url[i] == '.')) ++i;
    if (i == host || i - host > 253) return false;
  }
  if (i < url.size() && url[i] == ':') {
    const size_t port = ++i;
    while (i < url.size() && std::isdigit(static_cast<unsigned char>(url[i]))) ++i;
    if (i == port || i - port > 5) return false;
    long n = std::stol(url.substr(port, i - port));
    if (n < 1 || n > 65535) return false;
  }
  if (i < url.size() && url[i] != '/' && url[i] != '?') return false;
  return std::all_of(url.begin() + static_cast<long>(i), url.end(),
                     [](char c) { return c > ' ' && static_cast<unsigned char>(c) < 0x7f; });
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

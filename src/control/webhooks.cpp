// /__sim/webhooks: the instance's event log, its webhook endpoints, and the
// deliveries made to them.
#include <algorithm>

#include "auth/webhooks.hpp"
#include "control/control.hpp"
#include "webhooks/delivery.hpp"
#include "wire/decode.hpp"
#include "wire/encode.hpp"

namespace clerksim::control {

namespace {

Json endpoint_to_wire(const Instance& inst, const WebhookEndpoint& ep) {
  return {{"object", "webhook_endpoint"},
          {"id", ep.id},
          {"url", ep.url},
          {"events", ep.events},
          {"signing_secret", inst.endpoint_secret(ep)},
          {"created_at", ep.created_at}};
}

Json delivery_to_wire(const Delivery& d) {
  Json attempts = Json::array();
  for (const auto& a : d.attempts)
    attempts.push_back({{"at", a.at_ms},
                        {"duration_ms", a.duration_ms},
                        {"status_code", a.status_code ? Json(a.status_code) : Json(nullptr)},
                        {"error", a.error.empty() ? Json(nullptr) : Json(a.error)}});
  return {{"object", "webhook_delivery"},
          {"event_id", d.event_id},
          {"event_type", d.event_type},
          {"endpoint_id", d.endpoint_id},
          {"url", d.url},
          {"status", d.status},
          {"attempts", attempts},
          {"payload", Json::parse(d.body)}};
}

std::vector<Delivery> deliveries_of(const Context& cx) {
  return cx.webhooks ? cx.webhooks->deliveries(cx.inst().info().secret_key) : std::vector<Delivery>{};
}

}  // namespace

// The instance's event log, oldest first. Filters: type (repeatable), since (an event
// id: only later events), limit.
Response events(Context& cx) {
  QueryReader q(cx);
  auto types = q.list("type");
  auto since = q.string("since");
  int64_t limit = q.integer("limit").value_or(500);
  if (limit < 1) throw ClerkError::param_value("limit", "limit must be positive.");
  const auto& log = cx.inst().event_log();
  auto from = log.begin();
  if (since) {
    while (from != log.end() && from->second["id"] != *since) ++from;
    if (from == log.end())
      throw ClerkError(404, "resource_not_found", "not found", "There is no event with id '" + *since + "'.",
                       {{"param_name", "since"}});
    ++from;
  }
  Json data = Json::array();
  int64_t total = 0;
  for (; from != log.end(); ++from) {
    const Json& e = from->second;
    if (!types.empty() && std::find(types.begin(), types.end(), e["type"]) == types.end()) continue;
    ++total;
    if (static_cast<int64_t>(data.size()) < limit) data.push_back(e);
  }
  return json_response({{"data", data}, {"total_count", total}});
}

Response clear_events(Context& cx) {
  cx.inst().clear_event_log();
  return json_response({{"data", Json::array()}, {"total_count", 0}});
}

Response list_endpoints(Context& cx) {
  Json data = Json::array();
  for (const auto& ep : cx.inst().webhook_endpoints()) data.push_back(endpoint_to_wire(cx.inst(), ep));
  return json_response({{"data", data},
                        {"total_count", data.size()},
                        {"signing_secret", cx.inst().info().webhook_secret}});
}

// {"url": "http://...", "events"?: [types], "secret"?: "whsec_..."}
Response create_endpoint(Context& cx) {
  BodyReader body(cx.request.body);
  std::string url = body.required_string("url");
  auto events = body.strings("events");
  std::string secret = body.string("secret").value_or("");
  body.finish();
  if (!secret.empty() && !webhook_key(secret))
    throw ClerkError::param_format("secret", "A signing secret is whsec_ followed by standard, padded base64.");
  return json_response(endpoint_to_wire(cx.inst(), cx.inst().add_webhook_endpoint(url, events, secret)));
}

Response delete_endpoint(Context& cx) {
  std::string id = cx.param("endpoint_id");
  cx.inst().remove_webhook_endpoint(id);
  if (cx.webhooks) cx.webhooks->drop_endpoint(cx.inst().info().secret_key, id);
  return json_response(deleted_object("webhook_endpoint", id));
}

// Oldest first. Filters: event_id, endpoint_id, type, status (pending|delivered|failed).
Response list_deliveries(Context& cx) {
  QueryReader q(cx);
  auto event_id = q.string("event_id");
  auto endpoint_id = q.string("endpoint_id");
  auto type = q.string("type");
  auto status = q.string("status");
  if (status && *status != "pending" && *status != "delivered" && *status != "failed")
    throw ClerkError::param_value("status", "status is pending, delivered or failed.");
  Json data = Json::array();
  for (const auto& d : deliveries_of(cx)) {
    if ((event_id && d.event_id != *event_id) || (endpoint_id && d.endpoint_id != *endpoint_id) ||
        (type && d.event_type != *type) || (status && d.status != *status))
      continue;
    data.push_back(delivery_to_wire(d));
  }
  return json_response({{"data", data}, {"total_count", data.size()}});
}

// Answers once every delivery of the instance is settled (delivered, or failed
// after its retries), or after timeout_ms (default 10 s) with "drained": false.
Response flush(Context& cx) {
  BodyReader body(cx.request.body);
  int64_t timeout_ms = body.integer("timeout_ms").value_or(10000);
  body.finish();
  if (timeout_ms < 0 || timeout_ms > 600000)
    throw ClerkError::param_value("timeout_ms", "timeout_ms is between 0 and 600000.");
  WebhookDelivery* webhooks = cx.webhooks;
  std::string key = cx.inst().info().secret_key;
  auto summary = [webhooks, key](bool drained) {
    Json data = Json::array();
    int64_t delivered = 0, failed = 0, pending = 0;
    if (webhooks)
      for (const auto& d : webhooks->deliveries(key)) {
        (d.status == "delivered" ? delivered : d.status == "failed" ? failed : pending) += 1;
        data.push_back(delivery_to_wire(d));
      }
    return json_response({{"object", "webhook_flush"},
                          {"drained", drained},
                          {"delivered", delivered},
                          {"failed", failed},
                          {"pending", pending},
                          {"deliveries", data}});
  };
  if (!webhooks) return summary(true);
  Response later;
  later.deferred = [webhooks, key, timeout_ms, summary](Response::Reply reply) {
    webhooks->when_idle(key, timeout_ms, [reply, summary](bool drained) { reply(summary(drained)); });
  };
  return later;
}

}  // namespace clerksim::control

#pragma once
// Delivery of an instance's events to its webhook endpoints, the way Svix delivers
// Clerk's: one signed HTTP POST per event and endpoint, in order per endpoint,
// retried with exponential backoff. It runs on the server's io_context, after the
// request that caused the event has been answered.
#include <boost/asio/io_context.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "domain/model.hpp"

namespace clerksim {

class Instance;

struct DeliveryPolicy {
  int retries = 5;            // attempts after the first one fails
  int64_t backoff_ms = 100;   // wait before the first retry; it doubles for each one after
  int64_t timeout_ms = 5000;  // for one attempt, from connect to the end of the answer
};

// How long to wait before retry `n` (1 for the first retry): backoff * 2^(n-1).
int64_t retry_delay_ms(const DeliveryPolicy& policy, int n);

struct DeliveryAttempt {
  int64_t at_ms = 0;        // wall clock, when the attempt started
  int64_t duration_ms = 0;  // until the answer (or the failure)
  int status_code = 0;      // 0 when no HTTP answer came
  std::string error;        // why there was no answer, or empty
};

struct Delivery {
  std::string event_id;  // also the svix-id header
  std::string event_type;
  std::string endpoint_id;
  std::string url;
  std::string body;               // the exact bytes sent, and signed
  std::string status = "pending";  // pending | delivered | failed
  std::vector<DeliveryAttempt> attempts;
};

// The request that carries one delivery: the headers Svix sends (svix-id,
// svix-timestamp, svix-signature) with the signature over the body.
struct SignedPost {
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};
SignedPost sign_delivery(const std::string& secret, const std::string& msg_id, int64_t unix_seconds,
                         const std::string& body);

class WebhookDelivery {
 public:
  explicit WebhookDelivery(boost::asio::io_context& io, DeliveryPolicy policy = {});
  ~WebhookDelivery();
  WebhookDelivery(const WebhookDelivery&) = delete;
  WebhookDelivery& operator=(const WebhookDelivery&) = delete;

  const DeliveryPolicy& policy() const;
  // Queues a rendered event (as in the event log) for every endpoint of the
  // instance that takes its type.
  void publish(const Instance& instance, const Json& event);
  // The instance's deliveries (by secret key), in the order they were queued (the
  // latest 10,000).
  std::vector<Delivery> deliveries(const std::string& secret_key) const;
  // Nothing of the instance is queued, being sent or waiting for a retry.
  bool idle(const std::string& secret_key) const;
  // Calls done(true) as soon as the instance is idle, or done(false) after
  // timeout_ms. Never calls it before returning.
  void when_idle(const std::string& secret_key, int64_t timeout_ms, std::function<void(bool)> done);
  // The endpoint was removed: what is queued for it is marked failed, nothing more is sent.
  void drop_endpoint(const std::string& secret_key, const std::string& endpoint_id);
  // The instance starts over (a reset): what is queued is dropped, history too.
  void forget(const std::string& secret_key);
  // Shutdown: attempts in flight are abandoned, nothing more is sent, and anyone
  // waiting in when_idle hears false.
  void stop();

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace clerksim

#include "webhooks/delivery.hpp"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/url/parse.hpp>
#include <chrono>
#include <deque>
#include <algorithm>
#include <map>

#include "auth/webhooks.hpp"
#include "domain/events.hpp"
#include "domain/instance.hpp"

namespace clerksim {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

int64_t retry_delay_ms(const DeliveryPolicy& policy, int n) {
  int64_t delay = policy.backoff_ms;
  for (int i = 1; i < n && delay < 3600 * 1000; ++i) delay *= 2;
  return delay;
}

SignedPost sign_delivery(const std::string& secret, const std::string& msg_id, int64_t unix_seconds,
                         const std::string& body) {
  return {{{"content-type", "application/json"},
           {"svix-id", msg_id},
           {"svix-timestamp", std::to_string(unix_seconds)},
           {"svix-signature", webhook_signature(secret, msg_id, unix_seconds, body)}},
          body};
}

namespace {

int64_t wall_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

struct Job {
  Delivery delivery;
  std::string secret;
};

// One HTTP POST: resolve, connect, write, read the answer, close.
class Post : public std::enable_shared_from_this<Post> {
 public:
  using Done = std::function<void(int status_code, std::string error)>;

  Post(asio::io_context& io, int64_t timeout_ms, Done done)
      : resolver_(io), stream_(io), timeout_(timeout_ms), done_(std::move(done)) {}

  // Gives up on the attempt (shutdown): the callback is not called.
  void cancel() {
    done_ = nullptr;
    beast::error_code ignored;
    resolver_.cancel();
    stream_.socket().close(ignored);
  }

  // Never calls back before returning, and never throws: a failure is an attempt's outcome.
  void start(const std::string& url, const SignedPost& post) {
    try {
      auto parsed = boost::urls::parse_absolute_uri(url);
      if (!parsed || parsed->scheme() != "http" || parsed->host_address().empty())
        return fail_soon("the endpoint URL is not an http:// URL clerk-sim can reach");
      host_ = parsed->host_address();  // an IPv6 literal without its brackets
      port_ = parsed->has_port() ? std::string(parsed->port()) : "80";
      std::string target = parsed->encoded_path().empty() ? "/" : std::string(parsed->encoded_path());
      if (parsed->has_query()) target += "?" + std::string(parsed->encoded_query());
      request_ = {http::verb::post, target, 11};
      std::string authority(parsed->encoded_host());
      request_.set(http::field::host, parsed->has_port() ? authority + ":" + port_ : authority);
      request_.set(http::field::user_agent, "clerk-sim-webhooks");
      for (const auto& [name, value] : post.headers) request_.set(name, value);
      request_.body() = post.body;
      request_.keep_alive(false);
      request_.prepare_payload();
    } catch (const std::exception& e) {
      return fail_soon(std::string("cannot build the request: ") + e.what());
    }
    stream_.expires_after(std::chrono::milliseconds(timeout_));
    resolver_.async_resolve(host_, port_, [self = shared_from_this()](beast::error_code ec, tcp::resolver::results_type r) {
      if (ec) return self->finish(0, "cannot resolve the endpoint's host: " + ec.message());
      self->stream_.async_connect(r, [self](beast::error_code ec, const tcp::endpoint&) {
        if (ec) return self->finish(0, "cannot connect: " + ec.message());
        http::async_write(self->stream_, self->request_, [self](beast::error_code ec, std::size_t) {
          if (ec) return self->finish(0, "cannot send the request: " + ec.message());
          http::async_read(self->stream_, self->buffer_, self->response_, [self](beast::error_code ec, std::size_t) {
            if (ec) return self->finish(0, "no answer: " + ec.message());
            self->finish(static_cast<int>(self->response_.result_int()), "");
          });
        });
      });
    });
  }

 private:
  void fail_soon(std::string why) {
    asio::post(stream_.get_executor(), [self = shared_from_this(), why = std::move(why)] { self->finish(0, why); });
  }

  void finish(int status, std::string error) {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.socket().close(ignored);
    if (auto done = std::move(done_)) done(status, std::move(error));
  }

  tcp::resolver resolver_;
  beast::tcp_stream stream_;
  std::string host_, port_;
  int64_t timeout_;
  Done done_;
  http::request<http::string_body> request_;
  http::response<http::string_body> response_;
  beast::flat_buffer buffer_;
};

}  // namespace

struct WebhookDelivery::Impl : std::enable_shared_from_this<WebhookDelivery::Impl> {
  struct Lane {
    std::deque<std::shared_ptr<Job>> queue;  // the front one is being sent or waits to retry
    bool busy = false;
    std::shared_ptr<asio::steady_timer> retry;
    std::weak_ptr<Post> sending;

    // Abandons what is under way: the attempt being sent and the retry waiting.
    void halt() {
      if (retry) retry->cancel();
      if (auto post = sending.lock()) post->cancel();
    }
  };
  struct Waiter {
    std::function<void(bool)> done;
    std::unique_ptr<asio::steady_timer> timer;
  };
  struct Tenant {
    std::vector<std::shared_ptr<Job>> history;
    std::map<std::string, Lane> lanes;  // by endpoint id
    std::vector<std::shared_ptr<Waiter>> waiters;
    uint64_t generation = 0;  // bumped by forget(): late answers of dropped jobs are ignored
  };

  asio::io_context& io;
  DeliveryPolicy policy;
  std::map<std::string, Tenant> tenants;  // by secret key
  bool stopped = false;
  static constexpr size_t kHistory = 10000;  // deliveries kept for inspection, per instance

  Impl(asio::io_context& io_, DeliveryPolicy p) : io(io_), policy(p) {}

  static bool tenant_idle(const Tenant& t) {
    for (const auto& [id, lane] : t.lanes)
      if (lane.busy || !lane.queue.empty()) return false;
    return true;
  }

  void notify_if_idle(const std::string& key) {
    auto it = tenants.find(key);
    if (it == tenants.end() || !tenant_idle(it->second)) return;
    auto waiters = std::move(it->second.waiters);
    it->second.waiters.clear();
    for (auto& w : waiters) fire(w, true);
  }

  void fire(const std::shared_ptr<Waiter>& w, bool idle) {
    if (!w->done) return;
    auto done = std::move(w->done);
    w->done = nullptr;
    if (w->timer) w->timer->cancel();
    asio::post(io, [done = std::move(done), idle] { done(idle); });
  }

  // The lane whose delivery under way is `job`, unless that lane is gone since.
  Lane* current_lane(const std::string& key, const std::string& endpoint_id, uint64_t generation,
                     const std::shared_ptr<Job>& job) {
    if (stopped) return nullptr;
    auto t = tenants.find(key);
    if (t == tenants.end() || t->second.generation != generation) return nullptr;
    auto lane = t->second.lanes.find(endpoint_id);
    if (lane == t->second.lanes.end() || lane->second.queue.empty() || lane->second.queue.front() != job)
      return nullptr;
    return &lane->second;
  }

  void pump(const std::string& key, const std::string& endpoint_id) {
    if (stopped) return;
    Tenant& t = tenants[key];
    Lane& lane = t.lanes[endpoint_id];
    if (lane.busy) return;
    if (lane.queue.empty()) return notify_if_idle(key);
    lane.busy = true;
    attempt(key, endpoint_id, t.generation, lane.queue.front());
  }

  void attempt(const std::string& key, const std::string& endpoint_id, uint64_t generation,
               const std::shared_ptr<Job>& job) {
    if (stopped) return;
    auto self = shared_from_this();
    int64_t started_wall = wall_ms();
    auto started = std::chrono::steady_clock::now();
    auto post = std::make_shared<Post>(io, policy.timeout_ms, [self, key, endpoint_id, generation, job, started_wall,
                                                               started](int status, std::string error) {
      DeliveryAttempt a;
      a.at_ms = started_wall;
      a.duration_ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started)
                          .count();
      a.status_code = status;
      a.error = std::move(error);
      if (a.error.empty() && (status < 200 || status > 299)) a.error = "the endpoint answered " + std::to_string(status);
      self->settle(key, endpoint_id, generation, job, std::move(a));
    });
    if (Lane* lane = current_lane(key, endpoint_id, generation, job)) lane->sending = post;
    post->start(job->delivery.url, sign_delivery(job->secret, job->delivery.event_id, started_wall / 1000,
                                                 job->delivery.body));
  }

  void settle(const std::string& key, const std::string& endpoint_id, uint64_t generation,
              const std::shared_ptr<Job>& job, DeliveryAttempt a) {
    Lane* found = current_lane(key, endpoint_id, generation, job);
    if (!found) return;  // reset, endpoint removed or shutdown meanwhile
    Lane& lane = *found;
    bool ok = a.error.empty();
    job->delivery.attempts.push_back(std::move(a));
    int failures = static_cast<int>(job->delivery.attempts.size());
    if (!ok && failures <= policy.retries) {
      lane.retry = std::make_shared<asio::steady_timer>(io, std::chrono::milliseconds(retry_delay_ms(policy, failures)));
      lane.retry->async_wait([self = shared_from_this(), key, endpoint_id, generation, job](beast::error_code ec) {
        if (ec || !self->current_lane(key, endpoint_id, generation, job)) return;
        self->attempt(key, endpoint_id, generation, job);
      });
      return;
    }
    job->delivery.status = ok ? "delivered" : "failed";
    lane.queue.pop_front();
    lane.busy = false;
    lane.retry.reset();
    pump(key, endpoint_id);
  }
};

WebhookDelivery::WebhookDelivery(asio::io_context& io, DeliveryPolicy policy)
    : impl_(std::make_shared<Impl>(io, policy)) {}

WebhookDelivery::~WebhookDelivery() { stop(); }

const DeliveryPolicy& WebhookDelivery::policy() const { return impl_->policy; }

void WebhookDelivery::publish(const Instance& instance, const Json& event) {
  const std::string type = event.value("type", "");
  Json body = event;
  body.erase("id");  // the event id travels as svix-id, not in Clerk's envelope
  std::string bytes = body.dump();
  const std::string& key = instance.info().secret_key;
  for (const auto& ep : instance.webhook_endpoints()) {
    if (!endpoint_wants(ep, type)) continue;
    auto job = std::make_shared<Job>();
    job->delivery.event_id = event.value("id", "");
    job->delivery.event_type = type;
    job->delivery.endpoint_id = ep.id;
    job->delivery.url = ep.url;
    job->delivery.body = bytes;
    job->secret = instance.endpoint_secret(ep);
    Impl::Tenant& t = impl_->tenants[key];
    t.history.push_back(job);
    if (t.history.size() > Impl::kHistory) t.history.erase(t.history.begin());
    t.lanes[ep.id].queue.push_back(job);
    // Started from the io_context, so the answer to the request goes out first.
    asio::post(impl_->io, [impl = impl_, key, id = ep.id, generation = t.generation] {
      auto it = impl->tenants.find(key);
      if (it != impl->tenants.end() && it->second.generation == generation) impl->pump(key, id);
    });
  }
}

std::vector<Delivery> WebhookDelivery::deliveries(const std::string& secret_key) const {
  std::vector<Delivery> out;
  auto it = impl_->tenants.find(secret_key);
  if (it == impl_->tenants.end()) return out;
  for (const auto& job : it->second.history) out.push_back(job->delivery);
  return out;
}

bool WebhookDelivery::idle(const std::string& secret_key) const {
  auto it = impl_->tenants.find(secret_key);
  return it == impl_->tenants.end() || Impl::tenant_idle(it->second);
}

void WebhookDelivery::when_idle(const std::string& secret_key, int64_t timeout_ms, std::function<void(bool)> done) {
  auto w = std::make_shared<Impl::Waiter>();
  w->done = std::move(done);
  if (idle(secret_key) || impl_->stopped) return impl_->fire(w, idle(secret_key));
  w->timer = std::make_unique<asio::steady_timer>(impl_->io, std::chrono::milliseconds(timeout_ms));
  w->timer->async_wait([impl = impl_, w](beast::error_code ec) {
    if (!ec) impl->fire(w, false);
  });
  impl_->tenants[secret_key].waiters.push_back(w);
}

void WebhookDelivery::stop() {
  impl_->stopped = true;
  for (auto& [key, t] : impl_->tenants) {
    for (auto& [id, lane] : t.lanes) lane.halt();
    auto waiters = std::move(t.waiters);
    t.waiters.clear();
    for (auto& w : waiters) impl_->fire(w, false);
  }
}

void WebhookDelivery::drop_endpoint(const std::string& secret_key, const std::string& endpoint_id) {
  auto it = impl_->tenants.find(secret_key);
  if (it == impl_->tenants.end()) return;
  auto lane = it->second.lanes.find(endpoint_id);
  if (lane == it->second.lanes.end()) return;
  lane->second.halt();
  for (auto& job : lane->second.queue) job->delivery.status = "failed";
  it->second.lanes.erase(lane);
  impl_->notify_if_idle(secret_key);
}

void WebhookDelivery::forget(const std::string& secret_key) {
  auto it = impl_->tenants.find(secret_key);
  if (it == impl_->tenants.end()) return;
  Impl::Tenant& t = it->second;
  for (auto& [id, lane] : t.lanes) lane.halt();
  t.lanes.clear();
  t.history.clear();
  ++t.generation;
  auto waiters = std::move(t.waiters);
  t.waiters.clear();
  for (auto& w : waiters) impl_->fire(w, true);
}

}  // namespace clerksim

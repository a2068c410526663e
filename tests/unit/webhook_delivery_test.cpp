// Webhook endpoints and delivery: the retry schedule, the headers of a signed
// POST, and the delivery engine against a receiver on loopback (order per
// endpoint, retries, giving up, filters, reset, waiting until idle).
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "auth/webhooks.hpp"
#include "domain/events.hpp"
#include "test_support.hpp"
#include "webhooks/delivery.hpp"

using namespace clerksim;
using namespace clerksim::unit;

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

// A loopback HTTP server on the test's io_context. It answers the n-th request
// with script(n) and keeps what it received.
struct Received {
  std::string target, body;
  std::map<std::string, std::string> headers;
  int status = 0;
};

class Receiver {
 public:
  Receiver(asio::io_context& io, std::function<int(size_t)> script)
      : acceptor_(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)), script_(std::move(script)) {
    accept();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(acceptor_.local_endpoint().port()) + "/hooks"; }
  std::vector<Received> received;

 private:
  void accept() {
    acceptor_.async_accept([this](beast::error_code ec, tcp::socket socket) {
      if (ec) return;
      auto stream = std::make_shared<beast::tcp_stream>(std::move(socket));
      auto buffer = std::make_shared<beast::flat_buffer>();
      auto req = std::make_shared<http::request<http::string_body>>();
      http::async_read(*stream, *buffer, *req, [this, stream, buffer, req](beast::error_code ec, std::size_t) {
        if (ec) return;
        Received r;
        r.target = std::string(req->target());
        r.body = req->body();
        for (const auto& f : *req) r.headers[std::string(f.name_string())] = std::string(f.value());
        r.status = script_(received.size());
        received.push_back(r);
        auto res = std::make_shared<http::response<http::string_body>>(static_cast<http::status>(r.status), 11);
        res->keep_alive(false);
        res->prepare_payload();
        http::async_write(*stream, *res, [stream, res](beast::error_code, std::size_t) {
          beast::error_code ignored;
          stream->socket().shutdown(tcp::socket::shutdown_both, ignored);
        });
      });
      accept();
    });
  }
  tcp::acceptor acceptor_;
  std::function<int(size_t)> script_;
};

Json event(const std::string& id, const std::string& type) {
  return {{"id", id}, {"object", "event"}, {"type", type}, {"data", {{"id", id}}}, {"timestamp", 1},
          {"instance_id", "ins_test"}};
}

// Runs the loop until the instance is idle; returns what when_idle reported.
bool run_until_idle(asio::io_context& io, WebhookDelivery& d, int64_t timeout_ms = 5000) {
  std::optional<bool> idle;
  d.when_idle(kKey, timeout_ms, [&](bool v) { idle = v; });
  while (!idle && io.run_one() > 0) {
  }
  return idle.value_or(false);
}

std::vector<std::string> statuses(const std::vector<Delivery>& ds) {
  std::vector<std::string> out;
  for (const auto& d : ds) out.push_back(d.event_id + " " + d.status);
  return out;
}

DeliveryPolicy fast(int retries = 3) {
  DeliveryPolicy p;
  p.retries = retries;
  p.backoff_ms = 1;
  p.timeout_ms = 2000;
  return p;
}

}  // namespace

TEST(WebhookRetrySchedule, DoublesFromTheBackoff) {
  DeliveryPolicy p;
  p.backoff_ms = 100;
  EXPECT_EQ(retry_delay_ms(p, 1), 100);
  EXPECT_EQ(retry_delay_ms(p, 2), 200);
  EXPECT_EQ(retry_delay_ms(p, 3), 400);
  EXPECT_EQ(retry_delay_ms(p, 5), 1600);
  p.backoff_ms = 0;
  EXPECT_EQ(retry_delay_ms(p, 4), 0);
}

TEST(WebhookSignedPost, CarriesSvixHeadersOverTheExactBody) {
  const std::string secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  SignedPost post = sign_delivery(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, R"({"test": 2432232314})");
  std::map<std::string, std::string> h(post.headers.begin(), post.headers.end());
  EXPECT_EQ(h.at("content-type"), "application/json");
  EXPECT_EQ(h.at("svix-id"), "msg_p5jXN8AQM9LWM0D4loKWxJek");
  EXPECT_EQ(h.at("svix-timestamp"), "1614265330");
  // The published Svix example vector.
  EXPECT_EQ(h.at("svix-signature"), "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
  EXPECT_EQ(post.body, R"({"test": 2432232314})");
}

TEST(WebhookDeliveryEngine, DeliversInOrderSignedWithTheEndpointSecret) {
  asio::io_context io;
  Receiver receiver(io, [](size_t) { return 204; });
  Api api;
  Instance& inst = api.instance();
  inst.add_webhook_endpoint(receiver.url(), {}, "");
  WebhookDelivery d(io, fast());
  for (int i = 1; i <= 5; ++i) d.publish(inst, event("msg_" + std::to_string(i), "user.updated"));
  ASSERT_TRUE(run_until_idle(io, d));
  ASSERT_EQ(receiver.received.size(), 5u);
  for (size_t i = 0; i < 5; ++i) {
    const Received& r = receiver.received[i];
    EXPECT_EQ(r.target, "/hooks");
    EXPECT_EQ(r.headers.at("svix-id"), "msg_" + std::to_string(i + 1));
    EXPECT_FALSE(Json::parse(r.body).contains("id")) << "the event id travels only as svix-id";
    int64_t ts = std::stoll(r.headers.at("svix-timestamp"));
    EXPECT_EQ(r.headers.at("svix-signature"),
              webhook_signature(inst.info().webhook_secret, r.headers.at("svix-id"), ts, r.body));
  }
  EXPECT_EQ(statuses(d.deliveries(kKey)),
            (std::vector<std::string>{"msg_1 delivered", "msg_2 delivered", "msg_3 delivered", "msg_4 delivered",
                                      "msg_5 delivered"}));
}

TEST(WebhookDeliveryEngine, RetriesAFailureBeforeSendingTheNextEvent) {
  asio::io_context io;
  Receiver receiver(io, [](size_t n) { return n < 2 ? 500 : 200; });
  Api api;
  api.instance().add_webhook_endpoint(receiver.url(), {}, "");
  WebhookDelivery d(io, fast());
  d.publish(api.instance(), event("msg_a", "user.created"));
  d.publish(api.instance(), event("msg_b", "user.updated"));
  ASSERT_TRUE(run_until_idle(io, d));
  std::vector<std::string> order;
  for (const auto& r : receiver.received) order.push_back(r.headers.at("svix-id") + " " + std::to_string(r.status));
  EXPECT_EQ(order, (std::vector<std::string>{"msg_a 500", "msg_a 500", "msg_a 200", "msg_b 200"}));
  auto ds = d.deliveries(kKey);
  ASSERT_EQ(ds.size(), 2u);
  ASSERT_EQ(ds[0].attempts.size(), 3u);
  EXPECT_EQ(ds[0].attempts[0].status_code, 500);
  EXPECT_EQ(ds[0].attempts[0].error, "the endpoint answered 500");
  EXPECT_EQ(ds[0].attempts[2].error, "");
  EXPECT_EQ(ds[0].status, "delivered");
}

TEST(WebhookDeliveryEngine, GivesUpAfterTheRetriesAndMovesOn) {
  asio::io_context io;
  Receiver receiver(io, [](size_t n) { return n < 3 ? 400 : 202; });
  Api api;
  api.instance().add_webhook_endpoint(receiver.url(), {}, "");
  WebhookDelivery d(io, fast(2));
  d.publish(api.instance(), event("msg_a", "user.created"));
  d.publish(api.instance(), event("msg_b", "user.updated"));
  ASSERT_TRUE(run_until_idle(io, d));
  EXPECT_EQ(statuses(d.deliveries(kKey)), (std::vector<std::string>{"msg_a failed", "msg_b delivered"}));
  EXPECT_EQ(d.deliveries(kKey)[0].attempts.size(), 3u) << "the first attempt and two retries";
}

TEST(WebhookDeliveryEngine, ARefusedConnectionIsAFailedAttempt) {
  asio::io_context io;
  std::string url;
  {
    Receiver closed(io, [](size_t) { return 200; });
    url = closed.url();
  }  // the port is closed again
  Api api;
  api.instance().add_webhook_endpoint(url, {}, "");
  WebhookDelivery d(io, fast(1));
  d.publish(api.instance(), event("msg_a", "user.created"));
  ASSERT_TRUE(run_until_idle(io, d));
  auto ds = d.deliveries(kKey);
  ASSERT_EQ(ds.size(), 1u);
  EXPECT_EQ(ds[0].status, "failed");
  ASSERT_EQ(ds[0].attempts.size(), 2u);
  EXPECT_EQ(ds[0].attempts[0].status_code, 0);
  EXPECT_NE(ds[0].attempts[0].error.find("connect"), std::string::npos) << ds[0].attempts[0].error;
}

TEST(WebhookDeliveryEngine, EachEndpointGetsTheTypesItAskedFor) {
  asio::io_context io;
  Receiver all(io, [](size_t) { return 200; });
  Receiver some(io, [](size_t) { return 200; });
  Api api;
  api.instance().add_webhook_endpoint(all.url(), {}, "");
  std::string own = "whsec_" + std::string("MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=");
  api.instance().add_webhook_endpoint(some.url(), {"organization.created"}, own);
  WebhookDelivery d(io, fast());
  d.publish(api.instance(), event("msg_1", "user.created"));
  d.publish(api.instance(), event("msg_2", "organization.created"));
  ASSERT_TRUE(run_until_idle(io, d));
  EXPECT_EQ(all.received.size(), 2u);
  ASSERT_EQ(some.received.size(), 1u);
  const Received& r = some.received[0];
  EXPECT_EQ(r.headers.at("svix-id"), "msg_2");
  EXPECT_EQ(r.headers.at("svix-signature"),
            webhook_signature(own, "msg_2", std::stoll(r.headers.at("svix-timestamp")), r.body));
}

TEST(WebhookDeliveryEngine, ForgettingDropsWhatIsQueued) {
  asio::io_context io;
  Receiver receiver(io, [](size_t) { return 200; });
  Api api;
  api.instance().add_webhook_endpoint(receiver.url(), {}, "");
  WebhookDelivery d(io, fast());
  d.publish(api.instance(), event("msg_1", "user.created"));
  d.publish(api.instance(), event("msg_2", "user.created"));
  EXPECT_FALSE(d.idle(kKey));
  d.forget(kKey);
  EXPECT_TRUE(d.idle(kKey));
  EXPECT_TRUE(d.deliveries(kKey).empty());
  io.poll();  // what was posted for the dropped events runs, and sends nothing
  EXPECT_TRUE(receiver.received.empty());
  EXPECT_TRUE(run_until_idle(io, d));
}

TEST(WebhookDeliveryEngine, WaitingTimesOutWhileRetriesAreDue) {
  asio::io_context io;
  Receiver receiver(io, [](size_t) { return 500; });
  Api api;
  api.instance().add_webhook_endpoint(receiver.url(), {}, "");
  DeliveryPolicy slow = fast(1);
  slow.backoff_ms = 60000;
  WebhookDelivery d(io, slow);
  d.publish(api.instance(), event("msg_1", "user.created"));
  EXPECT_FALSE(run_until_idle(io, d, 50));
  EXPECT_EQ(d.deliveries(kKey)[0].status, "pending");
  d.stop();  // the retry due in a minute is dropped
  io.poll();
  EXPECT_EQ(receiver.received.size(), 1u);
  std::optional<bool> heard;
  d.when_idle(kKey, 60000, [&](bool idle) { heard = idle; });
  io.poll();
  ASSERT_TRUE(heard.has_value()) << "after stop nobody waits for deliveries that will not come";
  EXPECT_FALSE(*heard);
}

TEST(WebhookDeliveryEngine, AnInstanceWithoutEndpointsIsIdleAtOnce) {
  asio::io_context io;
  Api api;
  WebhookDelivery d(io, fast());
  d.publish(api.instance(), event("msg_1", "user.created"));
  EXPECT_TRUE(d.idle(kKey));
  bool called = false;
  d.when_idle(kKey, 1000, [&](bool idle) { called = idle; });
  EXPECT_FALSE(called) << "the answer comes from the loop, never before when_idle returns";
  io.run();
  EXPECT_TRUE(called);
}

// --- endpoints through the control plane

TEST(WebhookEndpoints, CreateListDelete) {
  Api api;
  Response created = api.call("POST", "/__sim/webhooks/endpoints",
                              Json{{"url", "http://127.0.0.1:3000/api/webhooks"}, {"events", {"user.created"}}});
  ASSERT_EQ(created.status, 200) << created.body;
  Json ep = body_of(created);
  EXPECT_EQ(ep["object"], "webhook_endpoint");
  EXPECT_EQ(ep["id"].get<std::string>().rfind("ep_", 0), 0u);
  EXPECT_EQ(ep["events"], Json::array({"user.created"}));
  EXPECT_EQ(ep["signing_secret"], api.instance().info().webhook_secret);
  Json list = body_of(api.call("GET", "/__sim/webhooks/endpoints"));
  EXPECT_EQ(list["total_count"], 1);
  EXPECT_EQ(list["data"][0], ep);
  Response del = api.call("DELETE", "/__sim/webhooks/endpoints/" + ep["id"].get<std::string>());
  EXPECT_EQ(body_of(del), (Json{{"object", "webhook_endpoint"}, {"id", ep["id"]}, {"deleted", true}}));
  EXPECT_TRUE(IsError(api.call("DELETE", "/__sim/webhooks/endpoints/" + ep["id"].get<std::string>()), 404,
                      "resource_not_found"));
}

TEST(WebhookEndpoints, BadRegistrationsChangeNothing) {
  Api api;
  EXPECT_TRUE(IsError(api.call("POST", "/__sim/webhooks/endpoints", Json::object()), 422, "form_param_missing", "url"));
  EXPECT_TRUE(IsError(api.call("POST", "/__sim/webhooks/endpoints", Json{{"url", "https://example.com/h"}}), 422,
                      "form_param_format_invalid", "url"));
  EXPECT_TRUE(IsError(api.call("POST", "/__sim/webhooks/endpoints", Json{{"url", "http://:80/h"}}), 422,
                      "form_param_format_invalid", "url"));
  EXPECT_TRUE(IsError(api.call("POST", "/__sim/webhooks/endpoints",
                               Json{{"url", "http://localhost/h"}, {"events", {"user.created", "user.exploded"}}}),
                      422, "form_param_value_invalid", "events"));
  EXPECT_TRUE(IsError(api.call("POST", "/__sim/webhooks/endpoints",
                               Json{{"url", "http://localhost/h"}, {"secret", "whsec_abc"}}),
                      422, "form_param_format_invalid", "secret"));
  EXPECT_TRUE(api.instance().webhook_endpoints().empty());
}

TEST(WebhookEndpoints, FixtureEndpointsComeBackAfterAReset) {
  Json fixture = base_fixture();
  fixture["webhooks"] = {{"signing_secret", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"},
                         {"endpoints", {{{"url", "http://127.0.0.1:4000/hooks"}, {"events", {"user.created"}}}}}};
  Api api(fixture);
  EXPECT_EQ(api.instance().info().webhook_secret, "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
  ASSERT_EQ(api.instance().webhook_endpoints().size(), 1u);
  std::string fixture_id = api.instance().webhook_endpoints()[0].id;
  api.call("POST", "/__sim/webhooks/endpoints", Json{{"url", "http://127.0.0.1:5000/other"}});
  ASSERT_EQ(api.instance().webhook_endpoints().size(), 2u);
  ASSERT_EQ(api.call("POST", "/__sim/reset").status, 200);
  ASSERT_EQ(api.instance().webhook_endpoints().size(), 1u);
  EXPECT_EQ(api.instance().webhook_endpoints()[0].id, fixture_id);
}

TEST(WebhookEndpoints, AStateDumpLoadsBackWithItsEndpointsAndSecret) {
  Json fixture = base_fixture();
  fixture["webhooks"] = {{"endpoints", {{{"url", "http://127.0.0.1:4000/hooks"}, {"secret",
                                                                                 "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"}}}}};
  InstanceState loaded = load_fixture(fixture, kSeed, true);
  InstanceState again = load_fixture(dump_fixture(loaded), kSeed, true);
  EXPECT_EQ(again.info.webhook_secret, loaded.info.webhook_secret);
  ASSERT_EQ(again.webhook_endpoints.size(), 1u);
  EXPECT_EQ(again.webhook_endpoints[0].id, loaded.webhook_endpoints[0].id);
  EXPECT_EQ(again.webhook_endpoints[0].secret, "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
}

TEST(WebhookEndpoints, BadFixtureEndpointsAreReportedWhereTheyAre) {
  Json fixture = base_fixture();
  fixture["webhooks"] = {{"endpoints", {{{"url", "ftp://x"}}}}};
  try {
    load_fixture(fixture, kSeed, true);
    FAIL() << "a bad endpoint URL loaded";
  } catch (const FixtureError& e) {
    EXPECT_EQ(e.where, "/webhooks/endpoints/0/url");
  }
  fixture["webhooks"] = {{"signing_secret", "not base64!"}};
  EXPECT_THROW(load_fixture(fixture, kSeed, true), FixtureError);
}

TEST(WebhookSecret, DerivedOncePerInstanceAndUsableBySvix) {
  InstanceState a = load_fixture(base_fixture(), kSeed, true);
  InstanceState b = load_fixture(base_fixture(), kSeed, true);
  EXPECT_EQ(a.info.webhook_secret, b.info.webhook_secret);
  EXPECT_EQ(a.info.webhook_secret.rfind("whsec_", 0), 0u);
  auto key = webhook_key(a.info.webhook_secret);
  ASSERT_TRUE(key.has_value());
  EXPECT_EQ(key->size(), 24u);
  Json other = base_fixture();
  other["instance"] = {{"secret_key", "sk_test_other"}};
  EXPECT_NE(load_fixture(other, kSeed, true).info.webhook_secret, a.info.webhook_secret);
}

// --- what the browser does to a session

TEST(SessionActions, SigningOutEndsAndRemovingRemoves) {
  Api api;
  std::string one = body_of(api.call("POST", "/v1/sessions", Json{{"user_id", "user_bob"}, {"active_organization_id", "org_acme"}}))["id"];
  std::string two = body_of(api.call("POST", "/v1/sessions", Json{{"user_id", "user_bob"}, {"active_organization_id", "org_acme"}}))["id"];
  api.call("DELETE", "/__sim/webhooks/events");
  EXPECT_EQ(body_of(api.call("POST", "/__sim/sessions/" + one + "/end"))["status"], "ended");
  EXPECT_EQ(body_of(api.call("POST", "/__sim/sessions/" + two + "/remove"))["status"], "removed");
  // Already over: nothing changes and nothing more is logged.
  EXPECT_EQ(body_of(api.call("POST", "/__sim/sessions/" + one + "/remove"))["status"], "ended");
  EXPECT_EQ(body_of(api.call("POST", "/v1/sessions/" + two + "/revoke"))["status"], "removed");
  Json log = body_of(api.call("GET", "/__sim/webhooks/events"));
  ASSERT_EQ(log["total_count"], 2);
  EXPECT_EQ(log["data"][0]["type"], "session.ended");
  EXPECT_EQ(log["data"][1]["type"], "session.removed");
  EXPECT_TRUE(IsError(api.call("POST", "/__sim/sessions/sess_nope/end"), 404, "resource_not_found"));
  // An ended session mints no more tokens.
  EXPECT_GE(api.call("POST", "/v1/sessions/" + one + "/tokens").status, 400);
}

TEST(WebhookFlush, WithoutDeliveryItAnswersAtOnce) {
  Api api;  // the in-process dispatcher of unit tests delivers nothing
  Response r = api.call("POST", "/__sim/webhooks/flush", Json{{"timeout_ms", 100}});
  ASSERT_EQ(r.status, 200) << r.body;
  Json b = body_of(r);
  EXPECT_EQ(b["drained"], true);
  EXPECT_EQ(b["deliveries"], Json::array());
  EXPECT_TRUE(IsError(api.call("POST", "/__sim/webhooks/flush", Json{{"timeout_ms", -1}}), 422,
                      "form_param_value_invalid", "timeout_ms"));
}

TEST(WebhookEndpoints, OnlyUrlsThatCanBeDeliveredToAreTaken) {
  for (const char* ok : {"http://127.0.0.1:3000/api/webhooks", "http://localhost/h", "http://[::1]:8080/h?x=1",
                         "http://my-app.test", "http://host:65535/"})
    EXPECT_TRUE(valid_webhook_url(ok)) << ok;
  for (const std::string& bad : std::vector<std::string>{"https://example.com/h", "http://", "http://:80/h", "http://h:abc/", "http://h:0/",
                                "http://h:70000/", "http://h x/", "http://h/a b", "http://[]/h", "http://h@evil/",
                                "http://" + std::string(3000, 'a') + "/"})
    EXPECT_FALSE(valid_webhook_url(bad)) << bad;
}

TEST(WebhookDeliveryEngine, RemovingAnEndpointStopsItsDeliveries) {
  asio::io_context io;
  Receiver receiver(io, [](size_t) { return 500; });
  Api api;
  const WebhookEndpoint& ep = api.instance().add_webhook_endpoint(receiver.url(), {}, "");
  std::string id = ep.id;
  DeliveryPolicy slow = fast(5);
  slow.backoff_ms = 60000;
  WebhookDelivery d(io, slow);
  d.publish(api.instance(), event("msg_1", "user.created"));
  d.publish(api.instance(), event("msg_2", "user.created"));
  EXPECT_FALSE(run_until_idle(io, d, 50)) << "the first delivery waits a minute for its retry";
  d.drop_endpoint(kKey, id);
  EXPECT_TRUE(d.idle(kKey));
  EXPECT_EQ(statuses(d.deliveries(kKey)), (std::vector<std::string>{"msg_1 failed", "msg_2 failed"}));
  io.poll();
  EXPECT_EQ(receiver.received.size(), 1u);
}

TEST(WebhookEvents, IdsGoOnAfterAReset) {
  Api api;
  api.call("POST", "/v1/organizations", Json{{"name", "Initech"}});
  std::string before = body_of(api.call("GET", "/__sim/webhooks/events"))["data"][0]["id"];
  ASSERT_EQ(api.call("POST", "/__sim/reset").status, 200);
  api.call("POST", "/v1/organizations", Json{{"name", "Initech"}});
  Json after = body_of(api.call("GET", "/__sim/webhooks/events"));
  ASSERT_EQ(after["total_count"], 1);
  EXPECT_NE(after["data"][0]["id"], before) << "an app deduplicating on svix-id would drop the new event";
}

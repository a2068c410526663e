// Webhook delivery in the real binary: the loop that delivers must never keep the
// server from answering or from stopping.
#include <gtest/gtest.h>

#include <future>
#include <thread>

#include "server_process.hpp"

using e2e::ServerProcess;
namespace asio = boost::asio;

namespace {

// A loopback port nothing listens on.
std::string closed_port_url() {
  asio::io_context io;
  asio::ip::tcp::acceptor a(io, {asio::ip::make_address("127.0.0.1"), 0});
  return "http://127.0.0.1:" + std::to_string(a.local_endpoint().port()) + "/hooks";
}

}  // namespace

TEST(Webhooks, ApiAnswersWhileADeliveryIsFailingAndTheFlushTimesOut) {
  ServerProcess s({"--webhook", closed_port_url(), "--webhook-backoff-ms", "600000"});
  EXPECT_EQ(s.request("POST", "/v1/organizations", R"({"name":"Initech"})").status, 200);
  EXPECT_EQ(s.request("GET", "/v1/organizations?limit=1").status, 200);
  auto flushed = s.request("POST", "/__sim/webhooks/flush", R"({"timeout_ms":50})");
  ASSERT_EQ(flushed.status, 200) << flushed.body;
  EXPECT_EQ(flushed.json()["drained"], false);
  EXPECT_EQ(flushed.json()["pending"], 1);
  auto deliveries = s.request("GET", "/__sim/webhooks/deliveries").json();
  ASSERT_EQ(deliveries["total_count"], 1);
  EXPECT_EQ(deliveries["data"][0]["attempts"].size(), 1u);
  EXPECT_EQ(deliveries["data"][0]["attempts"][0]["status_code"], nullptr);
}

TEST(Webhooks, SigtermStopsTheServerWhileAFlushWaitsForARetry) {
  ServerProcess s({"--webhook", closed_port_url(), "--webhook-backoff-ms", "600000"});
  ASSERT_EQ(s.request("POST", "/v1/organizations", R"({"name":"Initech"})").status, 200);
  auto waiting = std::async(std::launch::async, [&] {
    try {
      return s.request("POST", "/__sim/webhooks/flush", R"({"timeout_ms":600000})").json();
    } catch (const std::exception&) {
      return nlohmann::json();  // the connection closed before an answer: also fine
    }
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(200));  // let the flush reach the server
  EXPECT_EQ(s.terminate(), 0);
  nlohmann::json answer = waiting.get();
  if (!answer.is_null()) {
    EXPECT_EQ(answer["drained"], false);
  }
}

TEST(Webhooks, ResetDropsDeliveriesAndTheFixtureEndpointStays) {
  ServerProcess s({"--webhook", closed_port_url(), "--webhook-backoff-ms", "600000"});
  ASSERT_EQ(s.request("POST", "/v1/organizations", R"({"name":"Initech"})").status, 200);
  ASSERT_EQ(s.request("POST", "/__sim/reset").status, 200);
  EXPECT_EQ(s.request("GET", "/__sim/webhooks/deliveries").json()["total_count"], 0);
  EXPECT_EQ(s.request("GET", "/__sim/webhooks/endpoints").json()["total_count"], 1);
  auto flushed = s.request("POST", "/__sim/webhooks/flush", R"({"timeout_ms":1000})").json();
  EXPECT_EQ(flushed["drained"], true);
}

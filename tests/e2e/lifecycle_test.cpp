// The real binary over real sockets: startup, limits, shutdown, determinism.
#include <gtest/gtest.h>

#include <fstream>

#include "server_process.hpp"

using e2e::ServerProcess;
using nlohmann::json;
namespace asio = boost::asio;

namespace {

std::string raw_exchange(unsigned short port, const std::string& bytes) {
  asio::io_context ioc;
  asio::ip::tcp::socket sock(ioc);
  sock.connect({asio::ip::make_address("127.0.0.1"), port});
  boost::system::error_code ec;
  asio::write(sock, asio::buffer(bytes), ec);  // the server may close before reading it all
  std::string out;
  char buf[4096];
  for (;;) {
    size_t n = sock.read_some(asio::buffer(buf), ec);
    if (ec) break;
    out.append(buf, n);
  }
  return out;
}

// The requests a user might send in a session; each body collected in order.
std::vector<std::string> scripted_session(const ServerProcess& s) {
  std::vector<std::string> bodies;
  auto add = [&](const std::string& m, const std::string& t, const std::string& b = "") {
    bodies.push_back(s.request(m, t, b).body);
  };
  add("POST", "/v1/users", R"({"email_address":["frank@initech.test"],"first_name":"Frank"})");
  add("POST", "/v1/organizations", R"({"name":"Initech","created_by":"user_alice"})");
  add("GET", "/v1/organizations?limit=5");
  add("POST", "/v1/organizations", R"({"name":"Initech","slug":"acme-corp"})");  // fails: slug taken
  add("POST", "/v1/organizations/acme-corp/memberships", R"({"user_id":"user_erin","role":"org:member"})");
  add("PATCH", "/v1/organizations/acme-corp/metadata", R"({"public_metadata":{"plan":null,"tier":{"a":1}}})");
  add("GET", "/v1/organizations/acme-corp/memberships?order_by=-created_at");
  add("GET", "/v1/users?order_by=%2Bcreated_at");
  add("DELETE", "/v1/users/user_bob");
  add("GET", "/__sim/state");
  return bodies;
}

}  // namespace

TEST(Lifecycle, SameFixtureAndSeedGiveByteIdenticalResponses) {
  std::vector<std::string> args = {"--clock", "frozen", "--seed", "42"};
  ServerProcess a(args), b(args);
  auto first = scripted_session(a);
  auto second = scripted_session(b);
  ASSERT_EQ(first.size(), second.size());
  for (size_t i = 0; i < first.size(); ++i) EXPECT_EQ(first[i], second[i]) << "request #" << i;
  // And the seed matters: another seed gives other ids.
  ServerProcess c({"--clock", "frozen", "--seed", "43"});
  EXPECT_NE(scripted_session(c)[0], first[0]);
}

TEST(Lifecycle, BodiesOverOneMebibyteGet413) {
  ServerProcess s;
  std::string big = R"({"name":")" + std::string(1024 * 1024 + 10, 'a') + R"("})";
  auto r = s.request("POST", "/v1/organizations", big);
  EXPECT_EQ(r.status, 413);
  EXPECT_EQ(r.content_type, "application/json");
  EXPECT_EQ(r.json()["errors"][0]["code"], "request_body_too_large");
  // The server is still serving.
  EXPECT_EQ(s.request("GET", "/__sim/health").status, 200);
}

TEST(Lifecycle, OversizedHeadersCloseTheConnectionOnly) {
  ServerProcess s;
  std::string req = "GET /__sim/health HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(64 * 1024, 'h') + "\r\n\r\n";
  std::string answer = raw_exchange(s.port(), req);
  EXPECT_EQ(answer.find("200 OK"), std::string::npos);
  EXPECT_EQ(s.request("GET", "/__sim/health").status, 200);
}

TEST(Lifecycle, SlowClientIsCutOffWithoutBlockingOthers) {
  ServerProcess s({"--idle-timeout", "1"});
  asio::io_context ioc;
  asio::ip::tcp::socket slow(ioc);
  slow.connect({asio::ip::make_address("127.0.0.1"), s.port()});
  asio::write(slow, asio::buffer(std::string("GET /__sim/health HTTP/1.1\r\nHost:")));  // never finishes
  EXPECT_EQ(s.request("GET", "/__sim/health").status, 200);
  // After the idle timeout the server closes the slow connection.
  slow.non_blocking(false);
  char buf[64];
  boost::system::error_code ec;
  auto started = std::chrono::steady_clock::now();
  slow.read_some(asio::buffer(buf), ec);
  EXPECT_TRUE(ec == asio::error::eof || ec == asio::error::connection_reset) << ec.message();
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(10));
}

TEST(Lifecycle, KeepAliveServesSeveralRequestsOnOneConnection) {
  ServerProcess s;
  std::string one = "GET /__sim/health HTTP/1.1\r\nHost: x\r\n\r\n";
  std::string last = "GET /__sim/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
  std::string answer = raw_exchange(s.port(), one + one + last);
  size_t count = 0;
  for (size_t pos = 0; (pos = answer.find("HTTP/1.1 200 OK", pos)) != std::string::npos; ++pos) ++count;
  EXPECT_EQ(count, 3u);
}

TEST(Lifecycle, SigtermExitsZero) {
  ServerProcess s;
  EXPECT_EQ(s.request("GET", "/__sim/health").status, 200);
  EXPECT_EQ(s.terminate(), 0);
}

TEST(Lifecycle, BrokenFixtureStopsStartupWithExitTwoAndOneLine) {
  std::string path = ::testing::TempDir() + "broken_fixture.json";
  std::ofstream(path) << R"({"users":[{"id":"user_a","email_addresses":["a@x.test"]},)"
                         R"({"id":"user_b","email_addresses":["a@x.test"]}]})";
  std::string cmd = std::string(CLERK_SIM_BIN) + " serve --port 0 --fixture " + path + " 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  ASSERT_NE(p, nullptr);
  std::string output;
  char buf[512];
  while (fgets(buf, sizeof buf, p)) output += buf;
  int status = pclose(p);
  EXPECT_EQ(WEXITSTATUS(status), 2);
  EXPECT_EQ(output, "clerk-sim: " + path + ": /users/1/email_addresses/0: the email address 'a@x.test' belongs to two users\n");
}

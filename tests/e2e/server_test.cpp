#include <gtest/gtest.h>

#include "server_process.hpp"

using e2e::ServerProcess;

TEST(Server, FirstLineNamesTheUrlAndEnvLinesFollow) {
  ServerProcess s;
  EXPECT_EQ(s.first_line(), "clerk-sim listening on http://127.0.0.1:" + std::to_string(s.port()) + "\n");
  ASSERT_EQ(s.other_lines().size(), 5u);
  EXPECT_EQ(s.other_lines()[0], "CLERK_API_URL=http://127.0.0.1:" + std::to_string(s.port()) + "\n");
  EXPECT_EQ(s.other_lines()[1], "CLERK_SECRET_KEY=sk_test_clerksim_default\n");
  // pk_test_ + base64("127.0.0.1:<port>$"): the SDK needs the decoded host to hold a dot.
  EXPECT_EQ(s.other_lines()[2].rfind("CLERK_PUBLISHABLE_KEY=pk_test_", 0), 0u);
  EXPECT_EQ(s.other_lines()[3].rfind("CLERK_JWT_KEY=-----BEGIN PUBLIC KEY-----MIIBIjAN", 0), 0u);
  // The same secret on every run of the same fixture, so an app can keep it in its .env.
  EXPECT_EQ(s.other_lines()[4], "CLERK_WEBHOOK_SIGNING_SECRET=whsec_aveQrz2slrq/iVBJQz2MxHvyOia/Js8M\n");
}

TEST(Server, HealthNeedsNoKey) {
  ServerProcess s;
  auto r = s.request("GET", "/__sim/health", "", "");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type, "application/json");
  EXPECT_EQ(r.json(), nlohmann::json({{"status", "ok"}}));
}

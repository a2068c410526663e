// Invitations against the real binary: expiry driven by the control-plane clock,
// and the invite -> ticket -> member round trip.
#include <gtest/gtest.h>

#include <string>

#include "server_process.hpp"

using e2e::ServerProcess;
using nlohmann::json;

namespace {

constexpr int64_t kDayMs = 24LL * 60 * 60 * 1000;

// The value of `name` in the query string of `url`, or "" when absent.
std::string query_value(const std::string& url, const std::string& name) {
  auto q = url.find('?');
  if (q == std::string::npos) return "";
  std::string rest = url.substr(q + 1);
  size_t pos = 0;
  while (pos <= rest.size()) {
    size_t amp = rest.find('&', pos);
    std::string pair = rest.substr(pos, amp == std::string::npos ? std::string::npos : amp - pos);
    auto eq = pair.find('=');
    if (eq != std::string::npos && pair.substr(0, eq) == name) return pair.substr(eq + 1);
    if (amp == std::string::npos) break;
    pos = amp + 1;
  }
  return "";
}

std::vector<std::string> event_types(const ServerProcess& s) {
  std::vector<std::string> out;
  json events = s.request("GET", "/__sim/webhooks/events").json();  // kept alive for the loop
  for (const auto& e : events["data"]) out.push_back(e["type"]);
  return out;
}

}  // namespace

TEST(Invitations, ThirtyOneDaysOnTheClockExpireAPendingInvitation) {
  ServerProcess s({"--clock", "frozen"});
  auto created = s.request("POST", "/v1/organizations/org_acme/invitations",
                           R"({"email_address":"Frank@Example.test","role":"org:member"})");
  ASSERT_EQ(created.status, 200) << created.body;
  json inv = created.json();
  EXPECT_EQ(inv["object"], "organization_invitation");
  EXPECT_EQ(inv["status"], "pending");
  EXPECT_EQ(inv["email_address"], "frank@example.test");
  EXPECT_EQ(inv["expires_at"].get<int64_t>(), inv["created_at"].get<int64_t>() + 30 * kDayMs);
  const std::string id = inv["id"];
  EXPECT_EQ(s.request("GET", "/v1/organizations/org_acme").json()["pending_invitations_count"], 1);

  auto clock = s.request("POST", "/__sim/clock", json{{"advance_ms", 31 * kDayMs}}.dump());
  ASSERT_EQ(clock.status, 200) << clock.body;

  auto got = s.request("GET", "/v1/organizations/org_acme/invitations/" + id);
  ASSERT_EQ(got.status, 200) << got.body;
  EXPECT_EQ(got.json()["status"], "expired");
  EXPECT_TRUE(got.json()["url"].is_null());
  auto expired = s.request("GET", "/v1/organizations/org_acme/invitations?status=expired").json();
  EXPECT_EQ(expired["total_count"], 1);
  EXPECT_EQ(s.request("GET", "/v1/organizations/org_acme/invitations?status=pending").json()["total_count"], 0);
  EXPECT_EQ(s.request("GET", "/v1/organizations/org_acme").json()["pending_invitations_count"], 0);

  auto revoke = s.request("POST", "/v1/organizations/org_acme/invitations/" + id + "/revoke", "{}");
  EXPECT_EQ(revoke.status, 404) << revoke.body;
  EXPECT_EQ(revoke.json()["errors"][0]["code"], "organization_invitation_not_pending");
  auto accept = s.request("POST", "/__sim/invitations/" + id + "/accept", "{}");
  EXPECT_EQ(accept.status, 404) << accept.body;
  EXPECT_EQ(accept.json()["errors"][0]["code"], "organization_invitation_not_pending");
}

TEST(Invitations, InviteAcceptByTicketBecomesAMember) {
  ServerProcess s({"--clock", "frozen"});
  auto created = s.request("POST", "/v1/organizations/org_globex/invitations",
                           R"({"email_address":"newcomer@example.test","role":"org:admin",
                               "inviter_user_id":"user_carol","public_metadata":{"team":"ops"},
                               "redirect_url":"https://app.example.test/join"})");
  ASSERT_EQ(created.status, 200) << created.body;
  json inv = created.json();
  ASSERT_TRUE(inv["url"].is_string()) << created.body;
  const std::string ticket = query_value(inv["url"], "__clerk_ticket");
  ASSERT_FALSE(ticket.empty()) << inv["url"];

  auto accepted = s.request("POST", "/__sim/tickets/accept", json{{"ticket", ticket}}.dump());
  ASSERT_EQ(accepted.status, 200) << accepted.body;
  json a = accepted.json();
  EXPECT_EQ(a["invitation"]["id"], inv["id"]);
  EXPECT_EQ(a["invitation"]["status"], "accepted");
  const std::string user_id = a["user"]["id"];
  EXPECT_EQ(user_id.rfind("user_", 0), 0u) << user_id;

  auto members = s.request("GET", "/v1/organizations/org_globex/memberships").json();
  EXPECT_EQ(members["total_count"], 3);
  bool found = false;
  for (const auto& m : members["data"]) {
    if (m["public_user_data"]["user_id"] != user_id) continue;
    found = true;
    EXPECT_EQ(m["role"], "org:admin");
    EXPECT_EQ(m["public_metadata"], (json{{"team", "ops"}}));
    EXPECT_EQ(m["public_user_data"]["identifier"], "newcomer@example.test");
  }
  EXPECT_TRUE(found) << members.dump();

  auto got = s.request("GET", "/v1/organizations/org_globex/invitations/" + inv["id"].get<std::string>()).json();
  EXPECT_EQ(got["status"], "accepted");
  auto users = s.request("GET", "/v1/users?email_address=newcomer@example.test").json();
  ASSERT_EQ(users.size(), 1u) << users.dump();
  EXPECT_EQ(users[0]["id"], user_id);

  auto again = s.request("POST", "/__sim/tickets/accept", json{{"ticket", ticket}}.dump());
  EXPECT_EQ(again.status, 400) << again.body;
  EXPECT_EQ(again.json()["errors"][0]["code"], "organization_invitation_already_accepted");
  auto bogus = s.request("POST", "/__sim/tickets/accept", R"({"ticket":"not-a-ticket"})");
  EXPECT_EQ(bogus.status, 404) << bogus.body;

  EXPECT_EQ(event_types(s), (std::vector<std::string>{"organizationInvitation.created", "user.created",
                                                      "organizationMembership.created",
                                                      "organizationInvitation.accepted"}));
}

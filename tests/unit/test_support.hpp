#pragma once
// Shared helpers for the unit tests: a small fixture, an Instance built from it with a
// frozen clock, an in-process Dispatcher, and assertions about ClerkError values and
// error responses.
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <utility>

#include "core/error.hpp"
#include "core/request.hpp"
#include "domain/instance.hpp"
#include "domain/tenancy.hpp"
#include "router/router.hpp"
#include "wire/encode.hpp"
#include "wire/fixture.hpp"

namespace clerksim::unit {

constexpr uint64_t kSeed = 42;
constexpr const char* kKey = "sk_test_clerksim_default";

// Two organizations:
//   org_acme   (cap from settings = 5): alice org:admin, bob org:member, carol org:member
//   org_globex (cap 0 = unlimited):     carol org:admin, dave org:member
// erin belongs to no organization.
inline Json base_fixture() {
  return Json::parse(R"JSON({
    "organization_settings": {"max_allowed_memberships": 5},
    "users": [
      {"id": "user_alice", "email_addresses": ["alice@acme.test"], "first_name": "Alice", "last_name": "Anders",
       "username": "alice", "public_metadata": {"title": "Head of Engineering"}},
      {"id": "user_bob", "email_addresses": ["bob@acme.test"], "first_name": "Bob", "last_name": "Baker",
       "username": "bob"},
      {"id": "user_carol", "email_addresses": ["carol@globex.test"], "first_name": "Carol", "last_name": "Chen",
       "external_id": "crm-1003"},
      {"id": "user_dave", "email_addresses": ["dave@globex.test"], "phone_numbers": ["+15555550104"],
       "first_name": "Dave", "last_name": "Diaz"},
      {"id": "user_erin", "email_addresses": ["erin@example.test"], "first_name": "Erin", "last_name": "Evans",
       "private_metadata": {"signup_source": "waitlist"}}
    ],
    "organizations": [
      {"id": "org_acme", "name": "Acme Corp", "slug": "acme-corp", "created_by": "user_alice",
       "public_metadata": {"plan": "team"}, "private_metadata": {"crm_account": "A-100"}},
      {"id": "org_globex", "name": "Globex", "slug": "globex", "created_by": "user_carol",
       "max_allowed_memberships": 0}
    ],
    "memberships": [
      {"organization_id": "org_acme", "user_id": "user_alice", "role": "org:admin"},
      {"organization_id": "org_acme", "user_id": "user_bob", "role": "org:member"},
      {"organization_id": "org_acme", "user_id": "user_carol", "role": "org:member"},
      {"organization_id": "org_globex", "user_id": "user_carol", "role": "org:admin"},
      {"organization_id": "org_globex", "user_id": "user_dave", "role": "org:member"}
    ]
  })JSON");
}

inline Instance make_instance(const Json& fixture = base_fixture(), uint64_t seed = kSeed) {
  return Instance(load_fixture(fixture, seed, true), ClockMode::frozen);
}

// Passes when `f` throws a ClerkError with this status and code (and, when given,
// meta.param_name). Reports what happened otherwise.
template <class F>
::testing::AssertionResult FailsWith(F&& f, int status, const std::string& code, const std::string& param = "") {
  try {
    f();
  } catch (const ClerkError& e) {
    if (e.status != status || e.code != code)
      return ::testing::AssertionFailure() << "expected " << status << " " << code << ", got " << e.status << " "
                                           << e.code << " (" << e.long_message << ")";
    if (!param.empty()) {
      if (!e.meta.is_object() || !e.meta.contains("param_name") || e.meta["param_name"] != param)
        return ::testing::AssertionFailure() << "expected meta.param_name '" << param << "', meta was "
                                             << e.meta.dump();
    }
    return ::testing::AssertionSuccess();
  } catch (const std::exception& e) {
    return ::testing::AssertionFailure() << "threw something other than ClerkError: " << e.what();
  }
  return ::testing::AssertionFailure() << "expected " << status << " " << code << ", but nothing was thrown";
}

inline Json body_of(const Response& r) { return r.body.empty() ? Json() : Json::parse(r.body); }

// Passes when the response is a Clerk error body with this status, code and param.
inline ::testing::AssertionResult IsError(const Response& r, int status, const std::string& code,
                                          const std::string& param = "") {
  Json b;
  try {
    b = Json::parse(r.body);
  } catch (const std::exception&) {
    return ::testing::AssertionFailure() << "body is not JSON: " << r.body;
  }
  if (r.status != status)
    return ::testing::AssertionFailure() << "expected status " << status << ", got " << r.status << ": " << r.body;
  if (!b.is_object() || !b.contains("errors") || !b["errors"].is_array() || b["errors"].empty())
    return ::testing::AssertionFailure() << "no errors[] in " << r.body;
  const Json& e = b["errors"][0];
  if (e.value("code", "") != code)
    return ::testing::AssertionFailure() << "expected code " << code << ", got " << r.body;
  if (!param.empty()) {
    if (!e.contains("meta") || !e["meta"].is_object() || e["meta"].value("param_name", "") != param)
      return ::testing::AssertionFailure() << "expected meta.param_name " << param << ", got " << r.body;
  }
  return ::testing::AssertionSuccess();
}

using Headers = std::map<std::string, std::string>;

// A Tenancy plus Dispatcher, driven with in-process requests. Not movable: the
// Dispatcher keeps a reference to the Tenancy.
class Api {
 public:
  explicit Api(const Json& fixture = base_fixture(), uint64_t seed = kSeed, TenancyMode mode = TenancyMode::fixed)
      : tenancy_(load_fixture(fixture, seed, true), ClockMode::frozen, mode), dispatcher_(tenancy_) {}
  Api(const Api&) = delete;
  Api& operator=(const Api&) = delete;

  // Sends with "Authorization: Bearer <kKey>" unless `headers` names its own Authorization.
  Response call(const std::string& method, const std::string& target, const std::string& body = "",
                const Headers& headers = {}) {
    Request r;
    r.method = method;
    r.target = target;
    r.body = body;
    r.headers["Authorization"] = std::string("Bearer ") + kKey;
    for (const auto& [k, v] : headers) r.headers[k] = v;
    return dispatcher_.handle(r);
  }
  Response call(const std::string& method, const std::string& target, const char* body, const Headers& headers = {}) {
    return call(method, target, std::string(body), headers);
  }
  Response call(const std::string& method, const std::string& target, const Json& body, const Headers& headers = {}) {
    return call(method, target, body.dump(), headers);
  }
  // A request exactly as given (no Authorization added).
  Response raw(const Request& r) { return dispatcher_.handle(r); }

  Tenancy& tenancy() { return tenancy_; }
  Instance& instance() { return *tenancy_.find(kKey); }

 private:
  Tenancy tenancy_;
  Dispatcher dispatcher_;
};

}  // namespace clerksim::unit

#pragma once
// The app conformance checker: random worlds of organizations, users and roles are
// built in a running clerk-sim, a user's real session token is sent to the app's
// routes, and what the app allowed is compared with what Clerk's has() and slug rules
// say it should allow. A mismatch is shrunk to the smallest world and request.
#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "domain/model.hpp"

namespace clerksim::scenario {

struct AppCheckOptions {
  std::string app;       // the app's base URL, e.g. http://127.0.0.1:3000
  std::string manifest;  // JSON array of route entries (README: "Check your app's organization authorization")
  std::string sim;       // clerk-sim's URL, the one the app's CLERK_API_URL names
  std::string secret_key = "sk_test_clerksim_default";
  int runs = 100;
  uint64_t seed = 0;
  std::string junit;  // also write a JUnit report here ("" = don't)
};

// What the manifest says, read and checked. Throws std::runtime_error naming the
// entry and field when it is malformed.
struct RouteParam {
  std::string name, kind;  // kind: org_slug | org_id | user_id
};
struct AppRoute {
  std::string method, path;
  std::vector<RouteParam> params;
  bool signed_in = false, org_slug_match = false;
  std::vector<std::pair<std::string, std::string>> checks;  // has() keys: role, permission, plan, feature
  std::vector<int> allow, deny;
  Json body;                                   // null: no body
  std::string write_field, read_back_method, read_back_path;  // org_scoped_write, when given
};
std::vector<AppRoute> load_manifest(const Json& manifest);
// Mistakes visible in the manifest alone (an org:sys_* permission checked on the
// server, a route under {slug} without org_slug_match), one line each.
std::vector<std::string> manifest_warnings(const std::vector<AppRoute>& routes);

// 0: the app agreed with Clerk on every run; 1: a counterexample; 2: bad options.
int run_app_check(const AppCheckOptions& options, std::ostream& out);

}  // namespace clerksim::scenario

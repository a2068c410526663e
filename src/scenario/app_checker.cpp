#include "scenario/app_checker.hpp"

#include <rapidcheck.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <stdexcept>

#include "auth/crypto.hpp"
#include "core/text.hpp"
#include "scenario/runner.hpp"

namespace clerksim::scenario {

// --- the manifest

namespace {

std::runtime_error manifest_error(size_t i, const std::string& what) {
  return std::runtime_error("manifest entry " + std::to_string(i) + ": " + what);
}

std::vector<int> statuses(const Json& entry, const char* key, size_t i) {
  std::vector<int> out;
  if (!entry.contains(key)) return out;
  if (!entry[key].is_array()) throw manifest_error(i, std::string(key) + " must be an array of statuses");
  for (const auto& v : entry[key]) {
    if (!v.is_number_integer()) throw manifest_error(i, std::string(key) + " must be an array of statuses");
    out.push_back(v.get<int>());
  }
  return out;
}

std::string str(const Json& j, const char* key, size_t i, bool required) {
  if (!j.contains(key)) {
    if (required) throw manifest_error(i, std::string(key) + " is required");
    return "";
  }
  if (!j[key].is_string()) throw manifest_error(i, std::string(key) + " must be a string");
  return j[key].get<std::string>();
}

}  // namespace

std::vector<AppRoute> load_manifest(const Json& manifest) {
  if (!manifest.is_array()) throw std::runtime_error("the manifest must be a JSON array of route entries");
  std::vector<AppRoute> routes;
  for (size_t i = 0; i < manifest.size(); ++i) {
    const Json& e = manifest[i];
    if (!e.is_object()) throw manifest_error(i, "must be an object");
    static const std::vector<std::string> known = {"method", "path",  "params", "requires", "allow",
                                                   "deny",   "body",  "org_scoped_write"};
    for (const auto& [k, v] : e.items())
      if (std::find(known.begin(), known.end(), k) == known.end()) throw manifest_error(i, "unknown field " + k);
    AppRoute r;
    r.method = str(e, "method", i, true);
    r.path = str(e, "path", i, true);
    if (r.path.empty() || r.path[0] != '/') throw manifest_error(i, "path must start with /");
    if (e.contains("params")) {
      if (!e["params"].is_object()) throw manifest_error(i, "params must be an object");
      for (const auto& [name, kind] : e["params"].items()) {
        if (!kind.is_string() || (kind != "org_slug" && kind != "org_id" && kind != "user_id"))
          throw manifest_error(i, "params." + name + " must be org_slug, org_id or user_id");
        if (r.path.find("{" + name + "}") == std::string::npos)
          throw manifest_error(i, "params." + name + " is not in the path");
        r.params.push_back({name, kind.get<std::string>()});
      }
    }
    if (e.contains("requires")) {
      const Json& q = e["requires"];
      if (!q.is_object()) throw manifest_error(i, "requires must be an object");
      for (const auto& [k, v] : q.items()) {
        if (k == "signed_in" || k == "org_slug_match") {
          if (!v.is_boolean()) throw manifest_error(i, "requires." + k + " must be true or false");
          (k == "signed_in" ? r.signed_in : r.org_slug_match) = v.get<bool>();
        } else if (k == "role" || k == "permission" || k == "plan" || k == "feature") {
          if (!v.is_string()) throw manifest_error(i, "requires." + k + " must be a string");
          r.checks.emplace_back(k, v.get<std::string>());
        } else {
          throw manifest_error(i, "unknown requirement " + k);
        }
      }
    }
    // Anything more than being signed in implies being signed in.
    if (r.org_slug_match || !r.checks.empty()) r.signed_in = true;
    r.allow = statuses(e, "allow", i);
    r.deny = statuses(e, "deny", i);
    if (r.allow.empty()) r.allow = {200, 201, 204};
    if (r.deny.empty()) r.deny = {302, 401, 403, 404};
    if (e.contains("body")) r.body = e["body"];
    if (e.contains("org_scoped_write")) {
      const Json& w = e["org_scoped_write"];
      if (!w.is_object()) throw manifest_error(i, "org_scoped_write must be an object");
      r.write_field = str(w, "field", i, true);
      std::string read_back = str(w, "read_back", i, true);
      auto space = read_back.find(' ');
      if (space == std::string::npos) throw manifest_error(i, "read_back is \"METHOD /path\"");
      r.read_back_method = read_back.substr(0, space);
      r.read_back_path = read_back.substr(space + 1);
    }
    routes.push_back(std::move(r));
  }
  if (routes.empty()) throw std::runtime_error("the manifest lists no routes");
  return routes;
}

std::vector<std::string> manifest_warnings(const std::vector<AppRoute>& routes) {
  std::vector<std::string> out;
  for (const auto& r : routes) {
    for (const auto& [k, v] : r.checks)
      if (k == "permission" && starts_with(v, "org:sys_"))
        out.push_back(r.method + " " + r.path + ": requires permission " + v +
                      ", a system permission; has() on the server never sees those (check the role instead)");
    bool slug_param = std::any_of(r.params.begin(), r.params.end(),
                                  [](const RouteParam& p) { return p.kind == "org_slug" || p.kind == "org_id"; });
    if (slug_param && !r.org_slug_match)
      out.push_back(r.method + " " + r.path + ": names an organization in the URL but does not require org_slug_match; "
                    "any signed-in user could reach another organization's page");
  }
  return out;
}

// --- one run: a world, a session, a request

namespace {

// What RapidCheck generates; all indexes wrap around what exists.
struct World {
  int orgs = 1, users = 1;
  // For each (user, organization) of a 3x3 grid: 0 no membership, else one more
  // than an index into the instance's roles.
  std::vector<int> memberships;
  std::vector<int> plans;  // per organization: an index into the organization plans (when billing is on)
};
struct Case {
  int user = 0;
  int session = 0;  // 0: no token; 1: signed in, no organization chosen; 2 or more: an organization active
  int active_org = 0;
  int route = 0;
  std::vector<int> picks;  // a value per route parameter: 0 the active organization (when there is one), else any
};

struct Outcome {
  bool mismatch = false;
  std::string message, curl, claims, world, request;
};

std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

class AppRun {
 public:
  AppRun(const AppCheckOptions& o, const std::vector<AppRoute>& routes, const std::vector<std::string>& roles,
         const std::vector<std::string>& plans)
      : o_(o), routes_(routes), roles_(roles), plans_(plans) {}

  Outcome run(const World& w, const Case& c) {
    Outcome out;
    sim("POST", "/__sim/reset");
    // the world
    std::vector<Json> orgs, users;
    std::ostringstream world;
    for (int i = 0; i < w.orgs; ++i) {
      Json org = sim("POST", "/v1/organizations", {{"name", "Check Org " + std::string(1, char('A' + i))}});
      orgs.push_back(org);
      world << "organization " << org["id"].get<std::string>() << " (slug " << org["slug"].get<std::string>() << ")";
      if (!plans_.empty()) {
        size_t k = static_cast<size_t>(i) < w.plans.size() ? static_cast<size_t>(w.plans[static_cast<size_t>(i)]) : 0;
        const std::string& plan = plans_[k % plans_.size()];
        sim("POST", "/__sim/organizations/" + org["id"].get<std::string>() + "/billing/subscribe", {{"plan", plan}});
        world << " on plan " << plan;
      }
      world << "\n";
    }
    for (int i = 0; i < w.users; ++i) {
      Json user = sim("POST", "/v1/users", {{"email_address", {"checker" + std::to_string(i) + "@app-check.test"}}});
      users.push_back(user);
      world << "user " << user["id"].get<std::string>() << "\n";
    }
    std::map<std::pair<int, int>, std::string> member_role;
    for (int u = 0; u < w.users; ++u)
      for (int g = 0; g < w.orgs; ++g) {
      size_t cell = static_cast<size_t>(u * 3 + g);
      int choice = cell < w.memberships.size() ? w.memberships[cell] % static_cast<int>(roles_.size() + 1) : 0;
      if (choice == 0) continue;
      std::string role = roles_[static_cast<size_t>(choice - 1)];
      // A seat-limited plan may leave no seat: the world then lacks this membership.
      if (sim("POST", "/v1/organizations/" + orgs[g]["id"].get<std::string>() + "/memberships",
              {{"user_id", users[u]["id"]}, {"role", role}}, /*seat_may_be_full=*/true)
              .is_null())
        continue;
      member_role[{u, g}] = role;
      world << users[u]["id"].get<std::string>() << " is " << role << " of " << orgs[g]["slug"].get<std::string>()
            << "\n";
      }
    out.world = world.str();

    // the session and its token
    const int user = c.user % w.users;
    std::string token;
    int active = -1;
    std::string session_text = "no session token";
    if (c.session > 0) {
      Json body = {{"user_id", users[user]["id"]}};
      std::vector<int> member_of;
      for (const auto& [key, role] : member_role)
        if (key.first == user) member_of.push_back(key.second);
      if (c.session >= 2 && !member_of.empty()) {
        int g = member_of[static_cast<size_t>(c.active_org) % member_of.size()];
        body["active_organization_id"] = orgs[g]["id"];
        active = g;
        session_text = users[user]["id"].get<std::string>() + " signed in with " + orgs[g]["slug"].get<std::string>() +
                       " active";
      } else {
        session_text = users[user]["id"].get<std::string>() + " signed in, no organization chosen";
      }
      Json session = sim("POST", "/v1/sessions", body);
      token = sim("POST", "/v1/sessions/" + session["id"].get<std::string>() + "/tokens")["jwt"];
    }

    // the request
    const AppRoute& route = routes_[static_cast<size_t>(c.route) % routes_.size()];
    std::string path = route.path;
    std::map<std::string, std::string> values;
    for (size_t i = 0; i < route.params.size(); ++i) {
      int pick = i < c.picks.size() ? c.picks[i] : 0;
      // Half the time the URL names the session's own organization, else any (maybe the same).
      pick = pick == 0 && active >= 0 ? active : pick;
      const RouteParam& p = route.params[i];
      std::string v = p.kind == "user_id" ? users[static_cast<size_t>(pick) % users.size()]["id"].get<std::string>()
                      : p.kind == "org_id"  ? orgs[static_cast<size_t>(pick) % orgs.size()]["id"].get<std::string>()
                                            : orgs[static_cast<size_t>(pick) % orgs.size()]["slug"].get<std::string>();
      values[p.name] = v;
      path = replace_all(path, "{" + p.name + "}", v);
    }

    // what Clerk says
    Json auth = token.empty() ? Json{{"user_id", nullptr}} : authorize(token, nullptr)["auth"];
    bool signed_in = !auth["user_id"].is_null();
    std::vector<std::string> unmet;
    if (route.signed_in && !signed_in) unmet.push_back("signed in");
    if (route.org_slug_match)
      for (const auto& p : route.params) {
        if (p.kind == "org_slug" && auth.value("org_slug", Json()) != values[p.name])
          unmet.push_back("{" + p.name + "} is the active organization's slug");
        if (p.kind == "org_id" && auth.value("org_id", Json()) != values[p.name])
          unmet.push_back("{" + p.name + "} is the active organization's id");
      }
    for (const auto& [k, v] : route.checks)
      if (token.empty() || !authorize(token, {{k, v}})["allowed"].get<bool>()) unmet.push_back("has({" + k + ": '" + v + "'})");
    bool expected_allow = unmet.empty();

    // what the app does
    Request req{route.method, path, {}, ""};
    if (!token.empty()) req.headers["Authorization"] = "Bearer " + token;
    std::string nonce;
    std::string other_org;
    if (!route.body.is_null()) {
      Json body = route.body;
      if (!route.write_field.empty()) {
        // The body names another organization than the active one: an org-scoped
        // write must ignore it and write to the session's organization.
        std::string active = auth.value("org_id", Json()).is_string() ? auth["org_id"].get<std::string>() : "";
        for (const auto& org : orgs)
          if (org["id"] != active) other_org = org["id"];
        if (other_org.empty()) other_org = orgs[0]["id"];
        body[route.write_field] = other_org;
        nonce = "nonce-" + std::to_string(++nonce_counter_);
        body["clerk_sim_nonce"] = nonce;
      }
      req.body = body.dump();
      req.headers["Content-Type"] = "application/json";
    }
    Response res = http_send(o_.app, req);
    bool allowed = std::count(route.allow.begin(), route.allow.end(), res.status) > 0;
    bool denied = std::count(route.deny.begin(), route.deny.end(), res.status) > 0;

    out.request = route.method + " " + path + " as " + session_text;
    out.curl = "curl -i -X " + route.method + " " + shell_quote(o_.app + path) +
               (token.empty() ? "" : " -H " + shell_quote("Authorization: Bearer " + token)) +
               (req.body.empty() ? "" : " -H 'Content-Type: application/json' -d " + shell_quote(req.body));
    if (!token.empty()) {
      auto parts = split(token, '.');
      if (parts.size() == 3)
        if (auto payload = base64url_decode(parts[1])) out.claims = Json::parse(*payload).dump(2);
    }
    auto explain = [&] {
      std::string why;
      for (const auto& u : unmet) why += (why.empty() ? "" : ", ") + u;
      return why;
    };
    if (!allowed && !denied) {
      out.mismatch = true;
      out.message = "the app answered " + std::to_string(res.status) + ", neither an allow nor a deny status of " +
                    route.method + " " + route.path;
    } else if (allowed && !expected_allow) {
      out.mismatch = true;
      out.message = route.method + " " + route.path + " was allowed (" + std::to_string(res.status) +
                    ") but Clerk's rules deny it: not " + explain();
    } else if (denied && expected_allow) {
      out.mismatch = true;
      out.message = route.method + " " + route.path + " was denied (" + std::to_string(res.status) +
                    ") but Clerk's rules allow it";
    } else if (allowed && !nonce.empty()) {
      std::string back = replace_all(route.read_back_path, "{slug}", auth.value("org_slug", Json("")).get<std::string>());
      for (const auto& [name, v] : values) back = replace_all(back, "{" + name + "}", v);
      Request rb{route.read_back_method, back, {{"Authorization", "Bearer " + token}}, ""};
      Response read = http_send(o_.app, rb);
      if (read.body.find(nonce) == std::string::npos) {
        out.mismatch = true;
        out.message = route.method + " " + route.path + " wrote to the organization named in the body (" + other_org +
                      ") instead of the session's (" + auth.value("org_id", Json("")).get<std::string>() + "): " +
                      route.read_back_method + " " + back + " does not show it";
      }
    }
    return out;
  }

 private:
  Json sim(const std::string& method, const std::string& path, const Json& body = nullptr,
           bool seat_may_be_full = false) {
    Request r{method, path, {{"Authorization", "Bearer " + o_.secret_key}}, ""};
    if (!body.is_null()) {
      r.body = body.dump();
      r.headers["Content-Type"] = "application/json";
    }
    Response res = http_send(o_.sim, r);
    if (seat_may_be_full && res.status == 403 && res.body.find("organization_membership_quota_exceeded") != std::string::npos)
      return Json();
    if (res.status >= 400)
      throw std::runtime_error(method + " " + path + " at clerk-sim answered " + std::to_string(res.status) + ": " +
                               res.body);
    return res.body.empty() ? Json() : Json::parse(res.body);
  }

  Json authorize(const std::string& token, const Json& check) {
    Json body = {{"token", token}};
    if (!check.is_null()) body["check"] = check;
    return sim("POST", "/__sim/authorize", body);
  }

  static std::string replace_all(std::string s, const std::string& from, const std::string& to) {
    for (size_t pos = 0; (pos = s.find(from, pos)) != std::string::npos; pos += to.size()) s.replace(pos, from.size(), to);
    return s;
  }

  static std::vector<std::string> split(const std::string& s, char sep) {
    std::vector<std::string> out(1);
    for (char c : s) {
      if (c == sep) out.emplace_back();
      else out.back().push_back(c);
    }
    return out;
  }

  const AppCheckOptions& o_;
  const std::vector<AppRoute>& routes_;
  const std::vector<std::string>& roles_;
  const std::vector<std::string>& plans_;  // organization plan slugs; empty when organization billing is off
  int nonce_counter_ = 0;
};

void write_app_junit(const std::string& path, int runs, const std::optional<Outcome>& failure) {
  std::ofstream f(path);
  f << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuite name=\"clerk-sim check-app\" tests=\"1\" failures=\""
    << (failure ? 1 : 0) << "\">\n  <testcase name=\"organization authorization over " << runs << " runs\">\n";
  if (failure) {
    auto esc = [](const std::string& s) {
      std::string o;
      for (char c : s) o += c == '<' ? "&lt;" : c == '>' ? "&gt;" : c == '&' ? "&amp;" : c == '"' ? "&quot;" : std::string(1, c);
      return o;
    };
    f << "    <failure message=\"" << esc(failure->message) << "\">" << esc(failure->request + "\n" + failure->curl)
      << "</failure>\n";
  }
  f << "  </testcase>\n</testsuite>\n";
}

}  // namespace

int run_app_check(const AppCheckOptions& o, std::ostream& out) {
  std::vector<AppRoute> routes;
  try {
    std::ifstream in(o.manifest);
    if (!in) throw std::runtime_error("cannot read " + o.manifest);
    routes = load_manifest(Json::parse(in));
  } catch (const std::exception& e) {
    out << "clerk-sim check-app: " << o.manifest << ": " << e.what() << "\n";
    return 2;
  }
  for (const auto& w : manifest_warnings(routes)) out << "warning: " << w << "\n";

  // The roles members may hold: every role of the instance.
  std::vector<std::string> roles, plans;
  try {
    Request r{"GET", "/v1/organization_roles?limit=100", {{"Authorization", "Bearer " + o.secret_key}}, ""};
    Response res = http_send(o.sim, r);
    if (res.status != 200) throw std::runtime_error("GET /v1/organization_roles answered " + std::to_string(res.status));
    Json listed = Json::parse(res.body);
    for (const auto& role : listed["data"]) roles.push_back(role["key"]);
    if (roles.empty()) throw std::runtime_error("the instance has no roles");
    // With organization billing on, each organization of a world is put on one of the plans.
    Response settings = http_send(o.sim, Request{"GET", "/__sim/billing/settings", {{"Authorization", "Bearer " + o.secret_key}}, ""});
    if (settings.status == 200 && Json::parse(settings.body).value("organizations", false)) {
      Response listed_plans = http_send(
          o.sim, Request{"GET", "/v1/billing/plans?payer_type=org&limit=100", {{"Authorization", "Bearer " + o.secret_key}}, ""});
      Json page = Json::parse(listed_plans.body);
      for (const auto& plan : page.is_object() ? page["data"] : page) plans.push_back(plan["slug"]);
    }
    http_send(o.app, Request{"GET", "/", {}, ""});  // reachable at all?
  } catch (const std::exception& e) {
    out << "clerk-sim check-app: cannot talk to clerk-sim at " << o.sim << " or the app at " << o.app << ": " << e.what()
        << "\n";
    return 2;
  }

  AppRun app(o, routes, roles, plans);
  std::optional<Outcome> smallest;
  std::optional<std::pair<World, Case>> smallest_input;
  std::string error;
  auto property = [&] {
    // Integer ranges scale with RapidCheck's size; choices get the full nominal size,
    // the number of memberships the run's size.
    auto pick = [](int lo, int hi) { return rc::gen::resize(100, rc::gen::inRange(lo, hi)); };
    World w;
    w.orgs = *pick(1, 4);
    w.users = *pick(1, 4);
    w.memberships = *rc::gen::container<std::vector<int>>(9, pick(0, 12));
    w.plans = *rc::gen::container<std::vector<int>>(3, pick(0, 6));
    Case c;
    c.user = *pick(0, 3);
    c.session = *pick(0, 5);
    c.active_org = *pick(0, 3);
    c.route = *pick(0, static_cast<int>(routes.size()));
    c.picks = *rc::gen::container<std::vector<int>>(3, pick(0, 4));
    Outcome result;
    try {
      result = app.run(w, c);
    } catch (const std::exception& e) {
      error = e.what();
      RC_FAIL(error);
    }
    if (result.mismatch) {
      smallest = result;  // shrinking ends on its smallest failing case
      smallest_input = {w, c};
      RC_FAIL(result.message);
    }
  };

  setenv("RC_PARAMS", ("seed=" + std::to_string(o.seed) + " noshrink=0 verbose_progress=0").c_str(), 1);
  rc::detail::TestParams params;
  params.seed = o.seed;
  params.maxSuccess = o.runs;
  params.maxSize = 10;
  params.disableShrinking = false;
  out << "clerk-sim check-app: " << routes.size() << " routes, " << o.runs << " runs, seed " << o.seed << "\n";
  rc::detail::TestResult result = rc::detail::checkTestable(property, rc::detail::TestMetadata{}, params);
  rc::detail::FailureResult failure;
  if (!result.match(failure)) {
    if (!o.junit.empty()) write_app_junit(o.junit, o.runs, std::nullopt);
    out << o.runs << " passed, 0 failed\n";
    return 0;
  }
  // Load the smallest world again, so the report's curl works against it as it stands.
  if (smallest_input) {
    try {
      Outcome again = app.run(smallest_input->first, smallest_input->second);
      if (again.mismatch) smallest = again;
    } catch (const std::exception&) {
    }
  }
  if (!o.junit.empty()) write_app_junit(o.junit, o.runs, smallest);
  if (!smallest) {
    out << "the check could not run: " << (error.empty() ? failure.description : error) << "\n";
    return 2;
  }
  out << "MISMATCH after " << failure.numSuccess << " agreeing runs: " << smallest->message << "\n\n"
      << "request:  " << smallest->request << "\n"
      << "world:\n";
  std::istringstream lines(smallest->world);
  for (std::string line; std::getline(lines, line);) out << "  " << line << "\n";
  out << "reproduce (while the world above is loaded):\n  " << smallest->curl << "\n";
  if (!smallest->claims.empty()) out << "token claims:\n" << smallest->claims << "\n";
  return 1;
}

}  // namespace clerksim::scenario

// clerk-sim: a deterministic, in-memory Clerk Backend API for development and CI.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <iostream>
#include <thread>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "auth/tokens.hpp"
#include "domain/tenancy.hpp"
#include "http/server.hpp"
#include "domain/events.hpp"
#include "router/router.hpp"
#include "webhooks/delivery.hpp"
#include "core/faults.hpp"
#include "scenario/app_checker.hpp"
#include "scenario/checker.hpp"
#include "scenario/runner.hpp"
#include "wire/fixture.hpp"

using namespace clerksim;

namespace {

struct ServeOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 8787;
  std::string fixture = "fixtures/default.json";
  uint64_t seed = 0;
  std::string clock = "wall";
  std::string tenancy = "fixed";
  int idle_timeout = 30;
  std::vector<std::string> webhooks;
  DeliveryPolicy delivery;
};

// "clerk-sim: <file>: <where in it>: <what is wrong>"
void report_fixture_error(const std::string& path, const FixtureError& e) {
  std::cerr << "clerk-sim: " << path << ": " << (e.where.empty() ? "/" : e.where) << ": " << e.what_ << "\n";
}

int serve(const ServeOptions& o, bool seed_given) {
  ClockMode clock_mode{};
  parse_clock_mode(o.clock, clock_mode);
  InstanceState state;
  try {
    state = load_fixture_file(o.fixture, o.seed, seed_given);
  } catch (const FixtureError& e) {
    report_fixture_error(o.fixture, e);
    return 2;
  }
  for (const auto& url : o.webhooks) {
    if (!valid_webhook_url(url)) {
      std::cerr << "clerk-sim: --webhook " << url << ": a webhook endpoint is an http:// URL with a host\n";
      return 2;
    }
    add_webhook_endpoint(state, url);
  }
  Tenancy tenancy(std::move(state), clock_mode, o.tenancy == "auto" ? TenancyMode::automatic : TenancyMode::fixed);
#ifdef __GLIBC__
  malloc_trim(0);  // the parsed fixture is gone: give its memory back to the system
#endif
  Dispatcher dispatcher(tenancy);
  std::unique_ptr<Server> server;
  try {
    ServerLimits limits;
    limits.idle_timeout_seconds = o.idle_timeout;
    server = std::make_unique<Server>(dispatcher, o.host, o.port, limits);
  } catch (const std::exception& e) {
    std::cerr << "clerk-sim: cannot listen on " << o.host << ":" << o.port << ": " << e.what() << "\n";
    return 1;
  }
  WebhookDelivery webhooks(server->io_context(), o.delivery);
  dispatcher.set_webhooks(&webhooks);
  server->on_shutdown([&] { webhooks.stop(); });
  server->run([&] {
    std::string host = o.host + ":" + std::to_string(server->port());
    std::string url = "http://" + host;
    dispatcher.set_server_url(url);
    // The SDK's offline verification accepts the SPKI PEM on one line.
    const InstanceInfo& info = tenancy.fixture_info();
    std::string pem = signing_key(info).public_pem();
    std::string one_line;
    for (char c : pem)
      if (c != '\n') one_line += c;
    std::cout << "clerk-sim listening on " << url << "\n"
              << "CLERK_API_URL=" << url << "\n"
              << "CLERK_SECRET_KEY=" << info.secret_key << "\n"
              << "CLERK_PUBLISHABLE_KEY=" << publishable_key(host) << "\n"
              << "CLERK_JWT_KEY=" << one_line << "\n"
              << "CLERK_WEBHOOK_SIGNING_SECRET=" << info.webhook_secret << "\n"
              << std::flush;
  });
  return 0;
}

struct RunOptions {
  std::vector<std::string> paths;
  std::string target;
  std::string secret_key = "sk_test_clerksim_default";
  std::string fixture = "fixtures/default.json";
  std::string junit;
  std::string fault;
};

int run_scenarios(const RunOptions& o) {
  if (!o.fault.empty()) {
    faults::Fault f{};
    if (!faults::parse(o.fault, f)) {
      std::cerr << "clerk-sim: unknown fault '" << o.fault << "'\n";
      return 2;
    }
    faults::inject(f);
  }
  std::unique_ptr<scenario::Target> target;
  try {
    target = o.target.empty() ? scenario::in_process_target(o.fixture) : scenario::http_target(o.target, o.secret_key);
  } catch (const std::exception& e) {
    std::cerr << "clerk-sim: cannot reach " << o.target << ": " << e.what() << "\n";
    return 2;
  }
  if (!o.target.empty() && !target->has_control_plane())
    std::cout << "note: " << o.target << " is not clerk-sim; control, token-check and authorize steps are skipped\n";
  auto results = scenario::run_all(o.paths, *target, std::cout);
  if (!o.junit.empty()) scenario::write_junit(results, o.junit);
  bool failed = std::any_of(results.begin(), results.end(), [](const auto& r) { return !r.passed; });
  return failed || results.empty() ? 1 : 0;
}

// check-app with a clerk-sim of its own: served on a thread beside the checker,
// wall clock (the app's SDK checks token times), the fixture's secret key.
int check_app(scenario::AppCheckOptions o, uint16_t port, const std::string& fixture) {
  if (!o.sim.empty()) return scenario::run_app_check(o, std::cout);
  InstanceState state;
  try {
    state = load_fixture_file(fixture, 0, false);
  } catch (const FixtureError& e) {
    report_fixture_error(fixture, e);
    return 2;
  }
  Tenancy tenancy(state, ClockMode::wall, TenancyMode::fixed);
  Dispatcher dispatcher(tenancy);
  std::unique_ptr<Server> server;
  try {
    server = std::make_unique<Server>(dispatcher, "127.0.0.1", port);
  } catch (const std::exception& e) {
    std::cerr << "clerk-sim: cannot listen on 127.0.0.1:" << port << ": " << e.what() << "\n";
    return 1;
  }
  std::string host = "127.0.0.1:" + std::to_string(server->port());
  o.sim = "http://" + host;
  o.secret_key = state.info.secret_key;
  dispatcher.set_server_url(o.sim);
  std::thread serving([&] { server->run([] {}); });
  std::cout << "clerk-sim serving the app's Backend API on " << o.sim << "\n"
            << "CLERK_API_URL=" << o.sim << "\n"
            << "CLERK_SECRET_KEY=" << state.info.secret_key << "\n"
            << "CLERK_PUBLISHABLE_KEY=" << publishable_key(host) << "\n"
            << std::flush;
  int code = scenario::run_app_check(o, std::cout);
  server->stop();
  serving.join();
  return code;
}

void print_routes() {
  for (const Route& r : routes()) std::printf("%-7s %s\n", r.method, r.path);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"clerk-sim: a deterministic, in-memory fake of Clerk's Backend API"};
  app.require_subcommand(1);

  ServeOptions serve_opts;
  auto* serve_cmd = app.add_subcommand("serve", "Serve the Backend API and the /__sim control plane over HTTP");
  serve_cmd->add_option("--host", serve_opts.host, "Address to listen on")->capture_default_str();
  serve_cmd->add_option("--port", serve_opts.port, "Port to listen on; 0 picks a free one")->capture_default_str();
  serve_cmd->add_option("--fixture", serve_opts.fixture, "Instance fixture (JSON)")->capture_default_str();
  auto* seed_opt = serve_cmd->add_option("--seed", serve_opts.seed, "Seed of the id generator")->capture_default_str();
  serve_cmd->add_option("--clock", serve_opts.clock, "Instance clock: wall (real time + offset) or frozen")
      ->check(CLI::IsMember({"wall", "frozen"}))
      ->capture_default_str();
  serve_cmd->add_option("--tenancy", serve_opts.tenancy, "fixed: only the fixture's key; auto: a fresh instance per sk_test_ key")
      ->check(CLI::IsMember({"fixed", "auto"}))
      ->capture_default_str();

  serve_cmd->add_option("--webhook", serve_opts.webhooks, "Deliver every event to this URL (repeatable)");
  serve_cmd->add_option("--webhook-retries", serve_opts.delivery.retries, "Retries of a failed webhook delivery")
      ->capture_default_str()
      ->check(CLI::Range(0, 100));
  serve_cmd->add_option("--webhook-backoff-ms", serve_opts.delivery.backoff_ms,
                        "Wait before the first retry; it doubles for each retry after")
      ->capture_default_str()
      ->check(CLI::Range(int64_t{0}, int64_t{3600000}));
  serve_cmd->add_option("--idle-timeout", serve_opts.idle_timeout, "Seconds a connection may stay silent before it is closed")
      ->check(CLI::Range(1, 3600))
      ->capture_default_str();

  app.add_subcommand("routes", "Print every route clerk-sim serves");

  RunOptions run_opts;
  auto* run_cmd = app.add_subcommand("run", "Run scenario files (or folders of them)");
  run_cmd->add_option("paths", run_opts.paths, "Scenario files or folders")->required();
  run_cmd->add_option("--target", run_opts.target, "URL of a running server (default: in-process, fresh per file)");
  run_cmd->add_option("--secret-key", run_opts.secret_key, "Secret key for --target")->capture_default_str();
  run_cmd->add_option("--fixture", run_opts.fixture, "Fixture of scenarios that name none")->capture_default_str();
  run_cmd->add_option("--junit", run_opts.junit, "Also write a JUnit XML report here");
  run_cmd->add_option("--inject-fault", run_opts.fault, "Self-test: break one rule in-process (see check)");

  scenario::CheckOptions check_opts;
  auto* check_cmd = app.add_subcommand("check", "Property-based check of Clerk's invariants over random operations");
  check_cmd->add_option("--runs", check_opts.runs, "Random sequences to try")->capture_default_str();
  check_cmd->add_option("--seed", check_opts.seed, "Seed of the generator")->capture_default_str();
  check_cmd->add_option("--max-steps", check_opts.max_steps, "Longest sequence")->capture_default_str();
  check_cmd->add_option("--fixture", check_opts.fixture, "Fixture every sequence starts from")->capture_default_str();
  check_cmd->add_option("--out", check_opts.out, "Write the shrunk counterexample here as a scenario file");
  check_cmd->add_option("--inject-fault", check_opts.fault,
                        "Self-test: break one rule (merge_as_replace, seat_cap_off_by_one, stale_token_live, "
                        "system_permission_in_token, billing_gate_off) to show the checker notices");

  scenario::AppCheckOptions app_opts;
  auto* app_cmd = app.add_subcommand("check-app", "Check an app's organization authorization against Clerk's rules");
  app_cmd->add_option("--app", app_opts.app, "The app's base URL, e.g. http://127.0.0.1:3000")->required();
  app_cmd->add_option("--manifest", app_opts.manifest, "The app's routes (JSON; see the README)")->required();
  uint16_t app_port = 8787;
  std::string app_fixture = "fixtures/default.json";
  app_cmd->add_option("--sim", app_opts.sim, "A running clerk-sim the app uses (its CLERK_API_URL); without it one is served here");
  app_cmd->add_option("--port", app_port, "Without --sim: the port to serve clerk-sim on (the app's CLERK_API_URL)")
      ->capture_default_str();
  app_cmd->add_option("--fixture", app_fixture, "Without --sim: the fixture to serve")->capture_default_str();
  app_cmd->add_option("--secret-key", app_opts.secret_key, "Secret key of that clerk-sim")->capture_default_str();
  app_cmd->add_option("--runs", app_opts.runs, "Random worlds and requests to try")->capture_default_str();
  app_cmd->add_option("--seed", app_opts.seed, "Seed of the generator")->capture_default_str();
  app_cmd->add_option("--junit", app_opts.junit, "Also write a JUnit XML report here");

  CLI11_PARSE(app, argc, argv);
  if (serve_cmd->parsed()) return serve(serve_opts, seed_opt->count() > 0);
  if (app_cmd->parsed()) return check_app(app_opts, app_port, app_fixture);
  if (app.got_subcommand("routes")) print_routes();
  if (run_cmd->parsed()) return run_scenarios(run_opts);
  if (check_cmd->parsed()) {
    try {
      return scenario::run_check(check_opts, std::cout);
    } catch (const FixtureError& e) {
      report_fixture_error(check_opts.fixture, e);
      return 2;
    }
  }
  return 0;
}

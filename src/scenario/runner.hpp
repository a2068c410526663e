#pragma once
// Scenario scripts: one JSON file per behaviour of Clerk, run step by step against
// clerk-sim in-process (a fresh instance per file) or against any server that speaks
// BAPI over HTTP. The format is documented in scenarios/README.md.
#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "core/request.hpp"
#include "domain/model.hpp"

namespace clerksim::scenario {

// Where requests go. `send` takes the request without Authorization; the target adds it.
class Target {
 public:
  virtual ~Target() = default;
  // Called before each scenario with its fixture (null: the default one).
  virtual void begin(const std::optional<std::string>& fixture_path) = 0;
  virtual Response send(Request request) = 0;
  // False for a server that is not clerk-sim: /__sim steps are skipped there.
  virtual bool has_control_plane() const = 0;
};

// One HTTP/1.1 exchange with a server at base_url (http://host[:port][/prefix]).
Response http_send(const std::string& base_url, const Request& request);

// A fresh in-process instance per scenario, frozen clock, seed 0.
std::unique_ptr<Target> in_process_target(const std::string& default_fixture);
// A running server; when it is clerk-sim, each scenario starts with POST /__sim/reset.
std::unique_ptr<Target> http_target(const std::string& url, const std::string& secret_key);

struct StepFailure {
  size_t step = 0;        // 1-based
  std::string message;    // what went wrong, with the JSON pointer of the first difference
};

struct ScenarioResult {
  std::string file, name;
  bool passed = true;
  std::vector<std::string> notices;  // e.g. skipped control steps
  std::optional<StepFailure> failure;
  double seconds = 0;
};

ScenarioResult run_scenario_file(const std::string& path, Target& target);
ScenarioResult run_scenario(const Json& scenario, const std::string& file, Target& target);

// Expands folders (their *.json files, sorted) and runs every scenario; prints one
// line each and the summary "N passed, M failed". Returns the results.
std::vector<ScenarioResult> run_all(const std::vector<std::string>& paths, Target& target, std::ostream& out);
void write_junit(const std::vector<ScenarioResult>& results, const std::string& path);

// Subset matching with the markers "$any", "$absent" and "$regex:<pattern>".
// Returns the JSON pointer and explanation of the first difference, or nullopt.
std::optional<std::string> match_subset(const Json& expected, const Json& actual, const std::string& where = "");

}  // namespace clerksim::scenario

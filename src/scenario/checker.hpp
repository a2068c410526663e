#pragma once
// The property-based invariant checker: random operation sequences run against the
// real API code in-process; after every operation Clerk's invariants must hold. A
// failing sequence is shrunk and written as a scenario file that replays the failure.
#include <cstdint>
#include <optional>
#include <ostream>
#include <string>

namespace clerksim::scenario {

struct CheckOptions {
  int runs = 100;
  uint64_t seed = 0;
  int max_steps = 40;
  std::string fixture = "fixtures/default.json";
  std::string out;    // where to write the shrunk counterexample as a scenario ("" = don't)
  std::string fault;  // a self-test fault to inject ("" = none)
};

// Returns 0 when every run kept every invariant, 1 on a counterexample, 2 on bad options.
int run_check(const CheckOptions& options, std::ostream& out);

}  // namespace clerksim::scenario

#pragma once
// The fixture format: one instance as JSON. Loading fills in what a fixture may
// leave out (ids from the seeded generator, timestamps from the start clock, the
// default permissions and roles); dumping writes everything, so a dump loads back
// into the same instance.
#include "domain/model.hpp"

#include <stdexcept>
#include <string>
#include <vector>

namespace clerksim {

struct FixtureError : std::runtime_error {
  std::string where;  // JSON pointer into the fixture
  std::string what_;
  FixtureError(std::string where_, std::string what)
      : std::runtime_error(where_ + ": " + what), where(std::move(where_)), what_(std::move(what)) {}
};

// The start of time for a fixture that names none: 2026-01-01T00:00:00Z.
constexpr int64_t kDefaultFixtureClockMs = 1767225600000;

// `seed`: used when the fixture has no "sim.seed" of its own or `force_seed` is true.
// `base_dir`: where relative file names in the fixture (signing_key_file) are found.
InstanceState load_fixture(const Json& fixture, uint64_t seed, bool force_seed, const std::string& base_dir = ".");
InstanceState load_fixture_file(const std::string& path, uint64_t seed, bool force_seed);  // throws FixtureError
Json dump_fixture(const InstanceState& state);
// Adds a webhook endpoint with the next endpoint id of the state's seed (the
// fixture's "webhooks.endpoints" and `serve --webhook URL` both land here).
void add_webhook_endpoint(InstanceState& state, const std::string& url, const std::vector<std::string>& events = {},
                          const std::string& secret = "");

}  // namespace clerksim

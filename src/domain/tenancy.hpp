#pragma once
// The instances one server holds, picked by secret key. In fixed mode only the
// fixture's key exists; in auto mode every new sk_test_ key gets a fresh instance
// built from the fixture (own state, own id sequence), so parallel test workers
// never share anything. Instances start as copies of the fixture's instance and
// share its objects until they change them, so a new key or a reset costs what
// changed since, not the size of the fixture.
#include "domain/instance.hpp"

#include <map>
#include <memory>
#include <string>

namespace clerksim {

enum class TenancyMode { fixed, automatic };

class Tenancy {
 public:
  Tenancy(InstanceState fixture, ClockMode clock_mode, TenancyMode mode);

  // The instance for a secret key, or null when the key is unknown.
  Instance* find(const std::string& secret_key);
  // Puts the key's instance back as the fixture built it: ids and clock start over.
  Instance& reset(const std::string& secret_key);
  // Trace ids for errors that belong to no instance (bad or missing key).
  std::string next_trace_id() { return traces_.next_hex(); }

  // The fixture's instance settings (its key, signing key, webhook secret).
  const InstanceInfo& fixture_info() const { return fixture_info_; }
  TenancyMode mode() const { return mode_; }

 private:
  InstanceInfo fixture_info_;
  TenancyMode mode_;
  IdGenerator traces_;
  std::map<std::string, std::unique_ptr<Instance>> instances_;
};

}  // namespace clerksim

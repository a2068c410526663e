#include "core/faults.hpp"

namespace clerksim::faults {

namespace {
Fault injected = Fault::none;

struct Named {
  const char* name;
  Fault fault;
};
const Named kAll[] = {{"merge_as_replace", Fault::merge_as_replace},
                      {"seat_cap_off_by_one", Fault::seat_cap_off_by_one},
                      {"stale_token_live", Fault::stale_token_live},
                      {"system_permission_in_token", Fault::system_permission_in_token},
                      {"billing_gate_off", Fault::billing_gate_off},
                      {"reset_keeps_state", Fault::reset_keeps_state}};
}  // namespace

void inject(Fault f) { injected = f; }
bool active(Fault f) { return f != Fault::none && injected == f; }

bool parse(const std::string& name, Fault& out) {
  for (const auto& n : kAll)
    if (name == n.name) {
      out = n.fault;
      return true;
    }
  return false;
}

const std::vector<std::string>& names() {
  static const std::vector<std::string> all = [] {
    std::vector<std::string> v;
    for (const auto& n : kAll) v.push_back(n.name);
    return v;
  }();
  return all;
}

}  // namespace clerksim::faults

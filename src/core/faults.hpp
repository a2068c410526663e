#pragma once
// Deliberate rule breakers, compiled into every build, so the invariant checker
// can prove it notices a broken rule (`clerk-sim check --inject-fault NAME`).
// All are off unless a self-test turns one on.
#include <string>
#include <vector>

namespace clerksim::faults {

enum class Fault {
  none,
  merge_as_replace,     // PATCH .../metadata replaces instead of deep-merging
  seat_cap_off_by_one,  // the seat cap lets one member too many in
  stale_token_live,     // tokens read the current role instead of the one at mint time
  system_permission_in_token,  // org:sys_* permissions leak into session tokens
  billing_gate_off,     // billing does not gate custom permissions (tokens and memberships)
  reset_keeps_state,    // a reset keeps what changed since the instance was built
};

void inject(Fault f);
bool active(Fault f);
// Name <-> fault, for the command line; names are the enum names above.
bool parse(const std::string& name, Fault& out);
const std::vector<std::string>& names();

}  // namespace clerksim::faults

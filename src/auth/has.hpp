#pragma once
// has(): the authorization check of Clerk's SDKs, for apps in any language.
#include "auth/tokens.hpp"

namespace clerksim {

// `check` holds any of role, permission, feature, plan, reverification (a preset
// name or {level, afterMinutes}). Every dimension asked must pass, and at least
// one must be asked: has({}) is false. Throws ClerkError 422 on a malformed check.
bool has(const AuthObject& auth, const Json& check);

}  // namespace clerksim

#pragma once
// Session tokens: Clerk's v2 claims, RS256 JWTs, the JWKS, and the reverse path
// (a token back to the auth object the SDK would build from it).
#include <optional>
#include <string>
#include <vector>

#include "auth/crypto.hpp"
#include "domain/instance.hpp"

namespace clerksim {

// The instance's signing key (parsed once per PEM and cached).
const RsaKey& signing_key(const InstanceInfo& info);
Json jwks(const InstanceInfo& info);
// "pk_test_" + base64("<host>$"), as the SDK expects a publishable key.
std::string publishable_key(const std::string& frontend_host);

struct TokenTimes {
  int64_t now_ms = 0;
  int64_t lifetime_seconds = 60;
};

// Session token v2 claims: sub, sid, iss, azp, iat, nbf, exp, v, sts, fva, fea, pla, o.
Json encode_session_claims(const SessionClaims& c, const TokenTimes& t, const std::string& issuer,
                           const std::string& authorized_party);
std::string sign_jwt(const RsaKey& key, const Json& claims);

// What the SDK's authenticateRequest + toAuth() would see.
struct AuthObject {
  std::optional<std::string> user_id, session_id, org_id, org_slug, org_role;
  std::optional<std::string> session_status;  // "active" | "pending"; absent when the claims have no sts
  std::vector<std::string> org_permissions;
  std::optional<std::pair<double, double>> factor_verification_age;
  std::string features, plans;  // the raw fea / pla claims
};

// Decodes v2 claims the way @clerk/shared's parser does (per/fpm bitmaps, scopes).
AuthObject auth_from_claims(const Json& claims);
// Verifies signature and time window (5 s skew, as the SDK) and returns the claims,
// or throws ClerkError 401 with a reason.
Json verify_session_token(const InstanceInfo& info, const std::string& jwt, int64_t now_ms);
// A signed-out view of a pending session (treatPendingAsSignedOut).
AuthObject signed_out(const AuthObject& pending);

}  // namespace clerksim

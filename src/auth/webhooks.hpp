#pragma once
// Webhook signing, as Svix (and so Clerk) signs: HMAC-SHA256 over
// "<msg id>.<unix seconds>.<body>" keyed by the base64-decoded part of the
// "whsec_" secret, sent as "v1,<standard base64>".
#include <cstdint>
#include <optional>
#include <string>

namespace clerksim {

// The HMAC key inside a "whsec_<base64>" secret (the prefix is optional); nullopt when malformed.
std::optional<std::string> webhook_key(const std::string& secret);
// A stable "whsec_" secret for an instance that names none: the same instance
// (id and secret key) always gets the same one, so tests can read it once.
std::string derive_webhook_secret(const std::string& material);
std::string webhook_signature(const std::string& secret, const std::string& msg_id, int64_t unix_seconds,
                              const std::string& body);

}  // namespace clerksim

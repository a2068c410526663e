#pragma once
// Webhook signing, as Svix (and so Clerk) signs: HMAC-SHA256 over
// "<msg id>.<unix seconds>.<body>" keyed by the base64-decoded part of the
// "whsec_" secret, sent as "v1,<standard base64>".
#include <optional>
#include <string>

namespace clerksim {

// The HMAC key inside a "whsec_<base64>" secret (the prefix is optional); nullopt when malformed.
std::optional<std::string> webhook_key(const std::string& secret);
std::string webhook_signature(const std::string& secret, const std::string& msg_id, int64_t unix_seconds,
                              const std::string& body);

}  // namespace clerksim

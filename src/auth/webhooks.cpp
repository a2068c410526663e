#include "auth/webhooks.hpp"

#include <stdexcept>

#include "auth/crypto.hpp"

namespace clerksim {

std::optional<std::string> webhook_key(const std::string& secret) {
  std::string b64 = secret.rfind("whsec_", 0) == 0 ? secret.substr(6) : secret;
  auto key = base64_decode(b64);
  if (!key || key->empty()) return std::nullopt;
  return key;
}

std::string derive_webhook_secret(const std::string& material) {
  std::string digest = hmac_sha256("clerk-sim webhook signing secret", material);
  return "whsec_" + base64_encode(digest.substr(0, 24));
}

std::string webhook_signature(const std::string& secret, const std::string& msg_id, int64_t unix_seconds,
                              const std::string& body) {
  auto key = webhook_key(secret);
  if (!key) throw std::invalid_argument("a webhook secret is whsec_ followed by standard, padded base64");
  return "v1," + base64_encode(hmac_sha256(*key, msg_id + "." + std::to_string(unix_seconds) + "." + body));
}

}  // namespace clerksim

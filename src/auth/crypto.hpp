#pragma once
// OpenSSL, wrapped once: base64 flavours, HMAC-SHA256 and RS256 signing/verifying.
#include <memory>
#include <optional>
#include <string>

namespace clerksim {

std::string base64_encode(const std::string& bytes);     // standard, padded
std::optional<std::string> base64_decode(const std::string& text);  // standard, padding required
std::string base64url_encode(const std::string& bytes);  // unpadded
std::optional<std::string> base64url_decode(const std::string& text);
std::string hmac_sha256(const std::string& key, const std::string& data);

// An RSA key pair used for RS256 session tokens.
class RsaKey {
 public:
  // Throws std::runtime_error when the PEM is not an RSA private key.
  static RsaKey from_private_pem(const std::string& pem);
  ~RsaKey();
  RsaKey(RsaKey&&) noexcept;
  RsaKey& operator=(RsaKey&&) noexcept;
  RsaKey(const RsaKey&);
  RsaKey& operator=(const RsaKey&);

  std::string sign_rs256(const std::string& data) const;
  bool verify_rs256(const std::string& data, const std::string& signature) const;
  std::string modulus() const;   // big-endian bytes of n
  std::string exponent() const;  // big-endian bytes of e
  int bits() const;
  std::string public_pem() const;   // SPKI "BEGIN PUBLIC KEY"
  std::string private_pem() const;  // PKCS#8 "BEGIN PRIVATE KEY"
  // A stable key id derived from the public key.
  std::string kid() const;

 private:
  struct Impl;
  explicit RsaKey(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace clerksim

#include "auth/crypto.hpp"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>
#include <openssl/sha.h>

#include <stdexcept>
#include <vector>

namespace clerksim {

std::string base64_encode(const std::string& bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3), '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

std::optional<std::string> base64_decode(const std::string& text) {
  if (text.size() % 4 != 0) return std::nullopt;
  for (char c : text)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '/' || c == '=')) return std::nullopt;
  std::string out(3 * text.size() / 4, '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(text.data()), static_cast<int>(text.size()));
  if (n < 0) return std::nullopt;
  size_t padding = 0;
  if (!text.empty() && text.back() == '=') ++padding;
  if (text.size() > 1 && text[text.size() - 2] == '=') ++padding;
  out.resize(static_cast<size_t>(n) - padding);
  return out;
}

std::string base64url_encode(const std::string& bytes) {
  std::string s = base64_encode(bytes);
  for (char& c : s) {
    if (c == '+') c = '-';
    else if (c == '/') c = '_';
  }
  while (!s.empty() && s.back() == '=') s.pop_back();
  return s;
}

std::optional<std::string> base64url_decode(const std::string& text) {
  std::string s = text;
  for (char& c : s) {
    if (c == '-') c = '+';
    else if (c == '_') c = '/';
    else if (c == '+' || c == '/') return std::nullopt;
  }
  while (s.size() % 4 != 0) s += '=';
  return base64_decode(s);
}

std::string hmac_sha256(const std::string& key, const std::string& data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(data.data()),
       data.size(), out, &len);
  return std::string(reinterpret_cast<char*>(out), len);
}

struct RsaKey::Impl {
  EVP_PKEY* pkey = nullptr;
  ~Impl() { EVP_PKEY_free(pkey); }
};

RsaKey::RsaKey(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
RsaKey::~RsaKey() = default;
RsaKey::RsaKey(RsaKey&&) noexcept = default;
RsaKey& RsaKey::operator=(RsaKey&&) noexcept = default;
RsaKey::RsaKey(const RsaKey& other) : impl_(std::make_unique<Impl>()) {
  EVP_PKEY_up_ref(other.impl_->pkey);
  impl_->pkey = other.impl_->pkey;
}
RsaKey& RsaKey::operator=(const RsaKey& other) {
  if (this != &other) *this = RsaKey(other);
  return *this;
}

RsaKey RsaKey::from_private_pem(const std::string& pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  EVP_PKEY* pkey = PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  if (!pkey || EVP_PKEY_get_base_id(pkey) != EVP_PKEY_RSA) {
    EVP_PKEY_free(pkey);
    throw std::runtime_error("not an RSA private key in PEM form");
  }
  auto impl = std::make_unique<Impl>();
  impl->pkey = pkey;
  return RsaKey(std::move(impl));
}

std::string RsaKey::sign_rs256(const std::string& data) const {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  size_t len = 0;
  std::string sig;
  if (EVP_DigestSignInit(ctx, nullptr, EVP_sha256(), nullptr, impl_->pkey) == 1 &&
      EVP_DigestSign(ctx, nullptr, &len, reinterpret_cast<const unsigned char*>(data.data()), data.size()) == 1) {
    sig.resize(len);
    if (EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(sig.data()), &len,
                       reinterpret_cast<const unsigned char*>(data.data()), data.size()) != 1)
      sig.clear();
    sig.resize(len);
  }
  EVP_MD_CTX_free(ctx);
  if (sig.empty()) throw std::runtime_error("RS256 signing failed");
  return sig;
}

bool RsaKey::verify_rs256(const std::string& data, const std::string& signature) const {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  bool ok = EVP_DigestVerifyInit(ctx, nullptr, EVP_sha256(), nullptr, impl_->pkey) == 1 &&
            EVP_DigestVerify(ctx, reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
                             reinterpret_cast<const unsigned char*>(data.data()), data.size()) == 1;
  EVP_MD_CTX_free(ctx);
  return ok;
}

namespace {
std::string bn_param(EVP_PKEY* pkey, const char* name) {
  BIGNUM* bn = nullptr;
  if (EVP_PKEY_get_bn_param(pkey, name, &bn) != 1) throw std::runtime_error("cannot read RSA parameter");
  std::string out(static_cast<size_t>(BN_num_bytes(bn)), '\0');
  BN_bn2bin(bn, reinterpret_cast<unsigned char*>(out.data()));
  BN_free(bn);
  return out;
}

std::string bio_text(BIO* bio) {
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);
  std::string out(data, static_cast<size_t>(len));
  BIO_free(bio);
  return out;
}
}  // namespace

std::string RsaKey::modulus() const { return bn_param(impl_->pkey, OSSL_PKEY_PARAM_RSA_N); }
std::string RsaKey::exponent() const { return bn_param(impl_->pkey, OSSL_PKEY_PARAM_RSA_E); }
int RsaKey::bits() const { return EVP_PKEY_get_bits(impl_->pkey); }

std::string RsaKey::public_pem() const {
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PUBKEY(bio, impl_->pkey);
  return bio_text(bio);
}

std::string RsaKey::private_pem() const {
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(bio, impl_->pkey, nullptr, nullptr, 0, nullptr, nullptr);
  return bio_text(bio);
}

std::string RsaKey::kid() const {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  std::string n = modulus();
  SHA256(reinterpret_cast<const unsigned char*>(n.data()), n.size(), digest);
  return "ins_" + base64url_encode(std::string(reinterpret_cast<char*>(digest), 12));
}

}  // namespace clerksim

// The OpenSSL wrapper: both base64 flavours, HMAC-SHA256 and the RSA key used for
// RS256 session tokens (its shape, its PEM forms, signing and verifying, its kid).
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <stdexcept>

#include "auth/crypto.hpp"
#include "auth/test_only_key.hpp"
#include "test_support.hpp"

using namespace clerksim;
using namespace clerksim::unit;

namespace {

std::string hex(const std::string& bytes) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out += digits[c >> 4];
    out += digits[c & 15];
  }
  return out;
}

std::string all_bytes() {
  std::string s;
  for (int i = 0; i < 256; ++i) s += static_cast<char>(i);
  return s;
}

// The PEM body without its armour lines and line breaks.
std::string pem_body(const std::string& pem) {
  std::string out;
  std::string line;
  for (char c : pem) {
    if (c == '\n') {
      if (line.rfind("-----", 0) != 0) out += line;
      line.clear();
    } else if (c != '\r') {
      line += c;
    }
  }
  if (!line.empty() && line.rfind("-----", 0) != 0) out += line;
  return out;
}

// A freshly generated private key of the given kind, as PKCS#8 PEM.
std::string generated_pem(EVP_PKEY* pkey) {
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(bio, pkey, nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);
  std::string pem(data, static_cast<size_t>(len));
  BIO_free(bio);
  EVP_PKEY_free(pkey);
  return pem;
}

const RsaKey& test_key() {
  static RsaKey key = RsaKey::from_private_pem(kTestOnlySigningKeyPem);
  return key;
}

}  // namespace

// --- standard base64

TEST(Base64, EncodesTheRfc4648Vectors) {
  EXPECT_EQ(base64_encode(""), "");
  EXPECT_EQ(base64_encode("f"), "Zg==");
  EXPECT_EQ(base64_encode("fo"), "Zm8=");
  EXPECT_EQ(base64_encode("foo"), "Zm9v");
  EXPECT_EQ(base64_encode("foob"), "Zm9vYg==");
  EXPECT_EQ(base64_encode("fooba"), "Zm9vYmE=");
  EXPECT_EQ(base64_encode("foobar"), "Zm9vYmFy");
}

TEST(Base64, DecodesTheRfc4648Vectors) {
  EXPECT_EQ(base64_decode(""), std::optional<std::string>(""));
  EXPECT_EQ(base64_decode("Zg=="), std::optional<std::string>("f"));
  EXPECT_EQ(base64_decode("Zm8="), std::optional<std::string>("fo"));
  EXPECT_EQ(base64_decode("Zm9v"), std::optional<std::string>("foo"));
  EXPECT_EQ(base64_decode("Zm9vYmE="), std::optional<std::string>("fooba"));
  EXPECT_EQ(base64_decode("Zm9vYmFy"), std::optional<std::string>("foobar"));
}

TEST(Base64, UsesPlusAndSlash) {
  EXPECT_EQ(base64_encode("\xfb\xff"), "+/8=");
  EXPECT_EQ(base64_decode("+/8="), std::optional<std::string>("\xfb\xff"));
}

TEST(Base64, RoundTripsEveryByteValue) {
  std::string bytes = all_bytes();
  for (size_t len = 0; len <= 8; ++len) {
    std::string part = bytes.substr(250 - len, len);
    EXPECT_EQ(base64_decode(base64_encode(part)), std::optional<std::string>(part)) << "length " << len;
  }
  EXPECT_EQ(base64_decode(base64_encode(bytes)), std::optional<std::string>(bytes));
}

TEST(Base64, KeepsEmbeddedNulBytes) {
  std::string bytes("a\0b\0", 4);
  auto back = base64_decode(base64_encode(bytes));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->size(), 4u);
  EXPECT_EQ(*back, bytes);
}

TEST(Base64, RejectsMalformedText) {
  EXPECT_FALSE(base64_decode("Zg"));        // padding is required
  EXPECT_FALSE(base64_decode("Zg="));       // length not a multiple of four
  EXPECT_FALSE(base64_decode("Zm9v!A=="));  // not in the alphabet
  EXPECT_FALSE(base64_decode("-_8="));      // the url alphabet is not the standard one
}

// --- base64url

TEST(Base64Url, UsesDashUnderscoreAndNoPadding) {
  EXPECT_EQ(base64url_encode("\xfb\xff"), "-_8");
  EXPECT_EQ(base64url_encode("f"), "Zg");
  EXPECT_EQ(base64url_encode("fo"), "Zm8");
  EXPECT_EQ(base64url_encode("foo"), "Zm9v");
  EXPECT_EQ(base64url_encode(""), "");
}

TEST(Base64Url, DecodesUnpaddedText) {
  EXPECT_EQ(base64url_decode("-_8"), std::optional<std::string>("\xfb\xff"));
  EXPECT_EQ(base64url_decode("Zg"), std::optional<std::string>("f"));
  EXPECT_EQ(base64url_decode("Zm8"), std::optional<std::string>("fo"));
  EXPECT_EQ(base64url_decode(""), std::optional<std::string>(""));
}

TEST(Base64Url, RejectsTheStandardAlphabetsExtraCharacters) {
  EXPECT_FALSE(base64url_decode("+/8"));
  EXPECT_FALSE(base64url_decode("ab+c"));
  EXPECT_FALSE(base64url_decode("ab/c"));
  EXPECT_FALSE(base64url_decode("ab.c"));
}

TEST(Base64Url, RoundTripsEveryByteValue) {
  std::string bytes = all_bytes();
  for (size_t len = 0; len <= 8; ++len) {
    std::string part = bytes.substr(248 - len, len);
    std::string text = base64url_encode(part);
    EXPECT_EQ(text.find_first_of("+/="), std::string::npos) << text;
    EXPECT_EQ(base64url_decode(text), std::optional<std::string>(part)) << "length " << len;
  }
  EXPECT_EQ(base64url_decode(base64url_encode(bytes)), std::optional<std::string>(bytes));
}

// --- HMAC-SHA256 (RFC 4231)

TEST(HmacSha256, Rfc4231Case1) {
  EXPECT_EQ(hex(hmac_sha256(std::string(20, '\x0b'), "Hi There")),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
}

TEST(HmacSha256, Rfc4231Case2) {
  EXPECT_EQ(hex(hmac_sha256("Jefe", "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(HmacSha256, KeyLongerThanTheBlock) {
  // RFC 4231 case 6: a 131-byte key is hashed first.
  EXPECT_EQ(hex(hmac_sha256(std::string(131, '\xaa'), "Test Using Larger Than Block-Size Key - Hash Key First")),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

TEST(HmacSha256, IsThirtyTwoRawBytes) { EXPECT_EQ(hmac_sha256("k", "d").size(), 32u); }

// --- RSA key

TEST(RsaKey, TestOnlyKeyIsRsa2048WithExponent65537) {
  const RsaKey& key = test_key();
  EXPECT_EQ(key.bits(), 2048);
  EXPECT_EQ(key.exponent(), std::string("\x01\x00\x01", 3));
  ASSERT_EQ(key.modulus().size(), 256u);
  EXPECT_NE(static_cast<unsigned char>(key.modulus()[0]) & 0x80, 0);  // a full 2048-bit modulus
}

TEST(RsaKey, InstanceWithoutAKeyUsesTheTestOnlyKey) {
  Instance inst = make_instance();
  EXPECT_EQ(inst.info().signing_key_pem, kTestOnlySigningKeyPem);
}

// The SDK's offline path (jwtKey) cuts a fixed SPKI prefix and suffix off the PEM:
// only an RSA-2048 key with e=65537 in "BEGIN PUBLIC KEY" form survives that.
TEST(RsaKey, PublicPemHasTheShapeTheSdkExpects) {
  const RsaKey& key = test_key();
  std::string pem = key.public_pem();
  EXPECT_EQ(pem.rfind("-----BEGIN PUBLIC KEY-----", 0), 0u) << pem;
  std::string body = pem_body(pem);
  EXPECT_EQ(body.rfind("MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA", 0), 0u) << body;
  ASSERT_GE(body.size(), 6u);
  EXPECT_EQ(body.substr(body.size() - 6), "IDAQAB");
  auto der = base64_decode(body);
  ASSERT_TRUE(der);
  ASSERT_EQ(der->size(), 294u);
  EXPECT_EQ(der->substr(33, 256), key.modulus());
}

TEST(RsaKey, PrivatePemLoadsBackToTheSameKey) {
  const RsaKey& key = test_key();
  std::string pem = key.private_pem();
  EXPECT_EQ(pem.rfind("-----BEGIN PRIVATE KEY-----", 0), 0u);
  RsaKey again = RsaKey::from_private_pem(pem);
  EXPECT_EQ(again.modulus(), key.modulus());
  EXPECT_EQ(again.kid(), key.kid());
  EXPECT_TRUE(again.verify_rs256("data", key.sign_rs256("data")));
}

TEST(RsaKey, RejectsTextThatIsNotAPrivateKey) {
  EXPECT_THROW(RsaKey::from_private_pem(""), std::runtime_error);
  EXPECT_THROW(RsaKey::from_private_pem("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"),
               std::runtime_error);
  EXPECT_THROW(RsaKey::from_private_pem(test_key().public_pem()), std::runtime_error);
}

TEST(RsaKey, RejectsAnEcKey) {
  std::string pem = generated_pem(EVP_EC_gen("P-256"));
  ASSERT_NE(pem.find("PRIVATE KEY"), std::string::npos);
  EXPECT_THROW(RsaKey::from_private_pem(pem), std::runtime_error);
}

TEST(RsaKey, SignsAndVerifies) {
  const RsaKey& key = test_key();
  std::string sig = key.sign_rs256("header.payload");
  EXPECT_EQ(sig.size(), 256u);
  EXPECT_TRUE(key.verify_rs256("header.payload", sig));
}

TEST(RsaKey, SignatureIsDeterministic) {
  // RSASSA-PKCS1-v1_5 has no randomness: the same input gives the same signature.
  EXPECT_EQ(test_key().sign_rs256("abc"), test_key().sign_rs256("abc"));
  EXPECT_NE(test_key().sign_rs256("abc"), test_key().sign_rs256("abd"));
}

TEST(RsaKey, VerifyRejectsChangedDataOrSignature) {
  const RsaKey& key = test_key();
  std::string sig = key.sign_rs256("header.payload");
  EXPECT_FALSE(key.verify_rs256("header.payloaD", sig));
  EXPECT_FALSE(key.verify_rs256("header.payload ", sig));
  std::string flipped = sig;
  flipped[100] = static_cast<char>(flipped[100] ^ 0x01);
  EXPECT_FALSE(key.verify_rs256("header.payload", flipped));
  EXPECT_FALSE(key.verify_rs256("header.payload", sig.substr(0, 255)));
  EXPECT_FALSE(key.verify_rs256("header.payload", ""));
}

TEST(RsaKey, AnotherKeysSignatureDoesNotVerify) {
  RsaKey other = RsaKey::from_private_pem(generated_pem(EVP_RSA_gen(2048)));
  EXPECT_NE(other.modulus(), test_key().modulus());
  EXPECT_FALSE(test_key().verify_rs256("data", other.sign_rs256("data")));
  EXPECT_TRUE(other.verify_rs256("data", other.sign_rs256("data")));
  EXPECT_NE(other.kid(), test_key().kid());
}

TEST(RsaKey, KidIsStableAndUrlSafe) {
  std::string kid = test_key().kid();
  EXPECT_EQ(kid.rfind("ins_", 0), 0u) << kid;
  EXPECT_EQ(kid.size(), 4u + 16u) << kid;  // twelve digest bytes, base64url
  EXPECT_EQ(kid.substr(4).find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
            std::string::npos)
      << kid;
  EXPECT_EQ(RsaKey::from_private_pem(kTestOnlySigningKeyPem).kid(), kid);
}

TEST(RsaKey, CopiesShareTheKey) {
  RsaKey copy = test_key();
  EXPECT_EQ(copy.modulus(), test_key().modulus());
  EXPECT_TRUE(test_key().verify_rs256("x", copy.sign_rs256("x")));
  RsaKey assigned = RsaKey::from_private_pem(generated_pem(EVP_RSA_gen(2048)));
  assigned = copy;
  EXPECT_EQ(assigned.kid(), test_key().kid());
  RsaKey moved = std::move(assigned);
  EXPECT_EQ(moved.kid(), test_key().kid());
}

#include "auth/tokens.hpp"

#include <map>
#include <sstream>

#include "core/text.hpp"

namespace clerksim {

const RsaKey& signing_key(const InstanceInfo& info) {
  static std::map<std::string, RsaKey> cache;  // one server thread; keys never change for a PEM
  auto it = cache.find(info.signing_key_pem);
  if (it == cache.end()) it = cache.emplace(info.signing_key_pem, RsaKey::from_private_pem(info.signing_key_pem)).first;
  return it->second;
}

Json jwks(const InstanceInfo& info) {
  const RsaKey& key = signing_key(info);
  return {{"keys", Json::array({{{"use", "sig"},
                                 {"kty", "RSA"},
                                 {"kid", key.kid()},
                                 {"alg", "RS256"},
                                 {"n", base64url_encode(key.modulus())},
                                 {"e", base64url_encode(key.exponent())}}})}};
}

std::string publishable_key(const std::string& frontend_host) {
  std::string encoded = base64_encode(frontend_host + "$");
  while (!encoded.empty() && encoded.back() == '=') encoded.pop_back();
  return "pk_test_" + encoded;
}

namespace {

std::string join(const std::vector<std::string>& items, const std::string& prefix) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : ",") + prefix + i;
  return out;
}

// Splits "org:<feature>:<action>" into its feature and action.
std::pair<std::string, std::string> feature_and_action(const std::string& key) {
  auto first = key.find(':'), second = key.find(':', first + 1);
  if (first == std::string::npos || second == std::string::npos) return {"", ""};
  return {key.substr(first + 1, second - first - 1), key.substr(second + 1)};
}

// fpm values are decimal integers of any size: one bit per action, least significant first.
std::string bits_to_decimal(const std::vector<bool>& bits) {
  std::string digits = "0";  // little-endian decimal digits
  for (size_t i = bits.size(); i-- > 0;) {
    int carry = bits[i] ? 1 : 0;
    for (char& d : digits) {  // digits = digits * 2 + carry
      int v = (d - '0') * 2 + carry;
      d = static_cast<char>('0' + v % 10);
      carry = v / 10;
    }
    if (carry) digits += static_cast<char>('0' + carry);
  }
  return std::string(digits.rbegin(), digits.rend());
}

std::vector<bool> decimal_to_bits(std::string digits) {  // digits: big-endian, all 0-9
  std::vector<bool> bits;
  while (!(digits.empty() || (digits.size() == 1 && digits[0] == '0'))) {
    int remainder = 0;
    std::string half;
    for (char d : digits) {
      int v = remainder * 10 + (d - '0');
      if (!half.empty() || v / 2) half += static_cast<char>('0' + v / 2);
      remainder = v % 2;
    }
    bits.push_back(remainder == 1);
    digits = half;
  }
  return bits;
}

}  // namespace

// The o claim packs custom permissions by feature: `per` lists the action names,
// and `fpm[k]` is a bitmask (bit i = per[i], least significant first) for the k-th
// org feature as it appears in `fea`.
Json encode_session_claims(const SessionClaims& c, const TokenTimes& t, const std::string& issuer,
                           const std::string& authorized_party) {
  int64_t iat = t.now_ms / 1000;
  Json j = {{"sub", c.user_id},
            {"sid", c.session_id},
            {"iss", issuer},
            {"azp", authorized_party},
            {"iat", iat},
            {"nbf", iat - 10},
            {"exp", iat + t.lifetime_seconds},
            {"v", 2},
            {"sts", c.status},
            {"fva", Json::array({c.first_factor_age_minutes, -1})}};
  std::string fea = join(c.org_features, "o:");
  std::string user_fea = join(c.user_features, "u:");
  if (!user_fea.empty()) fea = user_fea + (fea.empty() ? "" : "," + fea);
  if (!fea.empty()) j["fea"] = fea;
  std::string pla = join(c.user_plans, "u:");
  std::string org_pla = join(c.org_plans, "o:");
  if (!org_pla.empty()) pla += (pla.empty() ? "" : ",") + org_pla;
  if (!pla.empty()) j["pla"] = pla;
  if (c.org) {
    std::vector<std::string> actions;
    for (const auto& key : c.org->permissions) {
      auto action = feature_and_action(key).second;
      if (!action.empty() && std::find(actions.begin(), actions.end(), action) == actions.end())
        actions.push_back(action);
    }
    std::vector<std::string> masks;
    for (const auto& feature : c.org_features) {
      std::vector<bool> mask(actions.size(), false);
      for (const auto& key : c.org->permissions) {
        auto [f, a] = feature_and_action(key);
        if (f != feature) continue;
        mask[static_cast<size_t>(std::find(actions.begin(), actions.end(), a) - actions.begin())] = true;
      }
      masks.push_back(bits_to_decimal(mask));
    }
    std::string role = c.org->role;
    if (starts_with(role, "org:")) role = role.substr(4);
    j["o"] = {{"id", c.org->id}, {"slg", c.org->slug}, {"rol", role}, {"per", join(actions, "")},
              {"fpm", join(masks, "")}};
  }
  return j;
}

std::string sign_jwt(const RsaKey& key, const Json& claims) {
  Json header = {{"alg", "RS256"}, {"kid", key.kid()}, {"typ", "JWT"}};
  std::string input = base64url_encode(header.dump()) + "." + base64url_encode(claims.dump());
  return input + "." + base64url_encode(key.sign_rs256(input));
}

namespace {

std::vector<std::string> split(const std::string& text, char sep) {
  std::vector<std::string> out;
  std::stringstream ss(text);
  std::string item;
  while (std::getline(ss, item, sep)) out.push_back(trim(item));
  return out;
}

ClerkError token_invalid(const std::string& why) {
  return {401, "authentication_invalid", "Invalid authentication", "The session token is not valid: " + why + "."};
}

}  // namespace

namespace {
std::string string_claim(const Json& j, const char* key) {
  return j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : std::string();
}
std::optional<std::string> optional_claim(const Json& j, const char* key) {
  if (j.contains(key) && j[key].is_string()) return j[key].get<std::string>();
  return std::nullopt;
}
}  // namespace

// Mirrors the SDK: strings are taken as they are (has() treats empty ones as
// absent), v2 claims carry the organization in `o`, any other `v` in the flat org_* claims.
AuthObject auth_from_claims(const Json& c) {
  AuthObject a;
  a.user_id = optional_claim(c, "sub");
  a.session_id = optional_claim(c, "sid");
  a.session_status = optional_claim(c, "sts");
  a.features = string_claim(c, "fea");
  a.plans = string_claim(c, "pla");
  if (c.contains("fva") && c["fva"].is_array() && c["fva"].size() == 2 && c["fva"][0].is_number() &&
      c["fva"][1].is_number())
    a.factor_verification_age = std::make_pair(c["fva"][0].get<double>(), c["fva"][1].get<double>());
  bool v2 = c.contains("v") && c["v"].is_number() && c["v"].get<double>() == 2;
  if (!v2) {
    a.org_id = optional_claim(c, "org_id");
    a.org_slug = optional_claim(c, "org_slug");
    a.org_role = optional_claim(c, "org_role");
    if (c.contains("org_permissions") && c["org_permissions"].is_array())
      for (const auto& p : c["org_permissions"])
        if (p.is_string()) a.org_permissions.push_back(p.get<std::string>());
    return a;
  }
  if (!c.contains("o") || !c["o"].is_object()) return a;
  const Json& o = c["o"];
  a.org_id = optional_claim(o, "id");
  a.org_slug = optional_claim(o, "slg");
  if (std::string rol = string_claim(o, "rol"); !rol.empty()) a.org_role = "org:" + rol;
  std::string per = string_claim(o, "per"), fpm = string_claim(o, "fpm");
  if (per.empty() || fpm.empty()) return a;
  // Org-scoped features in the order they appear in fea (o, ou and uo scopes).
  std::vector<std::string> org_features;
  for (const auto& item : split(a.features, ',')) {
    auto colon = item.find(':');
    if (colon == std::string::npos) continue;
    std::string scope = item.substr(0, colon);
    if (scope == "o" || scope == "ou" || scope == "uo") org_features.push_back(item.substr(colon + 1));
  }
  auto actions = split(per, ',');
  auto masks = split(fpm, ',');
  for (size_t k = 0; k < masks.size() && k < org_features.size(); ++k) {
    const std::string& text = masks[k];
    if (text.empty() || !std::all_of(text.begin(), text.end(), ::isdigit)) continue;
    std::vector<bool> mask = decimal_to_bits(text);
    for (size_t i = 0; i < actions.size() && i < mask.size(); ++i)
      if (mask[i]) a.org_permissions.push_back("org:" + org_features[k] + ":" + actions[i]);
  }
  return a;
}

Json verify_session_token(const InstanceInfo& info, const std::string& jwt, int64_t now_ms) {
  auto parts = split(jwt, '.');
  if (parts.size() != 3) throw token_invalid("it does not have three parts");
  auto header_text = base64url_decode(parts[0]);
  auto payload_text = base64url_decode(parts[1]);
  auto signature = base64url_decode(parts[2]);
  if (!header_text || !payload_text || !signature) throw token_invalid("a part is not base64url");
  Json header, claims;
  try {
    header = Json::parse(*header_text);
    claims = Json::parse(*payload_text);
  } catch (const Json::parse_error&) {
    throw token_invalid("a part is not JSON");
  }
  if (string_claim(header, "alg") != "RS256") throw token_invalid("its algorithm is not RS256");
  if (!signing_key(info).verify_rs256(parts[0] + "." + parts[1], *signature))
    throw token_invalid("its signature does not match this instance's key");
  constexpr int64_t skew_ms = 5000;
  if (!claims.contains("exp") || !claims["exp"].is_number()) throw token_invalid("it has no exp");
  if (claims["exp"].get<int64_t>() * 1000 <= now_ms - skew_ms) throw token_invalid("it has expired");
  if (claims.contains("nbf") && claims["nbf"].is_number() && claims["nbf"].get<int64_t>() * 1000 > now_ms + skew_ms)
    throw token_invalid("it is not valid yet");
  if (claims.contains("iat") && claims["iat"].is_number() && claims["iat"].get<int64_t>() * 1000 > now_ms + skew_ms)
    throw token_invalid("it was issued in the future");
  return claims;
}

AuthObject signed_out(const AuthObject& pending) {
  AuthObject out;
  out.session_status = pending.session_status;
  return out;
}

}  // namespace clerksim

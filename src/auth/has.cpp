#include "auth/has.hpp"

#include <sstream>

#include "core/text.hpp"

namespace clerksim {

namespace {

// "admin", "org:admin" and "org:org:admin" name the same role.
std::string prefix_with_org(std::string value) {
  while (starts_with(value, "org:")) value = value.substr(4);
  return "org:" + value;
}

struct Scoped {
  std::vector<std::string> org, user;
};

Scoped split_by_scope(const std::string& claim) {
  Scoped out;
  std::stringstream ss(claim);
  std::string item;
  while (std::getline(ss, item, ',')) {
    item = trim(item);
    auto colon = item.find(':');
    if (colon == std::string::npos) continue;
    std::string scope = item.substr(0, colon), value = item.substr(colon + 1);
    if (scope == "o" || scope == "ou" || scope == "uo") out.org.push_back(value);
    if (scope == "u" || scope == "ou" || scope == "uo") out.user.push_back(value);
  }
  return out;
}

bool in(const std::vector<std::string>& list, const std::string& v) {
  return std::find(list.begin(), list.end(), v) != list.end();
}

// feature / plan: "x" matches either scope, "o:x" (org:, organization:) the org's,
// "u:x" (user:) the user's; an unknown scope fails.
bool billing_check(const std::string& claim, const std::string& asked) {
  if (claim.empty()) return false;
  // An element without a scope makes the SDK's parser throw, which fails the check.
  std::stringstream items(claim);
  for (std::string item; std::getline(items, item, ',');)
    if (trim(item).find(':') == std::string::npos) return false;
  Scoped scoped = split_by_scope(claim);
  auto colon = asked.find(':');
  if (colon == std::string::npos) return in(scoped.org, asked) || in(scoped.user, asked);
  // "o:x:y" asks for x: only the part up to a second colon is the name.
  std::string scope = asked.substr(0, colon), value = asked.substr(colon + 1);
  value = value.substr(0, value.find(':'));
  if (scope == "o" || scope == "org" || scope == "organization") return in(scoped.org, value);
  if (scope == "u" || scope == "user") return in(scoped.user, value);
  return false;
}

bool reverification_check(const AuthObject& a, const Json& asked) {
  std::string level;
  double after = 0;
  if (asked.is_string()) {
    std::string preset = asked.get<std::string>();
    if (preset == "strict_mfa") { level = "multi_factor"; after = 10; }
    else if (preset == "strict") { level = "second_factor"; after = 10; }
    else if (preset == "moderate") { level = "second_factor"; after = 60; }
    else if (preset == "lax") { level = "second_factor"; after = 1440; }
    else return false;
  } else if (asked.is_object()) {
    level = asked.value("level", std::string());
    if (!asked.contains("afterMinutes") || !asked["afterMinutes"].is_number()) return false;
    after = asked["afterMinutes"].get<double>();
    if (after <= 0 || (level != "first_factor" && level != "second_factor" && level != "multi_factor")) return false;
  } else {
    return false;
  }
  if (!a.factor_verification_age) return false;
  auto [f1, f2] = *a.factor_verification_age;
  auto valid = [](double v) { return v >= 0 || v == -1; };
  if (!valid(f1) || !valid(f2) || (f1 == -1 && f2 == -1)) return false;
  auto fresh = [&](double age) { return age != -1 && after > age; };
  if (level == "first_factor") return fresh(f1);
  if (level == "second_factor") return f2 == -1 ? fresh(f1) : fresh(f2);
  if (f2 == -1) return fresh(f1);  // multi_factor without a second factor enrolled
  return fresh(f1) && fresh(f2);
}

}  // namespace

bool has(const AuthObject& a, const Json& check) {
  if (!check.is_object())
    throw ClerkError::param_type("check", "an object with role, permission, feature, plan or reverification");
  for (const auto& [key, value] : check.items())
    if (key != "role" && key != "permission" && key != "feature" && key != "plan" && key != "reverification")
      throw ClerkError::param_unknown("check." + key);
  auto given = [](const std::optional<std::string>& v) { return v && !v->empty(); };
  if (!given(a.user_id)) return false;
  // A dimension given as null is asked, and fails, as in the SDK.
  auto asked = [&](const char* key) { return check.contains(key); };
  std::vector<bool> results;
  if (asked("role")) {
    const Json& role = check["role"];
    results.push_back(role.is_string() && given(a.org_id) && given(a.org_role) &&
                      prefix_with_org(*a.org_role) == prefix_with_org(role.get<std::string>()));
  }
  if (asked("permission")) {
    const Json& perm = check["permission"];
    results.push_back(perm.is_string() && given(a.org_id) && in(a.org_permissions, prefix_with_org(perm.get<std::string>())));
  }
  if (asked("feature"))
    results.push_back(check["feature"].is_string() && billing_check(a.features, check["feature"].get<std::string>()));
  if (asked("plan"))
    results.push_back(check["plan"].is_string() && billing_check(a.plans, check["plan"].get<std::string>()));
  if (asked("reverification")) results.push_back(reverification_check(a, check["reverification"]));
  if (results.empty()) return false;
  return std::all_of(results.begin(), results.end(), [](bool r) { return r; });
}

}  // namespace clerksim

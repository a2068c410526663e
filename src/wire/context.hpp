#pragma once
// What a handler receives: the calling instance, the request, its decoded path and
// query parameters, and the API version the caller asked for.
#include "core/request.hpp"
#include "domain/instance.hpp"

#include <map>
#include <string>
#include <vector>

namespace clerksim {

// Behaviour differs between versions only where Clerk's did: before 2026-05-12,
// PATCH on users and organizations still accepted metadata (and replaced it).
enum class ApiVersion { v2025_11_10, v2026_05_12 };

class Tenancy;
class WebhookDelivery;

struct Context {
  Instance* instance = nullptr;  // null only on routes that need no key
  Tenancy* tenancy = nullptr;    // for control routes that rebuild the instance
  const Request& request;
  std::map<std::string, std::string> path;                  // {organization_id} -> value
  std::vector<std::pair<std::string, std::string>> query;  // decoded, in order, keys may repeat
  ApiVersion version = ApiVersion::v2026_05_12;
  std::string server_url;  // where clients reach this server: the iss of session tokens
  WebhookDelivery* webhooks = nullptr;  // null where nothing is delivered

  Instance& inst() const { return *instance; }
  const std::string& param(const std::string& name) const { return path.at(name); }
};

}  // namespace clerksim

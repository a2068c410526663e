#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>

#include "core/text.hpp"
#include "router/router.hpp"
#include "webhooks/delivery.hpp"
#include "wire/encode.hpp"

namespace clerksim {

namespace {

std::vector<std::string> split_template(const std::string& path) {
  std::vector<std::string> out;
  size_t start = 1;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string::npos) end = path.size();
    out.push_back(path.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

bool match(const Route& route, const std::vector<std::string>& segments, std::map<std::string, std::string>& params) {
  auto parts = split_template(route.path);
  if (parts.size() != segments.size()) return false;
  std::map<std::string, std::string> found;
  for (size_t i = 0; i < parts.size(); ++i) {
    const std::string& part = parts[i];
    if (part.size() > 2 && part.front() == '{' && part.back() == '}') {
      if (segments[i].empty()) return false;
      found[part.substr(1, part.size() - 2)] = segments[i];
    } else if (part != segments[i]) {
      return false;
    }
  }
  params = std::move(found);
  return true;
}

// curl -g and hand-written URLs send characters such as [ ] unencoded; encode them
// so the target parses the way a browser or an SDK would have sent it.
std::string lenient_target(const std::string& target) {
  static const std::string unsafe = "[]{}|\\^`\" <>";
  std::string out;
  for (char c : target) {
    if (unsafe.find(c) == std::string::npos) { out += c; continue; }
    static const char hex[] = "0123456789ABCDEF";
    out += '%';
    out += hex[(static_cast<unsigned char>(c) >> 4) & 0xF];
    out += hex[static_cast<unsigned char>(c) & 0xF];
  }
  return out;
}

ClerkError route_not_found(const std::string& method, const std::string& path) {
  return {404, "resource_not_found", "not found", "There is no endpoint " + method + " " + path + "."};
}

// Clerk-API-Version: the header or the __clerk_api_version parameter, not both.
// 2026-05-12 is the default; the earlier published dates behave like 2025-11-10.
ApiVersion select_version(const Request& req, const std::vector<std::pair<std::string, std::string>>& query) {
  std::string header = req.header("Clerk-API-Version");
  std::string param;
  bool has_param = false;
  for (const auto& [k, v] : query)
    if (k == "__clerk_api_version") { param = v; has_param = true; }
  if (!header.empty() && has_param)
    throw ClerkError(400, "api_version_invalid", "invalid API version",
                     "Give the API version either in the Clerk-API-Version header or in __clerk_api_version, not both.");
  std::string version = has_param ? param : header;
  if (version.empty() || version == "2026-05-12") return ApiVersion::v2026_05_12;
  for (const char* older : {"2025-11-10", "2025-04-10", "2025-03-12", "2024-10-01", "2021-02-05"})
    if (version == older) return ApiVersion::v2025_11_10;
  throw ClerkError(400, "api_version_invalid", "invalid API version",
                   "'" + version + "' is not a Clerk API version; use a published date such as 2026-05-12.");
}

Instance& authenticate(Tenancy& tenancy, const Request& req) {
  std::string auth = req.header("Authorization");
  if (auth.empty())
    throw ClerkError(401, "authentication_invalid", "Invalid authentication",
                     "The request has no Authorization header; send 'Authorization: Bearer <secret key>'.");
  if (!starts_with(auth, "Bearer ") || trim(auth.substr(7)).empty())
    throw ClerkError(401, "authorization_header_format_invalid", "Invalid Authorization header format",
                     "The Authorization header must have the form 'Bearer <secret key>'.");
  Instance* inst = tenancy.find(trim(auth.substr(7)));
  if (!inst)
    throw ClerkError(401, "clerk_key_invalid", "The secret key is invalid",
                     "No instance has this secret key. Check CLERK_SECRET_KEY against the one clerk-sim printed.");
  return *inst;
}

}  // namespace

Response Dispatcher::handle(const Request& req) {
  Instance* inst = nullptr;
  auto trace = [&] { return inst ? inst->next_trace_id() : tenancy_.next_trace_id(); };
  try {
    const std::string target = lenient_target(req.target);  // the url_view below points into it
    auto parsed = boost::urls::parse_origin_form(target);
    if (!parsed) throw route_not_found(req.method, req.target);
    boost::urls::url_view url = *parsed;
    std::vector<std::string> segments;
    for (auto seg : url.segments()) segments.push_back(seg);
    while (segments.size() > 1 && segments.back().empty()) segments.pop_back();  // tolerate a trailing slash
    std::string path = url.path();

    const Route* route = nullptr;
    std::map<std::string, std::string> params;
    for (const Route& r : routes())
      if (r.method == req.method && match(r, segments, params)) { route = &r; break; }
    if (!route) throw route_not_found(req.method, path);

    std::vector<std::pair<std::string, std::string>> query;
    for (auto p : url.params()) query.emplace_back(p.key, p.has_value ? p.value : std::string());

    if (route->access != Access::open) inst = &authenticate(tenancy_, req);
    if (route->access == Access::organizations && !inst->organization_settings().enabled)
      throw ClerkError(403, "organization_not_enabled_in_instance", "organizations are not enabled",
                       "Organizations are turned off for this instance; turn them on with "
                       "PATCH /v1/instance/organization_settings {\"enabled\": true}.");
    ApiVersion version = select_version(req, query);
    Context cx{inst, &tenancy_, req, std::move(params), std::move(query), version, server_url_, webhooks_};
    Response res = route->handler(cx);
    if (cx.instance)
      for (const DomainEvent& e : cx.instance->take_events()) {
        Json rendered;
        // An event about something already gone again (possible only when the domain
        // was driven directly, between requests) has nothing left to show.
        try {
          rendered = render_event(*cx.instance, e, req.header("User-Agent"));
        } catch (const ClerkError&) {
          continue;
        }
        if (webhooks_) webhooks_->publish(*cx.instance, rendered);
        cx.instance->record_event(std::move(rendered));
      }
    return res;
  } catch (const ClerkError& e) {
    if (inst) inst->take_events();  // a failed operation committed nothing to report
    return error_response(e, trace());
  } catch (const std::exception& e) {
    ClerkError internal(500, "internal_clerk_error", "Oops, an unexpected error occurred",
                        std::string("clerk-sim failed while handling this request: ") + e.what());
    return error_response(internal, trace());
  }
}

}  // namespace clerksim

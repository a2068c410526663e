#pragma once
// The one route table (BAPI and /__sim alike) and the dispatcher that turns a
// Request into a Response: route match, tenancy by secret key, API version, errors.
#include "core/request.hpp"
#include "domain/tenancy.hpp"
#include "wire/context.hpp"
#include "wire/encode.hpp"

#include <string>
#include <vector>

namespace clerksim {

using Handler = Response (*)(Context&);

enum class Access {
  open,           // no key needed
  secret_key,     // the Bearer key picks the instance
  organizations,  // as secret_key, and answers 403 while organizations are turned off
};

struct Route {
  const char* method;
  const char* path;  // template: "/v1/organizations/{organization_id}"
  Handler handler;
  Access access = Access::secret_key;
};

const std::vector<Route>& routes();

class Dispatcher {
 public:
  explicit Dispatcher(Tenancy& tenancy, std::string server_url = "http://127.0.0.1:8787")
      : tenancy_(tenancy), server_url_(std::move(server_url)) {}
  void set_server_url(std::string url) { server_url_ = std::move(url); }
  // Where events go after they are logged; without it they are only logged.
  void set_webhooks(WebhookDelivery* webhooks) { webhooks_ = webhooks; }
  Response handle(const Request& request);
  // An error decided before a request could be read whole (e.g. a body too large).
  Response reject(const ClerkError& error) { return error_response(error, tenancy_.next_trace_id()); }

 private:
  Tenancy& tenancy_;
  std::string server_url_;
  WebhookDelivery* webhooks_ = nullptr;
};

}  // namespace clerksim

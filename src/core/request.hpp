#pragma once
// The transport-free request and response values every layer above core speaks.
// The HTTP server, the scenario runner and the property checker all build these.
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace clerksim {

struct CaseInsensitiveLess {
  bool operator()(const std::string& a, const std::string& b) const;
};

struct Request {
  std::string method;  // "GET", "POST", ...
  std::string target;  // origin form: "/v1/users?limit=5"
  std::map<std::string, std::string, CaseInsensitiveLess> headers;
  std::string body;

  std::string header(const std::string& name) const;
};

struct Response {
  int status = 200;
  std::string body;  // JSON text; empty for 204
  std::vector<std::pair<std::string, std::string>> headers;  // beyond Content-Type

  // An answer that is not ready yet (e.g. waiting for webhook deliveries): the
  // transport calls this with the function that sends the answer when it is.
  using Reply = std::function<void(Response)>;
  std::function<void(Reply)> deferred;
};

}  // namespace clerksim

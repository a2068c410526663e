#pragma once
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>

namespace clerksim {

// One Clerk error: HTTP status, Clerk's code, our own wording, and meta
// (param_name and friends). Thrown by any layer, turned into Clerk's error body
// by the router. `meta` is a JSON object so it can carry arrays when a code needs them.
struct ClerkError : std::runtime_error {
  int status;
  std::string code;
  std::string message;
  std::string long_message;
  nlohmann::json meta = nlohmann::json::object();

  ClerkError(int status, std::string code, std::string message, std::string long_message,
             nlohmann::json meta = nlohmann::json::object());

  // Shorthands for the families used all over the domain.
  static ClerkError not_found(const std::string& what, const std::string& id);
  static ClerkError param_missing(const std::string& param);
  static ClerkError param_type(const std::string& param, const std::string& type);  // query and form parameters
  static ClerkError body_type(const std::string& param, const std::string& type);   // JSON body fields
  static ClerkError param_unknown(const std::string& param);
  static ClerkError param_value(const std::string& param, const std::string& long_message);
  static ClerkError param_format(const std::string& param, const std::string& long_message);
  static ClerkError identifier_exists(const std::string& param, const std::string& long_message);
};

}  // namespace clerksim

#include "core/error.hpp"

namespace clerksim {

ClerkError::ClerkError(int status_, std::string code_, std::string message_, std::string long_message_,
                       nlohmann::json meta_)
    : std::runtime_error(code_ + ": " + long_message_),
      status(status_),
      code(std::move(code_)),
      message(std::move(message_)),
      long_message(std::move(long_message_)),
      meta(std::move(meta_)) {}

namespace {
nlohmann::json param(const std::string& name) { return {{"param_name", name}}; }
}  // namespace

ClerkError ClerkError::not_found(const std::string& what, const std::string& id) {
  return {404, "resource_not_found", "not found", "There is no " + what + " with id '" + id + "'."};
}

ClerkError ClerkError::param_missing(const std::string& p) {
  return {422, "form_param_missing", "is missing", "The parameter '" + p + "' is required.", param(p)};
}

ClerkError ClerkError::param_type(const std::string& p, const std::string& type) {
  return {422, "form_param_type_invalid", "is invalid", "The parameter '" + p + "' must be " + type + ".",
          param(p)};
}

// A JSON body that parses but holds a field of the wrong type is, for Clerk, a value
// that failed to decode: form_param_value_invalid.
ClerkError ClerkError::body_type(const std::string& p, const std::string& type) {
  return {422, "form_param_value_invalid", "is invalid", "The field '" + p + "' must be " + type + ".", param(p)};
}

ClerkError ClerkError::param_unknown(const std::string& p) {
  return {422, "form_param_unknown", "is unknown", "'" + p + "' is not a parameter this request accepts.",
          param(p)};
}

ClerkError ClerkError::param_value(const std::string& p, const std::string& long_message) {
  return {422, "form_param_value_invalid", "is invalid", long_message, param(p)};
}

ClerkError ClerkError::param_format(const std::string& p, const std::string& long_message) {
  return {422, "form_param_format_invalid", "is invalid", long_message, param(p)};
}

ClerkError ClerkError::identifier_exists(const std::string& p, const std::string& long_message) {
  return {422, "form_identifier_exists", "already taken", long_message, param(p)};
}

}  // namespace clerksim

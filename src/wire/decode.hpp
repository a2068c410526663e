#pragma once
// Request decoding with Clerk's errors: malformed JSON is 400 request_body_invalid,
// a body field of the wrong type 422 form_param_value_invalid (a query parameter's:
// form_param_type_invalid), a missing field 422 form_param_missing,
// an unexpected field 422 form_param_unknown, each naming the parameter.
#include "domain/instance.hpp"
#include "wire/context.hpp"

#include <optional>
#include <set>
#include <string>
#include <vector>

namespace clerksim {

class BodyReader {
 public:
  // An empty body reads as {} (the SDK sends none when it has no parameters).
  explicit BodyReader(const std::string& body);

  bool has(const std::string& key) const;
  // Nullable fields: JSON null reads as "not given".
  std::optional<std::string> string(const std::string& key);
  std::string required_string(const std::string& key);
  std::optional<int64_t> integer(const std::string& key);
  std::optional<bool> boolean(const std::string& key);
  std::vector<std::string> strings(const std::string& key);
  std::optional<Json> object(const std::string& key);
  std::optional<int64_t> timestamp(const std::string& key);  // RFC 3339 text -> epoch ms
  // For PATCH fields where null means "clear".
  Nullable<std::string> nullable_string(const std::string& key);
  Nullable<int64_t> nullable_integer(const std::string& key);
  Nullable<int64_t> nullable_timestamp(const std::string& key);
  MetadataPatch metadata(bool with_unsafe);
  // Any key not read so far is unknown to this request.
  void finish() const;

 private:
  const Json* field(const std::string& key);
  Json body_;
  std::set<std::string> read_;
};

class QueryReader {
 public:
  explicit QueryReader(const Context& cx) : cx_(cx) {}
  std::vector<std::string> list(const std::string& key) const;
  std::optional<std::string> string(const std::string& key) const;
  std::optional<bool> boolean(const std::string& key) const;
  std::optional<int64_t> integer(const std::string& key) const;
  IdFilter id_filter(const std::string& key) const;
  ListWindow window() const;  // limit 1..500 (default 10), offset >= 0, order_by

 private:
  const Context& cx_;
};

}  // namespace clerksim

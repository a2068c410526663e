#include "wire/decode.hpp"

#include "core/text.hpp"

namespace clerksim {

BodyReader::BodyReader(const std::string& body) {
  if (trim(body).empty()) {
    body_ = Json::object();
    return;
  }
  try {
    body_ = Json::parse(body);
  } catch (const Json::parse_error&) {
    throw ClerkError(400, "request_body_invalid", "Request body invalid",
                     "The request body is not valid JSON.");
  }
  if (!body_.is_object())
    throw ClerkError(400, "request_body_invalid", "Request body invalid",
                     "The request body must be a JSON object.");
}

bool BodyReader::has(const std::string& key) const { return body_.contains(key) && !body_.at(key).is_null(); }

const Json* BodyReader::field(const std::string& key) {
  read_.insert(key);
  auto it = body_.find(key);
  if (it == body_.end() || it->is_null()) return nullptr;
  return &*it;
}

std::optional<std::string> BodyReader::string(const std::string& key) {
  const Json* v = field(key);
  if (!v) return std::nullopt;
  if (!v->is_string()) throw ClerkError::body_type(key, "a string");
  return v->get<std::string>();
}

std::string BodyReader::required_string(const std::string& key) {
  auto v = string(key);
  if (!v) throw ClerkError::param_missing(key);
  return *v;
}

std::optional<int64_t> BodyReader::integer(const std::string& key) {
  const Json* v = field(key);
  if (!v) return std::nullopt;
  if (!v->is_number_integer()) throw ClerkError::body_type(key, "an integer");
  return v->get<int64_t>();
}

std::optional<bool> BodyReader::boolean(const std::string& key) {
  const Json* v = field(key);
  if (!v) return std::nullopt;
  if (!v->is_boolean()) throw ClerkError::body_type(key, "a boolean");
  return v->get<bool>();
}

std::vector<std::string> BodyReader::strings(const std::string& key) {
  const Json* v = field(key);
  if (!v) return {};
  if (!v->is_array()) throw ClerkError::body_type(key, "an array of strings");
  std::vector<std::string> out;
  for (const auto& item : *v) {
    if (!item.is_string()) throw ClerkError::body_type(key, "an array of strings");
    out.push_back(item.get<std::string>());
  }
  return out;
}

std::optional<Json> BodyReader::object(const std::string& key) {
  const Json* v = field(key);
  if (!v) return std::nullopt;
  if (!v->is_object()) throw ClerkError::body_type(key, "a JSON object");
  return *v;
}

std::optional<int64_t> BodyReader::timestamp(const std::string& key) {
  auto text = string(key);
  if (!text) return std::nullopt;
  auto ms = parse_rfc3339_ms(*text);
  if (!ms)
    throw ClerkError::param_format(key, key + " must be an RFC 3339 date-time such as 2024-05-01T12:00:00Z.");
  return ms;
}

Nullable<std::string> BodyReader::nullable_string(const std::string& key) {
  if (!body_.contains(key)) { read_.insert(key); return std::nullopt; }
  if (body_.at(key).is_null()) { read_.insert(key); return std::optional<std::string>(); }
  return string(key);
}

Nullable<int64_t> BodyReader::nullable_integer(const std::string& key) {
  if (!body_.contains(key)) { read_.insert(key); return std::nullopt; }
  if (body_.at(key).is_null()) { read_.insert(key); return std::optional<int64_t>(); }
  return integer(key);
}

Nullable<int64_t> BodyReader::nullable_timestamp(const std::string& key) {
  if (!body_.contains(key)) { read_.insert(key); return std::nullopt; }
  if (body_.at(key).is_null()) { read_.insert(key); return std::optional<int64_t>(); }
  return timestamp(key);
}

// Metadata is passed on as given: the domain owns the rule that it must be an
// object (and answers Clerk's form_param_value_invalid when it is not).
MetadataPatch BodyReader::metadata(bool with_unsafe) {
  auto any = [&](const std::string& key) -> std::optional<Json> {
    const Json* v = field(key);
    return v ? std::optional<Json>(*v) : std::nullopt;
  };
  MetadataPatch patch;
  patch.public_metadata = any("public_metadata");
  patch.private_metadata = any("private_metadata");
  if (with_unsafe) patch.unsafe_metadata = any("unsafe_metadata");
  return patch;
}

void BodyReader::finish() const {
  for (const auto& [key, value] : body_.items())
    if (!read_.count(key)) throw ClerkError::param_unknown(key);
}

// --- query

std::vector<std::string> QueryReader::list(const std::string& key) const {
  std::vector<std::string> out;
  for (const auto& [k, v] : cx_.query)
    if (k == key || k == key + "[]") out.push_back(v);
  return out;
}

std::optional<std::string> QueryReader::string(const std::string& key) const {
  for (const auto& [k, v] : cx_.query)
    if (k == key) return v;
  return std::nullopt;
}

std::optional<bool> QueryReader::boolean(const std::string& key) const {
  auto v = string(key);
  if (!v) return std::nullopt;
  if (*v == "true" || *v == "1") return true;
  if (*v == "false" || *v == "0") return false;
  throw ClerkError::param_type(key, "a boolean (true or false)");
}

std::optional<int64_t> QueryReader::integer(const std::string& key) const {
  auto v = string(key);
  if (!v) return std::nullopt;
  try {
    size_t used = 0;
    long long n = std::stoll(*v, &used);
    if (used == v->size()) return n;
  } catch (const std::exception&) {
  }
  throw ClerkError::param_type(key, "an integer");
}

IdFilter QueryReader::id_filter(const std::string& key) const {
  IdFilter f;
  for (const auto& v : list(key)) f.add(v);
  return f;
}

ListWindow QueryReader::window() const {
  ListWindow w;
  if (auto limit = integer("limit")) {
    if (*limit < 1 || *limit > 500)
      throw ClerkError::param_value("limit", "limit must be between 1 and 500.");
    w.limit = *limit;
  }
  if (auto offset = integer("offset")) {
    if (*offset < 0) throw ClerkError::param_value("offset", "offset must not be negative.");
    w.offset = *offset;
  }
  w.order_by = string("order_by").value_or("");
  return w;
}

}  // namespace clerksim

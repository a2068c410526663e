#pragma once
// The reader every part of the fixture format is loaded with.
#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "wire/fixture.hpp"

namespace clerksim {

// Reads one JSON object of the fixture, reporting problems by JSON pointer and
// refusing keys the format does not know (a typo should not pass silently).
class FixtureNode {
 public:
  FixtureNode(const Json& j, std::string where) : j_(j), where_(std::move(where)) {
    if (!j_.is_object()) fail("", "must be an object");
  }
  [[noreturn]] void fail(const std::string& key, const std::string& what) const {
    throw FixtureError(where_ + (key.empty() ? "" : "/" + key), what);
  }
  const Json* get(const std::string& key) {
    seen_.push_back(key);
    auto it = j_.find(key);
    return it == j_.end() || it->is_null() ? nullptr : &*it;
  }
  std::optional<std::string> str(const std::string& key) {
    const Json* v = get(key);
    if (!v) return std::nullopt;
    if (!v->is_string()) fail(key, "must be a string");
    return v->get<std::string>();
  }
  std::optional<int64_t> num(const std::string& key) {
    const Json* v = get(key);
    if (!v) return std::nullopt;
    if (!v->is_number_integer()) fail(key, "must be an integer");
    return v->get<int64_t>();
  }
  std::optional<bool> flag(const std::string& key) {
    const Json* v = get(key);
    if (!v) return std::nullopt;
    if (!v->is_boolean()) fail(key, "must be true or false");
    return v->get<bool>();
  }
  std::optional<Json> obj(const std::string& key) {
    const Json* v = get(key);
    if (!v) return std::nullopt;
    if (!v->is_object()) fail(key, "must be an object");
    return *v;
  }
  std::vector<std::string> strs(const std::string& key) {
    std::vector<std::string> out;
    for (const auto& [i, item] : items(key)) {
      if (!item->is_string()) fail(key + "/" + std::to_string(i), "must be a string");
      out.push_back(item->get<std::string>());
    }
    return out;
  }
  std::vector<std::pair<size_t, const Json*>> items(const std::string& key) {
    const Json* v = get(key);
    std::vector<std::pair<size_t, const Json*>> out;
    if (!v) return out;
    if (!v->is_array()) fail(key, "must be an array");
    for (size_t i = 0; i < v->size(); ++i) out.emplace_back(i, &(*v)[i]);
    return out;
  }
  std::string path(const std::string& key) const { return where_ + "/" + key; }
  std::string path(const std::string& key, size_t i) const { return path(key) + "/" + std::to_string(i); }
  std::string required(const std::string& key) {
    auto v = str(key);
    if (!v || v->empty()) fail(key, "is required");
    return *v;
  }
  // The items of an array field (none when absent).
  std::vector<const Json*> list(const std::string& key) {
    std::vector<const Json*> out;
    for (const auto& [i, item] : items(key)) out.push_back(item);
    return out;
  }
  void done() const {
    for (const auto& [key, value] : j_.items())
      if (std::find(seen_.begin(), seen_.end(), key) == seen_.end()) fail(key, "is not a field of the fixture format");
  }

 private:
  const Json& j_;
  std::string where_;
  std::vector<std::string> seen_;
};

}  // namespace clerksim

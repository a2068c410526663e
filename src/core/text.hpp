#pragma once
#include <cstdint>
#include <optional>
#include <string>

namespace clerksim {

std::string to_lower(std::string s);
std::string trim(const std::string& s);
bool contains_ci(const std::string& haystack, const std::string& needle);  // case-insensitive substring
bool starts_with(const std::string& s, const std::string& prefix);

// RFC 3339 date-time ("2012-10-20T07:15:20.902Z", offsets allowed) -> epoch ms.
std::optional<int64_t> parse_rfc3339_ms(const std::string& text);

}  // namespace clerksim

#include "domain/listing.hpp"

namespace clerksim {

OrderBy parse_order_by(const std::string& raw, const std::string& fallback, const std::vector<std::string>& allowed) {
  std::string text = raw.empty() ? fallback : raw;
  OrderBy order;
  if (!text.empty() && (text[0] == '+' || text[0] == '-')) {
    order.descending = text[0] == '-';
    text = text.substr(1);
  }
  if (std::find(allowed.begin(), allowed.end(), text) == allowed.end()) {
    std::string list;
    for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
    throw ClerkError::param_value("order_by", "'" + raw + "' is not a field this list can be ordered by. Use one of: " +
                                                  list + ", optionally prefixed with + or -.");
  }
  order.field = text;
  return order;
}

SortValue sort_value(const std::optional<std::string>& v) { return v ? SortValue(*v) : SortValue(); }
SortValue sort_value(const std::optional<int64_t>& v) { return v ? SortValue(*v) : SortValue(); }

int compare_sort_values(const SortValue& a, const SortValue& b) {
  bool a_null = std::holds_alternative<std::monostate>(a);
  bool b_null = std::holds_alternative<std::monostate>(b);
  if (a_null || b_null) return a_null == b_null ? 0 : (a_null ? 1 : -1);
  if (a < b) return -1;
  if (b < a) return 1;
  return 0;
}

}  // namespace clerksim

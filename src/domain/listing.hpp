#pragma once
// Ordering and paging shared by every list: "[+|-]field" order, ties broken by
// insertion order, then limit/offset.
#include "core/error.hpp"
#include "domain/model.hpp"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace clerksim {

struct OrderBy {
  std::string field;
  bool descending = false;
};

// Validates `raw` against the fields a list can be ordered by (422 naming order_by).
OrderBy parse_order_by(const std::string& raw, const std::string& fallback, const std::vector<std::string>& allowed);

// A sort key: absent values sort after present ones in ascending order.
using SortValue = std::variant<std::monostate, int64_t, std::string>;
SortValue sort_value(const std::optional<std::string>& v);
SortValue sort_value(const std::optional<int64_t>& v);
int compare_sort_values(const SortValue& a, const SortValue& b);

template <class T, class KeyFn>
void order_items(std::vector<const T*>& items, const OrderBy& order, KeyFn key) {
  std::stable_sort(items.begin(), items.end(), [&](const T* a, const T* b) {
    int c = compare_sort_values(key(*a, order.field), key(*b, order.field));
    if (c == 0) c = a->seq < b->seq ? -1 : (a->seq > b->seq ? 1 : 0);
    return order.descending ? c > 0 : c < 0;
  });
}

template <class T>
Page<T> paginate(std::vector<const T*> items, int64_t limit, int64_t offset) {
  Page<T> page;
  page.total_count = static_cast<int64_t>(items.size());
  auto first = std::min<int64_t>(offset, page.total_count);
  auto last = std::min<int64_t>(first + limit, page.total_count);
  page.items.assign(items.begin() + first, items.begin() + last);
  return page;
}

}  // namespace clerksim

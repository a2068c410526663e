#include "core/pmap.hpp"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <map>
#include <string>
#include <vector>

namespace clerksim {
namespace {

using Map = PMap<int, std::string>;

std::vector<std::pair<int, std::string>> entries(const Map& m) {
  std::vector<std::pair<int, std::string>> out;
  for (const auto& [k, v] : m) out.emplace_back(k, v);
  return out;
}

std::vector<std::pair<int, std::string>> entries(const std::map<int, std::string>& m) {
  return {m.begin(), m.end()};
}

// A copy taken before a series of writes keeps what it had, whatever the writes do
// to the shared nodes; the written map reads like a std::map given the same writes.
RC_GTEST_PROP(PMap, behaves_like_std_map_and_copies_stay_untouched, ()) {
  const auto ops = *rc::gen::container<std::vector<std::tuple<int, int, int>>>(
      rc::gen::tuple(rc::gen::inRange(0, 4), rc::gen::inRange(0, 60), rc::gen::inRange(0, 1000)));
  Map live;
  std::map<int, std::string> model;
  std::vector<std::pair<Map, std::map<int, std::string>>> copies;
  for (const auto& [kind, key, value] : ops) {
    switch (kind) {
      case 0:
        RC_ASSERT(live.insert(key, std::to_string(value)).second == model.emplace(key, std::to_string(value)).second);
        break;
      case 1:
        RC_ASSERT(live.erase(key) == (model.erase(key) == 1));
        break;
      case 2:
        if (auto* v = live.find_mut(key)) {
          *v += "+";
          model.at(key) += "+";
        } else {
          RC_ASSERT(model.count(key) == 0u);
        }
        break;
      default:
        copies.emplace_back(live, model);
        break;
    }
    RC_ASSERT(live.size() == model.size());
  }
  RC_ASSERT(entries(live) == entries(model));
  std::vector<std::pair<int, std::string>> backwards(live.rbegin(), live.rend());
  RC_ASSERT((backwards == std::vector<std::pair<int, std::string>>(model.rbegin(), model.rend())));
  for (const auto& [copy, then] : copies) RC_ASSERT(entries(copy) == entries(then));
  for (const auto& [copy, then] : copies) RC_ASSERT((copy == live) == (then == model));
}

TEST(PMap, LowerBoundFindsTheFirstKeyNotBelow) {
  PMap<std::pair<std::string, std::string>, int> m;
  m.insert({"org_b", "user_1"}, 1);
  m.insert({"org_a", "user_2"}, 2);
  m.insert({"org_b", "user_0"}, 3);
  auto it = m.lower_bound({"org_b", ""});
  ASSERT_NE(it, m.end());
  EXPECT_EQ(it->second, 3);
  ++it;
  EXPECT_EQ(it->second, 1);
  ++it;
  EXPECT_EQ(it, m.end());
  EXPECT_EQ(m.lower_bound({"org_c", ""}), m.end());
}

TEST(PMap, AWriteToACopyLeavesTheOriginal) {
  Map a;
  for (int i = 0; i < 1000; ++i) a.insert(i, "v" + std::to_string(i));
  Map b = a;
  EXPECT_TRUE(a == b);
  b.mut(500) = "changed";
  b.erase(7);
  b.insert(2000, "new");
  EXPECT_EQ(a.at(500), "v500");
  EXPECT_TRUE(a.contains(7));
  EXPECT_FALSE(a.contains(2000));
  EXPECT_EQ(a.size(), 1000u);
  EXPECT_EQ(b.size(), 1000u);
  EXPECT_FALSE(a == b);
  b.mut(500) = "v500";
  b.insert(7, "v7");
  b.erase(2000);
  EXPECT_TRUE(a == b);  // same entries again, though built differently
}

TEST(PMap, SetsKeepOrderAndShareToo) {
  PSet<std::string> s;
  for (const char* k : {"c", "a", "b"}) s.insert(k);
  PSet<std::string> t = s;
  t.erase("a");
  std::vector<std::string> in_s(s.begin(), s.end()), in_t(t.begin(), t.end());
  EXPECT_EQ(in_s, (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(in_t, (std::vector<std::string>{"b", "c"}));
}

}  // namespace
}  // namespace clerksim

#pragma once
#include <cstdint>
#include <string>

namespace clerksim {

// Seeded, counter-based id generator. The n-th id of a seed is always the same,
// so an instance can be rebuilt (reset, fixture reload) to the exact same ids.
class IdGenerator {
 public:
  explicit IdGenerator(uint64_t seed = 0, uint64_t counter = 0) : seed_(seed), counter_(counter) {}

  // prefix "user" -> "user_" + 27 base62 characters, as Clerk's ids look.
  std::string next(const std::string& prefix);
  // 32 lowercase hex characters, for clerk_trace_id.
  std::string next_hex();

  uint64_t seed() const { return seed_; }
  uint64_t counter() const { return counter_; }

 private:
  uint64_t draw();
  uint64_t seed_;
  uint64_t counter_;
};

}  // namespace clerksim

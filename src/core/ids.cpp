#include "core/ids.hpp"

namespace clerksim {
namespace {

uint64_t splitmix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

constexpr char kBase62[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
constexpr int kBodyLength = 27;

}  // namespace

uint64_t IdGenerator::draw() {
  ++counter_;
  return splitmix64(splitmix64(seed_) ^ splitmix64(counter_ * 0x2545f4914f6cdd1dULL));
}

std::string IdGenerator::next(const std::string& prefix) {
  std::string out = prefix + "_";
  // Clerk ids start with a digit (the leading timestamp byte of a KSUID); keep that look.
  const uint64_t root = draw();
  uint64_t bits = root;
  out += static_cast<char>('2' + bits % 2);
  bits /= 2;
  for (int i = 1; i < kBodyLength; ++i) {
    if (i % 8 == 0) bits = splitmix64(root + static_cast<uint64_t>(i) * 0x9e3779b97f4a7c15ULL);  // fresh bits
    out += kBase62[bits % 62];
    bits /= 62;
  }
  return out;
}

std::string IdGenerator::next_hex() {
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  for (int half = 0; half < 2; ++half) {
    uint64_t bits = draw();
    for (int i = 0; i < 16; ++i) { out += hex[bits & 0xf]; bits >>= 4; }
  }
  return out;
}

}  // namespace clerksim

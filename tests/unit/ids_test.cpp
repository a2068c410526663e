#include <gtest/gtest.h>

#include "core/ids.hpp"

using namespace clerksim;

TEST(IdGenerator, SameSeedSameSequence) {
  IdGenerator a(7), b(7);
  for (int i = 0; i < 50; ++i) EXPECT_EQ(a.next("user"), b.next("user"));
}

TEST(IdGenerator, DifferentSeedsDiffer) {
  IdGenerator a(1), b(2);
  EXPECT_NE(a.next("org"), b.next("org"));
}

TEST(IdGenerator, ClerkShape) {
  IdGenerator g(0);
  std::string id = g.next("orgmem");
  ASSERT_EQ(id.rfind("orgmem_", 0), 0u);
  EXPECT_EQ(id.size(), std::string("orgmem_").size() + 27);
  for (char c : id.substr(7)) EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(c))) << id;
}

TEST(IdGenerator, ResumesFromCounter) {
  IdGenerator a(3);
  a.next("user");
  IdGenerator b(3, a.counter());
  EXPECT_EQ(a.next("user"), b.next("user"));
}

// An instance remembers what it was built from: a reset is a copy of that, and
// copies share what neither side changed (core/pmap.hpp).
#include "domain/tenancy.hpp"
#include "test_support.hpp"

#include <gtest/gtest.h>

namespace clerksim::unit {
namespace {

void change_everything(Instance& inst) {
  NewUser u;
  u.email_addresses = {"new@acme.test"};
  inst.create_user(u);
  inst.update_membership_role("org_acme", "user_bob", "org:admin");
  inst.remove_membership("org_globex", "user_dave");
  MetadataPatch meta;
  meta.public_metadata = Json{{"plan", nullptr}, {"tier", 2}};
  inst.merge_organization_metadata("org_acme", meta);
  inst.delete_user("user_erin");
  inst.create_session("user_alice", "org_acme");
}

TEST(Reset, AFreshInstanceIsTheOneAsBuiltWhateverHappenedSince) {
  Instance inst = make_instance();
  const Instance untouched = inst;
  change_everything(inst);
  EXPECT_FALSE(inst.same_state(untouched));
  Instance fresh = inst.fresh();
  EXPECT_TRUE(fresh.same_state(untouched));
  EXPECT_EQ(fresh.get_organization("org_acme").public_metadata, (Json{{"plan", "team"}}));
  EXPECT_EQ(fresh.find_membership("org_acme", "user_bob")->role, "org:member");
  EXPECT_NE(fresh.find_membership("org_globex", "user_dave"), nullptr);
  EXPECT_NE(fresh.find_user("user_erin"), nullptr);
  SessionQuery alices;
  alices.user_id = "user_alice";
  EXPECT_EQ(fresh.list_sessions(alices, {}).total_count, 0);
  EXPECT_EQ(inst.list_sessions(alices, {}).total_count, 1);
  // the changed instance still has its changes: the two share nothing they disagree on
  EXPECT_EQ(inst.find_user("user_erin"), nullptr);
  EXPECT_EQ(inst.find_membership("org_acme", "user_bob")->role, "org:admin");
  // and a fresh instance draws the same ids again
  NewUser u;
  u.email_addresses = {"new@acme.test"};
  EXPECT_EQ(fresh.create_user(u).id, inst.fresh().create_user(u).id);
}

TEST(Reset, SameStateSeesAChangeAndItsUndoing) {
  Instance inst = make_instance();
  const Instance before = inst;
  EXPECT_TRUE(inst.same_state(before));
  MetadataPatch meta;
  meta.public_metadata = Json{{"x", 1}};
  inst.merge_user_metadata("user_bob", meta);
  EXPECT_FALSE(inst.same_state(before));
  EXPECT_TRUE(before.find_user("user_bob")->public_metadata.empty());
}

TEST(Reset, AnAutomaticKeyKeepsItsKeyAcrossResets) {
  Tenancy tenancy(load_fixture(base_fixture(), kSeed, true), ClockMode::frozen, TenancyMode::automatic);
  Instance* other = tenancy.find("sk_test_worker_2");
  ASSERT_NE(other, nullptr);
  other->delete_user("user_erin");
  Instance& again = tenancy.reset("sk_test_worker_2");
  EXPECT_EQ(again.info().secret_key, "sk_test_worker_2");
  EXPECT_NE(again.find_user("user_erin"), nullptr);
  EXPECT_NE(tenancy.find(kKey)->find_user("user_erin"), nullptr);  // the fixture's own instance never changed
}

}  // namespace
}  // namespace clerksim::unit

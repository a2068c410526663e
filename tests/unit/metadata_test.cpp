// Metadata: deep merge (PATCH .../metadata), replace (PUT .../metadata), type checks,
// and the version-dependent metadata fields of PATCH on organizations and users.
#include "test_support.hpp"

using namespace clerksim;
using namespace clerksim::unit;

namespace {
Json J(const char* text) { return Json::parse(text); }
}  // namespace

// --- merge_metadata itself

TEST(MergeMetadata, AddsAndOverwritesTopLevelKeys) {
  EXPECT_EQ(merge_metadata(J(R"({"a": 1, "b": 2})"), J(R"({"b": 3, "c": 4})")), J(R"({"a": 1, "b": 3, "c": 4})"));
}

TEST(MergeMetadata, NestedObjectsMergeRecursively) {
  EXPECT_EQ(merge_metadata(J(R"({"p": {"x": 1, "y": {"k": "v", "z": 0}}})"), J(R"({"p": {"y": {"z": 9}}})")),
            J(R"({"p": {"x": 1, "y": {"k": "v", "z": 9}}})"));
}

TEST(MergeMetadata, NullDeletesAtTopLevel) {
  EXPECT_EQ(merge_metadata(J(R"({"a": 1, "b": 2})"), J(R"({"a": null})")), J(R"({"b": 2})"));
}

TEST(MergeMetadata, NullDeletesAtAnyDepth) {
  EXPECT_EQ(merge_metadata(J(R"({"l1": {"l2": {"l3": {"gone": true, "kept": 1}}, "other": 2}})"),
                           J(R"({"l1": {"l2": {"l3": {"gone": null}}}})")),
            J(R"({"l1": {"l2": {"l3": {"kept": 1}}, "other": 2}})"));
}

TEST(MergeMetadata, NullForAMissingKeyIsNoOp) {
  EXPECT_EQ(merge_metadata(J(R"({"a": 1})"), J(R"({"zzz": null, "n": {"q": null}})")), J(R"({"a": 1, "n": {}})"));
}

TEST(MergeMetadata, NullDeletesAWholeSubtree) {
  EXPECT_EQ(merge_metadata(J(R"({"a": {"b": {"c": 1}}, "d": 1})"), J(R"({"a": null})")), J(R"({"d": 1})"));
}

TEST(MergeMetadata, ArraysReplacedWholesale) {
  EXPECT_EQ(merge_metadata(J(R"({"tags": ["a", "b", "c"], "o": {"list": [1, 2]}})"),
                           J(R"({"tags": ["z"], "o": {"list": []}})")),
            J(R"({"tags": ["z"], "o": {"list": []}})"));
}

TEST(MergeMetadata, ArrayOfObjectsNotMergedElementwise) {
  EXPECT_EQ(merge_metadata(J(R"({"items": [{"id": 1, "x": 1}]})"), J(R"({"items": [{"id": 1}]})")),
            J(R"({"items": [{"id": 1}]})"));
}

TEST(MergeMetadata, ScalarReplacedByObjectAndBack) {
  EXPECT_EQ(merge_metadata(J(R"({"a": 5})"), J(R"({"a": {"b": 1}})")), J(R"({"a": {"b": 1}})"));
  EXPECT_EQ(merge_metadata(J(R"({"a": {"b": 1}})"), J(R"({"a": "flat"})")), J(R"({"a": "flat"})"));
}

TEST(MergeMetadata, EmptyPatchChangesNothing) {
  Json stored = J(R"({"a": {"b": [1, 2]}, "c": null})");
  EXPECT_EQ(merge_metadata(stored, Json::object()), stored);
}

// --- organizations

TEST(OrganizationMetadata, MergeTouchesOnlyGivenFields) {
  Instance inst = make_instance();
  MetadataPatch p;
  p.public_metadata = J(R"({"seats": 10, "plan": null})");
  const Organization& o = inst.merge_organization_metadata("org_acme", p);
  EXPECT_EQ(o.public_metadata, J(R"({"seats": 10})"));
  EXPECT_EQ(o.private_metadata, J(R"({"crm_account": "A-100"})"));
}

TEST(OrganizationMetadata, MergeBySlug) {
  Instance inst = make_instance();
  MetadataPatch p;
  p.private_metadata = J(R"({"tier": "gold"})");
  EXPECT_EQ(inst.merge_organization_metadata("acme-corp", p).private_metadata,
            J(R"({"crm_account": "A-100", "tier": "gold"})"));
}

TEST(OrganizationMetadata, ReplaceReplacesEachGivenField) {
  Instance inst = make_instance();
  MetadataPatch p;
  p.public_metadata = J(R"({"only": true})");
  const Organization& o = inst.replace_organization_metadata("org_acme", p);
  EXPECT_EQ(o.public_metadata, J(R"({"only": true})"));
  EXPECT_EQ(o.private_metadata, J(R"({"crm_account": "A-100"})"));
}

TEST(OrganizationMetadata, ReplaceWithEmptyObjectClears) {
  Instance inst = make_instance();
  MetadataPatch p;
  p.private_metadata = Json::object();
  const Organization& o = inst.replace_organization_metadata("org_acme", p);
  EXPECT_EQ(o.private_metadata, Json::object());
  EXPECT_EQ(o.public_metadata, J(R"({"plan": "team"})"));
}

TEST(OrganizationMetadata, ReplaceKeepsNestedNullsAsGiven) {
  // PUT does not interpret null as "delete": the object is stored as sent.
  Instance inst = make_instance();
  MetadataPatch p;
  p.public_metadata = J(R"({"a": {"b": [1, {"c": 2}]}})");
  EXPECT_EQ(inst.replace_organization_metadata("org_acme", p).public_metadata, J(R"({"a": {"b": [1, {"c": 2}]}})"));
}

TEST(OrganizationMetadata, NonObjectRejectedWithoutChange) {
  Instance inst = make_instance();
  for (Json bad : {Json("text"), Json(3), Json::array({1}), Json(true)}) {
    MetadataPatch p;
    p.public_metadata = J(R"({"new": 1})");
    p.private_metadata = bad;
    EXPECT_TRUE(FailsWith([&] { inst.merge_organization_metadata("org_acme", p); }, 422, "form_param_value_invalid",
                          "private_metadata"))
        << bad.dump();
    EXPECT_TRUE(FailsWith([&] { inst.replace_organization_metadata("org_acme", p); }, 422,
                          "form_param_value_invalid", "private_metadata"))
        << bad.dump();
  }
  // the valid public part was not applied either
  EXPECT_EQ(inst.get_organization("org_acme").public_metadata, J(R"({"plan": "team"})"));
}

TEST(OrganizationMetadata, UnknownOrganizationNotFound) {
  Instance inst = make_instance();
  MetadataPatch p;
  p.public_metadata = Json::object();
  EXPECT_TRUE(FailsWith([&] { inst.merge_organization_metadata("org_nope", p); }, 404, "resource_not_found"));
}

TEST(OrganizationMetadata, MergeMovesUpdatedAt) {
  Instance inst = make_instance();
  inst.clock().advance_ms(777);
  MetadataPatch p;
  p.public_metadata = J(R"({"x": 1})");
  EXPECT_EQ(inst.merge_organization_metadata("org_acme", p).updated_at, kDefaultFixtureClockMs + 777);
}

// --- users

TEST(UserMetadata, MergeAllThreeIncludingUnsafe) {
  Instance inst = make_instance();
  MetadataPatch first;
  first.unsafe_metadata = J(R"({"onboarding": {"step": 1, "done": false}})");
  inst.merge_user_metadata("user_alice", first);
  MetadataPatch p;
  p.public_metadata = J(R"({"title": null, "dept": "eng"})");
  p.private_metadata = J(R"({"ssn_last4": "1234"})");
  p.unsafe_metadata = J(R"({"onboarding": {"step": 2, "done": null}})");
  const User& u = inst.merge_user_metadata("user_alice", p);
  EXPECT_EQ(u.public_metadata, J(R"({"dept": "eng"})"));
  EXPECT_EQ(u.private_metadata, J(R"({"ssn_last4": "1234"})"));
  EXPECT_EQ(u.unsafe_metadata, J(R"({"onboarding": {"step": 2}})"));
}

TEST(UserMetadata, ReplaceOnlyGivenFields) {
  Instance inst = make_instance();
  MetadataPatch p;
  p.unsafe_metadata = J(R"({"fresh": 1})");
  const User& u = inst.replace_user_metadata("user_erin", p);
  EXPECT_EQ(u.unsafe_metadata, J(R"({"fresh": 1})"));
  EXPECT_EQ(u.private_metadata, J(R"({"signup_source": "waitlist"})"));
  MetadataPatch q;
  q.private_metadata = J(R"({"k": "v"})");
  const User& v = inst.replace_user_metadata("user_erin", q);
  EXPECT_EQ(v.private_metadata, J(R"({"k": "v"})"));
  EXPECT_EQ(v.unsafe_metadata, J(R"({"fresh": 1})"));
}

TEST(UserMetadata, NonObjectUnsafeRejected) {
  Instance inst = make_instance();
  MetadataPatch p;
  p.unsafe_metadata = Json("nope");
  EXPECT_TRUE(FailsWith([&] { inst.merge_user_metadata("user_alice", p); }, 422, "form_param_value_invalid",
                        "unsafe_metadata"));
  EXPECT_TRUE(FailsWith([&] { inst.replace_user_metadata("user_alice", p); }, 422, "form_param_value_invalid",
                        "unsafe_metadata"));
}

TEST(UserMetadata, CreateUserWithNonObjectMetadataRejected) {
  Instance inst = make_instance();
  NewUser u;
  u.email_addresses = {"meta@x.test"};
  u.metadata.public_metadata = Json::array();
  EXPECT_TRUE(FailsWith([&] { inst.create_user(u); }, 422, "form_param_value_invalid", "public_metadata"));
}

TEST(UserMetadata, UnknownUserNotFound) {
  Instance inst = make_instance();
  MetadataPatch p;
  p.public_metadata = Json::object();
  EXPECT_TRUE(FailsWith([&] { inst.replace_user_metadata("user_ghost", p); }, 404, "resource_not_found"));
}

// --- over the wire: the metadata endpoints

TEST(MetadataHttp, PatchMergesPutReplaces) {
  Api api;
  auto merged = api.call("PATCH", "/v1/organizations/org_acme/metadata",
                         Json{{"public_metadata", {{"seats", 3}}}});
  ASSERT_EQ(merged.status, 200) << merged.body;
  EXPECT_EQ(body_of(merged)["public_metadata"], J(R"({"plan": "team", "seats": 3})"));
  auto replaced = api.call("PUT", "/v1/organizations/org_acme/metadata", Json{{"public_metadata", {{"seats", 4}}}});
  ASSERT_EQ(replaced.status, 200) << replaced.body;
  EXPECT_EQ(body_of(replaced)["public_metadata"], J(R"({"seats": 4})"));
  EXPECT_EQ(body_of(replaced)["private_metadata"], J(R"({"crm_account": "A-100"})"));
}

TEST(MetadataHttp, UserUnsafeMetadataMerge) {
  Api api;
  auto r = api.call("PATCH", "/v1/users/user_bob/metadata", J(R"({"unsafe_metadata": {"a": {"b": 1, "c": 2}}})"));
  ASSERT_EQ(r.status, 200) << r.body;
  auto r2 = api.call("PATCH", "/v1/users/user_bob/metadata", J(R"({"unsafe_metadata": {"a": {"b": null}}})"));
  EXPECT_EQ(body_of(r2)["unsafe_metadata"], J(R"({"a": {"c": 2}})"));
}

// Clerk answers a metadata field of the wrong JSON type with 422 form_param_value_invalid
// (FormMetadataInvalidType), naming the field.
TEST(MetadataHttp, NonObjectMetadataIsValueInvalid) {
  Api api;
  EXPECT_TRUE(IsError(api.call("PATCH", "/v1/organizations/org_acme/metadata", J(R"({"public_metadata": "x"})")), 422,
                      "form_param_value_invalid", "public_metadata"));
  EXPECT_TRUE(IsError(api.call("PUT", "/v1/users/user_bob/metadata", J(R"({"private_metadata": [1, 2]})")), 422,
                      "form_param_value_invalid", "private_metadata"));
}

TEST(MetadataHttp, MembershipMetadataHasNoUnsafe) {
  Api api;
  EXPECT_TRUE(IsError(api.call("PATCH", "/v1/organizations/org_acme/memberships/user_bob/metadata",
                               J(R"({"unsafe_metadata": {"a": 1}})")),
                      422, "form_param_unknown", "unsafe_metadata"));
}

// --- version-dependent metadata on PATCH /v1/organizations/{id} and /v1/users/{id}

TEST(MetadataVersion, OrgPatchUnder20251110Replaces) {
  Api api;
  auto r = api.call("PATCH", "/v1/organizations/org_acme", J(R"({"public_metadata": {"x": 1}})"),
                    {{"Clerk-API-Version", "2025-11-10"}});
  ASSERT_EQ(r.status, 200) << r.body;
  Json o = body_of(r);
  EXPECT_EQ(o["public_metadata"], J(R"({"x": 1})"));  // "plan" is gone: replaced, not merged
  EXPECT_EQ(o["private_metadata"], J(R"({"crm_account": "A-100"})"));
  EXPECT_EQ(api.instance().get_organization("org_acme").public_metadata, J(R"({"x": 1})"));
}

TEST(MetadataVersion, OrgPatchUnderDefaultVersionIsUnknownParam) {
  Api api;
  EXPECT_TRUE(IsError(api.call("PATCH", "/v1/organizations/org_acme", J(R"({"public_metadata": {"x": 1}})")), 422,
                      "form_param_unknown", "public_metadata"));
  EXPECT_TRUE(IsError(api.call("PATCH", "/v1/organizations/org_acme", J(R"({"private_metadata": {"x": 1}})"),
                               {{"Clerk-API-Version", "2026-05-12"}}),
                      422, "form_param_unknown", "private_metadata"));
  EXPECT_EQ(api.instance().get_organization("org_acme").public_metadata, J(R"({"plan": "team"})"));
}

TEST(MetadataVersion, UnknownVersionIsInvalid) {
  Api api;
  EXPECT_TRUE(IsError(api.call("PATCH", "/v1/organizations/org_acme", J(R"({"name": "New"})"),
                               {{"Clerk-API-Version", "2099-01-01"}}),
                      400, "api_version_invalid"));
  EXPECT_TRUE(IsError(api.call("GET", "/v1/users", "", {{"Clerk-API-Version", "latest"}}), 400, "api_version_invalid"));
  EXPECT_EQ(api.instance().get_organization("org_acme").name, "Acme Corp");
}

TEST(MetadataVersion, Version20250410AcceptedLike20251110) {
  Api api;
  auto r = api.call("PATCH", "/v1/organizations/org_acme", J(R"({"public_metadata": {"y": 2}})"),
                    {{"Clerk-API-Version", "2025-04-10"}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(body_of(r)["public_metadata"], J(R"({"y": 2})"));
}

TEST(MetadataVersion, QueryParameterSelectsVersionToo) {
  Api api;
  auto r = api.call("PATCH", "/v1/organizations/org_acme?__clerk_api_version=2025-11-10",
                    J(R"({"public_metadata": {"q": 1}})"));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(body_of(r)["public_metadata"], J(R"({"q": 1})"));
}

TEST(MetadataVersion, HeaderAndQueryParameterTogetherInvalid) {
  Api api;
  EXPECT_TRUE(IsError(api.call("GET", "/v1/users?__clerk_api_version=2025-11-10", "",
                               {{"Clerk-API-Version", "2025-11-10"}}),
                      400, "api_version_invalid"));
}

TEST(MetadataVersion, UserPatchUnder20251110ReplacesAllThree) {
  Api api;
  auto r = api.call("PATCH", "/v1/users/user_erin",
                    J(R"({"private_metadata": {"p": 1}, "unsafe_metadata": {"u": 1}})"),
                    {{"Clerk-API-Version", "2025-11-10"}});
  ASSERT_EQ(r.status, 200) << r.body;
  Json u = body_of(r);
  EXPECT_EQ(u["private_metadata"], J(R"({"p": 1})"));
  EXPECT_EQ(u["unsafe_metadata"], J(R"({"u": 1})"));
  EXPECT_EQ(u["public_metadata"], Json::object());
}

TEST(MetadataVersion, UserPatchUnderDefaultVersionIsUnknownParam) {
  Api api;
  EXPECT_TRUE(IsError(api.call("PATCH", "/v1/users/user_erin", J(R"({"unsafe_metadata": {"u": 1}})")), 422,
                      "form_param_unknown", "unsafe_metadata"));
}

// Verified domains and enterprise connections over the dispatcher: statuses,
// deep snake_case bodies and their errors, the deprecated SAML routes, and the
// control-plane sign-in.
#include "test_support.hpp"

using namespace clerksim;
using namespace clerksim::unit;

namespace {

Json okta(const std::string& org = "org_acme") {
  return {{"name", "Acme Okta"},
          {"provider", "saml_okta"},
          {"domains", {"acme.test"}},
          {"organization_id", org},
          {"active", true},
          {"saml",
           {{"idp_sso_url", "https://acme.okta.test/sso"},
            {"idp_entity_id", "https://acme.okta.test"},
            {"attribute_mapping", {{"email_address", "mail"}}},
            {"login_hint", {{"mode", "email_address"}}}}}};
}

}  // namespace

TEST(SsoApi, CreatingAConnectionAnswers201WithBothSidesBuiltFromTheServer) {
  Api api;
  Response r = api.call("POST", "/v1/enterprise_connections", okta());
  ASSERT_EQ(r.status, 201) << r.body;
  Json c = body_of(r);
  EXPECT_EQ(c["object"], "enterprise_connection");
  EXPECT_EQ(c["protocol"], "saml");
  EXPECT_EQ(c["oauth_config"], nullptr);
  const Json& saml = c["saml_connection"];
  EXPECT_EQ(saml["idp_sso_url"], "https://acme.okta.test/sso");
  EXPECT_EQ(saml["login_hint"], Json({{"mode", "email_address"}}));
  std::string acs = saml["acs_url"];
  EXPECT_NE(acs.find("/v1/saml/acs/" + saml["id"].get<std::string>()), std::string::npos);

  Response legacy = api.call("GET", "/v1/saml_connections/" + saml["id"].get<std::string>());
  ASSERT_EQ(legacy.status, 200) << legacy.body;
  EXPECT_EQ(body_of(legacy)["object"], "saml_connection");
  EXPECT_EQ(body_of(legacy)["enterprise_connection_id"], c["id"]);
  EXPECT_EQ(body_of(legacy)["attribute_mapping"]["email_address"], "mail");
  Response gone = api.call("DELETE", "/v1/saml_connections/" + saml["id"].get<std::string>());
  EXPECT_EQ(body_of(gone), Json({{"object", "saml_connection"}, {"id", saml["id"]}, {"deleted", true}}));
  EXPECT_TRUE(IsError(api.call("GET", "/v1/enterprise_connections/" + c["id"].get<std::string>()), 404,
                      "resource_not_found"));
}

TEST(SsoApi, NestedFieldsAreCheckedByTheirFullName) {
  Api api;
  Json bad = okta();
  bad["saml"]["login_hint"] = "email_address";
  EXPECT_TRUE(IsError(api.call("POST", "/v1/enterprise_connections", bad), 422, "form_param_value_invalid",
                      "saml.login_hint"));
  bad = okta();
  bad["saml"]["attribute_mapping"]["phone"] = "tel";
  EXPECT_TRUE(IsError(api.call("POST", "/v1/enterprise_connections", bad), 422, "form_param_unknown",
                      "saml.attribute_mapping.phone"));
  bad = okta();
  bad["saml"]["login_hint"] = {{"source", "x"}};
  EXPECT_TRUE(
      IsError(api.call("POST", "/v1/enterprise_connections", bad), 422, "form_param_missing", "saml.login_hint.mode"));
  bad = okta();
  bad["saml"]["login_hint"]["mode"] = "sometimes";
  EXPECT_TRUE(IsError(api.call("POST", "/v1/enterprise_connections", bad), 422, "form_param_value_invalid",
                      "saml.login_hint.mode"));
  EXPECT_EQ(body_of(api.call("GET", "/v1/enterprise_connections"))["total_count"], 0);
}

TEST(SsoApi, SignInAnswersUserSessionAndMembership) {
  Api api;
  api.call("POST", "/v1/enterprise_connections", okta());
  Response r = api.call("POST", "/__sim/sso/sign_in", Json{{"email_address", "zoe@acme.test"}, {"last_name", "Zed"}});
  ASSERT_EQ(r.status, 200) << r.body;
  Json b = body_of(r);
  EXPECT_EQ(b["user"]["last_name"], "Zed");
  EXPECT_EQ(b["user"]["enterprise_accounts"][0]["provider"], "saml_okta");
  EXPECT_EQ(b["membership"]["role"], "org:member");
  EXPECT_EQ(b["session"]["last_active_organization_id"], "org_acme");
  EXPECT_TRUE(IsError(api.call("POST", "/__sim/sso/sign_in", Json::object()), 422, "form_param_missing",
                      "email_address"));
  EXPECT_TRUE(IsError(api.call("POST", "/__sim/sso/sign_in", Json{{"email_address", "x@acme.test"}, {"org", "y"}}),
                      422, "form_param_unknown", "org"));
}

TEST(SsoApi, DomainRoutesAndDeletePending) {
  Api api;
  api.call("PATCH", "/v1/instance/organization_settings",
           Json{{"domains_enabled", true}, {"domains_enrollment_modes", {"automatic_invitation"}}});
  Response created = api.call("POST", "/v1/organizations/org_globex/domains",
                              Json{{"name", "acme.test"}, {"enrollment_mode", "automatic_invitation"}});
  ASSERT_EQ(created.status, 200) << created.body;
  std::string id = body_of(created)["id"];
  EXPECT_EQ(body_of(created)["total_pending_invitations"], 2);
  Response patched = api.call("PATCH", "/v1/organizations/org_globex/domains/" + id,
                              Json{{"enrollment_mode", "manual_invitation"}, {"delete_pending", true}});
  ASSERT_EQ(patched.status, 200) << patched.body;
  EXPECT_EQ(body_of(patched)["total_pending_invitations"], 0);
  EXPECT_TRUE(IsError(api.call("PATCH", "/v1/organizations/org_globex/domains/" + id, Json{{"name", "other.test"}}),
                      422, "form_param_value_invalid", "name"));
  Response all = api.call("GET", "/v1/organization_domains?query=org_globex");
  EXPECT_EQ(body_of(all)["total_count"], 1);
  EXPECT_TRUE(IsError(api.call("GET", "/v1/organization_domains?enrollment_mode=sometimes"), 422,
                      "form_param_value_invalid", "enrollment_mode"));
  Response deleted = api.call("DELETE", "/v1/organizations/org_globex/domains/" + id);
  EXPECT_EQ(body_of(deleted), Json({{"object", "organization_domain"}, {"id", id}, {"deleted", true}}));
}

#include "wire/sso.hpp"

#include <set>

#include "core/text.hpp"
#include "domain/rules.hpp"
#include "wire/fixture.hpp"
#include "wire/fixture_node.hpp"

namespace clerksim {

namespace {

Json nullable(const std::optional<std::string>& v) { return v ? Json(*v) : Json(nullptr); }
Json nullable(const std::optional<int64_t>& v) { return v ? Json(*v) : Json(nullptr); }

Json verification_to_wire(const std::optional<DomainVerification>& v) {
  if (!v) return nullptr;
  return {{"status", v->status},
          {"strategy", v->strategy},
          {"attempts", v->status == "verified" ? Json(nullptr) : Json(0)},
          {"expire_at", nullptr},
          {"verified_at", nullable(v->verified_at)}};
}

Json public_organization_data(const Organization& o) {
  return {{"id", o.id},
          {"name", o.name},
          {"slug", o.slug},
          {"image_url", "https://img.clerk.com/placeholder/organization/" + o.id},
          {"has_image", false}};
}

// The service provider's endpoints of a SAML connection, on this server.
struct SamlEndpoints {
  std::string acs_url, sp_entity_id, sp_metadata_url;
};

SamlEndpoints saml_endpoints(const EnterpriseConnection& c, const std::string& server_url) {
  return {server_url + "/v1/saml/acs/" + c.saml_connection_id, server_url + "/saml/" + c.saml_connection_id,
          server_url + "/v1/saml/metadata/" + c.saml_connection_id};
}

Json login_hint(const SamlSettings& s) {
  Json j = {{"mode", s.login_hint_mode}};
  if (s.login_hint_source) j["source"] = *s.login_hint_source;
  return j;
}

Json attribute_mapping(const SamlSettings& s) {
  return {{"user_id", s.map_user_id.value_or("")},
          {"email_address", s.map_email_address.value_or("")},
          {"first_name", s.map_first_name.value_or("")},
          {"last_name", s.map_last_name.value_or("")}};
}

// The snapshot of a connection nested in an enterprise account.
Json account_connection(const EnterpriseConnection& c) {
  return {{"id", c.id},
          {"protocol", c.protocol()},
          {"provider", c.provider},
          {"name", c.name},
          {"logo_public_url", nullptr},
          {"domain", c.domains.front()},
          {"domains", c.domains},
          {"active", c.active},
          {"sync_user_attributes", c.sync_user_attributes},
          {"allow_subdomains", c.allow_subdomains},
          {"allow_idp_initiated", c.allow_idp_initiated},
          {"disable_additional_identifications", c.disable_additional_identifications},
          {"created_at", c.created_at},
          {"updated_at", c.updated_at}};
}

Json account_verification(const EnterpriseAccount& a) {
  if (a.protocol == "saml")
    return {{"object", "verification_saml"}, {"status", "verified"}, {"strategy", "saml"}, {"attempts", nullptr},
            {"expire_at", nullptr}};
  return {{"object", "verification_oauth"},
          {"status", "verified"},
          {"strategy", "oauth_custom_oidc"},
          {"attempts", nullptr},
          {"expire_at", a.last_authenticated_at + 10 * 60 * 1000}};
}

}  // namespace

Json to_wire(const Instance& inst, const OrganizationDomain& d) {
  Json affiliation = verification_to_wire(d.affiliation);
  Json j = {{"object", "organization_domain"},
            {"id", d.id},
            {"organization_id", d.organization_id},
            {"name", d.name},
            {"enrollment_mode", d.enrollment_mode},
            {"affiliation_email_address", nullable(d.affiliation_email_address)},
            {"affiliation_verification", affiliation},
            {"ownership_verification", verification_to_wire(d.ownership)},
            {"verification", affiliation},
            {"total_pending_invitations", inst.domain_pending_invitations(d)},
            {"total_pending_suggestions", inst.domain_pending_suggestions(d)},
            {"created_at", d.created_at},
            {"updated_at", d.updated_at}};
  j["public_organization_data"] = public_organization_data(inst.get_organization(d.organization_id));
  return j;
}

Json to_wire(const Instance& inst, const OrganizationSuggestion& s) {
  return {{"object", "organization_suggestion"},
          {"id", s.id},
          {"status", s.status},
          {"user_id", s.user_id},
          {"organization_domain_id", s.organization_domain_id},
          {"public_organization_data", public_organization_data(inst.get_organization(s.organization_id))},
          {"created_at", s.created_at},
          {"updated_at", s.updated_at}};
}

Json connection_to_wire(const Instance&, const EnterpriseConnection& c, const std::string& server_url) {
  Json saml = nullptr;
  Json oauth = nullptr;
  if (c.protocol() == "saml") {
    SamlEndpoints sp = saml_endpoints(c, server_url);
    saml = {{"id", c.saml_connection_id},
            {"name", c.name},
            {"idp_entity_id", nullable(c.saml.idp_entity_id)},
            {"idp_sso_url", nullable(c.saml.idp_sso_url)},
            {"idp_metadata_url", nullable(c.saml.idp_metadata_url)},
            {"acs_url", sp.acs_url},
            {"sp_entity_id", sp.sp_entity_id},
            {"sp_metadata_url", sp.sp_metadata_url},
            {"active", c.active},
            {"sync_user_attributes", c.sync_user_attributes},
            {"allow_idp_initiated", c.allow_idp_initiated},
            {"allow_subdomains", c.allow_subdomains},
            {"force_authn", c.saml.force_authn},
            {"login_hint", login_hint(c.saml)}};
  } else {
    oauth = {{"id", c.oauth_config_id},
             {"name", c.name},
             {"provider_key", c.provider},
             {"client_id", nullable(c.oidc.client_id)},
             {"discovery_url", nullable(c.oidc.discovery_url)},
             {"auth_url", nullable(c.oidc.auth_url)},
             {"token_url", nullable(c.oidc.token_url)},
             {"user_info_url", nullable(c.oidc.user_info_url)},
             {"requires_pkce", c.oidc.requires_pkce},
             {"redirect_uri", server_url + "/v1/oauth_callback"},
             {"logo_public_url", nullptr},
             {"created_at", c.created_at},
             {"updated_at", c.updated_at}};
  }
  return {{"object", "enterprise_connection"},
          {"id", c.id},
          {"name", c.name},
          {"provider", c.provider},
          {"protocol", c.protocol()},
          {"logo_public_url", nullptr},
          {"active", c.active},
          {"authenticatable", c.active},
          {"domains", c.domains},
          {"organization_id", nullable(c.organization_id)},
          {"sync_user_attributes", c.sync_user_attributes},
          {"disable_additional_identifications", c.disable_additional_identifications},
          {"allow_organization_account_linking", c.allow_organization_account_linking},
          {"disable_jit_provisioning", c.disable_jit_provisioning},
          {"allow_subdomains", c.allow_subdomains},
          {"allow_idp_initiated", c.allow_idp_initiated},
          {"custom_attributes", Json::array()},
          {"saml_connection", saml},
          {"oauth_config", oauth},
          {"created_at", c.created_at},
          {"updated_at", c.updated_at}};
}

Json saml_connection_to_wire(const Instance& inst, const EnterpriseConnection& c, const std::string& server_url) {
  SamlEndpoints sp = saml_endpoints(c, server_url);
  return {{"object", "saml_connection"},
          {"id", c.saml_connection_id},
          {"name", c.name},
          {"domain", c.domains.front()},
          {"domains", c.domains},
          {"idp_entity_id", nullable(c.saml.idp_entity_id)},
          {"idp_sso_url", nullable(c.saml.idp_sso_url)},
          {"idp_certificate", nullable(c.saml.idp_certificate)},
          {"idp_certificate_issued_at", nullptr},
          {"idp_certificate_expires_at", nullptr},
          {"idp_metadata_url", nullable(c.saml.idp_metadata_url)},
          {"idp_metadata", nullable(c.saml.idp_metadata)},
          {"acs_url", sp.acs_url},
          {"sp_entity_id", sp.sp_entity_id},
          {"sp_metadata_url", sp.sp_metadata_url},
          {"organization_id", nullable(c.organization_id)},
          {"attribute_mapping", attribute_mapping(c.saml)},
          {"active", c.active},
          {"authenticatable", c.active},
          {"provider", c.provider},
          {"user_count", inst.connection_user_count(c)},
          {"sync_user_attributes", c.sync_user_attributes},
          {"allow_subdomains", c.allow_subdomains},
          {"allow_idp_initiated", c.allow_idp_initiated},
          {"disable_additional_identifications", c.disable_additional_identifications},
          {"allow_organization_account_linking", c.allow_organization_account_linking},
          {"disable_jit_provisioning", c.disable_jit_provisioning},
          {"force_authn", c.saml.force_authn},
          {"login_hint", login_hint(c.saml)},
          {"enterprise_connection_id", c.id},
          {"created_at", c.created_at},
          {"updated_at", c.updated_at}};
}

Json enterprise_accounts_to_wire(const Instance& inst, const User& u) {
  Json out = Json::array();
  for (const EnterpriseAccount* a : inst.enterprise_accounts(u.id)) {
    const EnterpriseConnection* c = inst.find_enterprise_connection(a->enterprise_connection_id);
    out.push_back({{"id", a->id},
                   {"object", "enterprise_account"},
                   {"protocol", a->protocol},
                   {"provider", a->provider},
                   {"active", a->active},
                   {"email_address", a->email_address},
                   {"first_name", nullable(a->first_name)},
                   {"last_name", nullable(a->last_name)},
                   {"provider_user_id", a->provider_user_id},
                   {"enterprise_connection_id", a->enterprise_connection_id},
                   {"public_metadata", Json::object()},
                   {"verification", account_verification(*a)},
                   {"enterprise_connection", c ? account_connection(*c) : Json(nullptr)},
                   {"last_authenticated_at", a->last_authenticated_at}});
  }
  return out;
}

Json sso_event_data(const Instance& inst, const DomainEvent& e) {
  if (e.object_kind == "organization_domain")
    if (const OrganizationDomain* d = inst.find_organization_domain(e.id)) return to_wire(inst, *d);
  return nullptr;
}

// --- fixture

namespace {


std::optional<DomainVerification> load_verification(FixtureNode& n, const std::string& key) {
  const Json* v = n.get(key);
  if (!v) return std::nullopt;
  FixtureNode r(*v, n.path(key));
  DomainVerification out;
  out.status = r.str("status").value_or("verified");
  if (out.status != "verified" && out.status != "unverified") r.fail("status", "must be 'verified' or 'unverified'");
  out.strategy = r.str("strategy").value_or("admin");
  out.verified_at = r.num("verified_at");
  r.done();
  return out;
}

Json dump_verification(const std::optional<DomainVerification>& v) {
  if (!v) return nullptr;
  Json j = {{"status", v->status}, {"strategy", v->strategy}};
  if (v->verified_at) j["verified_at"] = *v->verified_at;
  return j;
}

bool contains(const std::vector<std::string>& list, const std::string& v) {
  return std::find(list.begin(), list.end(), v) != list.end();
}

}  // namespace

SsoState load_sso_fixture(const Json& parts, IdGenerator& ids, int64_t now, const InstanceState& state) {
  FixtureNode root(parts, "");
  SsoState out;
  std::set<std::string> org_ids, user_ids;
  for (const auto& o : state.organizations) org_ids.insert(o.id);
  for (const auto& u : state.users) user_ids.insert(u.id);
  static const std::vector<std::string> modes = {"manual_invitation", "automatic_invitation", "automatic_suggestion",
                                                 "enterprise_sso"};
  auto domains = root.list("organization_domains");
  for (size_t i = 0; i < domains.size(); ++i) {
    FixtureNode n(*domains[i], root.path("organization_domains", i));
    OrganizationDomain d;
    auto id = n.str("id");
    d.id = id ? *id : ids.next("orgdmn");
    d.organization_id = n.required("organization_id");
    if (!org_ids.count(d.organization_id)) n.fail("organization_id", "names no organization of the fixture");
    d.name = to_lower(n.required("name"));
    if (!valid_domain_name(d.name)) n.fail("name", "must be a domain name");
    for (const auto& other : out.domains)
      if (other.organization_id == d.organization_id && other.name == d.name)
        n.fail("name", "the organization has this domain twice");
    d.enrollment_mode = n.str("enrollment_mode").value_or("manual_invitation");
    if (!contains(modes, d.enrollment_mode)) n.fail("enrollment_mode", "is not an enrollment mode");
    bool verified = n.flag("verified").value_or(true);
    d.affiliation = load_verification(n, "affiliation_verification");
    if (!d.affiliation) d.affiliation = DomainVerification{verified ? "verified" : "unverified",
                                                           verified ? "admin" : "email_code", std::nullopt};
    d.ownership = load_verification(n, "ownership_verification");
    d.affiliation_email_address = n.str("affiliation_email_address");
    d.created_at = n.num("created_at").value_or(now);
    d.updated_at = n.num("updated_at").value_or(d.created_at);
    n.done();
    out.domains.push_back(d);
  }
  static const std::vector<std::string> providers = {"saml_custom", "saml_okta", "saml_google", "saml_microsoft",
                                                     "oidc_custom", "oidc_github_enterprise", "oidc_gitlab"};
  auto connections = root.list("enterprise_connections");
  for (size_t i = 0; i < connections.size(); ++i) {
    FixtureNode n(*connections[i], root.path("enterprise_connections", i));
    EnterpriseConnection c;
    auto id = n.str("id");
    c.id = id ? *id : ids.next("entconn");
    c.name = n.required("name");
    c.provider = n.required("provider");
    if (!contains(providers, c.provider)) n.fail("provider", "is not an enterprise connection provider");
    auto side_id = n.str(c.protocol() == "saml" ? "saml_connection_id" : "oauth_config_id");
    if (c.protocol() == "saml") c.saml_connection_id = side_id ? *side_id : ids.next("samlc");
    else c.oauth_config_id = side_id ? *side_id : ids.next("oac");
    for (const auto& raw : n.strs("domains")) {
      std::string d = to_lower(raw);
      if (!valid_domain_name(d)) n.fail("domains", "'" + raw + "' is not a domain name");
      for (const auto& other : out.connections)
        if (contains(other.domains, d)) n.fail("domains", d + " already belongs to " + other.id);
      if (!contains(c.domains, d)) c.domains.push_back(d);
    }
    if (c.domains.empty()) n.fail("domains", "needs at least one domain");
    c.organization_id = n.str("organization_id");
    if (c.organization_id && !org_ids.count(*c.organization_id))
      n.fail("organization_id", "names no organization of the fixture");
    c.active = n.flag("active").value_or(true);
    c.disable_jit_provisioning = n.flag("disable_jit_provisioning").value_or(false);
    c.sync_user_attributes = n.flag("sync_user_attributes").value_or(true);
    c.allow_subdomains = n.flag("allow_subdomains").value_or(false);
    c.allow_idp_initiated = n.flag("allow_idp_initiated").value_or(false);
    c.disable_additional_identifications = n.flag("disable_additional_identifications").value_or(false);
    c.allow_organization_account_linking = n.flag("allow_organization_account_linking").value_or(false);
    if (const Json* saml = n.get("saml")) {
      FixtureNode s(*saml, n.path("saml"));
      c.saml.idp_entity_id = s.str("idp_entity_id");
      c.saml.idp_sso_url = s.str("idp_sso_url");
      c.saml.idp_certificate = s.str("idp_certificate");
      c.saml.idp_metadata_url = s.str("idp_metadata_url");
      c.saml.idp_metadata = s.str("idp_metadata");
      c.saml.map_user_id = s.str("attribute_user_id");
      c.saml.map_email_address = s.str("attribute_email_address");
      c.saml.map_first_name = s.str("attribute_first_name");
      c.saml.map_last_name = s.str("attribute_last_name");
      c.saml.force_authn = s.flag("force_authn").value_or(false);
      c.saml.login_hint_mode = s.str("login_hint_mode").value_or("email_address");
      c.saml.login_hint_source = s.str("login_hint_source");
      s.done();
    }
    if (const Json* oidc = n.get("oidc")) {
      FixtureNode o(*oidc, n.path("oidc"));
      c.oidc.client_id = o.str("client_id");
      c.oidc.client_secret = o.str("client_secret");
      c.oidc.discovery_url = o.str("discovery_url");
      c.oidc.auth_url = o.str("auth_url");
      c.oidc.token_url = o.str("token_url");
      c.oidc.user_info_url = o.str("user_info_url");
      c.oidc.requires_pkce = o.flag("requires_pkce").value_or(false);
      o.done();
    }
    c.created_at = n.num("created_at").value_or(now);
    c.updated_at = n.num("updated_at").value_or(c.created_at);
    n.done();
    out.connections.push_back(c);
  }
  for (const auto& c : out.connections)
    if (c.organization_id)
      for (const auto& d : out.domains)
        if (d.organization_id == *c.organization_id && d.verified() && contains(c.domains, d.name))
          throw FixtureError("/enterprise_connections",
                             d.name + " is both a verified domain and an SSO domain of " + d.organization_id);
  auto accounts = root.list("enterprise_accounts");
  for (size_t i = 0; i < accounts.size(); ++i) {
    FixtureNode n(*accounts[i], root.path("enterprise_accounts", i));
    EnterpriseAccount a;
    auto id = n.str("id");
    a.id = id ? *id : ids.next("eac");
    a.user_id = n.required("user_id");
    if (!user_ids.count(a.user_id)) n.fail("user_id", "names no user of the fixture");
    a.enterprise_connection_id = n.required("enterprise_connection_id");
    const EnterpriseConnection* conn = nullptr;
    for (const auto& c : out.connections)
      if (c.id == a.enterprise_connection_id) conn = &c;
    a.provider = n.str("provider").value_or(conn ? conn->provider : "");
    a.protocol = n.str("protocol").value_or(conn ? conn->protocol() : "");
    if (a.provider.empty()) n.fail("provider", "is required when the connection is not in the fixture");
    a.email_address = to_lower(n.required("email_address"));
    a.first_name = n.str("first_name");
    a.last_name = n.str("last_name");
    a.provider_user_id = n.str("provider_user_id").value_or(a.email_address);
    a.active = n.flag("active").value_or(true);
    a.created_at = n.num("created_at").value_or(now);
    a.last_authenticated_at = n.num("last_authenticated_at").value_or(a.created_at);
    n.done();
    out.accounts.push_back(a);
  }
  auto suggestions = root.list("organization_suggestions");
  for (size_t i = 0; i < suggestions.size(); ++i) {
    FixtureNode n(*suggestions[i], root.path("organization_suggestions", i));
    OrganizationSuggestion s;
    auto id = n.str("id");
    s.id = id ? *id : ids.next("orgsugg");
    s.organization_id = n.required("organization_id");
    if (!org_ids.count(s.organization_id)) n.fail("organization_id", "names no organization of the fixture");
    s.organization_domain_id = n.required("organization_domain_id");
    s.user_id = n.required("user_id");
    if (!user_ids.count(s.user_id)) n.fail("user_id", "names no user of the fixture");
    s.status = n.str("status").value_or("pending");
    if (s.status != "pending" && s.status != "accepted") n.fail("status", "must be 'pending' or 'accepted'");
    s.created_at = n.num("created_at").value_or(now);
    s.updated_at = n.num("updated_at").value_or(s.created_at);
    n.done();
    out.suggestions.push_back(s);
  }
  root.done();
  return out;
}

Json dump_sso_fixture(const SsoState& s) {
  auto opt = [](const std::optional<std::string>& v) { return v ? Json(*v) : Json(nullptr); };
  Json j = Json::object();
  Json domains = Json::array();
  for (const auto& d : s.domains)
    domains.push_back({{"id", d.id},
                       {"organization_id", d.organization_id},
                       {"name", d.name},
                       {"enrollment_mode", d.enrollment_mode},
                       {"affiliation_verification", dump_verification(d.affiliation)},
                       {"ownership_verification", dump_verification(d.ownership)},
                       {"affiliation_email_address", opt(d.affiliation_email_address)},
                       {"created_at", d.created_at},
                       {"updated_at", d.updated_at}});
  j["organization_domains"] = domains;
  Json connections = Json::array();
  for (const auto& c : s.connections) {
    Json e = {{"id", c.id},
              {"name", c.name},
              {"provider", c.provider},
              {"domains", c.domains},
              {"organization_id", opt(c.organization_id)},
              {"active", c.active},
              {"disable_jit_provisioning", c.disable_jit_provisioning},
              {"sync_user_attributes", c.sync_user_attributes},
              {"allow_subdomains", c.allow_subdomains},
              {"allow_idp_initiated", c.allow_idp_initiated},
              {"disable_additional_identifications", c.disable_additional_identifications},
              {"allow_organization_account_linking", c.allow_organization_account_linking},
              {"created_at", c.created_at},
              {"updated_at", c.updated_at}};
    if (c.protocol() == "saml") {
      e["saml_connection_id"] = c.saml_connection_id;
      e["saml"] = {{"idp_entity_id", opt(c.saml.idp_entity_id)},
                   {"idp_sso_url", opt(c.saml.idp_sso_url)},
                   {"idp_certificate", opt(c.saml.idp_certificate)},
                   {"idp_metadata_url", opt(c.saml.idp_metadata_url)},
                   {"idp_metadata", opt(c.saml.idp_metadata)},
                   {"attribute_user_id", opt(c.saml.map_user_id)},
                   {"attribute_email_address", opt(c.saml.map_email_address)},
                   {"attribute_first_name", opt(c.saml.map_first_name)},
                   {"attribute_last_name", opt(c.saml.map_last_name)},
                   {"force_authn", c.saml.force_authn},
                   {"login_hint_mode", c.saml.login_hint_mode},
                   {"login_hint_source", opt(c.saml.login_hint_source)}};
    } else {
      e["oauth_config_id"] = c.oauth_config_id;
      e["oidc"] = {{"client_id", opt(c.oidc.client_id)},
                   {"client_secret", opt(c.oidc.client_secret)},
                   {"discovery_url", opt(c.oidc.discovery_url)},
                   {"auth_url", opt(c.oidc.auth_url)},
                   {"token_url", opt(c.oidc.token_url)},
                   {"user_info_url", opt(c.oidc.user_info_url)},
                   {"requires_pkce", c.oidc.requires_pkce}};
    }
    connections.push_back(std::move(e));
  }
  j["enterprise_connections"] = connections;
  Json accounts = Json::array();
  for (const auto& a : s.accounts)
    accounts.push_back({{"id", a.id},
                        {"user_id", a.user_id},
                        {"enterprise_connection_id", a.enterprise_connection_id},
                        {"provider", a.provider},
                        {"protocol", a.protocol},
                        {"email_address", a.email_address},
                        {"first_name", opt(a.first_name)},
                        {"last_name", opt(a.last_name)},
                        {"provider_user_id", a.provider_user_id},
                        {"active", a.active},
                        {"last_authenticated_at", a.last_authenticated_at},
                        {"created_at", a.created_at}});
  j["enterprise_accounts"] = accounts;
  Json suggestions = Json::array();
  for (const auto& x : s.suggestions)
    suggestions.push_back({{"id", x.id},
                           {"organization_id", x.organization_id},
                           {"organization_domain_id", x.organization_domain_id},
                           {"user_id", x.user_id},
                           {"status", x.status},
                           {"created_at", x.created_at},
                           {"updated_at", x.updated_at}});
  j["organization_suggestions"] = suggestions;
  return j;
}

}  // namespace clerksim

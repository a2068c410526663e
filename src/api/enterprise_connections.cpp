// Enterprise connections, and the deprecated /saml_connections view of the same
// connections. Bodies arrive deep snake_case: {"saml": {"idp_sso_url": ...}}.
#include <set>

#include "api/handlers.hpp"
#include "wire/decode.hpp"
#include "wire/encode.hpp"
#include "wire/sso.hpp"

namespace clerksim::api {

namespace {

// Reads a nested body object, naming its fields "saml.idp_sso_url" in errors.
class NestedReader {
 public:
  NestedReader(const Json& j, std::string prefix) : j_(j), prefix_(std::move(prefix)) {}
  std::optional<std::string> string(const std::string& key) {
    const Json* v = field(key);
    if (!v) return std::nullopt;
    if (!v->is_string()) throw ClerkError::body_type(name(key), "a string");
    return v->get<std::string>();
  }
  std::optional<bool> boolean(const std::string& key) {
    const Json* v = field(key);
    if (!v) return std::nullopt;
    if (!v->is_boolean()) throw ClerkError::body_type(name(key), "a boolean");
    return v->get<bool>();
  }
  std::optional<Json> object(const std::string& key) {
    const Json* v = field(key);
    if (!v) return std::nullopt;
    if (!v->is_object()) throw ClerkError::body_type(name(key), "a JSON object");
    return *v;
  }
  std::vector<std::string> strings(const std::string& key) {
    const Json* v = field(key);
    if (!v) return {};
    if (!v->is_array()) throw ClerkError::body_type(name(key), "an array of strings");
    std::vector<std::string> out;
    for (const auto& item : *v) {
      if (!item.is_string()) throw ClerkError::body_type(name(key), "an array of strings");
      out.push_back(item.get<std::string>());
    }
    return out;
  }
  bool has(const std::string& key) const { return j_.contains(key) && !j_.at(key).is_null(); }
  std::optional<Json> array(const std::string& key) {
    const Json* v = field(key);
    if (!v) return std::nullopt;
    if (!v->is_array()) throw ClerkError::body_type(name(key), "an array");
    return *v;
  }
  std::string name(const std::string& key) const { return prefix_.empty() ? key : prefix_ + "." + key; }
  void finish() const {
    for (const auto& [key, value] : j_.items())
      if (!read_.count(key)) throw ClerkError::param_unknown(name(key));
  }

 private:
  const Json* field(const std::string& key) {
    read_.insert(key);
    auto it = j_.find(key);
    return it == j_.end() || it->is_null() ? nullptr : &*it;
  }
  Json j_;
  std::string prefix_;
  std::set<std::string> read_;
};

// The request body as JSON, with BodyReader's answers to malformed bodies.
Json parse_body(const std::string& raw) {
  BodyReader check(raw);  // 400 request_body_invalid unless a JSON object (or nothing)
  if (raw.find_first_not_of(" \t\r\n") == std::string::npos) return Json::object();
  return Json::parse(raw);
}

void read_attribute_mapping(NestedReader& r, SamlPatch& s) {
  if (auto mapping = r.object("attribute_mapping")) {
    NestedReader m(*mapping, r.name("attribute_mapping"));
    s.map_user_id = m.string("user_id");
    s.map_email_address = m.string("email_address");
    s.map_first_name = m.string("first_name");
    s.map_last_name = m.string("last_name");
    m.finish();
  }
}

void read_login_hint(NestedReader& r, SamlPatch& s) {
  if (auto hint = r.object("login_hint")) {
    NestedReader h(*hint, r.name("login_hint"));
    s.login_hint_mode = h.string("mode");
    s.login_hint_source = h.string("source");
    h.finish();
    if (!s.login_hint_mode) throw ClerkError::param_missing(h.name("mode"));
  }
}

// The IdP fields, shared by the nested "saml" object and the flat legacy bodies.
void read_saml_fields(NestedReader& r, SamlPatch& s) {
  s.idp_entity_id = r.string("idp_entity_id");
  s.idp_sso_url = r.string("idp_sso_url");
  s.idp_certificate = r.string("idp_certificate");
  s.idp_metadata_url = r.string("idp_metadata_url");
  s.idp_metadata = r.string("idp_metadata");
  read_attribute_mapping(r, s);
  s.force_authn = r.boolean("force_authn");
  read_login_hint(r, s);
}

SamlPatch read_saml(const Json& j, std::optional<std::string>* name) {
  NestedReader r(j, "saml");
  SamlPatch s;
  read_saml_fields(r, s);
  s.allow_subdomains = r.boolean("allow_subdomains");
  s.allow_idp_initiated = r.boolean("allow_idp_initiated");
  // Several certificates (for rotation): clerk-sim keeps the first.
  if (std::vector<std::string> certs = r.strings("idp_certificates"); !certs.empty() && !s.idp_certificate)
    s.idp_certificate = certs.front();
  if (name) *name = r.string("name");
  r.finish();
  return s;
}

OidcPatch read_oidc(const Json& j) {
  NestedReader r(j, "oidc");
  OidcPatch o;
  o.client_id = r.string("client_id");
  o.client_secret = r.string("client_secret");
  o.discovery_url = r.string("discovery_url");
  o.auth_url = r.string("auth_url");
  o.token_url = r.string("token_url");
  o.user_info_url = r.string("user_info_url");
  o.requires_pkce = r.boolean("requires_pkce");
  r.finish();
  return o;
}

ConnectionInput read_connection(NestedReader& body, bool creating) {
  ConnectionInput in;
  in.name = body.string("name");
  in.provider = body.string("provider");
  body.boolean("authenticatable");  // follows from active
  if (body.has("domains")) in.domains = body.strings("domains");
  else body.strings("domains");
  in.organization_id = body.string("organization_id");
  in.active = body.boolean("active");
  in.allow_organization_account_linking = body.boolean("allow_organization_account_linking");
  in.disable_jit_provisioning = body.boolean("disable_jit_provisioning");
  in.sync_user_attributes = body.boolean("sync_user_attributes");
  in.disable_additional_identifications = body.boolean("disable_additional_identifications");
  std::optional<std::string> saml_name;
  if (auto saml = body.object("saml")) in.saml = read_saml(*saml, creating ? nullptr : &saml_name);
  if (saml_name && !in.name) in.name = saml_name;
  if (auto oidc = body.object("oidc")) in.oidc = read_oidc(*oidc);
  // Custom attributes need a feature clerk-sim does not model: read, and not kept.
  body.array("custom_attributes");
  body.finish();
  return in;
}

Json connection_page(const Context& cx, const Page<EnterpriseConnection>& page, bool saml) {
  Json data = Json::array();
  for (const auto* c : page.items)
    data.push_back(saml ? saml_connection_to_wire(cx.inst(), *c, cx.server_url)
                        : connection_to_wire(cx.inst(), *c, cx.server_url));
  return {{"data", data}, {"total_count", page.total_count}};
}

}  // namespace

Response list_enterprise_connections(Context& cx) {
  QueryReader q(cx);
  ConnectionQuery query;
  query.organization_id = q.string("organization_id");
  query.active = q.boolean("active");
  auto page = cx.inst().list_enterprise_connections(query, q.window());
  return json_response(connection_page(cx, page, false));
}

Response create_enterprise_connection(Context& cx) {
  NestedReader body(parse_body(cx.request.body), "");
  ConnectionInput in = read_connection(body, true);
  const EnterpriseConnection& c = cx.inst().create_enterprise_connection(in);
  return json_response(connection_to_wire(cx.inst(), c, cx.server_url), 201);
}

Response get_enterprise_connection(Context& cx) {
  const EnterpriseConnection& c = cx.inst().get_enterprise_connection(cx.param("enterprise_connection_id"));
  return json_response(connection_to_wire(cx.inst(), c, cx.server_url));
}

Response update_enterprise_connection(Context& cx) {
  NestedReader body(parse_body(cx.request.body), "");
  ConnectionInput in = read_connection(body, false);
  const EnterpriseConnection& c = cx.inst().update_enterprise_connection(cx.param("enterprise_connection_id"), in);
  return json_response(connection_to_wire(cx.inst(), c, cx.server_url));
}

Response delete_enterprise_connection(Context& cx) {
  EnterpriseConnection removed = cx.inst().delete_enterprise_connection(cx.param("enterprise_connection_id"));
  return json_response(deleted_object("enterprise_connection", removed.id));
}

// --- deprecated /saml_connections

namespace {

const EnterpriseConnection& saml_connection(Context& cx) {
  const std::string& id = cx.param("saml_connection_id");
  const EnterpriseConnection* c = cx.inst().find_enterprise_connection(id);
  if (!c || c->protocol() != "saml") throw ClerkError::not_found("saml_connection", id);
  return *c;
}

// The flat legacy body: IdP fields at the top level, "domain" beside "domains".
ConnectionInput read_legacy(NestedReader& body, bool creating) {
  ConnectionInput in;
  in.name = body.string("name");
  std::vector<std::string> domains = body.strings("domains");
  if (auto domain = body.string("domain")) domains.insert(domains.begin(), *domain);
  if (!domains.empty()) in.domains = domains;
  if (creating) {
    in.provider = body.string("provider");
    if (in.provider && in.provider->rfind("saml_", 0) != 0)
      throw ClerkError::param_value("provider", "'" + *in.provider +
                                                    "' is not one of saml_custom, saml_okta, saml_google, "
                                                    "saml_microsoft.");
  }
  in.organization_id = body.string("organization_id");
  SamlPatch saml;
  read_saml_fields(body, saml);
  in.active = body.boolean("active");
  in.sync_user_attributes = body.boolean("sync_user_attributes");
  saml.allow_subdomains = body.boolean("allow_subdomains");
  saml.allow_idp_initiated = body.boolean("allow_idp_initiated");
  in.disable_additional_identifications = body.boolean("disable_additional_identifications");
  in.allow_organization_account_linking = body.boolean("allow_organization_account_linking");
  in.disable_jit_provisioning = body.boolean("disable_jit_provisioning");
  body.boolean("consent_verified_domains_deletion");
  body.finish();
  in.saml = saml;
  return in;
}

}  // namespace

Response list_saml_connections(Context& cx) {
  QueryReader q(cx);
  ConnectionQuery query;
  query.organization_ids = q.list("organization_id");
  query.query = q.string("query");
  auto page = cx.inst().list_enterprise_connections(query, q.window(), true);
  return json_response(connection_page(cx, page, true));
}

Response create_saml_connection(Context& cx) {
  NestedReader body(parse_body(cx.request.body), "");
  ConnectionInput in = read_legacy(body, true);
  const EnterpriseConnection& c = cx.inst().create_enterprise_connection(in);
  return json_response(saml_connection_to_wire(cx.inst(), c, cx.server_url));
}

Response get_saml_connection(Context& cx) {
  return json_response(saml_connection_to_wire(cx.inst(), saml_connection(cx), cx.server_url));
}

Response update_saml_connection(Context& cx) {
  const EnterpriseConnection& found = saml_connection(cx);
  NestedReader body(parse_body(cx.request.body), "");
  ConnectionInput in = read_legacy(body, false);
  const EnterpriseConnection& c = cx.inst().update_enterprise_connection(found.id, in);
  return json_response(saml_connection_to_wire(cx.inst(), c, cx.server_url));
}

Response delete_saml_connection(Context& cx) {
  std::string id = saml_connection(cx).saml_connection_id;
  cx.inst().delete_enterprise_connection(id);
  return json_response(deleted_object("saml_connection", id));
}

}  // namespace clerksim::api

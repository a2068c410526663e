#include "wire/fixture.hpp"

#include <fstream>

#include "auth/crypto.hpp"
#include "auth/test_only_key.hpp"
#include "auth/webhooks.hpp"
#include "core/ids.hpp"
#include "core/text.hpp"
#include "domain/events.hpp"
#include "domain/instance.hpp"
#include "domain/rules.hpp"
#include "wire/billing.hpp"
#include "wire/fixture_node.hpp"
#include "wire/sso.hpp"

namespace clerksim {

namespace {

using Node = FixtureNode;

struct Loader {
  IdGenerator& ids;
  int64_t now;

  std::string id_or_new(Node& n, const char* prefix) {
    auto given = n.str("id");
    return given ? *given : ids.next(prefix);
  }

  User user(const Json& j, const std::string& where) {
    Node n(j, where);
    User u;
    u.id = id_or_new(n, "user");
    u.created_at = n.num("created_at").value_or(now);
    u.updated_at = n.num("updated_at").value_or(u.created_at);
    for (const auto& [i, item] : n.items("email_addresses")) {
      EmailAddress e;
      if (item->is_string()) {
        e.id = ids.next("idn");
        e.email_address = item->get<std::string>();
      } else {
        Node en(*item, n.path("email_addresses/" + std::to_string(i)));
        e.id = id_or_new(en, "idn");
        e.email_address = en.str("email_address").value_or("");
        e.reserved = en.flag("reserved").value_or(false);
        en.done();
      }
      e.email_address = to_lower(e.email_address);
      e.created_at = e.updated_at = u.created_at;
      u.email_addresses.push_back(e);
    }
    for (const auto& [i, item] : n.items("phone_numbers")) {
      PhoneNumber p;
      if (item->is_string()) {
        p.id = ids.next("idn");
        p.phone_number = item->get<std::string>();
      } else {
        Node pn(*item, n.path("phone_numbers/" + std::to_string(i)));
        p.id = id_or_new(pn, "idn");
        p.phone_number = pn.str("phone_number").value_or("");
        p.reserved = pn.flag("reserved").value_or(false);
        pn.done();
      }
      p.created_at = p.updated_at = u.created_at;
      u.phone_numbers.push_back(p);
    }
    u.primary_email_address_id = n.str("primary_email_address_id");
    if (!u.primary_email_address_id && !u.email_addresses.empty()) u.primary_email_address_id = u.email_addresses[0].id;
    u.primary_phone_number_id = n.str("primary_phone_number_id");
    if (!u.primary_phone_number_id && !u.phone_numbers.empty()) u.primary_phone_number_id = u.phone_numbers[0].id;
    u.external_id = n.str("external_id");
    u.username = n.str("username");
    if (u.username) u.username = to_lower(*u.username);
    u.first_name = n.str("first_name");
    u.last_name = n.str("last_name");
    u.locale = n.str("locale");
    u.password_enabled = n.flag("password_enabled").value_or(false);
    u.public_metadata = n.obj("public_metadata").value_or(Json::object());
    u.private_metadata = n.obj("private_metadata").value_or(Json::object());
    u.unsafe_metadata = n.obj("unsafe_metadata").value_or(Json::object());
    u.banned = n.flag("banned").value_or(false);
    u.locked = n.flag("locked").value_or(false);
    u.delete_self_enabled = n.flag("delete_self_enabled").value_or(true);
    u.create_organization_enabled = n.flag("create_organization_enabled").value_or(true);
    u.create_organizations_limit = n.num("create_organizations_limit");
    u.legal_accepted_at = n.num("legal_accepted_at");
    u.last_sign_in_at = n.num("last_sign_in_at");
    u.last_active_at = n.num("last_active_at");
    n.done();
    return u;
  }

  RoleSet role_set(const Json& j, const std::string& where) {
    Node n(j, where);
    RoleSet rs;
    rs.id = id_or_new(n, "rs");
    rs.key = n.str("key").value_or("");
    if (rs.key.empty()) n.fail("key", "is required");
    rs.name = n.str("name").value_or(rs.key);
    rs.description = n.str("description");
    rs.type = n.str("type").value_or("custom");
    rs.roles = n.strs("roles");
    rs.default_role = n.str("default_role").value_or("");
    rs.creator_role = n.str("creator_role").value_or("");
    rs.created_at = n.num("created_at").value_or(now);
    rs.updated_at = n.num("updated_at").value_or(rs.created_at);
    n.done();
    return rs;
  }

  Organization organization(const Json& j, const std::string& where, const OrganizationSettings& settings,
                            const std::string& initial_role_set) {
    Node n(j, where);
    Organization o;
    o.id = id_or_new(n, "org");
    o.name = n.str("name").value_or("");
    o.slug = n.str("slug").value_or("");
    if (o.slug.empty()) o.slug = slugify(o.name);
    o.max_allowed_memberships = n.num("max_allowed_memberships").value_or(settings.max_allowed_memberships);
    o.admin_delete_enabled = n.flag("admin_delete_enabled").value_or(settings.admin_delete_enabled);
    o.public_metadata = n.obj("public_metadata").value_or(Json::object());
    o.private_metadata = n.obj("private_metadata").value_or(Json::object());
    o.created_by = n.str("created_by");
    o.role_set_key = n.str("role_set_key");
    if (!o.role_set_key) o.role_set_key = initial_role_set;
    o.created_at = n.num("created_at").value_or(now);
    o.updated_at = n.num("updated_at").value_or(o.created_at);
    n.done();
    return o;
  }

  Membership membership(const Json& j, const std::string& where) {
    Node n(j, where);
    Membership m;
    m.id = id_or_new(n, "orgmem");
    m.organization_id = n.str("organization_id").value_or("");
    m.user_id = n.str("user_id").value_or("");
    m.role = n.str("role").value_or("");
    if (m.organization_id.empty()) n.fail("organization_id", "is required");
    if (m.user_id.empty()) n.fail("user_id", "is required");
    if (m.role.empty()) n.fail("role", "is required");
    m.public_metadata = n.obj("public_metadata").value_or(Json::object());
    m.private_metadata = n.obj("private_metadata").value_or(Json::object());
    m.created_at = n.num("created_at").value_or(now);
    m.updated_at = n.num("updated_at").value_or(m.created_at);
    n.done();
    return m;
  }

  Permission permission(const Json& j, const std::string& where) {
    Node n(j, where);
    Permission p;
    p.id = id_or_new(n, "perm");
    p.key = n.str("key").value_or("");
    if (p.key.empty()) n.fail("key", "is required");
    p.name = n.str("name").value_or(p.key);
    p.description = n.str("description").value_or("");
    p.type = n.str("type").value_or(starts_with(p.key, "org:sys_") ? "system" : "custom");
    p.created_at = n.num("created_at").value_or(now);
    p.updated_at = n.num("updated_at").value_or(p.created_at);
    n.done();
    return p;
  }

  Role role(const Json& j, const std::string& where) {
    Node n(j, where);
    Role r;
    r.id = id_or_new(n, "role");
    r.key = n.str("key").value_or("");
    if (r.key.empty()) n.fail("key", "is required");
    r.name = n.str("name").value_or(r.key);
    r.description = n.str("description").value_or("");
    r.permissions = n.strs("permissions");
    r.builtin = n.flag("builtin").value_or(r.key == "org:admin" || r.key == "org:member");
    r.created_at = n.num("created_at").value_or(now);
    r.updated_at = n.num("updated_at").value_or(r.created_at);
    n.done();
    return r;
  }

  void settings(const Json& j, OrganizationSettings& s) {
    Node n(j, "/organization_settings");
    s.enabled = n.flag("enabled").value_or(s.enabled);
    s.max_allowed_memberships = n.num("max_allowed_memberships").value_or(s.max_allowed_memberships);
    s.max_allowed_roles = n.num("max_allowed_roles").value_or(s.max_allowed_roles);
    s.max_role_sets_allowed = n.num("max_role_sets_allowed").value_or(s.max_role_sets_allowed);
    s.max_allowed_domains = n.num("max_allowed_domains").value_or(s.max_allowed_domains);
    s.admin_delete_enabled = n.flag("admin_delete_enabled").value_or(s.admin_delete_enabled);
    s.domains_enabled = n.flag("domains_enabled").value_or(s.domains_enabled);
    s.slug_disabled = n.flag("slug_disabled").value_or(s.slug_disabled);
    if (n.get("domains_enrollment_modes")) s.domains_enrollment_modes = n.strs("domains_enrollment_modes");
    s.domains_default_role = n.str("domains_default_role").value_or(s.domains_default_role);
    s.force_organization_selection = n.flag("force_organization_selection").value_or(s.force_organization_selection);
    if (auto defaults = n.obj("organization_creation_defaults")) s.organization_creation_defaults = *defaults;
    s.config_version = n.num("config_version").value_or(s.config_version);
    n.done();
  }
};

}  // namespace

namespace {

std::string read_text_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) return "";
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Session tokens need an RSA-2048 key with e = 65537: the SDK's offline (jwtKey)
// verification only understands that shape.
void require_signing_key(const std::string& pem, const std::string& where) {
  try {
    RsaKey key = RsaKey::from_private_pem(pem);
    if (key.bits() != 2048 || key.exponent() != std::string("\x01\x00\x01", 3))
      throw FixtureError(where, "the signing key must be RSA-2048 with exponent 65537");
  } catch (const std::runtime_error& e) {
    if (dynamic_cast<const FixtureError*>(&e)) throw;
    throw FixtureError(where, "is not an RSA private key in PEM form");
  }
}

Invitation load_invitation(const Json& j, const std::string& where, IdGenerator& ids, int64_t now) {
  Node n(j, where);
  Invitation inv;
  auto id = n.str("id");
  inv.id = id ? *id : ids.next("orginv");
  inv.organization_id = n.str("organization_id").value_or("");
  if (inv.organization_id.empty()) n.fail("organization_id", "is required");
  inv.email_address = to_lower(n.str("email_address").value_or(""));
  inv.role = n.str("role").value_or("");
  if (inv.role.empty()) n.fail("role", "is required");
  inv.inviter_id = n.str("inviter_id");
  inv.user_id = n.str("user_id");
  inv.status = n.str("status").value_or("pending");
  inv.public_metadata = n.obj("public_metadata").value_or(Json::object());
  inv.private_metadata = n.obj("private_metadata").value_or(Json::object());
  inv.redirect_url = n.str("redirect_url");
  inv.organization_domain_id = n.str("organization_domain_id");
  inv.created_at = n.num("created_at").value_or(now);
  inv.updated_at = n.num("updated_at").value_or(inv.created_at);
  inv.expires_at = n.num("expires_at").value_or(inv.created_at + 30LL * 24 * 3600 * 1000);
  n.done();
  return inv;
}

Session load_session(const Json& j, const std::string& where, IdGenerator& ids, int64_t now) {
  Node n(j, where);
  Session s;
  auto id = n.str("id");
  s.id = id ? *id : ids.next("sess");
  s.user_id = n.str("user_id").value_or("");
  if (s.user_id.empty()) n.fail("user_id", "is required");
  auto client = n.str("client_id");
  s.client_id = client ? *client : ids.next("client");
  s.status = n.str("status").value_or("active");
  s.last_active_organization_id = n.str("last_active_organization_id");
  s.created_at = n.num("created_at").value_or(now);
  s.updated_at = n.num("updated_at").value_or(s.created_at);
  s.last_active_at = n.num("last_active_at").value_or(s.created_at);
  s.expire_at = n.num("expire_at").value_or(s.created_at + 7LL * 24 * 3600 * 1000);
  s.abandon_at = n.num("abandon_at").value_or(s.created_at + 30LL * 24 * 3600 * 1000);
  n.done();
  return s;
}

}  // namespace

InstanceState load_fixture(const Json& fixture, uint64_t seed, bool force_seed, const std::string& base_dir) {
  Node root(fixture, "");
  InstanceState s;
  int64_t start = kDefaultFixtureClockMs;
  uint64_t counter = 0;
  s.seed = seed;
  if (auto sim = root.obj("sim")) {
    Node n(*sim, "/sim");
    if (auto v = n.num("seed"); v && !force_seed) s.seed = static_cast<uint64_t>(*v);
    counter = static_cast<uint64_t>(n.num("id_counter").value_or(0));
    start = n.num("clock_ms").value_or(start);
    n.done();
  }
  IdGenerator ids(s.seed, counter);
  Loader load{ids, start};
  if (auto inst = root.obj("instance")) {
    Node n(*inst, "/instance");
    s.info.id = n.str("id").value_or("");
    s.info.secret_key = n.str("secret_key").value_or(s.info.secret_key);
    s.info.environment_type = n.str("environment_type").value_or(s.info.environment_type);
    s.info.allowed_origins = n.strs("allowed_origins");
    s.info.authorized_party = n.str("authorized_party").value_or(s.info.authorized_party);
    if (auto file = n.str("signing_key_file")) {
      std::string path = file->empty() || (*file)[0] == '/' ? *file : base_dir + "/" + *file;
      s.info.signing_key_pem = read_text_file(path);
      if (s.info.signing_key_pem.empty()) n.fail("signing_key_file", "cannot read " + path);
      require_signing_key(s.info.signing_key_pem, "/instance/signing_key_file");
    }
    if (auto pem = n.str("signing_key_pem")) {
      s.info.signing_key_pem = *pem;
      require_signing_key(*pem, "/instance/signing_key_pem");
    }
    n.done();
    if (!starts_with(s.info.secret_key, "sk_")) n.fail("secret_key", "must start with sk_");
  }
  if (s.info.id.empty()) s.info.id = ids.next("ins");
  if (s.info.signing_key_pem.empty()) s.info.signing_key_pem = kTestOnlySigningKeyPem;
  if (auto settings = root.obj("organization_settings")) load.settings(*settings, s.settings);
  if (root.get("permissions")) {
    for (const auto& [i, item] : root.items("permissions"))
      s.permissions.push_back(load.permission(*item, "/permissions/" + std::to_string(i)));
  } else {
    s.permissions = default_system_permissions(ids, start);
  }
  if (root.get("roles")) {
    for (const auto& [i, item] : root.items("roles")) s.roles.push_back(load.role(*item, "/roles/" + std::to_string(i)));
  } else {
    s.roles = default_roles(ids, start);
  }
  if (root.get("role_sets")) {
    for (const auto& [i, item] : root.items("role_sets"))
      s.role_sets.push_back(load.role_set(*item, "/role_sets/" + std::to_string(i)));
  } else {
    s.role_sets = {default_role_set(ids, start, s.roles)};
  }
  std::string initial_key;
  for (const auto& rs : s.role_sets)
    if (rs.type == "initial") initial_key = rs.key;
  for (const auto& [i, item] : root.items("users")) s.users.push_back(load.user(*item, "/users/" + std::to_string(i)));
  for (const auto& [i, item] : root.items("organizations"))
    s.organizations.push_back(
        load.organization(*item, "/organizations/" + std::to_string(i), s.settings, initial_key));
  for (const auto& [i, item] : root.items("memberships"))
    s.memberships.push_back(load.membership(*item, "/memberships/" + std::to_string(i)));
  for (const auto& [i, item] : root.items("invitations"))
    s.invitations.push_back(load_invitation(*item, "/invitations/" + std::to_string(i), ids, start));
  for (const auto& [i, item] : root.items("sessions"))
    s.sessions.push_back(load_session(*item, "/sessions/" + std::to_string(i), ids, start));
  if (auto hooks = root.obj("webhooks")) {
    Node n(*hooks, "/webhooks");
    if (auto secret = n.str("signing_secret")) {
      if (!webhook_key(*secret)) n.fail("signing_secret", "must be whsec_ followed by standard, padded base64");
      s.info.webhook_secret = *secret;
    }
    for (const auto& [i, item] : n.items("endpoints")) {
      std::string where = "/webhooks/endpoints/" + std::to_string(i);
      Node e(*item, where);
      auto url = e.str("url");
      if (!url || !valid_webhook_url(*url)) e.fail("url", "must be an http:// URL with a host");
      auto events = e.strs("events");
      for (const auto& type : events)
        if (!is_webhook_event_type(type)) e.fail("events", "'" + type + "' is not a Clerk event type");
      std::string secret = e.str("secret").value_or("");
      if (!secret.empty() && !webhook_key(secret)) e.fail("secret", "must be whsec_ followed by standard, padded base64");
      auto id = e.str("id");
      e.done();
      add_webhook_endpoint(s, *url, events, secret);
      s.webhook_endpoints.back().created_at = start;
      if (id) s.webhook_endpoints.back().id = *id;
    }
    n.done();
  }
  if (s.info.webhook_secret.empty()) s.info.webhook_secret = derive_webhook_secret(s.info.id + "/" + s.info.secret_key);
  if (auto billing = root.obj("billing")) s.billing = load_billing_fixture(*billing, "/billing", ids, start, s);
  Json sso = Json::object();
  for (const auto& key : sso_fixture_keys())
    if (const Json* part = root.get(key)) sso[key] = *part;
  s.sso = load_sso_fixture(sso, ids, start, s);
  root.done();
  if (auto problem = find_state_problem(s)) throw FixtureError(problem->where, problem->what);
  s.id_counter = ids.counter();
  s.clock_ms = start;
  return s;
}

void add_webhook_endpoint(InstanceState& s, const std::string& url, const std::vector<std::string>& events,
                          const std::string& secret) {
  IdGenerator ids(s.seed ^ 0x656e64706f696e74ULL, s.webhook_endpoints.size());
  WebhookEndpoint ep;
  ep.id = ids.next("ep");
  ep.url = url;
  ep.events = events;
  ep.secret = secret;
  ep.created_at = s.clock_ms;
  s.webhook_endpoints.push_back(std::move(ep));
}

InstanceState load_fixture_file(const std::string& path, uint64_t seed, bool force_seed) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw FixtureError("", "cannot be read");
  std::string text;
  in.seekg(0, std::ios::end);
  auto size = in.tellg();
  if (size < 0) throw FixtureError("", "cannot be read");
  text.resize(static_cast<size_t>(size));
  in.seekg(0);
  if (!in.read(text.data(), static_cast<std::streamsize>(text.size()))) throw FixtureError("", "cannot be read");
  Json j;
  try {
    j = Json::parse(text);
  } catch (const Json::parse_error& e) {
    throw FixtureError("", std::string("is not valid JSON (") + e.what() + ")");
  }
  text = std::string();
  auto slash = path.find_last_of('/');
  return load_fixture(j, seed, force_seed, slash == std::string::npos ? "." : path.substr(0, slash));
}

namespace {
Json opt(const std::optional<std::string>& v) { return v ? Json(*v) : Json(nullptr); }
Json opt(const std::optional<int64_t>& v) { return v ? Json(*v) : Json(nullptr); }
}  // namespace

Json dump_fixture(const InstanceState& s) {
  Json j;
  j["sim"] = {{"seed", s.seed}, {"id_counter", s.id_counter}, {"clock_ms", s.clock_ms}};
  j["instance"] = {{"id", s.info.id},
                   {"secret_key", s.info.secret_key},
                   {"environment_type", s.info.environment_type},
                   {"allowed_origins", s.info.allowed_origins},
                   {"authorized_party", s.info.authorized_party},
                   {"signing_key_pem", s.info.signing_key_pem}};
  const auto& st = s.settings;
  j["organization_settings"] = {{"enabled", st.enabled},
                                {"max_allowed_memberships", st.max_allowed_memberships},
                                {"max_allowed_roles", st.max_allowed_roles},
                                {"max_role_sets_allowed", st.max_role_sets_allowed},
                                {"max_allowed_domains", st.max_allowed_domains},
                                {"admin_delete_enabled", st.admin_delete_enabled},
                                {"domains_enabled", st.domains_enabled},
                                {"slug_disabled", st.slug_disabled},
                                {"domains_enrollment_modes", st.domains_enrollment_modes},
                                {"domains_default_role", st.domains_default_role},
                                {"force_organization_selection", st.force_organization_selection},
                                {"organization_creation_defaults", st.organization_creation_defaults},
                                {"config_version", st.config_version}};
  j["permissions"] = Json::array();
  for (const auto& p : s.permissions)
    j["permissions"].push_back({{"id", p.id}, {"key", p.key}, {"name", p.name}, {"description", p.description},
                                {"type", p.type}, {"created_at", p.created_at}, {"updated_at", p.updated_at}});
  j["roles"] = Json::array();
  for (const auto& r : s.roles)
    j["roles"].push_back({{"id", r.id}, {"key", r.key}, {"name", r.name}, {"description", r.description},
                          {"permissions", r.permissions}, {"builtin", r.builtin}, {"created_at", r.created_at}, {"updated_at", r.updated_at}});
  j["role_sets"] = Json::array();
  for (const auto& rs : s.role_sets)
    j["role_sets"].push_back({{"id", rs.id}, {"key", rs.key}, {"name", rs.name}, {"description", opt(rs.description)},
                              {"type", rs.type}, {"roles", rs.roles}, {"default_role", rs.default_role},
                              {"creator_role", rs.creator_role}, {"created_at", rs.created_at},
                              {"updated_at", rs.updated_at}});
  j["users"] = Json::array();
  for (const auto& u : s.users) {
    Json emails = Json::array();
    for (const auto& e : u.email_addresses)
      emails.push_back({{"id", e.id}, {"email_address", e.email_address}, {"reserved", e.reserved}});
    Json phones = Json::array();
    for (const auto& p : u.phone_numbers)
      phones.push_back({{"id", p.id}, {"phone_number", p.phone_number}, {"reserved", p.reserved}});
    j["users"].push_back({{"id", u.id},
                          {"email_addresses", emails},
                          {"primary_email_address_id", opt(u.primary_email_address_id)},
                          {"phone_numbers", phones},
                          {"primary_phone_number_id", opt(u.primary_phone_number_id)},
                          {"external_id", opt(u.external_id)},
                          {"username", opt(u.username)},
                          {"first_name", opt(u.first_name)},
                          {"last_name", opt(u.last_name)},
                          {"locale", opt(u.locale)},
                          {"password_enabled", u.password_enabled},
                          {"public_metadata", u.public_metadata},
                          {"private_metadata", u.private_metadata},
                          {"unsafe_metadata", u.unsafe_metadata},
                          {"banned", u.banned},
                          {"locked", u.locked},
                          {"delete_self_enabled", u.delete_self_enabled},
                          {"create_organization_enabled", u.create_organization_enabled},
                          {"create_organizations_limit", opt(u.create_organizations_limit)},
                          {"legal_accepted_at", opt(u.legal_accepted_at)},
                          {"last_sign_in_at", opt(u.last_sign_in_at)},
                          {"last_active_at", opt(u.last_active_at)},
                          {"created_at", u.created_at},
                          {"updated_at", u.updated_at}});
  }
  j["organizations"] = Json::array();
  for (const auto& o : s.organizations)
    j["organizations"].push_back({{"id", o.id},
                                  {"name", o.name},
                                  {"slug", o.slug},
                                  {"max_allowed_memberships", o.max_allowed_memberships},
                                  {"admin_delete_enabled", o.admin_delete_enabled},
                                  {"public_metadata", o.public_metadata},
                                  {"private_metadata", o.private_metadata},
                                  {"created_by", opt(o.created_by)},
                                  {"role_set_key", opt(o.role_set_key)},
                                  {"created_at", o.created_at},
                                  {"updated_at", o.updated_at}});
  j["memberships"] = Json::array();
  for (const auto& m : s.memberships)
    j["memberships"].push_back({{"id", m.id},
                                {"organization_id", m.organization_id},
                                {"user_id", m.user_id},
                                {"role", m.role},
                                {"public_metadata", m.public_metadata},
                                {"private_metadata", m.private_metadata},
                                {"created_at", m.created_at},
                                {"updated_at", m.updated_at}});
  j["invitations"] = Json::array();
  for (const auto& inv : s.invitations) {
    j["invitations"].push_back({{"id", inv.id},
                                {"organization_id", inv.organization_id},
                                {"email_address", inv.email_address},
                                {"role", inv.role},
                                {"inviter_id", opt(inv.inviter_id)},
                                {"user_id", opt(inv.user_id)},
                                {"status", inv.status},
                                {"public_metadata", inv.public_metadata},
                                {"private_metadata", inv.private_metadata},
                                {"redirect_url", opt(inv.redirect_url)},
                                {"expires_at", inv.expires_at},
                                {"created_at", inv.created_at},
                                {"updated_at", inv.updated_at}});
    if (inv.organization_domain_id) j["invitations"].back()["organization_domain_id"] = *inv.organization_domain_id;
  }
  j["sessions"] = Json::array();
  for (const auto& se : s.sessions)
    j["sessions"].push_back({{"id", se.id},
                             {"user_id", se.user_id},
                             {"client_id", se.client_id},
                             {"status", se.status},
                             {"last_active_organization_id", opt(se.last_active_organization_id)},
                             {"last_active_at", se.last_active_at},
                             {"expire_at", se.expire_at},
                             {"abandon_at", se.abandon_at},
                             {"created_at", se.created_at},
                             {"updated_at", se.updated_at}});
  Json endpoints = Json::array();
  for (const auto& ep : s.webhook_endpoints) {
    Json e = {{"id", ep.id}, {"url", ep.url}, {"events", ep.events}};
    if (!ep.secret.empty()) e["secret"] = ep.secret;
    endpoints.push_back(std::move(e));
  }
  j["webhooks"] = {{"signing_secret", s.info.webhook_secret}, {"endpoints", endpoints}};
  j["billing"] = dump_billing_fixture(s.billing);
  Json sso = dump_sso_fixture(s.sso);
  for (const auto& [key, part] : sso.items()) j[key] = part;
  return j;
}

}  // namespace clerksim

#include "wire/encode.hpp"

#include "wire/billing.hpp"
#include "wire/sso.hpp"

namespace clerksim {

Json nullable(const std::optional<std::string>& v) { return v ? Json(*v) : Json(nullptr); }
Json nullable(const std::optional<int64_t>& v) { return v ? Json(*v) : Json(nullptr); }

std::string placeholder_image(const std::string& kind, const std::string& id) {
  return "https://img.clerk.com/placeholder/" + kind + "/" + id;
}

namespace {

Json verification(bool reserved) {
  if (reserved) return nullptr;
  return {{"object", "verification_admin"}, {"status", "verified"}, {"strategy", "admin"},
          {"attempts", nullptr}, {"expire_at", nullptr}};
}

Json email_to_wire(const Instance& inst, const EmailAddress& e) {
  return {{"id", e.id},
          {"object", "email_address"},
          {"email_address", e.email_address},
          {"reserved", e.reserved},
          {"verification", verification(e.reserved)},
          {"linked_to", Json::array()},
          {"matches_sso_connection", inst.matches_sso_connection(e.email_address)},
          {"created_at", e.created_at},
          {"updated_at", e.updated_at}};
}

Json phone_to_wire(const PhoneNumber& p) {
  return {{"id", p.id},
          {"object", "phone_number"},
          {"phone_number", p.phone_number},
          {"reserved_for_second_factor", false},
          {"default_second_factor", false},
          {"reserved", p.reserved},
          {"verification", verification(p.reserved)},
          {"linked_to", Json::array()},
          {"backup_codes", nullptr},
          {"created_at", p.created_at},
          {"updated_at", p.updated_at}};
}

Json public_user_data(const User& u) {
  Json identifier = nullptr;
  if (const auto* e = u.primary_email()) identifier = e->email_address;
  else if (const auto* p = u.primary_phone()) identifier = p->phone_number;
  else if (u.username) identifier = *u.username;
  std::string image = placeholder_image("user", u.id);
  return {{"user_id", u.id},
          {"first_name", nullable(u.first_name)},
          {"last_name", nullable(u.last_name)},
          {"profile_image_url", image},
          {"image_url", image},
          {"has_image", false},
          {"identifier", identifier},
          {"username", nullable(u.username)},
          {"banned", u.banned}};
}

}  // namespace

Json to_wire(const Instance& inst, const User& u) {
  Json emails = Json::array();
  for (const auto& e : u.email_addresses) emails.push_back(email_to_wire(inst, e));
  Json phones = Json::array();
  for (const auto& p : u.phone_numbers) phones.push_back(phone_to_wire(p));
  std::string image = placeholder_image("user", u.id);
  return {{"id", u.id},
          {"object", "user"},
          {"external_id", nullable(u.external_id)},
          {"primary_email_address_id", nullable(u.primary_email_address_id)},
          {"primary_phone_number_id", nullable(u.primary_phone_number_id)},
          {"primary_web3_wallet_id", nullptr},
          {"username", nullable(u.username)},
          {"first_name", nullable(u.first_name)},
          {"last_name", nullable(u.last_name)},
          {"locale", nullable(u.locale)},
          {"profile_image_url", image},
          {"image_url", image},
          {"has_image", false},
          {"public_metadata", u.public_metadata},
          {"private_metadata", u.private_metadata},
          {"unsafe_metadata", u.unsafe_metadata},
          {"email_addresses", emails},
          {"phone_numbers", phones},
          {"web3_wallets", Json::array()},
          {"passkeys", Json::array()},
          {"password_enabled", u.password_enabled},
          {"two_factor_enabled", false},
          {"totp_enabled", false},
          {"backup_code_enabled", false},
          {"mfa_enabled_at", nullptr},
          {"mfa_disabled_at", nullptr},
          {"external_accounts", Json::array()},
          {"saml_accounts", Json::array()},
          {"enterprise_accounts", enterprise_accounts_to_wire(inst, u)},
          {"last_sign_in_at", nullable(u.last_sign_in_at)},
          {"banned", u.banned},
          {"locked", u.locked},
          {"lockout_expires_in_seconds", nullptr},
          {"verification_attempts_remaining", 100},
          {"updated_at", u.updated_at},
          {"created_at", u.created_at},
          {"delete_self_enabled", u.delete_self_enabled},
          {"create_organization_enabled", u.create_organization_enabled},
          {"create_organizations_limit", nullable(u.create_organizations_limit)},
          {"last_active_at", nullable(u.last_active_at)},
          {"legal_accepted_at", nullable(u.legal_accepted_at)}};
}

Json to_wire(const Instance& inst, const Organization& o, OrganizationExtras extras) {
  Json j = {{"object", "organization"},
            {"id", o.id},
            {"name", o.name},
            {"slug", o.slug},
            {"image_url", placeholder_image("organization", o.id)},
            {"has_image", false},
            {"max_allowed_memberships", inst.member_limit(o)},
            {"admin_delete_enabled", o.admin_delete_enabled},
            {"public_metadata", o.public_metadata},
            {"private_metadata", o.private_metadata},
            {"pending_invitations_count", inst.pending_invitations_count(o.id)},
            {"role_set_key", nullable(o.role_set_key)},
            {"created_at", o.created_at},
            {"updated_at", o.updated_at}};
  if (o.created_by) j["created_by"] = *o.created_by;
  if (extras.members_count) j["members_count"] = inst.members_count(o.id);
  if (extras.missing_member_with_elevated_permissions)
    j["missing_member_with_elevated_permissions"] = inst.missing_member_with_elevated_permissions(o.id);
  return j;
}

Json to_wire(const Instance& inst, const Membership& m) {
  const Role* role = inst.find_role(m.role);
  return {{"id", m.id},
          {"object", "organization_membership"},
          {"role", m.role},
          {"role_name", role ? Json(role->name) : Json(m.role)},
          {"permissions", inst.membership_permissions(m)},
          {"public_metadata", m.public_metadata},
          {"private_metadata", m.private_metadata},
          {"organization", to_wire(inst, inst.get_organization(m.organization_id))},
          {"public_user_data", public_user_data(inst.get_user(m.user_id))},
          {"created_at", m.created_at},
          {"updated_at", m.updated_at}};
}

// The BAPI settings object. force_organization_selection and
// organization_creation_defaults are not in the published schema, but the clerk
// CLI sends them and checks that they are echoed back.
Json to_wire(const Instance& inst, const OrganizationSettings& s) {
  return {{"object", "organization_settings"},
          {"enabled", s.enabled},
          {"max_allowed_memberships", s.max_allowed_memberships},
          {"max_allowed_roles", s.max_allowed_roles},
          {"max_role_sets_allowed", s.max_role_sets_allowed},
          {"max_allowed_domains", s.max_allowed_domains},
          {"creator_role", inst.creator_role()},
          {"admin_delete_enabled", s.admin_delete_enabled},
          {"domains_enabled", s.domains_enabled},
          {"slug_disabled", s.slug_disabled},
          {"domains_enrollment_modes", s.domains_enrollment_modes},
          {"domains_default_role", s.domains_default_role},
          {"initial_role_set_key", inst.initial_role_set().key},
          {"force_organization_selection", s.force_organization_selection},
          {"organization_creation_defaults", s.organization_creation_defaults}};
}

Json to_wire(const Instance&, const Permission& p) {
  return {{"object", "permission"}, {"id", p.id},     {"name", p.name},
          {"key", p.key},           {"description", p.description}, {"type", p.type},
          {"created_at", p.created_at}, {"updated_at", p.updated_at}};
}

Json to_wire(const Instance& inst, const Role& r) {
  Json permissions = Json::array();
  for (const auto& key : r.permissions)
    if (const Permission* p = inst.find_permission_by_key(key)) permissions.push_back(to_wire(inst, *p));
  return {{"object", "role"},
          {"id", r.id},
          {"name", r.name},
          {"key", r.key},
          {"description", r.description},
          {"is_creator_eligible", inst.is_creator_eligible(r)},
          {"permissions", permissions},
          {"created_at", r.created_at},
          {"updated_at", r.updated_at}};
}

namespace {
Json role_set_item(const Instance& inst, const RoleSet& rs, const std::string& key) {
  const Role* r = inst.find_role(key);
  if (!r) return nullptr;
  int64_t members = inst.role_members_count(key, rs.key);
  return {{"object", "role_set_item"}, {"id", r->id},           {"name", r->name},
          {"key", r->key},             {"description", r->description}, {"members_count", members},
          {"has_members", members > 0}, {"created_at", r->created_at}, {"updated_at", r->updated_at}};
}
}  // namespace

Json to_wire(const Instance& inst, const RoleSet& rs) {
  Json roles = Json::array();
  for (const auto& key : rs.roles)
    if (Json item = role_set_item(inst, rs, key); !item.is_null()) roles.push_back(item);
  return {{"object", "role_set"},
          {"id", rs.id},
          {"name", rs.name},
          {"key", rs.key},
          {"description", nullable(rs.description)},
          {"roles", roles},
          {"default_role", role_set_item(inst, rs, rs.default_role)},
          {"creator_role", role_set_item(inst, rs, rs.creator_role)},
          {"type", rs.type},
          {"role_set_migration", nullptr},
          {"created_at", rs.created_at},
          {"updated_at", rs.updated_at}};
}

Json to_wire(const Instance& inst, const Session& s) {
  Json tasks = nullptr;
  if (auto keys = inst.session_tasks(s); !keys.empty()) {
    tasks = Json::array();
    for (const auto& k : keys) tasks.push_back({{"key", k}});
  }
  return {{"object", "session"},
          {"id", s.id},
          {"user_id", s.user_id},
          {"client_id", s.client_id},
          {"actor", nullptr},
          {"status", inst.session_status(s)},
          {"last_active_organization_id", nullable(s.last_active_organization_id)},
          {"last_active_at", s.last_active_at},
          {"latest_activity", nullptr},
          {"expire_at", s.expire_at},
          {"abandon_at", s.abandon_at},
          {"updated_at", s.updated_at},
          {"created_at", s.created_at},
          {"tasks", tasks}};
}

Json to_wire(const Instance& inst, const Invitation& inv, bool with_organization) {
  Json inviter = nullptr;
  if (inv.inviter_id)
    if (const User* u = inst.find_user(*inv.inviter_id)) {
      Json pud = public_user_data(*u);
      inviter = {{"user_id", u->id},         {"first_name", pud["first_name"]}, {"last_name", pud["last_name"]},
                 {"image_url", pud["image_url"]}, {"has_image", false},
                 {"identifier", pud["identifier"].is_null() ? Json(u->id) : pud["identifier"]}};
    }
  const Role* role = inst.find_role(inv.role);
  std::string status = inst.invitation_status(inv);
  Json url = nullptr;
  if (status == "pending") {
    std::string base = inv.redirect_url.value_or("https://accounts.clerk-sim.test/sign-up");
    url = base + (base.find('?') == std::string::npos ? "?" : "&") +
          "__clerk_ticket=" + Instance::invitation_ticket(inv.id) + "&__clerk_status=sign_up";
  }
  Json j = {{"object", "organization_invitation"},
            {"id", inv.id},
            {"email_address", inv.email_address},
            {"role", inv.role},
            {"role_name", role ? role->name : inv.role},
            {"organization_id", inv.organization_id},
            {"inviter_id", nullable(inv.inviter_id)},
            {"public_inviter_data", inviter},
            {"status", status},
            {"public_metadata", inv.public_metadata},
            {"private_metadata", inv.private_metadata},
            {"url", url},
            {"expires_at", inv.expires_at},
            {"created_at", inv.created_at},
            {"updated_at", inv.updated_at}};
  if (with_organization) {
    const Organization& o = inst.get_organization(inv.organization_id);
    j["public_organization_data"] = {{"id", o.id}, {"name", o.name}, {"slug", o.slug},
                                     {"image_url", placeholder_image("organization", o.id)}, {"has_image", false}};
  }
  return j;
}

Json render_event(Instance& inst, const DomainEvent& e, const std::string& user_agent) {
  Json data;
  if (e.deleted) {
    data = *e.deleted;
  } else if (e.object_kind == "organization") {
    data = to_wire(inst, inst.get_organization(e.id), OrganizationExtras{true, false});
  } else if (e.object_kind == "organization_membership") {
    const Membership* m = e.membership ? &*e.membership : inst.find_membership(*e.org_id, *e.user_id);
    if (m) data = to_wire(inst, *m);
  } else if (e.object_kind == "organization_invitation") {
    data = to_wire(inst, *inst.find_invitation(e.id), true);
    if (e.type == "organizationInvitation.accepted" && e.user_id) data["user_id"] = *e.user_id;
  } else if (e.object_kind == "user") {
    data = to_wire(inst, inst.get_user(e.id));
  } else if (e.object_kind == "session") {
    const Session& s = inst.get_session(e.id);
    data = to_wire(inst, s);
    data.erase("tasks");  // the webhook Session has no tasks
    data["user"] = to_wire(inst, inst.get_user(s.user_id));  // session events carry the whole user
  } else if (e.object_kind == "role") {
    data = to_wire(inst, inst.get_role_by_id(e.id));
  } else if (e.object_kind == "permission") {
    data = to_wire(inst, inst.get_permission(e.id));
  } else if (e.object_kind == "commerce_subscription" || e.object_kind == "commerce_subscription_item") {
    data = billing_event_data(inst, e);
  } else if (e.object_kind == "organization_domain") {
    data = sso_event_data(inst, e);
  }
  return {{"id", inst.next_event_id()},
          {"object", "event"},
          {"type", e.type},
          {"data", data},
          {"timestamp", inst.clock().now_ms()},
          {"instance_id", inst.info().id},
          {"event_attributes", {{"http_request", {{"client_ip", "127.0.0.1"}, {"user_agent", user_agent}}}}}};
}

Json instance_to_wire(const InstanceInfo& info) {
  return {{"object", "instance"},
          {"id", info.id},
          {"environment_type", info.environment_type},
          {"allowed_origins", info.allowed_origins.empty() ? Json(nullptr) : Json(info.allowed_origins)},
          {"workspace_id", nullptr}};
}

Json deleted_object(const std::string& object, const std::string& id) {
  return {{"object", object}, {"id", id}, {"deleted", true}};
}

Response json_response(const Json& body, int status) {
  Response r;
  r.status = status;
  r.body = body.dump();
  return r;
}

Json error_body(const ClerkError& e, const std::string& trace_id) {
  Json item = {{"code", e.code}, {"message", e.message}, {"long_message", e.long_message}, {"meta", e.meta}};
  return {{"errors", Json::array({item})}, {"clerk_trace_id", trace_id}};
}

Response error_response(const ClerkError& e, const std::string& trace_id) {
  return json_response(error_body(e, trace_id), e.status);
}

}  // namespace clerksim

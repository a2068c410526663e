#include "api/handlers.hpp"
#include "wire/decode.hpp"
#include "wire/encode.hpp"

namespace clerksim::api {

namespace {

UserQuery decode_user_query(const Context& cx) {
  QueryReader q(cx);
  UserQuery out;
  out.email_address = q.list("email_address");
  out.phone_number = q.list("phone_number");
  out.username = q.list("username");
  out.user_id = q.id_filter("user_id");
  out.external_id = q.id_filter("external_id");
  out.organization_id = q.id_filter("organization_id");
  out.query = q.string("query");
  out.email_address_query = q.string("email_address_query");
  out.phone_number_query = q.string("phone_number_query");
  out.username_query = q.string("username_query");
  out.name_query = q.string("name_query");
  out.banned = q.boolean("banned");
  out.created_at_before = q.integer("created_at_before");
  out.created_at_after = q.integer("created_at_after");
  out.last_active_at_before = q.integer("last_active_at_before");
  out.last_active_at_after = q.integer("last_active_at_after");
  if (auto since = q.integer("last_active_at_since")) out.last_active_at_after = since;
  out.last_sign_in_at_before = q.integer("last_sign_in_at_before");
  out.last_sign_in_at_after = q.integer("last_sign_in_at_after");
  return out;
}

// Fields of POST /v1/users that clerk-sim accepts but that change nothing it models
// (passwords hashes, TOTP, legal checks).
void read_accepted_only(BodyReader& body) {
  body.string("password_digest");
  body.string("password_hasher");
  body.string("totp_secret");
  body.strings("backup_codes");
  body.boolean("skip_legal_checks");
  body.boolean("skip_user_requirement");
  body.boolean("bypass_client_trust");
  body.strings("web3_wallet");
  body.string("timezone");
}

}  // namespace

Response list_users(Context& cx) {
  auto query = decode_user_query(cx);
  auto window = QueryReader(cx).window();
  Json out = Json::array();
  for (const User* u : cx.inst().list_users(query, window)) out.push_back(to_wire(cx.inst(), *u));
  return json_response(out);
}

Response count_users(Context& cx) {
  return json_response({{"object", "total_count"}, {"total_count", cx.inst().count_users(decode_user_query(cx))}});
}

Response create_user(Context& cx) {
  BodyReader body(cx.request.body);
  NewUser in;
  in.external_id = body.string("external_id");
  in.first_name = body.string("first_name");
  in.last_name = body.string("last_name");
  in.locale = body.string("locale");
  in.username = body.string("username");
  in.password = body.string("password");
  in.email_addresses = body.strings("email_address");
  in.email_address_statuses = body.strings("email_address_identification_status");
  in.phone_numbers = body.strings("phone_number");
  in.phone_number_statuses = body.strings("phone_number_identification_status");
  in.skip_password_checks = body.boolean("skip_password_checks").value_or(false);
  in.skip_password_requirement = body.boolean("skip_password_requirement").value_or(false);
  in.metadata = body.metadata(true);
  in.delete_self_enabled = body.boolean("delete_self_enabled");
  in.create_organization_enabled = body.boolean("create_organization_enabled");
  in.create_organizations_limit = body.integer("create_organizations_limit");
  in.banned = body.boolean("banned");
  in.locked = body.boolean("locked");
  in.created_at = body.timestamp("created_at");
  in.legal_accepted_at = body.timestamp("legal_accepted_at");
  read_accepted_only(body);
  body.finish();
  return json_response(to_wire(cx.inst(), cx.inst().create_user(in)));
}

Response get_user(Context& cx) { return json_response(to_wire(cx.inst(), cx.inst().get_user(cx.param("user_id")))); }

Response update_user(Context& cx) {
  BodyReader body(cx.request.body);
  UserPatch patch;
  patch.external_id = body.nullable_string("external_id");
  patch.first_name = body.nullable_string("first_name");
  patch.last_name = body.nullable_string("last_name");
  patch.locale = body.nullable_string("locale");
  patch.username = body.nullable_string("username");
  patch.primary_email_address_id = body.nullable_string("primary_email_address_id");
  patch.primary_phone_number_id = body.nullable_string("primary_phone_number_id");
  patch.password = body.string("password");
  patch.skip_password_checks = body.boolean("skip_password_checks").value_or(false);
  patch.delete_self_enabled = body.boolean("delete_self_enabled");
  patch.create_organization_enabled = body.boolean("create_organization_enabled");
  patch.create_organizations_limit = body.nullable_integer("create_organizations_limit");
  patch.legal_accepted_at = body.nullable_timestamp("legal_accepted_at");
  patch.created_at = body.timestamp("created_at");
  body.boolean("notify_primary_email_address_changed");
  body.string("primary_web3_wallet_id");
  body.string("profile_image_id");
  body.boolean("sign_out_of_other_sessions");
  read_accepted_only(body);
  if (cx.version == ApiVersion::v2025_11_10) patch.replace_metadata = body.metadata(true);
  body.finish();
  return json_response(to_wire(cx.inst(), cx.inst().update_user(cx.param("user_id"), patch)));
}

Response delete_user(Context& cx) {
  const std::string& id = cx.param("user_id");
  cx.inst().delete_user(id);
  return json_response(deleted_object("user", id));
}

Response merge_user_metadata(Context& cx) {
  BodyReader body(cx.request.body);
  auto patch = body.metadata(true);
  body.finish();
  return json_response(to_wire(cx.inst(), cx.inst().merge_user_metadata(cx.param("user_id"), patch)));
}

Response replace_user_metadata(Context& cx) {
  BodyReader body(cx.request.body);
  auto patch = body.metadata(true);
  body.finish();
  return json_response(to_wire(cx.inst(), cx.inst().replace_user_metadata(cx.param("user_id"), patch)));
}

Response list_user_memberships(Context& cx) {
  auto window = QueryReader(cx).window();
  return json_response(list_to_wire(cx.inst(), cx.inst().list_user_memberships(cx.param("user_id"), window)));
}

}  // namespace clerksim::api

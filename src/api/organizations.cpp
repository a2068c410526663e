#include "api/handlers.hpp"
#include "wire/decode.hpp"
#include "wire/encode.hpp"

namespace clerksim::api {

namespace {

OrganizationExtras decode_extras(const Context& cx) {
  QueryReader q(cx);
  return {q.boolean("include_members_count").value_or(false),
          q.boolean("include_missing_member_with_elevated_permissions").value_or(false)};
}

}  // namespace

Response list_organizations(Context& cx) {
  QueryReader q(cx);
  OrganizationQuery query;
  query.query = q.string("query");
  query.user_id = q.id_filter("user_id");
  query.organization_id = q.id_filter("organization_id");
  auto extras = decode_extras(cx);
  auto page = cx.inst().list_organizations(query, q.window());
  Json data = Json::array();
  for (const Organization* o : page.items) data.push_back(to_wire(cx.inst(), *o, extras));
  return json_response({{"data", data}, {"total_count", page.total_count}});
}

Response create_organization(Context& cx) {
  BodyReader body(cx.request.body);
  NewOrganization in;
  in.name = body.required_string("name");
  in.slug = body.string("slug");
  in.created_by = body.string("created_by");
  in.max_allowed_memberships = body.integer("max_allowed_memberships");
  in.created_at = body.timestamp("created_at");
  in.role_set_key = body.string("role_set_key");
  in.metadata = body.metadata(false);
  body.finish();
  return json_response(to_wire(cx.inst(), cx.inst().create_organization(in)));
}

Response get_organization(Context& cx) {
  const auto& org = cx.inst().get_organization(cx.param("organization_id"));
  return json_response(to_wire(cx.inst(), org, decode_extras(cx)));
}

Response update_organization(Context& cx) {
  BodyReader body(cx.request.body);
  OrganizationPatch patch;
  patch.name = body.string("name");
  patch.slug = body.string("slug");
  patch.max_allowed_memberships = body.integer("max_allowed_memberships");
  patch.admin_delete_enabled = body.boolean("admin_delete_enabled");
  patch.created_at = body.timestamp("created_at");
  patch.role_set_key = body.string("role_set_key");
  if (cx.version == ApiVersion::v2025_11_10) patch.replace_metadata = body.metadata(false);
  body.finish();
  return json_response(to_wire(cx.inst(), cx.inst().update_organization(cx.param("organization_id"), patch)));
}

Response delete_organization(Context& cx) {
  Organization removed = cx.inst().delete_organization(cx.param("organization_id"));
  Json out = deleted_object("organization", removed.id);
  out["slug"] = removed.slug;
  return json_response(out);
}

Response merge_organization_metadata(Context& cx) {
  BodyReader body(cx.request.body);
  auto patch = body.metadata(false);
  body.finish();
  return json_response(
      to_wire(cx.inst(), cx.inst().merge_organization_metadata(cx.param("organization_id"), patch)));
}

Response replace_organization_metadata(Context& cx) {
  BodyReader body(cx.request.body);
  auto patch = body.metadata(false);
  body.finish();
  return json_response(
      to_wire(cx.inst(), cx.inst().replace_organization_metadata(cx.param("organization_id"), patch)));
}

}  // namespace clerksim::api

#include "api/handlers.hpp"
#include "wire/decode.hpp"
#include "wire/encode.hpp"

namespace clerksim::api {

namespace {

template <class T>
Response page_response(const Instance& inst, const Page<T>& page) {
  return json_response(list_to_wire(inst, page));
}

}  // namespace

// --- permissions

Response list_permissions(Context& cx) {
  QueryReader q(cx);
  return page_response(cx.inst(), cx.inst().list_permissions(q.string("query"), q.window()));
}

Response create_permission(Context& cx) {
  BodyReader body(cx.request.body);
  NewPermission in;
  in.name = body.required_string("name");
  in.key = body.required_string("key");
  in.description = body.string("description");
  body.finish();
  return json_response(to_wire(cx.inst(), cx.inst().create_permission(in)));
}

Response get_permission(Context& cx) {
  return json_response(to_wire(cx.inst(), cx.inst().get_permission(cx.param("permission_id"))));
}

Response update_permission(Context& cx) {
  BodyReader body(cx.request.body);
  PermissionPatch patch;
  patch.name = body.string("name");
  patch.key = body.string("key");
  patch.description = body.string("description");
  body.finish();
  return json_response(to_wire(cx.inst(), cx.inst().update_permission(cx.param("permission_id"), patch)));
}

Response delete_permission(Context& cx) {
  Permission removed = cx.inst().delete_permission(cx.param("permission_id"));
  return json_response(deleted_object("permission", removed.id));
}

// --- roles

Response list_roles(Context& cx) {
  QueryReader q(cx);
  return page_response(cx.inst(), cx.inst().list_roles(q.string("query"), q.window()));
}

Response create_role(Context& cx) {
  BodyReader body(cx.request.body);
  NewRole in;
  in.name = body.required_string("name");
  in.key = body.required_string("key");
  in.description = body.string("description");
  in.permission_ids = body.strings("permissions");
  in.include_in_initial_role_set = body.boolean("include_in_initial_role_set").value_or(false);
  body.finish();
  return json_response(to_wire(cx.inst(), cx.inst().create_role(in)));
}

Response get_role(Context& cx) {
  return json_response(to_wire(cx.inst(), cx.inst().get_role_by_id(cx.param("organization_role_id"))));
}

Response update_role(Context& cx) {
  BodyReader body(cx.request.body);
  RolePatch patch;
  patch.name = body.string("name");
  patch.key = body.string("key");
  patch.description = body.string("description");
  if (body.has("permissions")) patch.permission_ids = body.strings("permissions");
  else body.strings("permissions");
  body.finish();
  return json_response(to_wire(cx.inst(), cx.inst().update_role(cx.param("organization_role_id"), patch)));
}

Response delete_role(Context& cx) {
  Role removed = cx.inst().delete_role(cx.param("organization_role_id"));
  return json_response(deleted_object("role", removed.id));
}

Response assign_role_permission(Context& cx) {
  const auto& role = cx.inst().assign_permission(cx.param("organization_role_id"), cx.param("permission_id"));
  return json_response(to_wire(cx.inst(), role));
}

Response remove_role_permission(Context& cx) {
  const auto& role = cx.inst().remove_permission(cx.param("organization_role_id"), cx.param("permission_id"));
  return json_response(to_wire(cx.inst(), role));
}

// --- role sets

Response list_role_sets(Context& cx) {
  QueryReader q(cx);
  return page_response(cx.inst(), cx.inst().list_role_sets(q.string("query"), q.window()));
}

Response create_role_set(Context& cx) {
  BodyReader body(cx.request.body);
  NewRoleSet in;
  in.name = body.required_string("name");
  in.key = body.string("key");
  in.description = body.string("description");
  in.type = body.string("type");
  in.default_role_key = body.required_string("default_role_key");
  in.creator_role_key = body.required_string("creator_role_key");
  if (!body.has("roles")) throw ClerkError::param_missing("roles");
  in.role_keys = body.strings("roles");
  body.finish();
  return json_response(to_wire(cx.inst(), cx.inst().create_role_set(in)));
}

Response get_role_set(Context& cx) {
  return json_response(to_wire(cx.inst(), cx.inst().get_role_set(cx.param("role_set_key_or_id"))));
}

Response update_role_set(Context& cx) {
  BodyReader body(cx.request.body);
  RoleSetPatch patch;
  patch.name = body.string("name");
  patch.key = body.string("key");
  patch.description = body.string("description");
  patch.type = body.string("type");
  patch.default_role_key = body.string("default_role_key");
  patch.creator_role_key = body.string("creator_role_key");
  body.finish();
  return json_response(to_wire(cx.inst(), cx.inst().update_role_set(cx.param("role_set_key_or_id"), patch)));
}

Response add_roles_to_role_set(Context& cx) {
  BodyReader body(cx.request.body);
  if (!body.has("role_keys")) throw ClerkError::param_missing("role_keys");
  auto keys = body.strings("role_keys");
  auto default_role = body.string("default_role_key");
  auto creator_role = body.string("creator_role_key");
  body.finish();
  const auto& set = cx.inst().add_roles_to_role_set(cx.param("role_set_key_or_id"), keys, default_role, creator_role);
  return json_response(to_wire(cx.inst(), set));
}

Response replace_role_in_role_set(Context& cx) {
  BodyReader body(cx.request.body);
  auto role_key = body.required_string("role_key");
  auto to_role_key = body.required_string("to_role_key");
  body.finish();
  const auto& set = cx.inst().replace_role_in_role_set(cx.param("role_set_key_or_id"), role_key, to_role_key);
  return json_response(to_wire(cx.inst(), set));
}

Response replace_role_set(Context& cx) {
  BodyReader body(cx.request.body);
  auto dest = body.required_string("dest_role_set_key");
  std::map<std::string, std::string> mappings;
  if (auto raw = body.object("reassignment_mappings"))
    for (const auto& [from, to] : raw->items()) {
      if (!to.is_string()) throw ClerkError::param_type("reassignment_mappings", "an object of role keys");
      mappings[from] = to.get<std::string>();
    }
  body.finish();
  RoleSet removed = cx.inst().replace_role_set(cx.param("role_set_key_or_id"), dest, mappings);
  return json_response(deleted_object("role_set", removed.id));
}

}  // namespace clerksim::api

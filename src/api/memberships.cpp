#include "api/handlers.hpp"
#include "wire/decode.hpp"
#include "wire/encode.hpp"

namespace clerksim::api {

Response list_memberships(Context& cx) {
  QueryReader q(cx);
  MembershipQuery query;
  query.user_id = q.id_filter("user_id");
  query.email_address = q.list("email_address");
  query.phone_number = q.list("phone_number");
  query.username = q.list("username");
  query.role = q.list("role");
  query.query = q.string("query");
  query.email_address_query = q.string("email_address_query");
  query.phone_number_query = q.string("phone_number_query");
  query.username_query = q.string("username_query");
  query.name_query = q.string("name_query");
  query.created_at_before = q.integer("created_at_before");
  query.created_at_after = q.integer("created_at_after");
  query.last_active_at_before = q.integer("last_active_at_before");
  query.last_active_at_after = q.integer("last_active_at_after");
  auto page = cx.inst().list_memberships(cx.param("organization_id"), query, q.window());
  return json_response(list_to_wire(cx.inst(), page));
}

Response create_membership(Context& cx) {
  BodyReader body(cx.request.body);
  std::string user_id = body.required_string("user_id");
  std::string role = body.required_string("role");
  auto metadata = body.metadata(false);
  body.finish();
  const auto& m = cx.inst().add_membership(cx.param("organization_id"), user_id, role, metadata);
  return json_response(to_wire(cx.inst(), m));
}

Response update_membership(Context& cx) {
  BodyReader body(cx.request.body);
  std::string role = body.required_string("role");
  body.finish();
  const auto& m = cx.inst().update_membership_role(cx.param("organization_id"), cx.param("user_id"), role);
  return json_response(to_wire(cx.inst(), m));
}

Response merge_membership_metadata(Context& cx) {
  BodyReader body(cx.request.body);
  auto patch = body.metadata(false);
  body.finish();
  const auto& m = cx.inst().merge_membership_metadata(cx.param("organization_id"), cx.param("user_id"), patch);
  return json_response(to_wire(cx.inst(), m));
}

Response delete_membership(Context& cx) {
  Membership removed = cx.inst().remove_membership(cx.param("organization_id"), cx.param("user_id"));
  return json_response(to_wire(cx.inst(), removed));
}

Response list_all_memberships(Context& cx) {
  return json_response(list_to_wire(cx.inst(), cx.inst().list_all_memberships(QueryReader(cx).window())));
}

}  // namespace clerksim::api

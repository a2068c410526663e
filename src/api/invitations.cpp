#include "api/handlers.hpp"
#include "wire/decode.hpp"
#include "wire/encode.hpp"

namespace clerksim::api {

namespace {

NewInvitation read_invitation(BodyReader& body) {
  NewInvitation in;
  in.email_address = body.required_string("email_address");
  in.role = body.required_string("role");
  in.inviter_user_id = body.string("inviter_user_id");
  in.redirect_url = body.string("redirect_url");
  in.expires_in_days = body.integer("expires_in_days");
  in.metadata = body.metadata(false);
  body.boolean("notify");  // clerk-sim sends no email either way
  body.finish();
  return in;
}

InvitationQuery read_query(const Context& cx) {
  QueryReader q(cx);
  return {q.list("status"), q.string("email_address"), q.string("query")};
}

Response invitation_page(const Instance& inst, const Page<Invitation>& page, bool with_organization) {
  Json data = Json::array();
  for (const Invitation* inv : page.items) data.push_back(to_wire(inst, *inv, with_organization));
  return json_response({{"data", data}, {"total_count", page.total_count}});
}

}  // namespace

Response create_invitation(Context& cx) {
  BodyReader body(cx.request.body);
  auto created = cx.inst().create_invitations(cx.param("organization_id"), {read_invitation(body)}, false);
  return json_response(to_wire(cx.inst(), *created.front()));
}

// The bulk body is a JSON array of single-create bodies.
Response create_invitations_bulk(Context& cx) {
  Json items;
  try {
    items = Json::parse(cx.request.body);
  } catch (const Json::parse_error&) {
    throw ClerkError(400, "request_body_invalid", "Request body invalid", "The request body is not valid JSON.");
  }
  if (!items.is_array())
    throw ClerkError(400, "request_body_invalid", "Request body invalid", "The request body must be a JSON array.");
  std::vector<NewInvitation> in;
  for (const auto& item : items) {
    if (!item.is_object())
      throw ClerkError(400, "request_body_invalid", "Request body invalid", "Each invitation must be a JSON object.");
    BodyReader body(item.dump());
    in.push_back(read_invitation(body));
  }
  if (in.empty()) throw ClerkError::param_missing("email_address");
  auto created = cx.inst().create_invitations(cx.param("organization_id"), in, true);
  Page<Invitation> page{created, static_cast<int64_t>(created.size())};
  return invitation_page(cx.inst(), page, false);
}

Response list_invitations(Context& cx) {
  auto page = cx.inst().list_invitations(cx.param("organization_id"), read_query(cx), QueryReader(cx).window());
  return invitation_page(cx.inst(), page, false);
}

Response list_pending_invitations(Context& cx) {
  InvitationQuery q;
  q.status = {"pending"};
  auto page = cx.inst().list_invitations(cx.param("organization_id"), q, QueryReader(cx).window());
  return invitation_page(cx.inst(), page, false);
}

Response get_invitation(Context& cx) {
  return json_response(
      to_wire(cx.inst(), cx.inst().get_invitation(cx.param("organization_id"), cx.param("invitation_id"))));
}

Response revoke_invitation(Context& cx) {
  BodyReader body(cx.request.body);
  auto requesting = body.string("requesting_user_id");
  body.finish();
  const auto& inv =
      cx.inst().revoke_invitation(cx.param("organization_id"), cx.param("invitation_id"), requesting);
  return json_response(to_wire(cx.inst(), inv));
}

Response list_all_invitations(Context& cx) {
  return invitation_page(cx.inst(), cx.inst().list_all_invitations(read_query(cx), QueryReader(cx).window()), true);
}

Response list_user_invitations(Context& cx) {
  auto page = cx.inst().list_user_invitations(cx.param("user_id"), read_query(cx), QueryReader(cx).window());
  return invitation_page(cx.inst(), page, true);
}

}  // namespace clerksim::api

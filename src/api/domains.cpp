// Verified domains of an organization, and the instance-wide list.
#include "api/handlers.hpp"
#include "wire/decode.hpp"
#include "wire/encode.hpp"
#include "wire/sso.hpp"

namespace clerksim::api {

namespace {

OrganizationDomainQuery read_query(const QueryReader& q) {
  OrganizationDomainQuery query;
  query.verified = q.boolean("verified");
  query.enrollment_modes = q.list("enrollment_mode");
  return query;
}

}  // namespace

Response list_organization_domains(Context& cx) {
  QueryReader q(cx);
  auto page = cx.inst().list_organization_domains(cx.param("organization_id"), read_query(q), q.window());
  return json_response(list_to_wire(cx.inst(), page));
}

Response create_organization_domain(Context& cx) {
  BodyReader body(cx.request.body);
  NewOrganizationDomain in;
  in.name = body.string("name").value_or("");
  in.enrollment_mode = body.string("enrollment_mode");
  in.verified = body.boolean("verified").value_or(true);
  body.finish();
  return json_response(to_wire(cx.inst(), cx.inst().create_organization_domain(cx.param("organization_id"), in)));
}

// `delete_pending`: when the mode changes, the domain's pending invitations or suggestions go.
Response update_organization_domain(Context& cx) {
  BodyReader body(cx.request.body);
  OrganizationDomainPatch patch;
  patch.name = body.string("name");
  patch.enrollment_mode = body.string("enrollment_mode");
  patch.verified = body.boolean("verified");
  patch.delete_pending = body.boolean("delete_pending").value_or(false);
  body.finish();
  const OrganizationDomain& d =
      cx.inst().update_organization_domain(cx.param("organization_id"), cx.param("domain_id"), patch);
  return json_response(to_wire(cx.inst(), d));
}

Response delete_organization_domain(Context& cx) {
  OrganizationDomain removed = cx.inst().delete_organization_domain(cx.param("organization_id"), cx.param("domain_id"));
  return json_response(deleted_object("organization_domain", removed.id));
}

Response verify_organization_domain_ownership(Context& cx) {
  const OrganizationDomain& d = cx.inst().verify_domain_ownership(cx.param("organization_id"), cx.param("domain_id"));
  return json_response(to_wire(cx.inst(), d));
}

Response list_all_organization_domains(Context& cx) {
  QueryReader q(cx);
  OrganizationDomainQuery query = read_query(q);
  query.organization_id = q.string("organization_id");
  query.query = q.string("query");
  query.domains = q.list("domains");
  auto page = cx.inst().list_all_organization_domains(query, q.window());
  return json_response(list_to_wire(cx.inst(), page));
}

}  // namespace clerksim::api

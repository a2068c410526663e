#pragma once
// Clerk's JSON for every object and error, in one place.
#include "core/error.hpp"
#include "core/request.hpp"
#include "domain/instance.hpp"

namespace clerksim {

struct OrganizationExtras {
  bool members_count = false;
  bool missing_member_with_elevated_permissions = false;
};

Json to_wire(const Instance& inst, const User& u);
Json to_wire(const Instance& inst, const Organization& o, OrganizationExtras extras = {});
Json to_wire(const Instance& inst, const Membership& m);
Json to_wire(const Instance& inst, const OrganizationSettings& s);
Json to_wire(const Instance& inst, const Permission& p);
Json to_wire(const Instance& inst, const Role& r);
Json to_wire(const Instance& inst, const RoleSet& rs);
Json to_wire(const Instance& inst, const Session& s);
// `with_organization`: the instance-wide and per-user lists add public_organization_data.
Json to_wire(const Instance& inst, const Invitation& inv, bool with_organization = false);
// An event of the log, in the webhook envelope: {id, object: "event", type, data, timestamp,
// instance_id, event_attributes}. `id` is the svix-id of its deliveries.
Json render_event(Instance& inst, const DomainEvent& e, const std::string& user_agent);
Json instance_to_wire(const InstanceInfo& info);
Json deleted_object(const std::string& object, const std::string& id);
// Small pieces every encoder uses: an optional as a value or null, and the
// placeholder image Clerk serves when nothing was uploaded.
Json nullable(const std::optional<std::string>& v);
Json nullable(const std::optional<int64_t>& v);
std::string placeholder_image(const std::string& kind, const std::string& id);

template <class T>
Json list_to_wire(const Instance& inst, const Page<T>& page) {
  Json data = Json::array();
  for (const T* item : page.items) data.push_back(to_wire(inst, *item));
  return {{"data", data}, {"total_count", page.total_count}};
}

// Responses. Content-Type is always exactly application/json (the SDK compares it with ===).
Response json_response(const Json& body, int status = 200);
Json error_body(const ClerkError& e, const std::string& trace_id);
Response error_response(const ClerkError& e, const std::string& trace_id);

}  // namespace clerksim

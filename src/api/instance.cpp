#include "api/handlers.hpp"
#include "wire/encode.hpp"

namespace clerksim::api {

Response get_instance(Context& cx) { return json_response(instance_to_wire(cx.inst().info())); }

Response get_organization_settings(Context& cx) {
  return json_response(to_wire(cx.inst().organization_settings()));
}

}  // namespace clerksim::api

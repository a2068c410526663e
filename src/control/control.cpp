#include "control/control.hpp"

#include "domain/tenancy.hpp"
#include "wire/decode.hpp"
#include "wire/encode.hpp"
#include "wire/fixture.hpp"

namespace clerksim::control {

namespace {
Json clock_to_wire(const Clock& clock) { return {{"mode", to_string(clock.mode())}, {"now_ms", clock.now_ms()}}; }
}  // namespace

Response health(Context&) { return json_response({{"status", "ok"}}); }

Response reset(Context& cx) {
  Instance& fresh = cx.tenancy->reset(cx.inst().info().secret_key);
  cx.instance = &fresh;
  return json_response({{"status", "reset"}, {"clock", clock_to_wire(fresh.clock())}});
}

Response state(Context& cx) { return json_response(dump_fixture(cx.inst().snapshot())); }

Response get_clock(Context& cx) { return json_response(clock_to_wire(cx.inst().clock())); }

Response set_clock(Context& cx) {
  BodyReader body(cx.request.body);
  auto mode_text = body.string("mode");
  auto set_ms = body.integer("set_ms");
  auto advance_ms = body.integer("advance_ms");
  body.finish();
  ClockMode mode{};
  if (mode_text && !parse_clock_mode(*mode_text, mode))
    throw ClerkError::param_value("mode", "mode must be 'frozen' or 'wall'.");
  if (advance_ms && *advance_ms < 0)
    throw ClerkError::param_value("advance_ms", "The clock only moves forward with advance_ms; use set_ms to go back.");
  if (!mode_text && !set_ms && !advance_ms)
    throw ClerkError(422, "form_param_missing", "is missing", "Give at least one of mode, set_ms or advance_ms.",
                     {{"param_name", "advance_ms"}});
  Clock& clock = cx.inst().clock();
  if (mode_text) clock.set_mode(mode);
  if (set_ms) clock.set_ms(*set_ms);
  if (advance_ms) clock.advance_ms(*advance_ms);
  return json_response(clock_to_wire(clock));
}

}  // namespace clerksim::control

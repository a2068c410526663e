#include "core/clock.hpp"

#include <chrono>

namespace clerksim {

std::string to_string(ClockMode mode) { return mode == ClockMode::frozen ? "frozen" : "wall"; }

bool parse_clock_mode(const std::string& text, ClockMode& out) {
  if (text == "frozen") { out = ClockMode::frozen; return true; }
  if (text == "wall") { out = ClockMode::wall; return true; }
  return false;
}

Clock::Clock(ClockMode mode, int64_t start_ms) : mode_(mode) {
  if (mode_ == ClockMode::frozen) frozen_ms_ = start_ms;
}

int64_t Clock::real_now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

int64_t Clock::now_ms() const {
  return mode_ == ClockMode::frozen ? frozen_ms_ : real_now_ms() + offset_ms_;
}

void Clock::advance_ms(int64_t delta) {
  if (mode_ == ClockMode::frozen) frozen_ms_ += delta;
  else offset_ms_ += delta;
}

void Clock::set_ms(int64_t value) {
  if (mode_ == ClockMode::frozen) frozen_ms_ = value;
  else offset_ms_ = value - real_now_ms();
}

void Clock::set_mode(ClockMode mode) {
  if (mode == mode_) return;
  int64_t now = now_ms();
  mode_ = mode;
  set_ms(now);  // switching modes never makes time jump
}

}  // namespace clerksim

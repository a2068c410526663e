#pragma once
#include <cstdint>
#include <string>

namespace clerksim {

enum class ClockMode { frozen, wall };

std::string to_string(ClockMode mode);
bool parse_clock_mode(const std::string& text, ClockMode& out);

// The instance clock. Everything that reads time reads it here.
// frozen: moves only when told. wall: real time plus an offset, so tokens stay
// acceptable to real SDKs while tests can still jump ahead.
class Clock {
 public:
  Clock(ClockMode mode, int64_t start_ms);

  int64_t now_ms() const;
  ClockMode mode() const { return mode_; }

  void advance_ms(int64_t delta);
  void set_ms(int64_t value);
  void set_mode(ClockMode mode);

  static int64_t real_now_ms();

 private:
  ClockMode mode_;
  int64_t frozen_ms_ = 0;  // the time in frozen mode
  int64_t offset_ms_ = 0;  // added to real time in wall mode
};

}  // namespace clerksim

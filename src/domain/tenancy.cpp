#include "domain/tenancy.hpp"

#include "core/text.hpp"

namespace clerksim {

Tenancy::Tenancy(InstanceState fixture, ClockMode clock_mode, TenancyMode mode)
    : fixture_(std::move(fixture)), clock_mode_(clock_mode), mode_(mode), traces_(fixture_.seed ^ 0x6b6579ULL) {
  instances_[fixture_.info.secret_key] = build(fixture_.info.secret_key);
}

std::unique_ptr<Instance> Tenancy::build(const std::string& secret_key) const {
  if (secret_key == fixture_.info.secret_key) return std::make_unique<Instance>(fixture_, clock_mode_);
  InstanceState state = fixture_;
  state.info.secret_key = secret_key;
  return std::make_unique<Instance>(state, clock_mode_);
}

Instance* Tenancy::find(const std::string& secret_key) {
  auto it = instances_.find(secret_key);
  if (it != instances_.end()) return it->second.get();
  if (mode_ != TenancyMode::automatic || !starts_with(secret_key, "sk_test_") || secret_key.size() <= 8) return nullptr;
  return (instances_[secret_key] = build(secret_key)).get();
}

Instance& Tenancy::reset(const std::string& secret_key) {
  auto& slot = instances_[secret_key];
  uint64_t events = slot ? slot->event_counter() : 0;
  slot = build(secret_key);
  slot->continue_events(events);
  return *slot;
}

}  // namespace clerksim

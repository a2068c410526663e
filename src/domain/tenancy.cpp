#include "domain/tenancy.hpp"

#include "core/text.hpp"

namespace clerksim {

Tenancy::Tenancy(InstanceState fixture, ClockMode clock_mode, TenancyMode mode)
    : fixture_info_(fixture.info), mode_(mode), traces_(fixture.seed ^ 0x6b6579ULL) {
  instances_[fixture_info_.secret_key] = std::make_unique<Instance>(std::move(fixture), clock_mode);
}

Instance* Tenancy::find(const std::string& secret_key) {
  auto it = instances_.find(secret_key);
  if (it != instances_.end()) return it->second.get();
  if (mode_ != TenancyMode::automatic || !starts_with(secret_key, "sk_test_") || secret_key.size() <= 8) return nullptr;
  const Instance& fixture = *instances_.at(fixture_info_.secret_key);
  return (instances_[secret_key] = std::make_unique<Instance>(fixture.fresh_for_key(secret_key))).get();
}

Instance& Tenancy::reset(const std::string& secret_key) {
  auto& slot = instances_.at(secret_key);
  uint64_t events = slot->event_counter();
  slot = std::make_unique<Instance>(slot->fresh());
  slot->continue_events(events);
  return *slot;
}

}  // namespace clerksim

#include "endpoints/event_rate_limit.hpp"

#include <algorithm>

namespace nadoo::endpoints {

EventRateLimit::EventRateLimit(const EventRateLimitSettings& settings, Clock::time_point now)
    : settings_(settings), tokens_(settings.burst_events), refilled_at_(now) {}

void EventRateLimit::refill(Clock::time_point now) {
  const std::chrono::duration<double> elapsed = now - refilled_at_;
  if (elapsed.count() <= 0) return;
  refilled_at_ = now;
  tokens_ = std::min(settings_.burst_events, tokens_ + elapsed.count() * settings_.events_per_second);
  // A pause that refilled the whole burst ends a run of refusals.
  if (tokens_ >= settings_.burst_events) refusals_ = 0;
}

EventRateLimit::Verdict EventRateLimit::take(Clock::time_point now) {
  refill(now);
  if (tokens_ >= 1) {
    tokens_ -= 1;
    return Verdict::accept;
  }
  ++refusals_;
  return refusals_ >= settings_.refusals_before_close ? Verdict::close : Verdict::refuse;
}

}  // namespace nadoo::endpoints

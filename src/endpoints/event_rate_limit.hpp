#pragma once

#include <chrono>

namespace nadoo::endpoints {

/// How fast one connection may send events.
struct EventRateLimitSettings {
  double events_per_second = 20;
  double burst_events = 40;
  /// Refused events, without a pause long enough to refill the burst, after
  /// which the connection is closed as abusive.
  unsigned refusals_before_close = 50;
};

/// A token bucket for one connection's events, plus the count of events it
/// refused since the client last paused: a client that bursts now and then
/// gets `rate_limit` errors; one that keeps sending past the limit is closed.
///
/// Thread-safety: none; one connection's messages are handled one at a time.
class EventRateLimit {
 public:
  using Clock = std::chrono::steady_clock;
  enum class Verdict { accept, refuse, close };

  EventRateLimit(const EventRateLimitSettings& settings, Clock::time_point now);

  /// Takes one event's token at `now`.
  Verdict take(Clock::time_point now);

 private:
  void refill(Clock::time_point now);

  const EventRateLimitSettings& settings_;
  double tokens_;
  Clock::time_point refilled_at_;
  unsigned refusals_ = 0;
};

}  // namespace nadoo::endpoints

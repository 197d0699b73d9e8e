#pragma once
// The one clock that every stamp of the generator is read from: publishers,
// fake upstreams and receivers run in one process and compare its readings.

#include <cstdint>

namespace nadoo::bench {

/// Microseconds of the monotonic clock that the publisher and the receivers
/// share (one process), as an integer: a server that re-serialises the event
/// keeps an integer as it is, where a fraction could come back in exponent form.
std::uint64_t monotonic_microseconds();

}  // namespace nadoo::bench

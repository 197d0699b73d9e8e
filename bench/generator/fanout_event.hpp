#pragma once
// The `document_updated` event of the fanout workload on the wire: the
// publisher writes its send time in it, every receiver finds it again without
// parsing the whole message.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace nadoo::bench {

/// Overwrites `event` with event number `sequence`, stamped with `sent_us`;
/// reusing one string keeps the publisher from allocating per event.
void write_fanout_event(std::string& event, std::uint64_t sequence, std::uint64_t sent_us);

/// The warm-up event: every member has seen the publisher join once it arrives.
std::string_view fanout_warmup_event();
bool is_fanout_warmup(std::string_view message);

/// The `sent_us` of a delivered event (any spacing after the colon); nullopt
/// for every other message (presence, the warm-up).
std::optional<std::uint64_t> find_sent_us(std::string_view message);

}  // namespace nadoo::bench

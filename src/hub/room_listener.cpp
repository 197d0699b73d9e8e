#include "hub/room_listener.hpp"

#include <atomic>
#include <limits>

namespace nadoo::hub {
namespace {

/// Counted down from the top: the transport counts its connections up from 1,
/// so the two never meet.
std::atomic<ConnectionId> next_listener_id{std::numeric_limits<ConnectionId>::max()};

}  // namespace

RoomListener::RoomListener(OnMessage on_message, OnGap on_gap)
    : id_(next_listener_id.fetch_sub(1, std::memory_order_relaxed)),
      on_message_(std::move(on_message)),
      on_gap_(std::move(on_gap)) {}

}  // namespace nadoo::hub

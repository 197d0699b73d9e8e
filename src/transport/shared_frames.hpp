#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

#include "hub/connection.hpp"

namespace nadoo::transport {

/// Bytes of whole frames, ready for the socket, kept alive by `owner`: a
/// chunk of `owner_bytes`, which is what holding them costs.
struct FrameBytes {
  std::shared_ptr<const void> owner;
  std::size_t owner_bytes = 0;
  const char* data = nullptr;
  std::size_t size = 0;
};

/// Room messages framed once per sending thread, not once per recipient:
/// each thread appends the text frames of the room messages it delivers, one
/// after another, to a chunk of its own, and every recipient's queue points
/// into it. A recipient that gets several of them in a row (a burst into its
/// room) then holds one contiguous span for all of them, which it writes with
/// one buffer of one sendmsg: no header, queue entry or reference count per
/// frame and recipient. A chunk is only appended to by its thread, never
/// changed where it is written, and freed with the last span into it.
class SharedFrames {
 public:
  /// A thread starts a new chunk of this size when the next frame does not
  /// fit (a larger frame gets a chunk of its own size): about 80 events of
  /// 200 bytes, and what a recipient that is behind is charged for holding
  /// a chunk (OutboundQueue::push_frames).
  static constexpr std::size_t chunk_bytes = 16 * 1024;

  /// The text frame of `payload`, in this thread's chunk. The same payload
  /// asked for again (the next recipient of one broadcast) gets the same
  /// bytes; one asked for right after another begins where it ends.
  /// The reference is valid until this thread's next call.
  static const FrameBytes& text_frame(const hub::SharedText& payload);
};

}  // namespace nadoo::transport

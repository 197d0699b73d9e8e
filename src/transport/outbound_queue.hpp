#pragma once

#include <sys/uio.h>

#include <array>
#include <cstddef>
#include <span>
#include <vector>

#include "hub/connection.hpp"
#include "hub/server_metrics.hpp"
#include "transport/rfc6455/frame_header.hpp"
#include "transport/shared_frames.hpp"
#include "util/spin_lock.hpp"

namespace nadoo::transport {

/// One connection's frames waiting to be written, bounded in bytes, and
/// written together: the session gathers every queued frame into one socket
/// write, so a broadcast that reaches a busy recipient several times costs it
/// one system call, and its reader one read.
///
/// Room messages come framed already (SharedFrames): one that begins where
/// the connection's last queued one ends joins its entry, so a burst into a
/// room is one entry and one buffer per recipient, however many messages.
///
/// Thread-safety: push() and push_frames() from any thread (broadcasts come
/// from every thread);
/// everything else from the connection's strand only. Keeps the process-wide
/// queue gauges in ServerMetrics up to date.
class OutboundQueue {
 public:
  /// How a queued payload goes on the wire.
  enum class Framing : std::uint8_t {
    raw,  // as it is: the HTTP handshake response
    text,
    binary,
    close,
    ping,
    pong,
    frames,  // whole text frames already (push_frames)
  };
  enum class Pushed {
    queued,        // a flush is already under way and will take it
    flush_needed,  // the caller must start a flush
    over_limit,    // not queued: the consumer is too slow
    after_close,   // not queued: the close frame is already queued
  };
  struct Gathered {
    std::size_t buffers = 0;  // used in the span given
    std::size_t bytes = 0;
  };
  struct Written {
    std::size_t messages = 0;  // text and binary frames now wholly written
    std::size_t bytes = 0;
    bool close_frame = false;  // the close frame has gone out
  };

  /// At most this many frames (a header and a payload buffer each) go into
  /// one sendmsg: 256 small events are about 50 KB, what a socket's send
  /// buffer takes at once anyway (IOV_MAX would allow 512).
  static constexpr std::size_t max_frames_per_write = 256;
  static constexpr std::size_t max_buffers_per_write = 2 * max_frames_per_write;
  using Headers = std::array<rfc6455::FrameHeader, max_frames_per_write>;
  using WriteBuffers = std::array<iovec, max_buffers_per_write>;

  explicit OutboundQueue(hub::ServerMetrics& metrics) : metrics_(metrics) {}
  ~OutboundQueue();
  OutboundQueue(const OutboundQueue&) = delete;
  OutboundQueue& operator=(const OutboundQueue&) = delete;

  /// Queues a frame. Text and binary frames count against `limit_bytes`
  /// (one larger than the limit still goes into an empty queue); control
  /// frames always go in, and a close frame is the last one accepted.
  /// Safe to call from any thread.
  Pushed push(hub::SharedText payload, Framing framing, std::size_t limit_bytes);
  /// Queues `last_message` (when given) and the close frame together, so
  /// that no other sender's frame comes between them. Safe from any thread.
  Pushed push_closing(hub::SharedText last_message, hub::SharedText close_payload);
  /// Queues text frames made by SharedFrames. Against `limit_bytes` they
  /// count as the chunks they keep alive: a chunk's whole size (at most a
  /// quarter of the limit) for the first frames in it, nothing for more
  /// frames in the same chunk (found among the last few entries), since a
  /// recipient that is behind keeps the chunk, other recipients' frames and
  /// all. Safe to call from any thread.
  /// `frames` is copied (and its chunk referenced) only when it starts an entry.
  Pushed push_frames(const FrameBytes& frames, std::size_t limit_bytes);
  /// Fills `buffers` with the next frames, their headers written into
  /// `headers`, skipping what a partial write already sent.
  Gathered gather(WriteBuffers& buffers, Headers& headers) const;
  /// Drops what the socket took.
  Written advance(std::size_t bytes);
  /// Ends the flush if nothing is left: true then, and the next push asks
  /// for a new flush.
  bool end_flush_if_empty();
  /// Drops every message and ping/pong not yet started (a partly written
  /// frame stays, since the stream must stay framed; the handshake answer
  /// and the close frame stay too) and takes no more but the close frame.
  void discard_unsent();

  std::size_t queued_bytes() const;

 private:
  /// A payload to frame (`owner` its string), or frames already made (`owner`
  /// their chunk), or the raw handshake answer.
  struct Entry {
    std::shared_ptr<const void> owner;
    const char* data;
    std::uint32_t size;
    std::uint32_t messages;    // text and binary messages in it
    std::uint32_t held_bytes;  // counted against the limit until it is written
    Framing framing;
  };
  void account(std::ptrdiff_t messages, std::ptrdiff_t bytes);
  void append_locked(hub::SharedText payload, Framing framing);
  void append_locked(Entry entry);
  /// What the entry is on the wire: its bytes, with the header it still needs.
  static std::size_t wire_bytes(const Entry& entry);
  /// After appending: a flush is needed unless one is under way.
  Pushed ask_for_flush_locked();

  hub::ServerMetrics& metrics_;
  mutable util::SpinLock lock_;
  // A vector with a moving head rather than a std::deque: an empty deque
  // still allocates over 500 bytes, which every idle connection would keep.
  std::vector<Entry> entries_;
  std::size_t head_ = 0;
  std::size_t front_written_bytes_ = 0;  // of the head frame, header included
  std::size_t queued_bytes_ = 0;         // of text and binary messages (frames: with their headers)
  std::size_t held_bytes_ = 0;           // what the limit counts (push_frames)
  bool flushing_ = false;
  bool closed_ = false;        // only a close frame may still be queued
  bool close_queued_ = false;  // nothing more may be queued
};

}  // namespace nadoo::transport

#pragma once

#include <atomic>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "hub/forwarding_connection.hpp"

namespace nadoo::hub {

/// Stands in a room for a connection whose history is still being read from
/// storage, so that the client gets its history first and then the live
/// messages, in order and none lost: joining the room before reading means no
/// message published meanwhile is missed, and the gate holds those messages
/// back until the history has been sent.
///
/// Thread-safety: every member function may be called from any thread.
class CatchUpGate final : public ForwardingConnection {
 public:
  /// Whether a held live message is not already part of the history sent.
  using IsNew = std::function<bool(const std::string& payload)>;

  /// Holds at most `held_bytes_limit` bytes of live messages; past it the
  /// client is closed with 1013, as a slow consumer would be.
  CatchUpGate(ConnectionPtr connection, std::size_t held_bytes_limit)
      : ForwardingConnection(std::move(connection)), held_bytes_limit_(held_bytes_limit) {}

  void send(SharedText message, MessageKind kind) override;

  /// Call once the history has been sent: sends the held messages that
  /// `is_new` keeps, in the order they came, then lets live messages through.
  void open(const IsNew& is_new);

 private:
  struct Held {
    SharedText message;
    MessageKind kind;
  };

  const std::size_t held_bytes_limit_;
  std::atomic<bool> open_{false};
  std::mutex mutex_;
  std::vector<Held> held_;
  std::size_t held_bytes_ = 0;
  bool overflowed_ = false;
};

}  // namespace nadoo::hub

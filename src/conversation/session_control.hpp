#pragma once

#include <boost/json/array.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "hub/hub.hpp"
#include "hub/room_listener.hpp"

namespace nadoo::conversation {

/// What the nodes of a cluster tell each other about one chat session, in
/// the nodes' room `cluster:chat:{session}`: the node running a generation
/// says when it starts streaming and when it has ended; a node whose client
/// cancels or interrupts it asks that node to stop it; a node that gets a
/// participant asks it for what was streamed so far (`catch_up`), and it
/// answers with a `snapshot`. On one node the same messages go nowhere but
/// back to it, and are ignored there.
///
/// Thread-safety: every member function may be called from any thread, but
/// listen and stop_listening from one at a time (the session's strand).
class SessionControl {
 public:
  enum class Kind { started, ended, cancel, interrupt, catch_up, snapshot };
  struct Message {
    explicit Message(Kind kind, std::string message_id = {}, std::string chat_id = {})
        : kind(kind), message_id(std::move(message_id)), chat_id(std::move(chat_id)) {}

    Kind kind;
    std::string message_id;  // empty in a catch_up
    std::string chat_id;     // started, snapshot
    std::string node;        // started, snapshot: the node that streams
    std::string user_id;     // started, snapshot: whose question it answers
    std::string request_id;  // catch_up, and the snapshot that answers it
    /// snapshot: the text deltas streamed so far, in order.
    std::vector<std::string> deltas;
    /// snapshot: the sources, when they have gone out.
    std::optional<boost::json::array> sources;
  };
  /// Called on any thread, with the other sessions' messages only.
  using OnMessage = std::function<void(Message)>;

  SessionControl(hub::Hub& hub, const std::string& session_id);

  /// Hears the other nodes from now on; `on_message` is kept (and what it
  /// holds stays alive) until stop_listening. Once only until then.
  void listen(OnMessage on_message);
  void stop_listening();
  bool is_listening() const { return listener_ != nullptr; }
  void send(const Message& message);

 private:
  hub::Hub& hub_;
  const hub::RoomId room_;
  /// Tells this session's own messages apart when they come back.
  const std::string origin_;
  std::shared_ptr<hub::RoomListener> listener_;
};

}  // namespace nadoo::conversation

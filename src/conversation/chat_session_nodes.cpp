// ChatSession's part that concerns the other nodes of a cluster: their
// control messages, catch-up from another node, and an answer lost with its node.
#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>

#include "conversation/chat_session.hpp"
#include "conversation/stream_events.hpp"
#include "protocol/server_message.hpp"
#include "util/random_id.hpp"

namespace nadoo::conversation {

namespace net = boost::asio;

void ChatSession::hear_other_nodes() {
  // A single node (--broker memory) has nobody to hear: no listener at all.
  if (!dependencies_.settings.other_nodes || control_.is_listening()) return;
  // Collects another node's deltas while one is followed: parsed only then.
  stream_listener_ = std::make_shared<hub::RoomListener>(
      [weak = weak_from_this(), following = following_remote_](const std::string& payload) {
        if (!following->load(std::memory_order_relaxed)) return;
        auto delta = parse_text_delta(payload);
        const auto self = weak.lock();
        if (!delta || !self) return;
        net::post(self->strand_, [self, delta = std::move(*delta)]() mutable {
          self->on_remote_delta(delta.message_id, delta.index, std::move(delta.text));
        });
      });
  dependencies_.hub.listen(stream_listener_, room_);
  // The listener keeps this session alive while it hears: a node with a
  // participant remembers another node's generation between its messages.
  control_.listen([self = shared_from_this()](SessionControl::Message message) {
    net::post(self->strand_,
              [self, message = std::move(message)]() mutable { self->on_control(std::move(message)); });
  });
}

void ChatSession::stop_hearing_if_idle() {
  const std::size_t listeners = stream_listener_ ? 1 : 0;
  if (active_ || remote_ || pending_ || !catch_ups_.empty() ||
      dependencies_.hub.local_members(room_) > listeners)
    return;
  control_.stop_listening();
  if (stream_listener_) dependencies_.hub.stop_listening(stream_listener_->id(), room_);
  stream_listener_.reset();
}

void ChatSession::on_control(SessionControl::Message message) {
  using Kind = SessionControl::Kind;
  switch (message.kind) {
    case Kind::started:
      return follow_remote(std::move(message));
    case Kind::ended:
      if (!remote_ || remote_->message_id != message.message_id) return;
      remote_.reset();
      following_remote_->store(false);
      remote_end_timer_.cancel();
      remote_watch_timer_.cancel();
      if (!active_) start_pending();
      return stop_hearing_if_idle();
    case Kind::cancel:
    case Kind::interrupt:
      if (!active_ || active_->message_id != message.message_id) return;
      return end_generation(message.kind == Kind::cancel ? "cancelled" : "interrupted");
    case Kind::catch_up:
      return answer_catch_up(message.request_id);
    case Kind::snapshot:
      finish_catch_up(message.request_id, &message);
      if (!active_) follow_remote(std::move(message));
      return;
  }
}

void ChatSession::follow_remote(SessionControl::Message message) {
  // A `started` heard before keeps the deltas collected since; a snapshot
  // that has more replaces them.
  if (remote_ && remote_->message_id == message.message_id && remote_->deltas.size() >= message.deltas.size())
    return;
  const bool watching = remote_.has_value();
  remote_ = RemoteGeneration{std::move(message.message_id), std::move(message.chat_id),
                             std::move(message.node),       std::move(message.user_id),
                             std::move(message.deltas),     std::chrono::steady_clock::now()};
  following_remote_->store(true, std::memory_order_relaxed);
  if (!watching) watch_remote();
}

void ChatSession::on_remote_delta(const std::string& message_id, std::size_t index, std::string text) {
  if (!remote_ || remote_->message_id != message_id || index != remote_->deltas.size()) return;
  remote_->deltas.push_back(std::move(text));
}

void ChatSession::watch_remote() {
  remote_watch_timer_.expires_after(std::chrono::milliseconds(250));
  remote_watch_timer_.async_wait([self = shared_from_this()](boost::system::error_code error) {
    if (error || !self->remote_) return;
    if (self->dependencies_.cluster.has_lost(self->remote_->node)) return self->lose_remote();
    self->watch_remote();
  });
}

void ChatSession::lose_remote() {
  auto lost = std::move(*remote_);
  remote_.reset();
  following_remote_->store(false, std::memory_order_relaxed);
  remote_end_timer_.cancel();
  spdlog::warn("chat session {}: node {} stopped while streaming {}; ending it here with {} deltas",
               session_id_, lost.node, lost.message_id, lost.deltas.size());
  std::string text;
  for (const auto& delta : lost.deltas) text += delta;
  const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - lost.seen_since;
  // Stored before response_end, as an answer that ends on its own node is.
  // Every node that follows it stores it; the first one's copy is kept.
  store::ChatMessage reply;
  reply.id = lost.message_id;
  reply.chat_id = lost.chat_id;
  reply.session_id = session_id_;
  reply.role = "assistant";
  reply.content = text;
  reply.user_id = lost.user_id;
  reply.created_at = protocol::utc_timestamp_now();
  reply.tokens_used = static_cast<int>(lost.deltas.size());
  reply.sources_json = "[]";
  reply.finish_reason = "error";
  const ResponseEnd end{lost.message_id, lost.chat_id, std::move(text), static_cast<int>(lost.deltas.size()),
                        elapsed.count(), "error"};
  dependencies_.storage.run_ordered_by(
      session_id_, strand_,
      [reply = std::move(reply)](store::Store& store) {
        store.append_message(reply);
        return true;
      },
      [self = shared_from_this(), end](store::StoreResult<bool> stored) {
        if (!stored.ok()) spdlog::error("chat session {}: the lost answer was not stored", self->session_id_);
        // Each node that follows it ends it for its own participants.
        auto& hub = self->dependencies_.hub;
        hub.publish_local(self->room_, protocol::error_message(
                                           "generation_lost",
                                           "The server streaming this answer stopped; what it streamed is "
                                           "kept in the history. Please ask again."));
        hub.publish_local(self->room_, response_end_event(end));
        if (!self->active_) self->start_pending();
        self->stop_hearing_if_idle();
      });
}

void ChatSession::join_with_catch_up(hub::ConnectionPtr connection) {
  hear_other_nodes();
  auto gate = std::make_shared<hub::CatchUpGate>(connection, dependencies_.settings.catch_up_limit_bytes);
  auto request_id = util::random_id("", 8);
  catch_ups_.emplace(
      request_id, WaitingCatchUp{std::move(connection), gate, std::make_unique<net::steady_timer>(strand_)});
  // Asked once the room is subscribed: what the other node streams after
  // its snapshot then reaches the gate.
  dependencies_.hub.join(gate, room_, [self = shared_from_this(), request_id] {
    net::post(self->strand_, [self, request_id] { self->ask_for_catch_up(request_id); });
  });
}

void ChatSession::ask_for_catch_up(const std::string& request_id) {
  const auto waiting = catch_ups_.find(request_id);
  if (waiting == catch_ups_.end()) return;
  SessionControl::Message request(SessionControl::Kind::catch_up);
  request.request_id = request_id;
  control_.send(request);
  // Only a node that streams answers, within a Redis round trip (about a
  // millisecond); past this wait nothing streams, and what the gate held
  // (typing, say) goes out.
  auto& deadline = *waiting->second.deadline;
  deadline.expires_after(std::chrono::milliseconds(500));
  deadline.async_wait([self = shared_from_this(), request_id](boost::system::error_code error) {
    if (!error) self->finish_catch_up(request_id, nullptr);
  });
}

void ChatSession::answer_catch_up(const std::string& request_id) {
  if (!active_ || active_->phase == Phase::preparing)
    return;  // response_start not out yet: nothing to catch up
  const auto& generation = *active_;
  SessionControl::Message snapshot(SessionControl::Kind::snapshot, generation.message_id,
                                   generation.prepared->chat.id);
  snapshot.request_id = request_id;
  snapshot.node = dependencies_.cluster.node_id();
  snapshot.user_id = generation.request.user_id;
  std::size_t begin = 0;
  for (const auto end : generation.delta_ends) {
    snapshot.deltas.emplace_back(std::string_view(generation.text).substr(begin, end - begin));
    begin = end;
  }
  if (generation.sources_sent) snapshot.sources = generation.sources;
  control_.send(snapshot);
}

void ChatSession::finish_catch_up(const std::string& request_id, const SessionControl::Message* snapshot) {
  const auto found = catch_ups_.find(request_id);
  if (found == catch_ups_.end()) return;  // another node's, or already finished
  auto waiting = std::move(found->second);
  catch_ups_.erase(found);
  waiting.deadline->cancel();
  if (!snapshot) return waiting.gate->open([](const std::string&) { return true; });
  const auto& connection = waiting.connection;
  connection->send(response_start_event(snapshot->message_id, snapshot->chat_id));
  for (std::size_t index = 0; index < snapshot->deltas.size(); ++index)
    connection->send(text_delta_event(snapshot->deltas[index], index, snapshot->message_id));
  if (snapshot->sources) connection->send(sources_event(*snapshot->sources, snapshot->message_id));
  waiting.gate->open([snapshot](const std::string& payload) {
    return !was_caught_up(payload, snapshot->message_id, snapshot->deltas.size(),
                          snapshot->sources.has_value());
  });
}

void ChatSession::interrupt_remote() {
  control_.send(SessionControl::Message(SessionControl::Kind::interrupt, remote_->message_id));
  // Its node stores what it streamed and says `ended` within milliseconds;
  // one that does not has stopped (or lost Redis), and this one goes ahead.
  remote_end_timer_.expires_after(std::chrono::seconds(3));
  remote_end_timer_.async_wait([self = shared_from_this()](boost::system::error_code error) {
    if (error || !self->remote_) return;
    spdlog::warn("chat session {}: the node streaming {} did not end it; starting here", self->session_id_,
                 self->remote_->message_id);
    self->remote_.reset();
    if (!self->active_) self->start_pending();
  });
}

}  // namespace nadoo::conversation

// ChatSession's part that concerns the other nodes of a cluster: their
// control messages, catch-up from another node, and an answer lost with its node.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/post.hpp>
#include <boost/json/parse.hpp>

#include "conversation/chat_session.hpp"
#include "conversation/stream_events.hpp"
#include "protocol/server_message.hpp"
#include "util/random_id.hpp"
#include "util/utc_timestamp.hpp"

namespace nadoo::conversation {

namespace net = boost::asio;

namespace {

/// Answers a gap fill replays at most, and answers a session remembers as
/// seen: far more than one session streams during an outage.
constexpr std::size_t max_replayed_answers = 32;

}  // namespace

void ChatSession::hear_other_nodes() {
  // A single node (--broker memory) has nobody to hear: no listener at all.
  if (!dependencies_.settings.other_nodes || control_.is_listening()) return;
  // Collects another node's deltas while one is followed: parsed only then.
  stream_listener_ = std::make_shared<hub::RoomListener>(
      [weak = weak_from_this(), following = following_remote_](const std::string& payload) {
        if (!following->load(std::memory_order_relaxed)) return;
        const auto self = weak.lock();
        if (!self) return;
        if (auto delta = parse_text_delta(payload)) {
          return net::post(self->strand_, [self, delta = std::move(*delta)]() mutable {
            self->on_remote_delta(delta.message_id, delta.index, std::move(delta.text));
          });
        }
        if (auto message_id = sources_message_id(payload)) {
          net::post(self->strand_, [self, message_id = std::move(*message_id)] {
            if (self->remote_ && self->remote_->message_id == message_id) self->remote_->sources_seen = true;
          });
        }
      },
      [weak = weak_from_this()](std::chrono::system_clock::time_point since) {
        if (const auto self = weak.lock())
          net::post(self->strand_, [self, since] { self->on_gap_closed(since); });
      });
  dependencies_.hub.listen(stream_listener_, room_);
  // The listener keeps this session alive while it hears: a node with a
  // participant remembers another node's generation between its messages.
  control_.listen([self = shared_from_this()](SessionControl::Message message) {
    // Set here, on the delivering thread, not on the strand: the deltas that
    // follow `started` arrive next, and the listener must collect them.
    if (message.kind == SessionControl::Kind::started) self->following_remote_->store(true);
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
      // Two nodes each started one before hearing of the other: the greater
      // message id goes on, whichever node decides, so exactly one does; the
      // other ends `interrupted`, as the later of two chats on one node would.
      if (active_ && active_->phase != Phase::finishing) {
        if (message.message_id < active_->message_id) {  // its node ends it on our `started`
          following_remote_->store(remote_.has_value());
          return;
        }
        end_generation("interrupted");
      }
      return follow_remote(std::move(message));
    case Kind::ended:
      if (!remote_ || remote_->message_id != message.message_id) return;
      return forget_remote();
    case Kind::cancel:
    case Kind::interrupt:
      if (!active_ || active_->message_id != message.message_id) return;
      return end_generation(message.kind == Kind::cancel ? "cancelled" : "interrupted");
    case Kind::catch_up:
      return answer_catch_up(message.request_id);
    case Kind::snapshot:
      if (!gap_request_id_.empty() && message.request_id == gap_request_id_) fill_from_snapshot(message);
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
  seen_here(message.message_id);
  remote_ = RemoteGeneration{std::move(message.message_id), std::move(message.chat_id),
                             std::move(message.node),       std::move(message.user_id),
                             std::move(message.deltas),     std::chrono::steady_clock::now()};
  following_remote_->store(true, std::memory_order_relaxed);
  if (!watching) watch_remote();
}

void ChatSession::on_remote_delta(const std::string& message_id, std::size_t index, std::string text) {
  if (!remote_ || remote_->message_id != message_id || index < remote_->deltas.size()) return;
  auto& remote = *remote_;
  if (index > remote.deltas.size()) {
    remote.early.emplace(index, std::move(text));
    return;
  }
  remote.deltas.push_back(std::move(text));
  absorb_early_deltas(remote);
}

void ChatSession::absorb_early_deltas(RemoteGeneration& remote) {
  for (auto next = remote.early.begin(); next != remote.early.end() && next->first <= remote.deltas.size();
       next = remote.early.erase(next)) {
    if (next->first == remote.deltas.size()) remote.deltas.push_back(std::move(next->second));
  }
}

void ChatSession::forget_remote() {
  remote_.reset();
  following_remote_->store(false);
  remote_end_timer_.cancel();
  remote_watch_timer_.cancel();
  gap_request_id_.clear();
  gap_timer_.cancel();
  gap_fill_attempts_ = 0;
  if (!active_) start_pending();
  stop_hearing_if_idle();
}

void ChatSession::on_gap_closed(std::chrono::system_clock::time_point since) {
  if (remote_) return ask_for_gap_snapshot();
  // created_at comes from the clock of the node that stored the answer.
  const auto created_since = util::format_utc_timestamp(since - std::chrono::seconds(5));
  dependencies_.storage.run_ordered_by(
      session_id_, strand_,
      [session_id = session_id_, created_since](store::Store& store) {
        return store.session_answers_since(session_id, created_since, max_replayed_answers);
      },
      [self = shared_from_this()](store::StoreResult<std::vector<store::ChatMessage>> answers) {
        if (answers.ok()) {
          for (const auto& answer : *answers.value)
            if (!self->was_seen_here(answer.id)) self->replay_stored_answer(answer);
        }
        if (!self->remote_ && !self->active_) self->ask_for_gap_snapshot();
      });
}

void ChatSession::replay_stored_answer(const store::ChatMessage& answer) {
  seen_here(answer.id);
  auto& hub = dependencies_.hub;
  hub.publish_local(room_, response_start_event(answer.id, answer.chat_id));
  if (!answer.content.empty()) hub.publish_local(room_, text_delta_event(answer.content, 0, answer.id));
  if (answer.sources_json != "[]") {
    boost::system::error_code error;
    const auto sources = boost::json::parse(answer.sources_json, error);
    if (!error && sources.is_array()) hub.publish_local(room_, sources_event(sources.get_array(), answer.id));
  }
  // Its time to answer was not stored: 0.
  hub.publish_local(room_, response_end_event({answer.id, answer.chat_id, answer.content, answer.tokens_used,
                                               0, answer.finish_reason}));
}

void ChatSession::seen_here(const std::string& message_id) {
  if (was_seen_here(message_id)) return;
  answers_seen_here_.push_back(message_id);
  if (answers_seen_here_.size() > max_replayed_answers) answers_seen_here_.pop_front();
}

bool ChatSession::was_seen_here(const std::string& message_id) const {
  return std::find(answers_seen_here_.begin(), answers_seen_here_.end(), message_id) !=
         answers_seen_here_.end();
}

void ChatSession::ask_for_gap_snapshot() {
  gap_request_id_ = util::random_id("gap-", 8);
  SessionControl::Message request(SessionControl::Kind::catch_up);
  request.request_id = gap_request_id_;
  control_.send(request);
  // A node that still streams answers within a Redis round trip, as for a
  // joining participant's catch-up.
  gap_timer_.expires_after(std::chrono::milliseconds(500));
  gap_timer_.async_wait([self = shared_from_this()](boost::system::error_code error) {
    if (!error) self->fill_from_store();
  });
}

void ChatSession::fill_from_snapshot(const SessionControl::Message& snapshot) {
  gap_request_id_.clear();
  gap_timer_.cancel();
  gap_fill_attempts_ = 0;
  auto& hub = dependencies_.hub;
  if (!remote_ && !active_ && !was_seen_here(snapshot.message_id)) {
    // It started while Redis was down: everything so far, by index (a delta
    // that came live since is sent again at its index), then it is followed.
    hub.publish_local(room_, response_start_event(snapshot.message_id, snapshot.chat_id));
    for (std::size_t index = 0; index < snapshot.deltas.size(); ++index)
      hub.publish_local(room_, text_delta_event(snapshot.deltas[index], index, snapshot.message_id));
    if (snapshot.sources) hub.publish_local(room_, sources_event(*snapshot.sources, snapshot.message_id));
    return;
  }
  if (!remote_ || remote_->message_id != snapshot.message_id) return;
  auto& remote = *remote_;
  // What the participants here missed, by index; a client places a delta
  // by its index, and response_end's full_response is the whole text.
  for (std::size_t index = remote.deltas.size(); index < snapshot.deltas.size(); ++index) {
    if (!remote.early.contains(index))
      hub.publish_local(room_, text_delta_event(snapshot.deltas[index], index, snapshot.message_id));
  }
  if (snapshot.sources && !remote.sources_seen) {
    hub.publish_local(room_, sources_event(*snapshot.sources, snapshot.message_id));
    remote.sources_seen = true;
  }
  remote.deltas = snapshot.deltas;
  absorb_early_deltas(remote);
}

void ChatSession::fill_from_store() {
  if (!remote_) return;
  gap_request_id_.clear();
  dependencies_.storage.run_ordered_by(
      session_id_, strand_,
      [chat_id = remote_->chat_id, message_id = remote_->message_id,
       limit = dependencies_.settings.catch_up_limit_bytes](store::Store& store) -> store::ChatMessage {
        for (auto& message : store.recent_messages(chat_id, limit))
          if (message.id == message_id) return std::move(message);
        return {};
      },
      [self = shared_from_this(), message_id = remote_->message_id](
          store::StoreResult<store::ChatMessage> answer) { self->on_stored_answer(message_id, answer); });
}

void ChatSession::on_stored_answer(const std::string& message_id,
                                   const store::StoreResult<store::ChatMessage>& answer) {
  if (!remote_ || remote_->message_id != message_id) return;
  if (!answer.ok() || answer.value->id.empty()) {
    // Not stored yet (its node stores it before it ends it), or storage is
    // down: ask again; after three tries the answer is taken as lost.
    if (++gap_fill_attempts_ < 3) return ask_for_gap_snapshot();
    gap_fill_attempts_ = 0;
    return lose_remote();
  }
  const auto& stored = *answer.value;
  auto& remote = *remote_;
  auto& hub = dependencies_.hub;
  std::string seen;
  for (const auto& delta : remote.deltas) seen += delta;
  // The rest of the text as one delta, when what came here is its start.
  if (remote.early.empty() && stored.content.size() > seen.size() && stored.content.starts_with(seen)) {
    hub.publish_local(room_, text_delta_event(std::string_view(stored.content).substr(seen.size()),
                                              remote.deltas.size(), message_id));
  }
  if (!remote.sources_seen && stored.sources_json != "[]") {
    boost::system::error_code error;
    const auto sources = boost::json::parse(stored.sources_json, error);
    if (!error && sources.is_array())
      hub.publish_local(room_, sources_event(sources.get_array(), message_id));
  }
  const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - remote.seen_since;
  hub.publish_local(room_, response_end_event({message_id, stored.chat_id, stored.content, stored.tokens_used,
                                               elapsed.count(), stored.finish_reason}));
  spdlog::info("chat session {}: {} ended on its node during a broker gap; ended here from storage",
               session_id_, message_id);
  forget_remote();
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

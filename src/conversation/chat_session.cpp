#include "conversation/chat_session.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>

#include "conversation/model_request_builder.hpp"
#include "conversation/stream_events.hpp"
#include "protocol/server_message.hpp"
#include "util/json_serialize.hpp"
#include "util/random_id.hpp"

namespace nadoo::conversation {

namespace net = boost::asio;

ChatSession::ChatSession(std::string session_id, ChatDependencies& dependencies)
    : session_id_(std::move(session_id)),
      room_(hub::chat_room(session_id_)),
      dependencies_(dependencies),
      strand_(net::make_strand(dependencies.io_context)),
      control_(dependencies.hub, session_id_),
      remote_end_timer_(strand_),
      remote_watch_timer_(strand_),
      gap_timer_(strand_) {}

void ChatSession::submit(hub::ConnectionPtr sender, ChatRequest request) {
  net::post(strand_, [self = shared_from_this(),
                      pending = PendingRequest{std::move(sender), std::move(request)}]() mutable {
    if (!self->active_ && !self->remote_) return self->start(std::move(pending));
    // A newer request replaces any older one still waiting.
    self->pending_ = std::move(pending);
    if (!self->active_) return self->interrupt_remote();
    self->end_generation("interrupted");
  });
}

void ChatSession::cancel(hub::ConnectionPtr sender, std::optional<std::string> message_id) {
  net::post(
      strand_, [self = shared_from_this(), sender = std::move(sender), message_id = std::move(message_id)] {
        const auto& active = self->active_;
        if (!active && self->remote_) {  // streaming on another node: ask it
          if (message_id && *message_id != self->remote_->message_id) {
            return self->reply_error(sender, "not_found", "The streaming response is not " + *message_id);
          }
          return self->control_.send(
              SessionControl::Message(SessionControl::Kind::cancel, self->remote_->message_id));
        }
        if (!active || active->phase == Phase::finishing) {
          return self->reply_error(sender, "not_found", "No response is streaming in this session");
        }
        if (message_id && *message_id != active->message_id) {
          return self->reply_error(sender, "not_found", "The streaming response is not " + *message_id);
        }
        self->end_generation("cancelled");
      });
}

void ChatSession::join(hub::ConnectionPtr connection) {
  net::post(strand_, [self = shared_from_this(), connection = std::move(connection)]() mutable {
    const auto& active = self->active_;
    if (active && active->phase != Phase::preparing) {
      // response_start has gone out: replay it and the deltas so far.
      connection->send(response_start_event(active->message_id, active->prepared->chat.id));
      std::size_t begin = 0;
      for (std::size_t index = 0; index < active->delta_ends.size(); ++index) {
        const auto end = active->delta_ends[index];
        connection->send(text_delta_event(std::string_view(active->text).substr(begin, end - begin), index,
                                          active->message_id));
        begin = end;
      }
      if (active->sources_sent) connection->send(sources_event(active->sources, active->message_id));
    }
    // Another node may be streaming, unless this one streams or already
    // hears the others and knows that none does.
    const bool known_idle = self->control_.is_listening() && !self->remote_;
    if (!active && self->dependencies_.settings.other_nodes && !known_idle) {
      return self->join_with_catch_up(std::move(connection));
    }
    self->dependencies_.hub.join(connection, self->room_);
    self->hear_other_nodes();
  });
}

void ChatSession::relay(hub::SharedText message, hub::ConnectionId sender) {
  net::post(strand_, [self = shared_from_this(), message = std::move(message), sender]() mutable {
    self->dependencies_.hub.publish(self->room_, std::move(message), sender);
  });
}

void ChatSession::connection_left() {
  net::post(strand_, [self = shared_from_this()] { self->stop_hearing_if_idle(); });
}

void ChatSession::stop() {
  net::post(strand_, [self = shared_from_this()] {
    self->pending_.reset();
    if (self->active_) self->end_generation("cancelled");
  });
}

void ChatSession::start(PendingRequest pending) {
  auto& generation = active_.emplace();
  generation.number = ++generations_started_;
  generation.message_id = util::random_id(store::message_id_prefix);
  seen_here(generation.message_id);
  generation.request = std::move(pending.request);
  generation.requester = pending.sender;
  generation.started_at = std::chrono::steady_clock::now();
  dependencies_.storage.run_ordered_by(
      session_id_, strand_,
      [request = generation.request, settings = dependencies_.settings](store::Store& store) {
        return prepare_generation(store, request, settings);
      },
      [self = shared_from_this(), number = generation.number](store::StoreResult<Preparation> result) {
        self->on_prepared(number, std::move(result));
      });
}

void ChatSession::on_prepared(std::uint64_t number, store::StoreResult<Preparation> result) {
  if (!is_current(number)) return;
  auto& generation = *active_;
  if (!result.ok() || result.value->failure != PreparationFailure::none) {
    if (auto requester = generation.requester.lock()) {
      if (!result.ok()) {
        reply_error(requester, "internal_error", "Storage failed; the message was not saved. Please retry.");
      } else if (result.value->failure == PreparationFailure::application_not_found) {
        reply_error(requester, "application_not_found",
                    "No application " + generation.request.application_id);
      } else {
        reply_error(
            requester, "forbidden",
            "Chat " + generation.request.chat_id.value_or("") + " belongs to another user or application");
      }
    }
    active_.reset();
    start_pending();
    return stop_hearing_if_idle();
  }
  generation.prepared = std::move(result.value->prepared);
  generation.phase = Phase::retrieving;
  publish(response_start_event(generation.message_id, generation.prepared->chat.id));
  hear_other_nodes();
  if (dependencies_.settings.other_nodes) {  // the nodes of the session's other participants
    SessionControl::Message started(SessionControl::Kind::started, generation.message_id,
                                    generation.prepared->chat.id);
    started.node = dependencies_.cluster.node_id();
    started.user_id = generation.request.user_id;
    control_.send(started);
  }
  if (generation.finish_requested) return finish(*generation.finish_requested);
  retrieve_knowledge();
}

void ChatSession::retrieve_knowledge() {
  const auto& generation = *active_;
  const auto& knowledge_base_ids = generation.prepared->application.knowledge_base_ids;
  if (knowledge_base_ids.empty()) return stream_with({});
  // After response_start, not before it, and on the reader, not the
  // session's lane: the search is the longest part of preparing (three
  // quarters of its storage time on SQLite), the answer needs it but the
  // saved question does not, and it needs no order with other calls.
  dependencies_.storage.run_read_only(
      strand_,
      [knowledge_base_ids, question = generation.request.content,
       chunks = dependencies_.settings.knowledge_chunks](store::Store& store) {
        return store.search_chunks(knowledge_base_ids, question, chunks);
      },
      [self = shared_from_this(),
       number = generation.number](store::StoreResult<std::vector<store::ScoredChunk>> result) {
        self->on_retrieved(number, std::move(result));
      });
}

void ChatSession::on_retrieved(std::uint64_t number,
                               store::StoreResult<std::vector<store::ScoredChunk>> result) {
  if (!is_current(number) || active_->phase != Phase::retrieving) return;
  if (!result.ok()) {
    publish(protocol::error_message("internal_error",
                                    "Storage failed while retrieving knowledge; please retry."));
    return finish("error");
  }
  stream_with(std::move(*result.value));
}

void ChatSession::stream_with(std::vector<store::ScoredChunk> knowledge) {
  auto& generation = *active_;
  generation.prepared->knowledge = std::move(knowledge);
  generation.sources = sources_array(generation.prepared->knowledge);
  generation.phase = Phase::streaming;
  start_stream();
}

void ChatSession::start_stream() {
  auto& generation = *active_;
  const auto& application = generation.prepared->application;
  auto* provider = dependencies_.providers.find(application.provider);
  if (!provider) {
    publish(protocol::error_message("provider_error", "Unknown model provider " + application.provider));
    return finish("error");
  }
  // Provider events may come from any thread: each is moved onto the strand.
  const auto on_strand = [self = shared_from_this()](auto handler) {
    net::post(self->strand_, std::move(handler));
  };
  const auto number = generation.number;
  ai::StreamHandlers handlers{[self = shared_from_this(), on_strand, number](std::string text) {
                                on_strand([self, number, text = std::move(text)]() mutable {
                                  self->on_delta(number, std::move(text));
                                });
                              },
                              [self = shared_from_this(), on_strand, number](ai::ModelCompletion completion) {
                                on_strand([self, number, completion = std::move(completion)]() mutable {
                                  self->on_complete(number, std::move(completion));
                                });
                              },
                              [self = shared_from_this(), on_strand, number](ai::ModelError error) {
                                on_strand([self, number, error = std::move(error)]() mutable {
                                  self->on_error(number, std::move(error));
                                });
                              }};
  generation.stream = provider->stream(build_model_request(*generation.prepared, generation.request.content),
                                       std::move(handlers));
}

void ChatSession::on_delta(std::uint64_t number, std::string text) {
  if (!is_current(number) || active_->phase != Phase::streaming || text.empty()) return;
  auto& generation = *active_;
  const auto index = generation.delta_ends.size();
  generation.text += text;
  generation.delta_ends.push_back(generation.text.size());
  publish(text_delta_event(text, index, generation.message_id));
}

void ChatSession::on_complete(std::uint64_t number, ai::ModelCompletion completion) {
  if (!is_current(number) || active_->phase != Phase::streaming) return;
  active_->usage = completion.usage;
  finish(completion.finish_reason);
}

void ChatSession::on_error(std::uint64_t number, ai::ModelError error) {
  if (!is_current(number) || active_->phase != Phase::streaming) return;
  publish(protocol::error_message(ai::model_error_code_name(error.code), error.message));
  finish("error");
}

void ChatSession::end_generation(std::string reason) {
  auto& generation = *active_;
  switch (generation.phase) {
    case Phase::preparing:
      generation.finish_requested = std::move(reason);
      return;
    case Phase::retrieving:
      return finish(std::move(reason));
    case Phase::streaming:
      if (generation.stream) generation.stream->cancel();
      return finish(std::move(reason));
    case Phase::finishing:
      return;  // the pending request starts once this one is stored
  }
}

void ChatSession::finish(std::string reason) {
  auto& generation = *active_;
  generation.phase = Phase::finishing;
  generation.stream.reset();
  if (!generation.sources.empty()) {
    publish(sources_event(generation.sources, generation.message_id));
    generation.sources_sent = true;
  }
  std::size_t prompt_characters = generation.request.content.size();
  for (const auto& message : generation.prepared->history) prompt_characters += message.content.size();
  for (const auto& scored : generation.prepared->knowledge) prompt_characters += scored.chunk.content.size();

  store::ChatMessage reply;
  reply.id = generation.message_id;
  reply.chat_id = generation.prepared->chat.id;
  reply.session_id = session_id_;
  reply.role = "assistant";
  reply.content = generation.text;
  reply.user_id = generation.request.user_id;
  reply.created_at = protocol::utc_timestamp_now();
  generation.tokens_used =
      generation.usage ? generation.usage->total_tokens
                       : estimate_tokens(prompt_characters) + static_cast<int>(generation.delta_ends.size());
  reply.tokens_used = generation.tokens_used;
  reply.sources_json = util::serialize_json(generation.sources);
  reply.finish_reason = reason;
  // The answer is stored before response_end, whatever ended it.
  dependencies_.storage.run_ordered_by(
      session_id_, strand_,
      [reply](store::Store& store) {
        store.append_message(reply);
        return true;
      },
      [self = shared_from_this(), number = generation.number,
       reason = std::move(reason)](store::StoreResult<bool> stored) mutable {
        if (!stored.ok()) spdlog::error("chat session {}: the answer was not stored", self->session_id_);
        self->on_persisted(number, std::move(reason));
      });
}

void ChatSession::on_persisted(std::uint64_t number, std::string reason) {
  if (!is_current(number)) return;
  const auto& generation = *active_;
  const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - generation.started_at;
  publish(response_end_event(ResponseEnd{generation.message_id, generation.prepared->chat.id, generation.text,
                                         generation.tokens_used, elapsed.count(), std::move(reason)}));
  if (dependencies_.settings.other_nodes)
    control_.send(SessionControl::Message(SessionControl::Kind::ended, generation.message_id));
  active_.reset();
  start_pending();
  stop_hearing_if_idle();
}

void ChatSession::start_pending() {
  if (!pending_) return;
  auto next = std::move(*pending_);
  pending_.reset();
  start(std::move(next));
}

void ChatSession::publish(hub::SharedText message) { dependencies_.hub.publish(room_, std::move(message)); }

void ChatSession::reply_error(const hub::ConnectionPtr& to, std::string_view code, std::string_view message) {
  if (to) to->send(protocol::error_message(code, message));
}

}  // namespace nadoo::conversation

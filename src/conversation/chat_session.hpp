#pragma once

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/json/array.hpp>
#include <chrono>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "ai/model_provider.hpp"
#include "conversation/chat_request.hpp"
#include "conversation/generation_preparation.hpp"
#include "conversation/model_providers.hpp"
#include "conversation/session_control.hpp"
#include "hub/catch_up_gate.hpp"
#include "hub/cluster_stats.hpp"
#include "hub/hub.hpp"
#include "store/storage_executor.hpp"

namespace nadoo::conversation {

/// What every chat session uses.
struct ChatDependencies {
  boost::asio::io_context& io_context;
  hub::Hub& hub;
  /// This node's name, and which other nodes are gone.
  const hub::ClusterStats& cluster;
  store::StorageExecutor& storage;
  ModelProviders providers;
  ChatSettings settings;
};

/// One chat session (`/ws/chat/{session_id}`): at most one generation at a
/// time, streamed to the session's room and persisted however it ends.
///
/// Across nodes (SessionControl): the generation runs on the node that got
/// the `chat`; every node with a participant hears when it starts and ends,
/// and forwards its participants' `cancel` and interrupting `chat` to it. An
/// interrupting `chat` starts here once the other node's generation ended.
///
/// Thread-safety: the public functions may be called from any thread; all
/// state lives on the session's strand. Everything the room receives is
/// published from that strand, after the joins that came before it, so a
/// client that has seen `connected` misses nothing sent afterwards. A session keeps itself alive while
/// work is in flight (storage calls, a model stream) and holds no state
/// otherwise, so it may be dropped and recreated between generations.
class ChatSession : public std::enable_shared_from_this<ChatSession> {
 public:
  ChatSession(std::string session_id, ChatDependencies& dependencies);

  /// Starts a generation; one that is streaming is interrupted first.
  void submit(hub::ConnectionPtr sender, ChatRequest request);
  /// Cancels the generation (only if its id is `message_id`, when given).
  void cancel(hub::ConnectionPtr sender, std::optional<std::string> message_id);
  /// Brings a new connection up to date with a generation in progress, then
  /// adds it to the room, so that it misses nothing and sees nothing twice.
  void join(hub::ConnectionPtr connection);
  /// Sends a participant's message (typing) to the others in the room.
  void relay(hub::SharedText message, hub::ConnectionId sender);
  /// A participant's connection closed: the session stops hearing the other
  /// nodes once nothing here needs them.
  void connection_left();
  /// Ends a generation in progress as cancelled (server shutdown).
  void stop();

 private:
  /// preparing: the question is being saved; retrieving: response_start
  /// has gone out, the knowledge is being searched; streaming: the model answers.
  enum class Phase { preparing, retrieving, streaming, finishing };

  struct Generation {
    std::uint64_t number = 0;
    std::string message_id;
    ChatRequest request;
    std::weak_ptr<hub::Connection> requester;
    std::chrono::steady_clock::time_point started_at;
    Phase phase = Phase::preparing;
    std::optional<PreparedGeneration> prepared;
    /// Asked while preparing: the finish reason to apply once prepared.
    std::optional<std::string> finish_requested;
    std::string text;
    std::vector<std::size_t> delta_ends;  // end of each delta in `text`, for catch-up
    boost::json::array sources;
    bool sources_sent = false;
    std::optional<ai::TokenUsage> usage;
    int tokens_used = 0;  // set when it finishes
    std::shared_ptr<ai::ModelStream> stream;
  };

  struct PendingRequest {
    hub::ConnectionPtr sender;
    ChatRequest request;
  };

  /// A participant who joined while another node may be streaming: held
  /// behind a gate until that node sent what it streamed so far.
  struct WaitingCatchUp {
    hub::ConnectionPtr connection;
    std::shared_ptr<hub::CatchUpGate> gate;
    std::unique_ptr<boost::asio::steady_timer> deadline;
  };

  /// A generation of this session that another node runs, as far as this
  /// node has seen it stream.
  struct RemoteGeneration {
    std::string message_id;
    std::string chat_id;
    std::string node;
    std::string user_id;
    /// What it streamed, from index 0 without a hole.
    std::vector<std::string> deltas;
    std::chrono::steady_clock::time_point seen_since;
    /// Deltas that came after a hole (a broker gap lost the ones before).
    std::map<std::size_t, std::string> early = {};
    bool sources_seen = false;
  };

  void start(PendingRequest pending);
  void on_prepared(std::uint64_t number, store::StoreResult<Preparation> result);
  void retrieve_knowledge();
  void on_retrieved(std::uint64_t number, store::StoreResult<std::vector<store::ScoredChunk>> result);
  /// Streams the answer, given what was retrieved for it.
  void stream_with(std::vector<store::ScoredChunk> knowledge);
  void start_stream();
  void on_delta(std::uint64_t number, std::string text);
  void on_complete(std::uint64_t number, ai::ModelCompletion completion);
  void on_error(std::uint64_t number, ai::ModelError error);
  /// Stops the generation with `reason` unless it is already finishing.
  void end_generation(std::string reason);
  void finish(std::string reason);
  void on_persisted(std::uint64_t number, std::string reason);
  void start_pending();
  void publish(hub::SharedText message);
  /// Hears the other nodes' control messages (a no-op when already hearing).
  void hear_other_nodes();
  /// Stops hearing them once nothing here needs them: no generation here or
  /// elsewhere, nothing pending, no participant on this node.
  void stop_hearing_if_idle();
  void on_control(SessionControl::Message message);
  /// Follows another node's generation from `started` or a `snapshot`.
  void follow_remote(SessionControl::Message message);
  void on_remote_delta(const std::string& message_id, std::size_t index, std::string text);
  /// Every 250 ms while following: has the streaming node gone?
  void watch_remote();
  /// The streaming node is gone: ends its answer here, with what it streamed.
  void lose_remote();
  /// Moves the early deltas that now follow the ones without a hole to them.
  static void absorb_early_deltas(RemoteGeneration& remote);
  /// The followed generation has ended: forgets it, then starts what waits.
  void forget_remote();
  /// A broker gap closed (messages lost from `since` on): the participants
  /// here may have missed part of the followed generation, or whole answers.
  /// Following one: asks its node for a snapshot; without an answer it has
  /// ended, and its stored answer ends it here (fill_from_store). Following
  /// none: replays the answers stored since, then asks what streams now.
  void on_gap_closed(std::chrono::system_clock::time_point since);
  void ask_for_gap_snapshot();
  void fill_from_snapshot(const SessionControl::Message& snapshot);
  /// Sends this node's participants a whole answer they never saw, stored.
  void replay_stored_answer(const store::ChatMessage& answer);
  /// Remembers that this node's participants saw (or are seeing) answer `message_id`.
  void seen_here(const std::string& message_id);
  bool was_seen_here(const std::string& message_id) const;
  void fill_from_store();
  void on_stored_answer(const std::string& message_id, const store::StoreResult<store::ChatMessage>& answer);
  /// Asks the other node to stop its generation so that `pending_` can start.
  void interrupt_remote();
  /// Joins `connection` through a gate and asks the other nodes for what
  /// they are streaming in this session.
  void join_with_catch_up(hub::ConnectionPtr connection);
  void ask_for_catch_up(const std::string& request_id);
  /// Answers another node's catch_up when this node streams.
  void answer_catch_up(const std::string& request_id);
  /// Sends what `snapshot` holds (none: nothing streams) and opens the gate.
  void finish_catch_up(const std::string& request_id, const SessionControl::Message* snapshot);
  void reply_error(const hub::ConnectionPtr& to, std::string_view code, std::string_view message);
  bool is_current(std::uint64_t number) const { return active_ && active_->number == number; }

  const std::string session_id_;
  const hub::RoomId room_;  // named once: every delta is published to it
  ChatDependencies& dependencies_;
  boost::asio::strand<boost::asio::io_context::executor_type> strand_;
  std::optional<Generation> active_;
  std::optional<PendingRequest> pending_;
  std::uint64_t generations_started_ = 0;
  SessionControl control_;
  std::optional<RemoteGeneration> remote_;
  /// How long an interrupted remote generation may take to end before its
  /// node is taken as gone and the pending request starts here.
  boost::asio::steady_timer remote_end_timer_;
  boost::asio::steady_timer remote_watch_timer_;
  /// A gap fill's catch_up waiting for its snapshot (empty: none), how long
  /// it waits, and how many times the stored answer was not found yet.
  std::string gap_request_id_;
  boost::asio::steady_timer gap_timer_;
  int gap_fill_attempts_ = 0;
  /// The latest answers this node's participants saw, newest last: a gap
  /// fill replays only the others.
  std::deque<std::string> answers_seen_here_;
  /// In the session's room while the control room is heard, to collect what
  /// another node streams; it drops everything while nothing is followed.
  std::shared_ptr<hub::RoomListener> stream_listener_;
  std::shared_ptr<std::atomic<bool>> following_remote_ = std::make_shared<std::atomic<bool>>(false);
  std::unordered_map<std::string, WaitingCatchUp> catch_ups_;  // by request id
};

}  // namespace nadoo::conversation

#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <functional>
#include <span>
#include <string>
#include <string_view>

#include "broker/redis/hiredis_asio.hpp"
#include "broker/redis/redis_address.hpp"

struct redisAsyncContext;
struct redisReply;

namespace nadoo::broker::redis {

/// One connection to Redis, driven from a strand: it resolves the host
/// without blocking, connects, signs in (AUTH, SELECT) and, whenever the
/// connection is lost or cannot be made, tries again after a backoff that
/// doubles from 100 ms up to 2 s.
///
/// Thread-safety: construct anywhere; every other member function runs on
/// the strand, and so do the callbacks.
class RedisConnection {
 public:
  struct Callbacks {
    /// Signed in: commands may be sent.
    std::function<void()> ready;
    /// The connection that was ready is gone; commands in flight got a null
    /// reply. A reconnection is already scheduled.
    std::function<void()> lost;
  };
  /// Called with the reply, or with null when the connection was lost first.
  using ReplyHandler = void (*)(redisAsyncContext*, void* reply, void* privdata);

  /// `name` says which connection a log line is about ("publish", "subscribe").
  RedisConnection(Strand strand, RedisAddress address, std::string name, Callbacks callbacks);
  ~RedisConnection();
  RedisConnection(const RedisConnection&) = delete;
  RedisConnection& operator=(const RedisConnection&) = delete;

  void start();
  /// Closes the connection for good; no callback comes after.
  void stop();
  bool is_ready() const { return ready_; }
  /// Drops the connection as if it were lost (e.g. it stopped answering) and reconnects.
  void reconnect(std::string_view why);

  /// Queues a command (one argument per element, binary-safe) with the
  /// function its reply goes to; false when not ready (nothing was queued).
  /// hiredis writes what was queued on one wake-up in one write.
  bool command(std::span<const std::string_view> arguments, ReplyHandler handler, void* privdata);

 private:
  void resolve();
  void connect(const boost::asio::ip::tcp::endpoint& endpoint);
  void sign_in();
  void on_connected(int status);
  void on_disconnected();
  void schedule_retry();
  void command_unchecked(std::span<const std::string_view> arguments, ReplyHandler handler, void* privdata);
  /// Frees the context without the disconnect callback acting on it.
  void drop_context();

  Strand strand_;
  const RedisAddress address_;
  const std::string name_;
  Callbacks callbacks_;
  boost::asio::ip::tcp::resolver resolver_;
  boost::asio::steady_timer retry_timer_;
  boost::asio::steady_timer connect_timer_;
  redisAsyncContext* context_ = nullptr;
  bool ready_ = false;
  bool stopped_ = false;
  /// Whether a loss was already logged since the last ready: an outage logs once, not once per retry.
  bool outage_logged_ = false;
  std::chrono::milliseconds backoff_;
};

}  // namespace nadoo::broker::redis

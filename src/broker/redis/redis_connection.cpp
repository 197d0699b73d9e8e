#include "broker/redis/redis_connection.hpp"

#include <hiredis/async.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <boost/asio/bind_executor.hpp>
#include <vector>

namespace nadoo::broker::redis {
namespace {

namespace net = boost::asio;
using namespace std::chrono_literals;

constexpr std::chrono::milliseconds first_backoff = 100ms;
/// Cross-node delivery must resume within 3 s of Redis coming back (issue
/// 12): a retry every 2 s at worst, plus the connection and resubscription.
constexpr std::chrono::milliseconds longest_backoff = 2000ms;
/// A connect that a blackholed address never answers is given up after this.
constexpr std::chrono::milliseconds connect_timeout = 2000ms;

RedisConnection* owner_of(const redisAsyncContext* context) {
  return static_cast<RedisConnection*>(context->data);
}

}  // namespace

RedisConnection::RedisConnection(Strand strand, RedisAddress address, std::string name, Callbacks callbacks)
    : strand_(std::move(strand)),
      address_(std::move(address)),
      name_(std::move(name)),
      callbacks_(std::move(callbacks)),
      resolver_(strand_),
      retry_timer_(strand_),
      connect_timer_(strand_),
      backoff_(first_backoff) {}

RedisConnection::~RedisConnection() { drop_context(); }

void RedisConnection::start() { resolve(); }

void RedisConnection::stop() {
  stopped_ = true;
  ready_ = false;
  resolver_.cancel();
  retry_timer_.cancel();
  connect_timer_.cancel();
  drop_context();
}

void RedisConnection::resolve() {
  if (stopped_) return;
  resolver_.async_resolve(
      address_.host, std::to_string(address_.port),
      net::bind_executor(strand_, [this](boost::system::error_code error,
                                         const net::ip::tcp::resolver::results_type& results) {
        if (error == net::error::operation_aborted || stopped_) return;
        if (error || results.empty()) {
          if (!outage_logged_)
            spdlog::warn("redis {}: cannot resolve {}: {}", name_, address_.host, error.message());
          outage_logged_ = true;
          return schedule_retry();
        }
        connect(results.begin()->endpoint());
      }));
}

void RedisConnection::connect(const net::ip::tcp::endpoint& endpoint) {
  // A numeric address: hiredis's own getaddrinfo then never waits for DNS.
  context_ = redisAsyncConnect(endpoint.address().to_string().c_str(), endpoint.port());
  if (!context_ || context_->err) {
    if (!outage_logged_) spdlog::warn("redis {}: {}", name_, context_ ? context_->errstr : "out of memory");
    outage_logged_ = true;
    if (context_) redisAsyncFree(context_);
    context_ = nullptr;
    return schedule_retry();
  }
  context_->data = this;
  drive_with_asio(context_, strand_);
  redisAsyncSetConnectCallback(context_, [](const redisAsyncContext* context, int status) {
    if (auto* owner = owner_of(context)) owner->on_connected(status);
  });
  redisAsyncSetDisconnectCallback(context_, [](const redisAsyncContext* context, int) {
    if (auto* owner = owner_of(context)) owner->on_disconnected();
  });
  connect_timer_.expires_after(connect_timeout);
  connect_timer_.async_wait(net::bind_executor(strand_, [this](boost::system::error_code error) {
    if (error || ready_ || !context_) return;
    reconnect("no answer within 2 s");
  }));
  sign_in();
}

void RedisConnection::sign_in() {
  // Queued now, written once connected; the PING's answer says Redis serves.
  const auto on_reply = [](redisAsyncContext* context, void* reply, void*) {
    auto* owner = owner_of(context);
    if (!owner || !reply) return;  // the context is being freed
    const auto* answer = static_cast<redisReply*>(reply);
    if (answer->type == REDIS_REPLY_ERROR) {
      // The error names the command (e.g. WRONGPASS), never the password.
      return owner->reconnect(std::string("refused the sign-in: ") + answer->str);
    }
    if (answer->type == REDIS_REPLY_STATUS && std::string_view(answer->str) == "PONG") {
      owner->connect_timer_.cancel();
      owner->ready_ = true;
      owner->backoff_ = first_backoff;
      if (owner->outage_logged_) spdlog::info("redis {}: connected again", owner->name_);
      owner->outage_logged_ = false;
      owner->callbacks_.ready();
    }
  };
  std::vector<std::string_view> auth{"AUTH"};
  if (!address_.user.empty()) auth.push_back(address_.user);
  auth.push_back(address_.password);
  const std::string database = std::to_string(address_.database);
  const std::string_view select[] = {"SELECT", database};
  const std::string_view ping[] = {"PING"};
  if (!address_.password.empty()) command_unchecked(auth, on_reply, nullptr);
  if (address_.database != 0) command_unchecked(select, on_reply, nullptr);
  command_unchecked(ping, on_reply, nullptr);
}

void RedisConnection::on_connected(int status) {
  if (status == REDIS_OK) return;  // signed in once the PING answers
  // hiredis frees the context after this callback.
  if (!outage_logged_)
    spdlog::warn("redis {}: cannot connect to {}:{}: {}", name_, address_.host, address_.port,
                 context_ ? context_->errstr : "");
  outage_logged_ = true;
  context_ = nullptr;
  connect_timer_.cancel();
  schedule_retry();
}

void RedisConnection::on_disconnected() {
  // hiredis frees the context after this callback.
  const bool was_ready = ready_;
  if (!outage_logged_) spdlog::warn("redis {}: connection lost: {}", name_, context_ ? context_->errstr : "");
  outage_logged_ = true;
  context_ = nullptr;
  ready_ = false;
  connect_timer_.cancel();
  schedule_retry();
  if (was_ready) callbacks_.lost();
}

void RedisConnection::reconnect(std::string_view why) {
  if (stopped_) return;
  const bool was_ready = ready_;
  if (!outage_logged_) spdlog::warn("redis {}: reconnecting: {}", name_, why);
  outage_logged_ = true;
  ready_ = false;
  connect_timer_.cancel();
  drop_context();
  schedule_retry();
  if (was_ready) callbacks_.lost();
}

void RedisConnection::schedule_retry() {
  if (stopped_) return;
  retry_timer_.expires_after(backoff_);
  backoff_ = std::min(backoff_ * 2, longest_backoff);
  retry_timer_.async_wait(net::bind_executor(strand_, [this](boost::system::error_code error) {
    if (!error) resolve();
  }));
}

void RedisConnection::drop_context() {
  if (!context_) return;
  context_->data = nullptr;  // its disconnect callback is not ours to act on
  redisAsyncFree(context_);  // deferred by hiredis until its callback returns, when called from one
  context_ = nullptr;
}

bool RedisConnection::command(std::span<const std::string_view> arguments, ReplyHandler handler,
                              void* privdata) {
  if (!ready_) return false;
  command_unchecked(arguments, handler, privdata);
  return true;
}

void RedisConnection::command_unchecked(std::span<const std::string_view> arguments, ReplyHandler handler,
                                        void* privdata) {
  // A PUBLISH has three arguments: no allocation for the common commands.
  constexpr std::size_t inline_arguments = 8;
  std::array<const char*, inline_arguments> inline_pointers;
  std::array<std::size_t, inline_arguments> inline_lengths;
  std::vector<const char*> many_pointers;
  std::vector<std::size_t> many_lengths;
  const char** pointers = inline_pointers.data();
  std::size_t* lengths = inline_lengths.data();
  if (arguments.size() > inline_arguments) {
    many_pointers.resize(arguments.size());
    many_lengths.resize(arguments.size());
    pointers = many_pointers.data();
    lengths = many_lengths.data();
  }
  for (std::size_t i = 0; i < arguments.size(); ++i) {
    pointers[i] = arguments[i].data();
    lengths[i] = arguments[i].size();
  }
  redisAsyncCommandArgv(context_, handler, privdata, static_cast<int>(arguments.size()), pointers, lengths);
}

}  // namespace nadoo::broker::redis

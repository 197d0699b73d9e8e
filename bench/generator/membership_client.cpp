#include "membership_client.hpp"

#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <memory>
#include <mutex>

#include "completion_counter.hpp"

namespace nadoo::bench {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

/// Per request: the server answers in milliseconds; ten seconds means it is stuck.
constexpr std::chrono::seconds request_timeout{10};

/// Shared by the senders of one add_workspace_members call.
struct MembershipRun {
  const BenchTarget& target;
  const std::string& api_key;
  const std::vector<Membership>& memberships;
  std::atomic<std::size_t> next_index{0};
  std::atomic<std::size_t> added{0};
  std::atomic<std::size_t> failed{0};
  CompletionCounter answered;
  std::mutex failure_mutex;
  std::string first_failure;

  void fail(const std::string& reason) {
    failed.fetch_add(1);
    std::lock_guard lock(failure_mutex);
    if (first_failure.empty()) first_failure = reason;
  }
};

http::request<http::string_body> membership_request(const MembershipRun& run, const Membership& membership) {
  http::request<http::string_body> request{
      http::verb::put, "/api/v1/workspaces/" + membership.workspace_id + "/members/" + membership.user_id,
      11};
  request.set(http::field::host, run.target.host_header());
  request.set("X-API-Key", run.api_key);
  request.set(http::field::content_type, "application/json");
  request.keep_alive(true);
  request.body() = "{}";
  request.prepare_payload();
  return request;
}

/// One keep-alive connection sending requests one after another; it reconnects
/// when the server closes or a request fails.
net::awaitable<void> send_memberships(std::shared_ptr<MembershipRun> run) {
  beast::tcp_stream stream(co_await net::this_coro::executor);
  beast::flat_buffer buffer;
  bool open = false;
  for (std::size_t index = run->next_index++; index < run->memberships.size(); index = run->next_index++) {
    const Membership& membership = run->memberships[index];
    std::string failure;
    try {
      if (!open) {
        beast::error_code ignored;  // a socket the server closed, or none yet
        stream.socket().close(ignored);
        buffer.clear();
        stream.expires_after(request_timeout);
        co_await stream.async_connect(run->target.endpoint(), net::use_awaitable);
        open = true;
      }
      stream.expires_after(request_timeout);
      co_await http::async_write(stream, membership_request(*run, membership), net::use_awaitable);
      http::response<http::string_body> response;
      co_await http::async_read(stream, buffer, response, net::use_awaitable);
      if (response.result_int() / 100 != 2) {
        failure = "adding " + membership.user_id + " to " + membership.workspace_id + " answered HTTP " +
                  std::to_string(response.result_int());
      }
      open = response.keep_alive();
    } catch (const std::exception& error) {
      failure = "adding " + membership.user_id + " to " + membership.workspace_id + ": " + error.what();
      open = false;
    }
    if (failure.empty()) {
      run->added.fetch_add(1);
    } else {
      run->fail(failure);
    }
    run->answered.add();
  }
  beast::error_code ignored;  // the server may have closed first
  stream.socket().shutdown(net::ip::tcp::socket::shutdown_both, ignored);
}

}  // namespace

MembershipOutcome add_workspace_members(IoThreads& threads, const BenchTarget& target,
                                        const std::string& api_key,
                                        const std::vector<Membership>& memberships, std::size_t in_flight,
                                        std::chrono::steady_clock::time_point deadline) {
  const auto started = std::chrono::steady_clock::now();
  auto run = std::make_shared<MembershipRun>(target, api_key, memberships);
  const std::size_t senders = std::min(in_flight, memberships.size());
  for (std::size_t sender = 0; sender < senders; ++sender) {
    net::co_spawn(threads.context(static_cast<unsigned>(sender % threads.size())), send_memberships(run),
                  net::detached);
  }
  MembershipOutcome outcome;
  outcome.finished_in_time = run->answered.wait_for(memberships.size(), deadline);
  outcome.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  outcome.added = run->added.load();
  outcome.failed = run->failed.load();
  std::lock_guard lock(run->failure_mutex);
  outcome.first_failure = run->first_failure;
  return outcome;
}

}  // namespace nadoo::bench

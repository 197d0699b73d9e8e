#include "broker/redis/hiredis_asio.hpp"

#include <hiredis/async.h>

#include <boost/asio/bind_executor.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <memory>

namespace nadoo::broker::redis {
namespace {

namespace net = boost::asio;

/// What hiredis's hooks act on: the socket's readiness waits. Owned by the
/// hooks (through `self`) until cleanup; a wait that completes after cleanup
/// finds `context` null and does nothing.
class AsioEvents : public std::enable_shared_from_this<AsioEvents> {
 public:
  AsioEvents(redisAsyncContext* context, const Strand& strand)
      : context_(context), strand_(strand), socket_(strand, context->c.fd) {}

  void want(net::posix::descriptor_base::wait_type direction, bool wanted) {
    (direction == read ? read_wanted_ : write_wanted_) = wanted;
    arm();
  }

  /// hiredis frees the context: no more calls into it, and the socket is
  /// hiredis's to close.
  void forget_context() {
    context_ = nullptr;
    boost::system::error_code ignored;
    socket_.cancel(ignored);
    socket_.release();
  }

  std::shared_ptr<AsioEvents> self;

 private:
  static constexpr auto read = net::posix::descriptor_base::wait_read;
  static constexpr auto write = net::posix::descriptor_base::wait_write;

  /// Starts the waits hiredis wants and that are not already pending.
  void arm() {
    if (!context_) return;
    if (read_wanted_ && !read_pending_) wait(read, read_pending_);
    if (write_wanted_ && !write_pending_) wait(write, write_pending_);
  }

  void wait(net::posix::descriptor_base::wait_type direction, bool& pending) {
    pending = true;
    socket_.async_wait(direction, net::bind_executor(strand_, [events = shared_from_this(),
                                                               direction](boost::system::error_code error) {
                         events->on_ready(direction, error);
                       }));
  }

  void on_ready(net::posix::descriptor_base::wait_type direction, boost::system::error_code error) {
    (direction == read ? read_pending_ : write_pending_) = false;
    if (!context_ || error == net::error::operation_aborted) return;
    // A wait that failed (the socket broke) is still handed to hiredis, whose
    // read or write then finds the error and disconnects.
    if (direction == read && read_wanted_) redisAsyncHandleRead(context_);
    if (direction == write && write_wanted_) redisAsyncHandleWrite(context_);
    arm();  // a no-op when hiredis freed the context meanwhile
  }

  redisAsyncContext* context_;
  Strand strand_;
  net::posix::stream_descriptor socket_;
  bool read_wanted_ = false;
  bool write_wanted_ = false;
  bool read_pending_ = false;
  bool write_pending_ = false;
};

AsioEvents& events_of(void* data) { return *static_cast<AsioEvents*>(data); }

}  // namespace

void drive_with_asio(redisAsyncContext* context, const Strand& strand) {
  auto events = std::make_shared<AsioEvents>(context, strand);
  events->self = events;  // released by cleanup
  context->ev.data = events.get();
  context->ev.addRead = [](void* data) {
    events_of(data).want(net::posix::descriptor_base::wait_read, true);
  };
  context->ev.delRead = [](void* data) {
    events_of(data).want(net::posix::descriptor_base::wait_read, false);
  };
  context->ev.addWrite = [](void* data) {
    events_of(data).want(net::posix::descriptor_base::wait_write, true);
  };
  context->ev.delWrite = [](void* data) {
    events_of(data).want(net::posix::descriptor_base::wait_write, false);
  };
  context->ev.cleanup = [](void* data) {
    auto& events = events_of(data);
    events.forget_context();
    events.self.reset();  // the last owner but a wait still pending, which then finds no context
  };
}

}  // namespace nadoo::broker::redis

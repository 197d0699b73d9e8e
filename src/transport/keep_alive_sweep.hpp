#pragma once

#include <atomic>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <mutex>

namespace nadoo::transport {

/// Finds silent peers for every WebSocket connection with one timer, where a
/// timer per connection would cost each idle connection a few hundred bytes.
/// Each sweep, a peer heard from since the last one is fine; one silent for a
/// whole sweep interval is pinged; one still silent a sweep later is dropped.
/// With the interval at half the idle timeout, a live peer (browsers always
/// answer pings) is never dropped, and a dead one goes after one to one and a
/// half idle timeouts.
class KeepAliveSweep {
 public:
  /// What a connection gives the sweep. The sweep calls ping/drop under its
  /// lock: they must only post work to the connection, never block, and
  /// never destroy a member (whose removal takes the lock).
  class Member {
   public:
    /// From the connection's reader: any bytes from the peer count as life.
    void heard_from_peer() { heard_.store(true, std::memory_order_relaxed); }

   protected:
    ~Member() = default;
    virtual void ping_silent_peer() = 0;
    virtual void drop_silent_peer() = 0;

   private:
    friend class KeepAliveSweep;
    Member* previous_ = nullptr;
    Member* next_ = nullptr;
    std::atomic<bool> heard_{true};
    std::uint8_t silent_sweeps_ = 0;  // guarded by the sweep's lock
  };

  KeepAliveSweep(const boost::asio::any_io_executor& executor, std::chrono::milliseconds interval);

  void start();
  void stop();
  /// A member must be removed before it is destroyed.
  void add(Member& member);
  void remove(Member& member);

 private:
  void schedule();
  void sweep();

  std::chrono::milliseconds interval_;
  boost::asio::steady_timer timer_;
  std::mutex mutex_;
  Member* first_ = nullptr;  // an intrusive list: no allocation per connection
};

}  // namespace nadoo::transport

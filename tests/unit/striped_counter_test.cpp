#include "hub/striped_counter.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <thread>
#include <vector>

namespace nadoo::hub {
namespace {

TEST(StripedCounter, adds_from_many_threads_sum_exactly) {
  StripedCounter<std::uint64_t> counter;
  constexpr int thread_count = 20;  // more than its slots: some threads share one
  constexpr int adds_per_thread = 10'000;
  std::vector<std::thread> threads;
  for (int t = 0; t < thread_count; ++t) {
    threads.emplace_back([&counter] {
      for (int i = 0; i < adds_per_thread; ++i) counter.fetch_add(2, std::memory_order_relaxed);
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(counter.load(), std::uint64_t{2} * thread_count * adds_per_thread);
}

TEST(StripedCounter, a_gauge_raised_on_one_thread_and_lowered_on_another_reads_their_difference) {
  StripedCounter<std::int64_t> queued;
  std::thread([&queued] { queued.fetch_add(7); }).join();
  std::thread([&queued] { queued.fetch_sub(5); }).join();
  EXPECT_EQ(queued.load(), 2);
}

}  // namespace
}  // namespace nadoo::hub

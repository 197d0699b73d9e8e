#include "endpoints/event_rate_limit.hpp"

#include <gtest/gtest.h>

namespace nadoo::endpoints {
namespace {

using Verdict = EventRateLimit::Verdict;
using std::chrono::milliseconds;

class EventRateLimitTest : public ::testing::Test {
 protected:
  EventRateLimitSettings settings_{10, 3, 4};  // 10 a second, bursts of 3, closed at the 4th refusal in a run
  EventRateLimit::Clock::time_point now_{};
  EventRateLimit limit_{settings_, now_};
};

TEST_F(EventRateLimitTest, a_burst_is_accepted_then_refused) {
  EXPECT_EQ(limit_.take(now_), Verdict::accept);
  EXPECT_EQ(limit_.take(now_), Verdict::accept);
  EXPECT_EQ(limit_.take(now_), Verdict::accept);
  EXPECT_EQ(limit_.take(now_), Verdict::refuse);
}

TEST_F(EventRateLimitTest, tokens_come_back_at_the_configured_rate) {
  for (int i = 0; i < 3; ++i) limit_.take(now_);
  EXPECT_EQ(limit_.take(now_ + milliseconds(50)), Verdict::refuse);   // half a token
  EXPECT_EQ(limit_.take(now_ + milliseconds(100)), Verdict::accept);  // one token
  EXPECT_EQ(limit_.take(now_ + milliseconds(100)), Verdict::refuse);
}

TEST_F(EventRateLimitTest, a_run_of_refusals_closes) {
  for (int i = 0; i < 3; ++i) limit_.take(now_);
  EXPECT_EQ(limit_.take(now_), Verdict::refuse);
  EXPECT_EQ(limit_.take(now_), Verdict::refuse);
  // A token refilled meanwhile does not end the run: the client never paused.
  EXPECT_EQ(limit_.take(now_ + milliseconds(100)), Verdict::accept);
  EXPECT_EQ(limit_.take(now_ + milliseconds(100)), Verdict::refuse);
  EXPECT_EQ(limit_.take(now_ + milliseconds(100)), Verdict::close);
}

TEST_F(EventRateLimitTest, a_pause_that_refills_the_burst_forgives_earlier_refusals) {
  for (int i = 0; i < 3; ++i) limit_.take(now_);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(limit_.take(now_), Verdict::refuse);
  const auto later = now_ + milliseconds(400);  // more than the burst: it is full again
  for (int i = 0; i < 3; ++i) EXPECT_EQ(limit_.take(later), Verdict::accept);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(limit_.take(later), Verdict::refuse);
  EXPECT_EQ(limit_.take(later), Verdict::close);
}

}  // namespace
}  // namespace nadoo::endpoints

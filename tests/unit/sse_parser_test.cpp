#include "ai/openai/sse_parser.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace nadoo::ai::openai {
namespace {

std::vector<std::string> data_of(const std::vector<SseEvent>& events) {
  std::vector<std::string> data;
  for (const auto& event : events) data.push_back(event.data);
  return data;
}

// Feeds `stream` in pieces of `piece_bytes` and collects every event's data.
std::vector<std::string> parse_in_pieces(std::string_view stream, std::size_t piece_bytes) {
  SseParser parser;
  std::vector<std::string> data;
  for (std::size_t at = 0; at < stream.size(); at += piece_bytes) {
    for (auto& event : parser.feed(stream.substr(at, piece_bytes))) data.push_back(std::move(event.data));
  }
  return data;
}

TEST(SseParser, events_end_at_a_blank_line) {
  SseParser parser;
  EXPECT_TRUE(parser.feed("data: one\n").empty());
  EXPECT_EQ(data_of(parser.feed("\ndata: two\n\n")), (std::vector<std::string>{"one", "two"}));
}

TEST(SseParser, crlf_and_bare_cr_end_lines_too) {
  SseParser parser;
  EXPECT_EQ(data_of(parser.feed("data: a\r\n\r\ndata: b\r\rdata: c\n\n")),
            (std::vector<std::string>{"a", "b", "c"}));
}

TEST(SseParser, any_split_of_the_bytes_gives_the_same_events) {
  const std::string stream =
      ": keep-alive\r\n\r\ndata: {\"x\":1}\r\n\r\nevent: note\ndata: first\ndata: "
      "second\n\ndata:[DONE]\r\n\r\n";
  const std::vector<std::string> expected{"{\"x\":1}", "first\nsecond", "[DONE]"};
  for (std::size_t piece = 1; piece <= stream.size(); ++piece) {
    EXPECT_EQ(parse_in_pieces(stream, piece), expected) << "pieces of " << piece << " bytes";
  }
}

TEST(SseParser, cr_at_the_end_of_a_chunk_and_lf_at_the_start_of_the_next_are_one_line_end) {
  SseParser parser;
  EXPECT_TRUE(parser.feed("data: a\r").empty());
  // Were "\n" a second line end, this would be the blank line dispatching "a".
  EXPECT_TRUE(parser.feed("\n").empty());
  EXPECT_EQ(data_of(parser.feed("data: b\r\n\r\n")), (std::vector<std::string>{"a\nb"}));
}

TEST(SseParser, multi_line_data_is_joined_with_newlines) {
  SseParser parser;
  EXPECT_EQ(data_of(parser.feed("data: line one\ndata:line two\ndata\n\n")),
            (std::vector<std::string>{"line one\nline two\n"}));
}

TEST(SseParser, comments_and_unknown_fields_are_ignored) {
  SseParser parser;
  EXPECT_TRUE(parser.feed(": OPENROUTER PROCESSING\n\nid: 7\nretry: 10\nfoo: bar\n\n").empty());
  EXPECT_EQ(data_of(parser.feed(":c\ndata: x\n: inside\n\n")), (std::vector<std::string>{"x"}));
}

TEST(SseParser, only_one_space_after_the_colon_is_dropped) {
  SseParser parser;
  EXPECT_EQ(data_of(parser.feed("data:  two spaces\n\n")), (std::vector<std::string>{" two spaces"}));
}

TEST(SseParser, event_names_are_reported) {
  SseParser parser;
  const auto events = parser.feed("event: error\ndata: {}\n\ndata: plain\n\n");
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].event, "error");
  EXPECT_EQ(events[1].event, "");
}

TEST(SseParser, a_leading_byte_order_mark_is_skipped) {
  SseParser parser;
  EXPECT_EQ(data_of(parser.feed("\xEF\xBB\xBF"
                                "data: x\n\n")),
            (std::vector<std::string>{"x"}));
}

TEST(SseParser, an_unfinished_event_is_not_dispatched) {
  SseParser parser;
  EXPECT_TRUE(parser.feed("data: partial\n").empty());
  EXPECT_TRUE(parser.feed("data: still").empty());
}

TEST(SseParser, done_marker_is_recognised) {
  SseParser parser;
  const auto events = parser.feed("data: [DONE]\n\ndata: [DONE] \n\n");
  ASSERT_EQ(events.size(), 2u);
  EXPECT_TRUE(is_done_marker(events[0]));
  EXPECT_FALSE(is_done_marker(events[1]));
}

TEST(SseParser, an_event_over_the_limit_stops_the_parser) {
  SseParser parser(64);
  EXPECT_TRUE(parser.feed("data: " + std::string(40, 'a') + "\n").empty());
  EXPECT_FALSE(parser.too_large());
  EXPECT_TRUE(parser.feed("data: " + std::string(40, 'b') + "\n\n").empty());
  EXPECT_TRUE(parser.too_large());
  EXPECT_TRUE(parser.feed("data: small\n\n").empty());
}

TEST(SseParser, a_line_without_end_over_the_limit_stops_the_parser) {
  SseParser parser(64);
  for (int i = 0; i < 10; ++i) (void)parser.feed(std::string(10, 'x'));
  EXPECT_TRUE(parser.too_large());
}

}  // namespace
}  // namespace nadoo::ai::openai

#include "ai/builtin/builtin_provider.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <exception>
#include <optional>

#include "ai/builtin/ascii_text.hpp"
#include "ai/builtin/extractive_answer.hpp"
#include "ai/guarded_stream_handlers.hpp"
#include "util/thread_name.hpp"
#include "util/thread_priority.hpp"

namespace nadoo::ai::builtin {
namespace {

/// An answer, cut into deltas.
struct ComposedAnswer {
  std::vector<std::string> tokens;
  std::string finish_reason = "stop";
  int prompt_tokens = 0;
};

/// One answer being streamed. It is composed on the provider's composer
/// thread; everything else but `cancel` runs on `strand_`.
class BuiltinStream final : public ModelStream, public std::enable_shared_from_this<BuiltinStream> {
 public:
  BuiltinStream(boost::asio::io_context& io_context, std::chrono::milliseconds token_interval,
                ModelRequest request, StreamHandlers handlers)
      : strand_(boost::asio::make_strand(io_context)),
        timer_(strand_),
        token_interval_(token_interval),
        request_(std::move(request)),
        handlers_(std::move(handlers)) {}

  void start(boost::asio::thread_pool& composer) {
    // The io_context counts the compose as its work, so that it does not run
    // out of work (and return from run()) while the answer is being composed.
    auto work =
        boost::asio::prefer(strand_.get_inner_executor(), boost::asio::execution::outstanding_work.tracked);
    boost::asio::post(composer, [self = shared_from_this(), work = std::move(work)] {
      auto answer = self->compose();
      boost::asio::post(self->strand_,
                        [self, answer = std::move(answer)]() mutable { self->stream(std::move(answer)); });
    });
  }

  void cancel() override {
    if (!handlers_.close()) return;
    // The timer belongs to the strand. Cancelling it there lets the io_context
    // go idle at once, and dropping the handlers there breaks any cycle through
    // a handler that owns this stream — never while one of them is running.
    boost::asio::post(strand_, [self = shared_from_this()] {
      self->timer_.cancel();
      self->handlers_.release();
    });
  }

 private:
  /// On the composer thread, the only one that touches `request_`; none
  /// when the answer could not be composed.
  std::optional<ComposedAnswer> compose() {
    std::optional<ComposedAnswer> composed;
    try {
      const std::string answer =
          compose_extractive_answer(last_user_question(request_.messages), request_.knowledge);
      ComposedAnswer composing{split_answer_tokens(answer)};
      const std::size_t token_limit = static_cast<std::size_t>(
          request_.max_tokens > 0 ? std::min(request_.max_tokens, max_answer_tokens) : max_answer_tokens);
      if (composing.tokens.size() > token_limit) {
        composing.tokens.resize(token_limit);
        composing.finish_reason = "length";
      }
      composing.prompt_tokens = estimate_prompt_tokens(request_.messages);
      composed = std::move(composing);
    } catch (const std::exception& error) {
      // Nothing may escape: this runs on the composer's thread.
      spdlog::error("builtin provider: composing an answer failed: {}", error.what());
    }
    request_ = {};  // the knowledge can be large, and it is not needed any more
    return composed;
  }

  void stream(std::optional<ComposedAnswer> composed) {
    if (!composed) {
      return handlers_.fail(
          {ModelErrorCode::provider_error, "the builtin provider could not compose an answer"});
    }
    answer_ = std::move(*composed);
    send_next_token();
  }

  void send_next_token() {
    const auto& tokens = answer_.tokens;
    if (next_token_ == tokens.size()) return complete();
    if (!handlers_.delta(tokens[next_token_])) return;
    ++next_token_;
    if (next_token_ == tokens.size()) return complete();
    timer_.expires_after(token_interval_);
    timer_.async_wait([self = shared_from_this()](boost::system::error_code error) {
      if (!error) self->send_next_token();
    });
  }

  void complete() {
    ModelCompletion completion;
    completion.finish_reason = answer_.finish_reason;
    completion.model = builtin_model_name;
    const int completion_tokens = static_cast<int>(answer_.tokens.size());
    const int prompt_tokens = answer_.prompt_tokens;
    completion.usage = TokenUsage{prompt_tokens, completion_tokens, prompt_tokens + completion_tokens};
    handlers_.complete(std::move(completion));
  }

  boost::asio::strand<boost::asio::io_context::executor_type> strand_;
  boost::asio::steady_timer timer_;
  std::chrono::milliseconds token_interval_;
  ModelRequest request_;
  ComposedAnswer answer_;  // on the strand, once composed
  std::size_t next_token_ = 0;

  GuardedStreamHandlers handlers_;
};

class BuiltinProvider final : public ModelProvider {
 public:
  BuiltinProvider(boost::asio::io_context& io_context, std::chrono::milliseconds token_interval)
      : io_context_(io_context), token_interval_(token_interval) {
    boost::asio::post(composer_, [] {
      util::name_this_thread("nadoo-builtin");
      util::run_this_thread_in_background();
    });
  }

  // The composes still queued finish first: a stream whose handle was
  // dropped still streams to its end.
  ~BuiltinProvider() override { composer_.join(); }
  BuiltinProvider(const BuiltinProvider&) = delete;
  BuiltinProvider& operator=(const BuiltinProvider&) = delete;

  std::shared_ptr<ModelStream> stream(ModelRequest request, StreamHandlers handlers) override {
    auto stream = std::make_shared<BuiltinStream>(io_context_, token_interval_, std::move(request),
                                                  std::move(handlers));
    stream->start(composer_);
    return stream;
  }

 private:
  boost::asio::io_context& io_context_;
  std::chrono::milliseconds token_interval_;
  /// Composing an answer is a model's work (0.1 ms of scoring sentences for
  /// the demo's questions): on a thread of its own, as a real model runs
  /// elsewhere, and in the background, it never delays the network
  /// thread's reads and writes, which clients are waiting for.
  boost::asio::thread_pool composer_{1};
};

}  // namespace

std::unique_ptr<ModelProvider> make_builtin_provider(boost::asio::io_context& io_context,
                                                     std::chrono::milliseconds token_interval) {
  return std::make_unique<BuiltinProvider>(io_context, token_interval);
}

std::vector<std::string> split_answer_tokens(std::string_view answer) {
  std::vector<std::string> tokens;
  std::size_t start = 0;
  while (start < answer.size()) {
    std::size_t end = start;
    // Leading whitespace can only precede the first word; it rides with it.
    while (end < answer.size() && ascii::is_space(answer[end])) ++end;
    while (end < answer.size() && !ascii::is_space(answer[end])) ++end;
    while (end < answer.size() && ascii::is_space(answer[end])) ++end;
    tokens.emplace_back(answer.substr(start, end - start));
    start = end;
  }
  return tokens;
}

int estimate_prompt_tokens(const std::vector<ChatTurn>& messages) {
  std::size_t characters = 0;
  for (const ChatTurn& turn : messages) characters += turn.content.size();
  return static_cast<int>((characters + 3) / 4);
}

}  // namespace nadoo::ai::builtin

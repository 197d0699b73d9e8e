#include "conversation/model_request_builder.hpp"

#include <fmt/format.h>

namespace nadoo::conversation {

ai::ModelRequest build_model_request(const PreparedGeneration& prepared, const std::string& user_content) {
  const auto& application = prepared.application;
  ai::ModelRequest request;
  request.model = application.model;
  request.temperature = application.temperature;
  request.max_tokens = application.max_tokens;
  request.base_url = application.base_url;
  request.api_key = application.api_key;
  request.knowledge = prepared.knowledge;

  std::string system = application.system_prompt;
  if (!prepared.knowledge.empty()) {
    system += system.empty() ? "" : "\n\n";
    system += "Answer from the following knowledge when it is relevant, and say which source you used.";
    int number = 1;
    for (const auto& [chunk, score] : prepared.knowledge) {
      fmt::format_to(std::back_inserter(system), "\n\n[{}] {}{}{}\n{}", number++, chunk.filename,
                     chunk.heading.empty() ? "" : " — ", chunk.heading, chunk.content);
    }
  }
  if (!system.empty()) request.messages.push_back({"system", std::move(system)});
  for (const auto& message : prepared.history) request.messages.push_back({message.role, message.content});
  request.messages.push_back({"user", user_content});
  return request;
}

int estimate_tokens(std::size_t characters) { return static_cast<int>((characters + 3) / 4); }

}  // namespace nadoo::conversation

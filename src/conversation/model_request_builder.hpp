#pragma once

#include "ai/model_provider.hpp"
#include "conversation/generation_preparation.hpp"

namespace nadoo::conversation {

/// The request a provider receives: the application's system prompt with the
/// retrieved knowledge appended (numbered, with where it comes from), the
/// history, then the user's message.
ai::ModelRequest build_model_request(const PreparedGeneration& prepared, const std::string& user_content);

/// A rough token count (4 characters a token, as OpenAI's rule of thumb)
/// for when a provider reports no usage.
int estimate_tokens(std::size_t characters);

}  // namespace nadoo::conversation

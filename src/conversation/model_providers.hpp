#pragma once

#include <string_view>

#include "ai/model_provider.hpp"

namespace nadoo::conversation {

/// The providers an application may name in its `provider` field.
struct ModelProviders {
  ai::ModelProvider* builtin = nullptr;
  ai::ModelProvider* openai = nullptr;

  ai::ModelProvider* find(std::string_view name) const {
    if (name == "builtin") return builtin;
    if (name == "openai") return openai;
    return nullptr;
  }
};

}  // namespace nadoo::conversation

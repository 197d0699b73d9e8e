#include "ai/model_provider.hpp"

namespace nadoo::ai {

std::string_view model_error_code_name(ModelErrorCode code) {
  switch (code) {
    case ModelErrorCode::provider_error:
      return "provider_error";
    case ModelErrorCode::timeout:
      return "timeout";
    case ModelErrorCode::context_overflow:
      return "context_overflow";
    case ModelErrorCode::rate_limit:
      return "rate_limit";
  }
  return "provider_error";
}

}  // namespace nadoo::ai

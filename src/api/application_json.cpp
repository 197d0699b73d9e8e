#include "api/application_json.hpp"

#include "util/json_fields.hpp"

namespace nadoo::api {
namespace {

// Bounds that no real application needs to exceed, so a body cannot make us
// store megabytes per field.
constexpr std::size_t max_name_length = 200;
constexpr std::size_t max_model_length = 200;
constexpr std::size_t max_system_prompt_length = 32 * 1024;
constexpr std::size_t max_url_length = 2048;
constexpr std::size_t max_api_key_length = 1024;
constexpr std::size_t max_knowledge_bases = 64;
constexpr std::int64_t max_tokens_limit = 128 * 1024;

}  // namespace

store::Application application_from_json(const std::string& id, const boost::json::object& body) {
  const util::JsonFields fields(body);
  store::Application application;
  application.id = id;
  application.name = fields.required_string("name", max_name_length);
  application.provider = fields.optional_string("provider", 32).value_or("builtin");
  if (application.provider != "builtin" && application.provider != "openai") {
    throw util::FieldError("`provider` must be \"builtin\" or \"openai\"");
  }
  application.model = fields.optional_string("model", max_model_length)
                          .value_or(application.provider == "builtin" ? "builtin-extractive" : "gpt-4o-mini");
  application.system_prompt = fields.optional_string("system_prompt", max_system_prompt_length).value_or("");
  application.knowledge_base_ids = fields.optional_id_array("knowledge_base_ids", max_knowledge_bases)
                                       .value_or(std::vector<std::string>{});
  application.temperature = fields.optional_number("temperature", 0, 2).value_or(application.temperature);
  application.max_tokens = static_cast<int>(
      fields.optional_integer("max_tokens", 1, max_tokens_limit).value_or(application.max_tokens));
  application.base_url = fields.optional_string("base_url", max_url_length).value_or("");
  if (!application.base_url.empty() && !application.base_url.starts_with("http://") &&
      !application.base_url.starts_with("https://")) {
    throw util::FieldError("`base_url` must start with http:// or https://");
  }
  application.api_key = fields.optional_string("api_key", max_api_key_length).value_or("");
  return application;
}

boost::json::object application_to_json(const store::Application& application) {
  boost::json::array knowledge_base_ids;
  for (const auto& id : application.knowledge_base_ids) knowledge_base_ids.emplace_back(id);
  return {{"id", application.id},
          {"name", application.name},
          {"provider", application.provider},
          {"model", application.model},
          {"system_prompt", application.system_prompt},
          {"knowledge_base_ids", std::move(knowledge_base_ids)},
          {"temperature", application.temperature},
          {"max_tokens", application.max_tokens},
          {"base_url", application.base_url},
          {"has_api_key", !application.api_key.empty()}};
}

}  // namespace nadoo::api

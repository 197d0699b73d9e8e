#include "app/seed_loader.hpp"

#include <spdlog/spdlog.h>

#include <filesystem>

#include "api/application_json.hpp"
#include "knowledge/document_chunker.hpp"
#include "util/json_fields.hpp"
#include "util/text_file.hpp"
#include "util/utc_timestamp.hpp"

namespace nadoo::app {
namespace {

const boost::json::array& array_field(const boost::json::object& seed, std::string_view name) {
  static const boost::json::array none;
  const auto* value = seed.if_contains(name);
  if (!value) return none;
  if (!value->is_array()) throw util::FieldError("`" + std::string(name) + "` must be an array");
  return value->get_array();
}

const boost::json::object& object_item(const boost::json::value& item) {
  if (!item.is_object()) throw util::FieldError("every item must be an object");
  return item.get_object();
}

}  // namespace

void load_seed_file(const std::string& path, store::Store& store) {
  try {
    const auto seed = util::JsonFields::parse_object(util::read_text_file(path));
    const auto base = std::filesystem::path(path).parent_path();
    for (const auto& item : array_field(seed, "applications")) {
      const auto& body = object_item(item);
      store.put_application(api::application_from_json(util::JsonFields(body).required_id("id"), body));
    }
    for (const auto& item : array_field(seed, "documents")) {
      const util::JsonFields fields(object_item(item));
      store::KnowledgeDocument document{fields.required_id("knowledge_base_id"),
                                        fields.required_id("document_id"),
                                        fields.required_string("filename", 255),
                                        {}};
      document.workspace_id = fields.optional_id("workspace_id");
      document.content = util::read_text_file(base / fields.required_string("path", 4096));
      store.put_document(document, knowledge::chunk_document(document));
    }
    const auto now = util::format_utc_timestamp(std::chrono::system_clock::now());
    for (const auto& item : array_field(seed, "workspace_members")) {
      const util::JsonFields fields(object_item(item));
      store.workspaces().put_member({fields.required_id("workspace_id"), fields.required_id("user_id"),
                                     fields.optional_string("role", 64), now});
    }
    // Created when absent, so that a restart keeps what a demo plugin sent.
    for (const auto& item : array_field(seed, "plugin_executions")) {
      const util::JsonFields fields(object_item(item));
      store::PluginExecution execution;
      execution.execution_id = fields.required_id("execution_id");
      execution.plugin_id = fields.required_string("plugin_id", 256);
      execution.tool_name = fields.required_string("tool_name", 256);
      execution.workspace_id = fields.optional_id("workspace_id");
      execution.started_at = now;
      store.plugin_executions().create_execution(execution);
    }
    spdlog::info("seed data loaded from {}", path);
  } catch (const util::FieldError& error) {
    throw std::runtime_error("seed file " + path + ": " + error.what());
  }
}

}  // namespace nadoo::app

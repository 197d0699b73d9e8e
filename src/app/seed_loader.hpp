#pragma once

#include <string>

#include "store/store.hpp"

namespace nadoo::app {

/// Loads a seed file (demo data) into `store` at start, replacing what it
/// names:
///   {"applications": [{"id": …, <PUT /api/v1/applications body>}],
///    "documents": [{"knowledge_base_id": …, "document_id": …, "filename": …,
///                   "path": <file, relative to the seed file>, "workspace_id"?}],
///    "workspace_members": [{"workspace_id": …, "user_id": …, "role"?}],
///    "plugin_executions": [{"execution_id": …, "plugin_id": …, "tool_name": …,
///                           "workspace_id"?}]}
/// An execution that exists already is kept, with its events.
/// Throws std::runtime_error naming the file and the problem.
void load_seed_file(const std::string& path, store::Store& store);

}  // namespace nadoo::app

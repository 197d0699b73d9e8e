#pragma once

#include "api/api_context.hpp"
#include "api/rest_router.hpp"
#include "endpoints/workspaces/workspace_events.hpp"

namespace nadoo::api {

/// PUT|DELETE /api/v1/knowledge-bases/{kb}/documents/{document_id} (API key):
/// a text or Markdown document, chunked by headings and paragraphs and indexed
/// for retrieval. An optional `workspace_id` in the PUT body names the
/// workspace that owns the document: it gets `document_updated` (`action`
/// created, updated or deleted) when the document changes.
void add_knowledge_routes(RestRouter& router, const ApiContext& context, endpoints::WorkspaceEvents& events);

}  // namespace nadoo::api

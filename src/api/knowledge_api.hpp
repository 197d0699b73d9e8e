#pragma once

#include "api/api_context.hpp"
#include "api/rest_router.hpp"

namespace nadoo::api {

/// PUT|DELETE /api/v1/knowledge-bases/{kb}/documents/{document_id} (API key):
/// a text or Markdown document, chunked by headings and paragraphs and indexed
/// for retrieval.
void add_knowledge_routes(RestRouter& router, const ApiContext& context);

}  // namespace nadoo::api

#include "api/knowledge_api.hpp"

#include "api/envelope.hpp"
#include "knowledge/document_chunker.hpp"
#include "util/json_fields.hpp"

namespace nadoo::api {
namespace {

constexpr std::size_t max_filename_length = 255;

}  // namespace

void add_knowledge_routes(RestRouter& router, const ApiContext& context) {
  router.add("PUT", "/api/v1/knowledge-bases/{}/documents/{}",
             [context](const HttpRequest& request, const PathParameters& path, const Respond& respond) {
               if (!context.authenticator.has_valid_api_key(request)) return respond(api_key_required());
               const auto body = util::JsonFields::parse_object(request.body);
               const util::JsonFields fields(body);
               store::KnowledgeDocument document{path[0], path[1],
                                                 fields.required_string("filename", max_filename_length),
                                                 // The HTTP body limit bounds the content.
                                                 fields.required_string("content", request.body.size())};
               // Chunking is CPU work proportional to the body; it runs with the
               // write on the storage thread, not here on an I/O thread.
               context.storage.run(
                   context.executor,
                   [document = std::move(document)](store::Store& store) {
                     const auto chunks = knowledge::chunk_document(document);
                     store.put_document(document, chunks);
                     return chunks.size();
                   },
                   [respond, kb = path[0], id = path[1]](store::StoreResult<std::size_t> stored) {
                     if (!stored.ok()) return respond(storage_failed());
                     respond(success_response(
                         200, {{"knowledge_base_id", kb}, {"document_id", id}, {"chunks", *stored.value}},
                         "Document indexed"));
                   });
             });

  router.add(
      "DELETE", "/api/v1/knowledge-bases/{}/documents/{}",
      [context](const HttpRequest& request, const PathParameters& path, const Respond& respond) {
        if (!context.authenticator.has_valid_api_key(request)) return respond(api_key_required());
        context.storage.run(
            context.executor,
            [kb = path[0], id = path[1]](store::Store& store) { return store.delete_document(kb, id); },
            [respond, kb = path[0], id = path[1]](store::StoreResult<bool> deleted) {
              if (!deleted.ok()) return respond(storage_failed());
              if (!*deleted.value) return respond(error_response(404, "No document " + id + " in " + kb));
              respond(success_response(200, {{"knowledge_base_id", kb}, {"document_id", id}},
                                       "Document deleted"));
            });
      });
}

}  // namespace nadoo::api

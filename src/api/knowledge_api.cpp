#include "api/knowledge_api.hpp"

#include "api/envelope.hpp"
#include "knowledge/document_chunker.hpp"
#include "util/json_fields.hpp"

namespace nadoo::api {
namespace {

constexpr std::size_t max_filename_length = 255;

/// What a PUT stored, and who owned the document before it.
struct StoredDocument {
  std::size_t chunks = 0;
  std::optional<store::DocumentOwnership> before;
};

/// The `document_updated` events of a PUT: the owning workspace hears that
/// the document was created or updated; a workspace that owned it before and
/// no longer does hears that it was deleted.
void announce_put(endpoints::WorkspaceEvents& events, const std::string& kb, const std::string& document_id,
                  const std::optional<std::string>& owner,
                  const std::optional<store::DocumentOwnership>& before) {
  const auto previous_owner = before ? before->workspace_id : std::nullopt;
  if (previous_owner && previous_owner != owner) {
    events.document_changed(*previous_owner, kb, document_id, "deleted");
  }
  if (owner) {
    events.document_changed(*owner, kb, document_id, previous_owner == owner ? "updated" : "created");
  }
}

}  // namespace

void add_knowledge_routes(RestRouter& router, const ApiContext& context, endpoints::WorkspaceEvents& events) {
  router.add(
      "PUT", "/api/v1/knowledge-bases/{}/documents/{}",
      [context, &events](const HttpRequest& request, const PathParameters& path, const Respond& respond) {
        if (!context.authenticator.has_valid_api_key(request)) return respond(api_key_required());
        const auto body = util::JsonFields::parse_object(request.body);
        const util::JsonFields fields(body);
        store::KnowledgeDocument document{
            path[0], path[1], fields.required_string("filename", max_filename_length),
            // The HTTP body limit bounds the content.
            fields.required_string("content", request.body.size()), fields.optional_id("workspace_id")};
        // The document moves to the storage thread; the reply needs only its key and owner.
        const auto workspace_id = document.workspace_id;
        // Chunking is CPU work proportional to the body; it runs with the
        // write on the storage thread, not here on an I/O thread.
        context.storage.run(
            context.executor,
            [document = std::move(document)](store::Store& store) {
              StoredDocument stored;
              // Read first: the storage thread runs one call at a time, so
              // nothing changes the owner between this and the write.
              stored.before = store.workspaces().find_document_ownership(document.knowledge_base_id,
                                                                         document.document_id);
              const auto chunks = knowledge::chunk_document(document);
              store.put_document(document, chunks);
              stored.chunks = chunks.size();
              return stored;
            },
            [respond, &events, kb = path[0], id = path[1],
             workspace_id](store::StoreResult<StoredDocument> stored) {
              if (!stored.ok()) return respond(storage_failed(stored));
              announce_put(events, kb, id, workspace_id, stored.value->before);
              boost::json::object shown{
                  {"knowledge_base_id", kb}, {"document_id", id}, {"chunks", stored.value->chunks}};
              if (workspace_id) shown["workspace_id"] = *workspace_id;
              respond(success_response(200, std::move(shown), "Document indexed"));
            });
      });

  router.add(
      "DELETE", "/api/v1/knowledge-bases/{}/documents/{}",
      [context, &events](const HttpRequest& request, const PathParameters& path, const Respond& respond) {
        if (!context.authenticator.has_valid_api_key(request)) return respond(api_key_required());
        context.storage.run(
            context.executor,
            [kb = path[0], id = path[1]](store::Store& store) {
              auto ownership = store.workspaces().find_document_ownership(kb, id);
              // The storage thread runs one call at a time: a document just
              // found is still there to delete.
              if (ownership) store.delete_document(kb, id);
              return ownership;  // nullopt: there was no such document
            },
            [respond, &events, kb = path[0],
             id = path[1]](store::StoreResult<std::optional<store::DocumentOwnership>> deleted) {
              if (!deleted.ok()) return respond(storage_failed(deleted));
              if (!*deleted.value) return respond(error_response(404, "No document " + id + " in " + kb));
              if (const auto& owner = (*deleted.value)->workspace_id) {
                events.document_changed(*owner, kb, id, "deleted");
              }
              respond(success_response(200, {{"knowledge_base_id", kb}, {"document_id", id}},
                                       "Document deleted"));
            });
      });
}

}  // namespace nadoo::api

#include "api/chat_history_api.hpp"

#include <boost/json/parse.hpp>

#include "api/envelope.hpp"
#include "api/query_parameters.hpp"

namespace nadoo::api {
namespace {

boost::json::object message_to_json(const store::ChatMessage& message) {
  boost::system::error_code error;
  auto sources = boost::json::parse(message.sources_json, error);
  return {{"id", message.id},
          {"chat_id", message.chat_id},
          {"session_id", message.session_id},
          {"role", message.role},
          {"content", message.content},
          {"user_id", message.user_id},
          {"created_at", message.created_at},
          {"tokens_used", message.tokens_used},
          {"sources", error ? boost::json::array() : std::move(sources)},
          {"finish_reason", message.finish_reason.empty() ? boost::json::value(nullptr)
                                                          : boost::json::value(message.finish_reason)}};
}

void respond_with_page(const ApiContext& context, store::MessageQuery query, const Respond& respond) {
  context.storage.run(
      context.executor,
      [query = std::move(query)](store::Store& store) { return store.list_messages(query); },
      [respond](store::StoreResult<store::MessagePage> page) {
        if (!page.ok()) return respond(storage_failed(page));
        boost::json::array messages;
        for (const auto& message : page.value->messages) messages.push_back(message_to_json(message));
        respond(
            success_response(200, {{"messages", std::move(messages)}, {"has_more", page.value->has_more}}));
      });
}

store::MessageQuery query_for(const std::string& user_id, const HttpRequest& request) {
  store::MessageQuery query;
  query.user_id = user_id;
  query.chat_id = id_parameter(request, "chat_id");
  query.after_message_id = server_id_parameter(request, "after", store::message_id_prefix);
  query.limit = page_size_parameter(request);
  return query;
}

}  // namespace

void add_chat_history_routes(RestRouter& router, const ApiContext& context) {
  router.add("GET", "/api/v1/chat/{}/messages",
             [context](const HttpRequest& request, const PathParameters& path, const Respond& respond) {
               const auto user = context.authenticator.bearer_user(request);
               if (!user) return respond(bearer_token_required());
               auto query = query_for(*user, request);
               query.application_id = path[0];
               respond_with_page(context, std::move(query), respond);
             });

  router.add("GET", "/api/v1/chat/sessions/{}/messages",
             [context](const HttpRequest& request, const PathParameters& path, const Respond& respond) {
               const auto user = context.authenticator.bearer_user(request);
               if (!user) return respond(bearer_token_required());
               auto query = query_for(*user, request);
               query.session_id = path[0];
               respond_with_page(context, std::move(query), respond);
             });
}

}  // namespace nadoo::api

#pragma once

#include "conversation/chat_service.hpp"
#include "endpoints/admission_policy.hpp"
#include "endpoints/json_endpoint.hpp"
#include "endpoints/presence/presence.hpp"
#include "endpoints/presence/presence_exchange.hpp"
#include "hub/hub.hpp"

namespace nadoo::endpoints {

/// `/ws/chat/{session_id}`: a session is a room; every connection to it
/// receives the streamed answers. The token is optional unless configured.
/// Messages: `chat` (alias `message`), `cancel`, `typing`, `ping`. When a
/// user's last connection to the session closes, on whichever node, the
/// others get `user_disconnected` once (Presence, PresenceExchange).
class ChatEndpoint final : public JsonEndpoint {
 public:
  ChatEndpoint(hub::Hub& hub, hub::ServerMetrics& metrics, const AdmissionPolicy& policy,
               conversation::ChatService& chat_service, Presence& presence,
               PresenceExchange& presence_exchange, bool require_token, std::size_t max_content_bytes)
      : JsonEndpoint(metrics),
        hub_(hub),
        policy_(policy),
        chat_service_(chat_service),
        presence_(presence),
        presence_exchange_(presence_exchange),
        require_token_(require_token),
        max_content_bytes_(max_content_bytes) {}

  /// What a node tells its own participants of a session when a user is no
  /// longer connected to it on any node.
  static PresenceExchange::Announce announce_presence(hub::Hub& hub);

  void admit(const AdmissionRequest& request, AdmissionDone done) override;
  void on_open(const hub::ConnectionPtr& connection, FirstMessageSent first_message_sent) override;
  void on_close(const hub::ConnectionPtr& connection) override;

 protected:
  bool on_json_message(const hub::ConnectionPtr& connection, std::string_view type,
                       const boost::json::object& message) override;

 private:
  void on_chat(const hub::ConnectionPtr& connection, const boost::json::object& message);
  void on_cancel(const hub::ConnectionPtr& connection, const boost::json::object& message);
  void on_typing(const hub::ConnectionPtr& connection);

  hub::Hub& hub_;
  const AdmissionPolicy& policy_;
  conversation::ChatService& chat_service_;
  Presence& presence_;  // by session
  PresenceExchange& presence_exchange_;
  bool require_token_;
  std::size_t max_content_bytes_;  // a longer `content` is an invalid_message
};

}  // namespace nadoo::endpoints

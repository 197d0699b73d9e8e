#pragma once

#include "endpoints/endpoint.hpp"
#include "hub/hub.hpp"

namespace nadoo::endpoints {

/// `/ws/echo` (only with --enable-echo): returns every text and binary
/// message unchanged, through the same transport, limits and queues as the
/// real endpoints, so that WebSocket conformance suites can test them.
class EchoEndpoint final : public Endpoint {
 public:
  explicit EchoEndpoint(hub::Hub& hub) : hub_(hub) {}

  void admit(const AdmissionRequest&, AdmissionDone done) override { done(Admission::admit({})); }
  /// Echo has no first message: the client is heard at once.
  void on_open(const hub::ConnectionPtr& connection, FirstMessageSent first_message_sent) override {
    hub_.add(connection, {});
    first_message_sent();
  }
  void on_message(const hub::ConnectionPtr& connection, std::string_view message,
                  hub::MessageKind kind) override {
    connection->send(hub::make_shared_text(std::string(message)), kind);
  }
  void on_close(const hub::ConnectionPtr& connection) override { hub_.remove(connection->id()); }

 private:
  hub::Hub& hub_;
};

}  // namespace nadoo::endpoints

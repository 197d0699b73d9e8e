#pragma once

#include "hub/connection.hpp"

namespace nadoo::hub {

/// A room member that stands for a connection and passes everything to it;
/// what derives from it changes what reaches the connection (e.g. holds or
/// orders the room's messages) by overriding `send`.
class ForwardingConnection : public Connection {
 public:
  explicit ForwardingConnection(ConnectionPtr connection) : connection_(std::move(connection)) {}

  ConnectionId id() const override { return connection_->id(); }
  const std::string& user_id() const override { return connection_->user_id(); }
  const std::string& resource_id() const override { return connection_->resource_id(); }
  void send(SharedText message, MessageKind kind) override { connection_->send(std::move(message), kind); }
  void close(CloseCode code, std::string_view reason) override { connection_->close(code, reason); }
  void close_after(SharedText last_message, CloseCode code, std::string_view reason) override {
    connection_->close_after(std::move(last_message), code, reason);
  }
  EndpointState* endpoint_state() const override { return connection_->endpoint_state(); }
  void set_endpoint_state(std::unique_ptr<EndpointState> state) override {
    connection_->set_endpoint_state(std::move(state));
  }

 protected:
  const ConnectionPtr& connection() const { return connection_; }

 private:
  const ConnectionPtr connection_;
};

}  // namespace nadoo::hub

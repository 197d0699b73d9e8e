#pragma once

#include <boost/json/object.hpp>

#include "endpoints/endpoint.hpp"
#include "hub/server_metrics.hpp"

namespace nadoo::endpoints {

/// The inbound half every JSON endpoint shares: parse one text frame into an
/// object with a string `type`, answer `ping`, and turn bad input into the
/// contract's `error` message while the connection stays open.
class JsonEndpoint : public Endpoint {
 public:
  explicit JsonEndpoint(hub::ServerMetrics& metrics) : metrics_(metrics) {}

  void on_message(const hub::ConnectionPtr& connection, std::string_view message,
                  hub::MessageKind kind) override;

 protected:
  /// Handles one well-formed message other than `ping`; returns false when
  /// this endpoint does not know `type` (the default: ping is all it takes).
  /// A util::FieldError it throws is answered with `invalid_message`.
  virtual bool on_json_message(const hub::ConnectionPtr& /*connection*/, std::string_view /*type*/,
                               const boost::json::object& /*message*/) {
    return false;
  }

  /// Sends the contract's `error` message and counts it as a client error.
  void reject(const hub::ConnectionPtr& connection, std::string_view code, std::string_view message);

 private:
  hub::ServerMetrics& metrics_;
};

}  // namespace nadoo::endpoints

#pragma once

#include <boost/asio/any_io_executor.hpp>

#include "api/request_authenticator.hpp"
#include "store/storage_executor.hpp"

namespace nadoo::api {

/// What the storage-backed REST handlers share.
struct ApiContext {
  boost::asio::any_io_executor executor;  // where storage results come back
  store::StorageExecutor& storage;
  const RequestAuthenticator& authenticator;
};

}  // namespace nadoo::api

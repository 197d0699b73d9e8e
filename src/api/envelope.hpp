#pragma once

#include <boost/json/value.hpp>
#include <string_view>

#include "api/http_message.hpp"
#include "store/store_result.hpp"

namespace nadoo::api {

/// The platform's REST envelope: `{"data":…,"status":"success","code":200,"message":…}`.
HttpResponse success_response(unsigned status, boost::json::value data, std::string_view message = "OK");
HttpResponse error_response(unsigned status, std::string_view message);

/// The answers several handlers share.
HttpResponse api_key_required();
HttpResponse bearer_token_required();
/// 503 when the storage could not be reached (retry later), 500 otherwise.
HttpResponse storage_failed(bool unavailable);
template <typename T>
HttpResponse storage_failed(const store::StoreResult<T>& result) {
  return storage_failed(result.unavailable);
}

}  // namespace nadoo::api

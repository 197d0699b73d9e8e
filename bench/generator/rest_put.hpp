#pragma once
// One blocking `PUT` with a JSON body to the server's REST API, X-API-Key
// authenticated: a workload's setup before anything is timed.

#include <chrono>
#include <string>

#include "bench_target.hpp"

namespace nadoo::bench {

/// "" when the server answered 2xx; else why not (the API key never appears).
std::string put_json(const BenchTarget& target, const std::string& api_key, const std::string& path,
                     const std::string& body, std::chrono::seconds timeout);

}  // namespace nadoo::bench

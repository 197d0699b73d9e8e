#pragma once

#include <array>
#include <string>
#include <string_view>
#include <vector>

namespace nadoo::auth {

/// The server-to-server keys (`X-API-Key`). Only SHA-256 digests are kept, and
/// a presented key is compared digest to digest in constant time, so neither
/// a key's content nor its length leaks through timing.
class ApiKeys {
 public:
  explicit ApiKeys(const std::vector<std::string>& keys);

  bool accepts(std::string_view presented) const;
  bool empty() const { return digests_.empty(); }

 private:
  using Digest = std::array<unsigned char, 32>;
  static Digest digest_of(std::string_view key);

  std::vector<Digest> digests_;
};

}  // namespace nadoo::auth

#include "util/masked_uri.hpp"

namespace nadoo::util {
namespace {

constexpr std::string_view mask = "***";

/// Masks the value of every `password=` parameter of the query part.
std::string masked_query(std::string_view query) {
  std::string masked;
  std::size_t start = 0;
  while (start <= query.size()) {
    std::size_t end = query.find('&', start);
    if (end == std::string_view::npos) end = query.size();
    const std::string_view parameter = query.substr(start, end - start);
    masked += parameter.rfind("password=", 0) == 0 ? std::string("password=") + std::string(mask)
                                                   : std::string(parameter);
    if (end == query.size()) break;
    masked += '&';
    start = end + 1;
  }
  return masked;
}

}  // namespace

std::string with_masked_password(std::string_view uri) {
  const std::size_t scheme_end = uri.find("://");
  if (scheme_end == std::string_view::npos) return std::string(mask);  // not a URI: show nothing of it
  const std::size_t authority_start = scheme_end + 3;
  const std::size_t authority_end = std::min(uri.find_first_of("/?#", authority_start), uri.size());
  const std::string_view authority = uri.substr(authority_start, authority_end - authority_start);
  std::string masked(uri.substr(0, authority_start));
  // The user part ends at the last '@' (a password may hold an '@' written as %40, or not).
  const std::size_t at = authority.rfind('@');
  if (at != std::string_view::npos) {
    const std::string_view user_part = authority.substr(0, at);
    const std::size_t colon = user_part.find(':');
    masked += colon == std::string_view::npos
                  ? std::string(user_part)
                  : std::string(user_part.substr(0, colon + 1)) + std::string(mask);
    masked += authority.substr(at);
  } else {
    masked += authority;
  }
  const std::string_view rest = uri.substr(authority_end);
  const std::size_t question = rest.find('?');
  if (question == std::string_view::npos) return masked + std::string(rest);
  return masked + std::string(rest.substr(0, question + 1)) + masked_query(rest.substr(question + 1));
}

}  // namespace nadoo::util

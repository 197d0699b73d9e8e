#include "store/postgres/pg_uri.hpp"

namespace nadoo::store::postgres {

bool is_postgres_uri(std::string_view store) {
  return store.rfind("postgresql://", 0) == 0 || store.rfind("postgres://", 0) == 0;
}

}  // namespace nadoo::store::postgres

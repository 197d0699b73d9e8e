#include "store/postgres/pg_uri.hpp"

#include <gtest/gtest.h>

namespace nadoo::store::postgres {
namespace {

TEST(PgUri, both_schemes_are_postgres_uris_and_nothing_else_is) {
  EXPECT_TRUE(is_postgres_uri("postgresql://127.0.0.1/nadoo"));
  EXPECT_TRUE(is_postgres_uri("postgres://127.0.0.1/nadoo"));
  EXPECT_FALSE(is_postgres_uri("sqlite"));
  EXPECT_FALSE(is_postgres_uri("mysql://127.0.0.1/nadoo"));
  EXPECT_FALSE(is_postgres_uri("host=127.0.0.1 dbname=nadoo"));
}

}  // namespace
}  // namespace nadoo::store::postgres

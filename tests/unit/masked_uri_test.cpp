#include "util/masked_uri.hpp"

#include <gtest/gtest.h>

namespace nadoo::util {
namespace {

TEST(MaskedUri, the_password_in_the_user_part_is_masked) {
  EXPECT_EQ(with_masked_password("postgresql://nadoo:s3cret@127.0.0.1:5432/nadoo"),
            "postgresql://nadoo:***@127.0.0.1:5432/nadoo");
  // An '@' left unencoded in the password still ends the user part at the last one.
  EXPECT_EQ(with_masked_password("postgres://nadoo:p@ss@db.local/nadoo"),
            "postgres://nadoo:***@db.local/nadoo");
}

TEST(MaskedUri, a_password_parameter_is_masked_and_the_others_kept) {
  EXPECT_EQ(
      with_masked_password("postgresql://127.0.0.1/nadoo?sslmode=require&password=s3cret&connect_timeout=3"),
      "postgresql://127.0.0.1/nadoo?sslmode=require&password=***&connect_timeout=3");
}

TEST(MaskedUri, a_uri_without_a_password_is_shown_as_written) {
  EXPECT_EQ(with_masked_password("postgresql://nadoo@127.0.0.1:5432/nadoo?application_name=node-a"),
            "postgresql://nadoo@127.0.0.1:5432/nadoo?application_name=node-a");
  EXPECT_EQ(with_masked_password("postgresql://h1:5432,h2:5433/nadoo"), "postgresql://h1:5432,h2:5433/nadoo");
}

TEST(MaskedUri, text_that_is_not_a_uri_is_not_shown_at_all) {
  EXPECT_EQ(with_masked_password("host=127.0.0.1 password=s3cret"), "***");
}

TEST(MaskedUri, a_redis_password_is_masked_as_well) {
  EXPECT_EQ(with_masked_password("redis://:s3cret@127.0.0.1:6379/2"), "redis://:***@127.0.0.1:6379/2");
}

}  // namespace
}  // namespace nadoo::util

// A fresh, empty database on the test PostgreSQL that
// tests/support/postgres_server started (ctest's `postgres` fixture), dropped
// when the test ends.
#pragma once

#include <cstdlib>
#include <fstream>
#include <random>
#include <stdexcept>
#include <string>

#include "store/postgres/pg_connection.hpp"

namespace nadoo::test_support {

class PostgresTestDatabase {
 public:
  PostgresTestDatabase() : server_uri_(server_uri()), name_(random_name()) {
    store::postgres::Connection(server_uri_).execute("CREATE DATABASE " + name_);
  }
  ~PostgresTestDatabase() {
    try {
      store::postgres::Connection(server_uri_).execute("DROP DATABASE " + name_ + " WITH (FORCE)");
    } catch (const std::exception&) {
      // The cluster is removed with everything in it when the run ends.
    }
  }
  PostgresTestDatabase(const PostgresTestDatabase&) = delete;
  PostgresTestDatabase& operator=(const PostgresTestDatabase&) = delete;

  /// The database's connection URI.
  std::string uri() const { return server_uri_.substr(0, server_uri_.rfind('/') + 1) + name_; }

 private:
  /// The URI= line of the fixture's state file, named by NADOO_TEST_POSTGRES_STATE.
  static std::string server_uri() {
    const char* state_file = std::getenv("NADOO_TEST_POSTGRES_STATE");
    if (state_file == nullptr) {
      throw std::runtime_error("NADOO_TEST_POSTGRES_STATE is not set: run this test through ctest");
    }
    std::ifstream state(state_file);
    for (std::string line; std::getline(state, line);) {
      if (line.rfind("URI=", 0) == 0) return line.substr(4);
    }
    throw std::runtime_error(std::string("no URI= line in ") + state_file +
                             ": did the postgres fixture start?");
  }

  static std::string random_name() {
    std::random_device entropy;
    return "nadoo_test_" + std::to_string(entropy()) + "_" + std::to_string(entropy());
  }

  std::string server_uri_;
  std::string name_;
};

}  // namespace nadoo::test_support

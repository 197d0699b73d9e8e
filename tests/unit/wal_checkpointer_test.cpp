// The write-ahead log is checkpointed by WalCheckpointer's own thread once a
// commit crosses its threshold, and never inside a commit.

#include "store/sqlite/wal_checkpointer.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "store/sqlite/sqlite_connection.hpp"
#include "temporary_directory.hpp"

namespace nadoo::store::sqlite {
namespace {

using namespace std::chrono_literals;

class WalCheckpointerTest : public ::testing::Test {
 protected:
  std::filesystem::path database_file() const { return directory_.path() / "nadoo.db"; }

  /// `rows` commits of one 4 KB row each: about one WAL page per row.
  void commit_rows(Connection& writer, int rows) {
    const std::string payload(4000, 'x');
    for (int row = 0; row < rows; ++row) {
      Transaction transaction(writer, Transaction::Kind::write);
      writer.query("INSERT INTO pages (payload) VALUES (?1)").bind_text(1, payload).execute();
      transaction.commit();
    }
  }

  std::uintmax_t database_bytes() const { return std::filesystem::file_size(database_file()); }

  test_support::TemporaryDirectory directory_;
};

TEST_F(WalCheckpointerTest, ACommitPastTheThresholdIsCheckpointedIntoTheDatabaseByItsOwnThread) {
  WalCheckpointer checkpointer(database_file(), 20);
  Connection writer(database_file());
  writer.execute_script("CREATE TABLE pages (payload TEXT)");
  int wal_pages = 0;
  writer.on_wal_commit([&](int pages) {
    wal_pages = pages;
    checkpointer.note_wal_pages(pages);
  });
  const auto bytes_before = database_bytes();

  int rows = 0;
  while (wal_pages < 20 && rows < 100) {
    commit_rows(writer, 1);
    ++rows;
  }

  ASSERT_TRUE(checkpointer.wait_for_checkpoints(1, 10s));
  // Every row committed before the checkpoint was asked for is in the
  // database file itself now, not only in the log.
  EXPECT_GE(database_bytes(), bytes_before + rows * 4000);
}

TEST_F(WalCheckpointerTest, NoCommitCheckpointsInlineEvenPastSqlitesOwnThresholdOf1000Pages) {
  WalCheckpointer checkpointer(database_file(), 1'000'000);
  Connection writer(database_file());
  writer.execute_script("CREATE TABLE pages (payload TEXT)");
  writer.on_wal_commit([&](int wal_pages) { checkpointer.note_wal_pages(wal_pages); });
  const auto bytes_before = database_bytes();

  commit_rows(writer, 1100);

  // SQLite's automatic checkpoint would have run inside the commit that
  // crossed 1,000 pages and grown the database file; nothing did.
  EXPECT_EQ(checkpointer.checkpoints(), 0u);
  EXPECT_EQ(database_bytes(), bytes_before);
  EXPECT_GE(std::filesystem::file_size(directory_.path() / "nadoo.db-wal"), 1100u * 4000);
}

TEST_F(WalCheckpointerTest, ALogOfExactlyTheThresholdIsCheckpointed) {
  WalCheckpointer checkpointer(database_file(), 1000);
  checkpointer.note_wal_pages(1000);
  EXPECT_TRUE(checkpointer.wait_for_checkpoints(1, 10s));
}

TEST_F(WalCheckpointerTest, ACheckpointIsAskedForOncePerThresholdOfGrowthNotOnEveryCommit) {
  WalCheckpointer checkpointer(database_file(), 20);
  const auto passive = [&] { return checkpointer.requested().passive_requested; };
  checkpointer.note_wal_pages(20);
  EXPECT_EQ(passive(), 1u);
  // A log that could not start again stays long: the next commits ask for nothing more.
  checkpointer.note_wal_pages(25);
  checkpointer.note_wal_pages(39);
  EXPECT_EQ(passive(), 1u);
  checkpointer.note_wal_pages(40);
  EXPECT_EQ(passive(), 2u);
  // The log started again from its beginning: counted from there.
  checkpointer.note_wal_pages(5);
  checkpointer.note_wal_pages(19);
  EXPECT_EQ(passive(), 2u);
  checkpointer.note_wal_pages(20);
  EXPECT_EQ(passive(), 3u);
  EXPECT_EQ(checkpointer.requested().restart_requested, 0u);
}

TEST_F(WalCheckpointerTest, ALogThatPassiveCheckpointsCannotRestartIsRestartedWithTheWriterWaiting) {
  WalCheckpointer checkpointer(database_file(), 20);
  checkpointer.note_wal_pages(20 * WalCheckpointer::restart_after_thresholds);
  EXPECT_EQ(checkpointer.requested().restart_requested, 1u);
  EXPECT_EQ(checkpointer.requested().passive_requested, 0u);
  EXPECT_TRUE(checkpointer.wait_for_checkpoints(1, 10s));
}

}  // namespace
}  // namespace nadoo::store::sqlite

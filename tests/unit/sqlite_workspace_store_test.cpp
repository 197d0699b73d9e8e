#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "store/sqlite/schema_migrations.hpp"
#include "store/sqlite/sqlite_connection.hpp"
#include "default_sqlite_store.hpp"
#include "temporary_directory.hpp"

namespace nadoo::store {
namespace {

class SqliteWorkspaceStoreTest : public ::testing::Test {
 protected:
  std::filesystem::path database_file() const { return directory_.path() / "nadoo.db"; }
  std::unique_ptr<Store> open() { return open_default_sqlite_store(database_file()); }

  test_support::TemporaryDirectory directory_;
  std::unique_ptr<Store> store_ = open();
  WorkspaceStore& workspaces_ = store_->workspaces();
};

WorkspaceMember member(const std::string& workspace_id, const std::string& user_id,
                       std::optional<std::string> role = std::nullopt,
                       const std::string& added_at = "2025-01-15T10:30:00.000Z") {
  return WorkspaceMember{workspace_id, user_id, std::move(role), added_at};
}

std::vector<std::string> user_ids(const WorkspaceMemberPage& page) {
  std::vector<std::string> ids;
  for (const auto& listed : page.members) ids.push_back(listed.user_id);
  return ids;
}

KnowledgeDocument document(const std::string& id, std::optional<std::string> workspace_id) {
  return KnowledgeDocument{"kb-1", id, id + ".md", "Some text.", std::move(workspace_id)};
}

TEST_F(SqliteWorkspaceStoreTest, put_member_tells_whether_the_user_was_new) {
  EXPECT_TRUE(workspaces_.put_member(member("ws-1", "alice")));
  EXPECT_FALSE(workspaces_.put_member(member("ws-1", "alice")));
  EXPECT_TRUE(workspaces_.put_member(member("ws-2", "alice")));
}

TEST_F(SqliteWorkspaceStoreTest, put_member_again_replaces_the_role_and_keeps_added_at) {
  workspaces_.put_member(member("ws-1", "alice", "viewer", "2025-01-15T10:30:00.000Z"));
  workspaces_.put_member(member("ws-1", "alice", "editor", "2025-02-01T08:00:00.000Z"));
  auto listed = workspaces_.list_members("ws-1", std::nullopt, 10).members;
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].role, "editor");
  EXPECT_EQ(listed[0].added_at, "2025-01-15T10:30:00.000Z");

  workspaces_.put_member(member("ws-1", "alice"));
  EXPECT_EQ(workspaces_.list_members("ws-1", std::nullopt, 10).members[0].role, std::nullopt);
}

TEST_F(SqliteWorkspaceStoreTest, is_member_is_per_workspace_and_user) {
  workspaces_.put_member(member("ws-1", "alice"));
  EXPECT_TRUE(workspaces_.is_member("ws-1", "alice"));
  EXPECT_FALSE(workspaces_.is_member("ws-2", "alice"));
  EXPECT_FALSE(workspaces_.is_member("ws-1", "bob"));
}

TEST_F(SqliteWorkspaceStoreTest, delete_member_tells_whether_it_existed) {
  workspaces_.put_member(member("ws-1", "alice"));
  workspaces_.put_member(member("ws-2", "alice"));
  EXPECT_TRUE(workspaces_.delete_member("ws-1", "alice"));
  EXPECT_FALSE(workspaces_.is_member("ws-1", "alice"));
  EXPECT_TRUE(workspaces_.is_member("ws-2", "alice"));
  EXPECT_FALSE(workspaces_.delete_member("ws-1", "alice"));
}

TEST_F(SqliteWorkspaceStoreTest, list_members_pages_by_user_id) {
  for (const auto* user : {"carol", "alice", "dave", "bob"}) workspaces_.put_member(member("ws-1", user));
  workspaces_.put_member(member("ws-other", "eve"));

  const auto first = workspaces_.list_members("ws-1", std::nullopt, 3);
  EXPECT_EQ(user_ids(first), (std::vector<std::string>{"alice", "bob", "carol"}));
  EXPECT_TRUE(first.has_more);
  const auto second = workspaces_.list_members("ws-1", "carol", 3);
  EXPECT_EQ(user_ids(second), std::vector<std::string>{"dave"});
  EXPECT_FALSE(second.has_more);
  EXPECT_TRUE(workspaces_.list_members("ws-none", std::nullopt, 3).members.empty());
}

TEST_F(SqliteWorkspaceStoreTest, membership_survives_reopening) {
  workspaces_.put_member(member("ws-1", "alice", "owner"));
  store_.reset();
  auto reopened = open();
  EXPECT_TRUE(reopened->workspaces().is_member("ws-1", "alice"));
  EXPECT_EQ(reopened->workspaces().list_members("ws-1", std::nullopt, 1).members[0].role, "owner");
}

TEST_F(SqliteWorkspaceStoreTest, document_ownership_is_what_the_last_put_said) {
  EXPECT_FALSE(workspaces_.find_document_ownership("kb-1", "doc-1"));

  store_->put_document(document("doc-1", "ws-1"), {});
  auto ownership = workspaces_.find_document_ownership("kb-1", "doc-1");
  ASSERT_TRUE(ownership);
  EXPECT_EQ(ownership->workspace_id, "ws-1");

  store_->put_document(document("doc-1", "ws-2"), {});
  EXPECT_EQ(workspaces_.find_document_ownership("kb-1", "doc-1")->workspace_id, "ws-2");

  store_->put_document(document("doc-1", std::nullopt), {});
  ownership = workspaces_.find_document_ownership("kb-1", "doc-1");
  ASSERT_TRUE(ownership);
  EXPECT_EQ(ownership->workspace_id, std::nullopt);

  store_->delete_document("kb-1", "doc-1");
  EXPECT_FALSE(workspaces_.find_document_ownership("kb-1", "doc-1"));
}

TEST_F(SqliteWorkspaceStoreTest, documents_of_an_older_schema_belong_to_no_workspace) {
  const auto older_file = directory_.path() / "version-3.db";
  {
    // What a server of schema version 3 would have left behind.
    sqlite::Connection connection(older_file);
    sqlite::migrate(connection, 3);
    connection.execute_script(
        "INSERT INTO knowledge_documents VALUES ('kb-1', 'old-doc', 'old.md', 'Old text.')");
  }
  auto store = open_default_sqlite_store(older_file);
  const auto ownership = store->workspaces().find_document_ownership("kb-1", "old-doc");
  ASSERT_TRUE(ownership);
  EXPECT_EQ(ownership->workspace_id, std::nullopt);
  EXPECT_TRUE(store->workspaces().put_member(member("ws-1", "alice")));
}

}  // namespace
}  // namespace nadoo::store

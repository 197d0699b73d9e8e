// Workspace members and document ownership on every store kind (store_kinds.hpp).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "store_kinds.hpp"

namespace nadoo::store {
namespace {

template <typename Kind>
using WorkspaceStoreTest = test_support::StoreTestBase<Kind>;
TYPED_TEST_SUITE(WorkspaceStoreTest, test_support::StoreKinds, test_support::StoreKindNames);

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

TYPED_TEST(WorkspaceStoreTest, put_member_tells_whether_the_user_was_new) {
  EXPECT_TRUE(this->workspaces().put_member(member("ws-1", "alice")));
  EXPECT_FALSE(this->workspaces().put_member(member("ws-1", "alice")));
  EXPECT_TRUE(this->workspaces().put_member(member("ws-2", "alice")));
}

TYPED_TEST(WorkspaceStoreTest, put_member_again_replaces_the_role_and_keeps_added_at) {
  this->workspaces().put_member(member("ws-1", "alice", "viewer", "2025-01-15T10:30:00.000Z"));
  this->workspaces().put_member(member("ws-1", "alice", "editor", "2025-02-01T08:00:00.000Z"));
  auto listed = this->workspaces().list_members("ws-1", std::nullopt, 10).members;
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].role, "editor");
  EXPECT_EQ(listed[0].added_at, "2025-01-15T10:30:00.000Z");

  this->workspaces().put_member(member("ws-1", "alice"));
  EXPECT_EQ(this->workspaces().list_members("ws-1", std::nullopt, 10).members[0].role, std::nullopt);
}

TYPED_TEST(WorkspaceStoreTest, is_member_is_per_workspace_and_user) {
  this->workspaces().put_member(member("ws-1", "alice"));
  EXPECT_TRUE(this->workspaces().is_member("ws-1", "alice"));
  EXPECT_FALSE(this->workspaces().is_member("ws-2", "alice"));
  EXPECT_FALSE(this->workspaces().is_member("ws-1", "bob"));
}

TYPED_TEST(WorkspaceStoreTest, delete_member_tells_whether_it_existed) {
  this->workspaces().put_member(member("ws-1", "alice"));
  this->workspaces().put_member(member("ws-2", "alice"));
  EXPECT_TRUE(this->workspaces().delete_member("ws-1", "alice"));
  EXPECT_FALSE(this->workspaces().is_member("ws-1", "alice"));
  EXPECT_TRUE(this->workspaces().is_member("ws-2", "alice"));
  EXPECT_FALSE(this->workspaces().delete_member("ws-1", "alice"));
}

TYPED_TEST(WorkspaceStoreTest, list_members_pages_by_user_id) {
  for (const auto* user : {"carol", "alice", "dave", "bob"})
    this->workspaces().put_member(member("ws-1", user));
  this->workspaces().put_member(member("ws-other", "eve"));

  const auto first = this->workspaces().list_members("ws-1", std::nullopt, 3);
  EXPECT_EQ(user_ids(first), (std::vector<std::string>{"alice", "bob", "carol"}));
  EXPECT_TRUE(first.has_more);
  const auto second = this->workspaces().list_members("ws-1", "carol", 3);
  EXPECT_EQ(user_ids(second), std::vector<std::string>{"dave"});
  EXPECT_FALSE(second.has_more);
  EXPECT_TRUE(this->workspaces().list_members("ws-none", std::nullopt, 3).members.empty());
}

TYPED_TEST(WorkspaceStoreTest, membership_survives_reopening) {
  this->workspaces().put_member(member("ws-1", "alice", "owner"));
  this->reopen();
  EXPECT_TRUE(this->workspaces().is_member("ws-1", "alice"));
  EXPECT_EQ(this->workspaces().list_members("ws-1", std::nullopt, 1).members[0].role, "owner");
}

TYPED_TEST(WorkspaceStoreTest, document_ownership_is_what_the_last_put_said) {
  EXPECT_FALSE(this->workspaces().find_document_ownership("kb-1", "doc-1"));

  this->store_->put_document(document("doc-1", "ws-1"), {});
  auto ownership = this->workspaces().find_document_ownership("kb-1", "doc-1");
  ASSERT_TRUE(ownership);
  EXPECT_EQ(ownership->workspace_id, "ws-1");

  this->store_->put_document(document("doc-1", "ws-2"), {});
  EXPECT_EQ(this->workspaces().find_document_ownership("kb-1", "doc-1")->workspace_id, "ws-2");

  this->store_->put_document(document("doc-1", std::nullopt), {});
  ownership = this->workspaces().find_document_ownership("kb-1", "doc-1");
  ASSERT_TRUE(ownership);
  EXPECT_EQ(ownership->workspace_id, std::nullopt);

  this->store_->delete_document("kb-1", "doc-1");
  EXPECT_FALSE(this->workspaces().find_document_ownership("kb-1", "doc-1"));
}

}  // namespace
}  // namespace nadoo::store

// WalCheckpointer (src/store/sqlite/wal_checkpointer.h): a commit no longer
// checkpoints the WAL itself; the checkpointer's thread copies the log into
// the database file once the WAL passes its threshold, and once more when
// it stops.
#include "store/sqlite/wal_checkpointer.h"

#include <sqlite3.h>

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <string>

#include "store/sqlite/statement.h"
#include "support/temp_dir.h"

namespace disync::store::sqlite_internal {
namespace {

namespace fs = std::filesystem;

class WalCheckpointerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = test_support::FreshTestDir("disync_wal_test");
    path_ = (dir_ / "t.db").string();
    ASSERT_EQ(sqlite3_open(path_.c_str(), &db_), SQLITE_OK);
    ASSERT_TRUE(Exec(db_, "PRAGMA journal_mode=WAL", "wal").ok());
    ASSERT_TRUE(Exec(db_, "CREATE TABLE t (v BLOB)", "create").ok());
    // Start from an empty WAL, with the table in the database file.
    ASSERT_EQ(sqlite3_wal_checkpoint_v2(db_, nullptr, SQLITE_CHECKPOINT_TRUNCATE, nullptr, nullptr),
              SQLITE_OK);
    empty_size_ = fs::file_size(path_);
  }

  void TearDown() override {
    EXPECT_EQ(sqlite3_close(db_), SQLITE_OK);
    fs::remove_all(dir_);
  }

  void InsertBytes(int bytes) {
    auto insert = Statement::Prepare(db_, "INSERT INTO t VALUES (zeroblob(?))");
    ASSERT_TRUE(insert.ok());
    insert->BindInt(1, bytes);
    ASSERT_TRUE(insert->Run().ok());
  }

  fs::path dir_;
  std::string path_;
  sqlite3* db_ = nullptr;
  uintmax_t empty_size_ = 0;
};

TEST_F(WalCheckpointerTest, TheCommitLeavesTheCheckpointToTheThread) {
  {
    auto checkpointer = WalCheckpointer::Start(path_, db_, /*threshold_pages=*/1 << 30);
    ASSERT_TRUE(checkpointer.ok()) << checkpointer.error().message();
    // 5 MB is past SQLite's automatic threshold of 1000 pages: without the
    // checkpointer this commit would have copied them into the file itself.
    InsertBytes(5 << 20);
    EXPECT_EQ(fs::file_size(path_), empty_size_);
    EXPECT_GT(fs::file_size(path_ + "-wal"), uintmax_t{5} << 20);
    EXPECT_EQ((*checkpointer)->checkpoints(), 0);
  }
  // Stopping checkpoints once more.
  EXPECT_GT(fs::file_size(path_), uintmax_t{5} << 20);
}

TEST_F(WalCheckpointerTest, CheckpointsOnceTheWalPassesTheThreshold) {
  auto checkpointer = WalCheckpointer::Start(path_, db_, /*threshold_pages=*/16);
  ASSERT_TRUE(checkpointer.ok()) << checkpointer.error().message();
  InsertBytes(1 << 20);
  ASSERT_TRUE((*checkpointer)->WaitForCheckpoints(
      1, std::chrono::steady_clock::now() + std::chrono::seconds(30)));
  EXPECT_GT(fs::file_size(path_), uintmax_t{1} << 20);
}

TEST_F(WalCheckpointerTest, ANewCommitAfterDestructionUsesNoHook) {
  { ASSERT_TRUE(WalCheckpointer::Start(path_, db_, 16).ok()); }
  InsertBytes(4096);  // would call into the destroyed checkpointer (ASan)
  SUCCEED();
}

}  // namespace
}  // namespace disync::store::sqlite_internal
